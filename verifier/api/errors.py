"""Every error answer is ``{"code", "message", "detail"}`` with a stable code; never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, RugzakError, Unsupported

log = logging.getLogger("rugzak.verifier")

_HTTP_CODES = {
    404: ErrorCode.not_found,
    405: ErrorCode.method_not_allowed,
    413: ErrorCode.payload_too_large,
    415: ErrorCode.unsupported_media_type,
    429: ErrorCode.rate_limited,
}


def error_body(code: ErrorCode | str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"code": str(code), "message": message, "detail": detail}


def status_for(error: RugzakError) -> int:
    if error.code == ErrorCode.payload_too_large:
        return 413
    if error.code == ErrorCode.rate_limited:
        return 429
    if error.code in (ErrorCode.not_found,):
        return 404
    if isinstance(error, InvalidInput | Unsupported):
        return 400
    if isinstance(error, ResolutionFailed):
        return 502
    return 400


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RugzakError)
    async def rugzak_error(_request: Request, exc: RugzakError) -> JSONResponse:
        return JSONResponse(exc.to_dict(), status_code=status_for(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            body = error_body(ErrorCode.invalid_json, "The request body is not valid JSON.")
        else:
            detail = [
                {"loc": list(e.get("loc", ())), "message": str(e.get("msg", ""))}
                for e in errors[:20]
            ]
            body = error_body(
                ErrorCode.invalid_request, "The request does not have the expected fields.", detail
            )
        return JSONResponse(body, status_code=400 if body["code"] == "invalid_json" else 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, ErrorCode.invalid_request)
        message = exc.detail if isinstance(exc.detail, str) else "The request was refused."
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # A bug, not bad input: log the type only (inputs may hold personal data).
        log.error("internal error: %s", type(exc).__name__, exc_info=exc)
        return JSONResponse(
            error_body(ErrorCode.internal_error, "Something went wrong inside the verifier."),
            status_code=500,
        )
