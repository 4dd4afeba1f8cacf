"""What both FastAPI services answer when something goes wrong, and their body limits.

Every error answer is ``{"code", "message", "detail"}`` with the HTTP status of its
``ErrorCode`` (``shared.errors``), so the issuer and the verifier say the same thing
for the same problem. Never a traceback, never a bare 500 for bad input.
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import ErrorCode, RugzakError
from shared.strict_json import StrictJSONError
from shared.strict_json import parse as parse_json

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Starlette's own refusals (no route, wrong method...) as Rugzak codes.
HTTP_CODES: dict[int, ErrorCode] = {
    401: ErrorCode.unauthorized,
    403: ErrorCode.forbidden,
    404: ErrorCode.not_found,
    405: ErrorCode.method_not_allowed,
    413: ErrorCode.payload_too_large,
    415: ErrorCode.unsupported_media_type,
    429: ErrorCode.rate_limited,
}
MAX_DETAILS = 20

NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""``FastAPI(telemetry=...)`` for both services: they export Prometheus metrics
(``shared.runtime.observe``); FastAPI's own OpenTelemetry hooks would look up the
global providers on every request (a fortieth of a millisecond each) to find none."""


class FastJSONResponse(JSONResponse):
    """A ``JSONResponse`` rendered by orjson: the same bytes as Starlette's
    ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` for the values
    answers hold (dicts with string keys, lists, strings, 64-bit ints, booleans,
    None), in about a tenth of the CPU time (90 against 6 microseconds for a verdict).

    Some small floats are spelled differently, the same number (``1e-05`` as
    ``0.00001``, ``1e-07`` as ``1e-7``); NaN, which ``json.dumps`` refuses here, is
    written as ``null``. What orjson refuses (a lone surrogate, an integer beyond 64
    bits, a non-string key) is rendered by Starlette's encoder, exactly as before.
    """

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:
            return super().render(content)


class ErrorOut(BaseModel):
    """Every error answer of both services (the OpenAPI model of ``error_body``)."""

    code: str
    message: str
    detail: Any = None


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """FastAPI ``responses=`` for routes that may answer these statuses with an error."""
    return {status: {"model": ErrorOut} for status in statuses}


_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_ERROR_CONTENT = {"application/json": {"schema": _ERROR_REF}}


def document_errors(app: FastAPI) -> None:
    """Make ``/openapi.json`` describe the error answers the handlers really give.

    FastAPI declares its own 422 body (``HTTPValidationError``), which
    ``install_error_handlers`` replaces with ``{"code", "message", "detail"}``;
    generated clients then mis-parse every 422. Here every operation declares 400
    and 422 as ``ErrorOut`` (unless a route declared its own body, like the OAuth
    errors of OpenID4VCI/VP), and a ``default`` response (``ErrorOut``) for every other
    error status (401, 404, 408, 413, 429, 503...).
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status in ("400", "422"):
                    declared = responses.get(status, {})
                    if "HTTPValidationError" in json.dumps(declared) or not declared.get("content"):
                        # FastAPI's own 422 (or none): the handlers answer ErrorOut.
                        # A route that declared its own body (OAuth errors) keeps it.
                        description = declared.get("description", "Bad request")
                        responses[status] = {
                            "description": description,
                            "content": _ERROR_CONTENT,
                        }
                responses.setdefault(
                    "default",
                    {"description": "An error: code, message, detail", "content": _ERROR_CONTENT},
                )
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def error_body(code: ErrorCode | str, message: str, detail: Any = None) -> dict[str, Any]:
    """The one error shape: ``{"code", "message", "detail"}``."""
    return {"code": str(code), "message": message, "detail": detail}


def error_response(error: RugzakError) -> JSONResponse:
    """A ``RugzakError`` as JSON with its code's HTTP status (and a challenge on 401)."""
    status = error.code.http_status
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error.to_dict(), status_code=status, headers=headers)


def where(exc: BaseException) -> str:
    """The traceback's frames (file, line, function, source line) without any
    exception message, for the chain of causes too."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < 5:
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{type(current).__name__} at:\n{frames}")
        current = current.__cause__ or current.__context__
    return "caused by ".join(reversed(parts))


def install_error_handlers(app: FastAPI, *, service: str) -> None:
    """Register the handlers; ``service`` names the app in logs and in the 500 answer."""
    log = logging.getLogger(f"rugzak.{service}")
    document_errors(app)
    build_stack = app.build_middleware_stack

    def build_quiet_stack() -> ASGIApp:
        # Starlette answers 500 through the handler below, then re-raises so that the
        # server logs it: uvicorn would print the full traceback with the exception's
        # message (request data). The handler has logged it without: stop it here.
        stack = build_stack()

        async def quiet(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                await stack(scope, receive, send)
            except Exception as exc:
                if not getattr(exc, "rugzak_logged", False):
                    raise

        return quiet

    app.build_middleware_stack = build_quiet_stack  # type: ignore[method-assign]

    @app.exception_handler(RugzakError)
    async def rugzak_error(_request: Request, exc: RugzakError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        invalid = [e for e in errors if e.get("type") == "json_invalid"]
        if invalid:
            reason = (invalid[0].get("ctx") or {}).get("error")
            body = error_body(
                ErrorCode.invalid_json,
                "The request body is not valid JSON.",
                {"reason": str(reason)[:200]} if reason else None,
            )
            return JSONResponse(body, status_code=ErrorCode.invalid_json.http_status)
        detail = [
            {
                "loc": list(e.get("loc", ())),
                "field": ".".join(str(part) for part in e.get("loc", ())),
                "message": str(e.get("msg", "")),
            }
            for e in errors[:MAX_DETAILS]
        ]
        body = error_body(
            ErrorCode.invalid_request, "The request does not have the expected fields.", detail
        )
        return JSONResponse(body, status_code=422)

    @app.exception_handler(ValidationError)
    async def model_error(_request: Request, exc: ValidationError) -> JSONResponse:
        # A body that passed the request model but not a stricter model built from it
        # inside the route: still the caller's input, never a 500.
        detail = [
            {
                "loc": list(e.get("loc", ())),
                "field": ".".join(str(part) for part in e.get("loc", ())),
                "message": str(e.get("msg", "")),
            }
            for e in exc.errors()[:MAX_DETAILS]
        ]
        body = error_body(
            ErrorCode.invalid_request, "The request does not have the expected fields.", detail
        )
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, ErrorCode.invalid_request)
        message = exc.detail if isinstance(exc.detail, str) else "The request was refused."
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # A bug, not bad input. Exception messages can hold request data (a DID, a
        # credential, SQL parameters): log the type and where it happened, not what.
        log.error("internal error: %s\n%s", type(exc).__name__, where(exc))
        exc.rugzak_logged = True  # type: ignore[attr-defined]
        body = error_body(ErrorCode.internal_error, f"Something went wrong inside the {service}.")
        return JSONResponse(body, status_code=ErrorCode.internal_error.http_status)


class _StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = parse_json(body)
            except StrictJSONError as exc:
                # FastAPI turns a JSONDecodeError into its json_invalid validation error,
                # which the handler above answers as invalid_json with this reason.
                raise json.JSONDecodeError(str(exc), "", 0) from exc
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose JSON body is read by ``shared.strict_json`` (duplicate member
    names and NaN/Infinity refused as ``invalid_json``). Set as ``route_class`` on
    every router of both services."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict_handler


async def send_error(
    send: Send,
    code: ErrorCode,
    message: str,
    *,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> None:
    """An error answer from plain ASGI middleware (before FastAPI's handlers run)."""
    body = json.dumps(error_body(code, message, detail)).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    for key, value in (headers or {}).items():
        raw_headers.append((key.lower().encode(), value.encode()))
    await send({"type": "http.response.start", "status": code.http_status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def client_address(scope: Scope, *, forwarded_hops: int = 0) -> str:
    """The client address that rate limits key on.

    With no proxy (``forwarded_hops`` 0) it is the socket peer; ``X-Forwarded-For``
    is ignored, whoever sends it. Behind ``forwarded_hops`` reverse proxies that each
    append the address they saw, the client is the entry that many places from the
    right: everything left of it was written by the client and can say anything. A
    request with fewer entries did not pass all the proxies, so its socket peer counts.
    """
    if forwarded_hops > 0:
        entries: list[str] = []
        for key, value in scope.get("headers", []):
            if key == b"x-forwarded-for":
                entries += [e.strip() for e in value.decode("latin-1").split(",")]
        if len(entries) >= forwarded_hops and entries[-forwarded_hops]:
            return entries[-forwarded_hops][:100]
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class BodyLimit:
    """Reads at most ``limit`` bytes of a request body (per path if a function), else 413;
    the whole body within ``timeout`` seconds, else 408.

    The body is buffered (it is small by construction) and replayed to the app, so
    a lying or missing Content-Length cannot get more bytes past the limit, and a
    client trickling bytes cannot hold a request open for ever. The deadline is
    asyncio's own (``asyncio.timeout``: the services run on asyncio), a few
    microseconds cheaper per request than an anyio cancel scope.
    """

    def __init__(
        self, app: ASGIApp, limit: int | Callable[[str], int], timeout: float | None = None
    ) -> None:
        self.app = app
        self.limit_for: Callable[[str], int] = limit if callable(limit) else lambda _path: limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_big(send, limit)
                return
        chunks: list[bytes] = []
        size = 0
        deadline = asyncio.timeout(self.timeout)
        try:
            async with deadline:
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        await _too_big(send, limit)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            if not deadline.expired():
                raise  # not this deadline's
            await send_error(
                send,
                ErrorCode.request_timeout,
                "The request body did not arrive in time.",
                detail={"seconds": self.timeout},
                headers={"connection": "close"},
            )
            return
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_big(send: Send, limit: int) -> None:
    await send_error(
        send,
        ErrorCode.payload_too_large,
        f"The request body is larger than {limit} bytes.",
        detail={"limit": limit},
    )
