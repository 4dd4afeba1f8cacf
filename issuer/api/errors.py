"""Errors as JSON ``{"code", "message", "detail"}`` with an HTTP status per code."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import ErrorCode, RugzakError

log = logging.getLogger("rugzak.issuer")

HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.not_found: 404,
    ErrorCode.achievement_not_found: 404,
    ErrorCode.framework_not_found: 404,
    ErrorCode.skill_not_found: 404,
    ErrorCode.credential_not_found: 404,
    ErrorCode.offer_not_found: 404,
    ErrorCode.conflict: 409,
    ErrorCode.achievement_retired: 409,
    ErrorCode.offer_used: 409,
    ErrorCode.already_initialized: 409,
    ErrorCode.unauthorized: 401,
    ErrorCode.token_missing: 401,
    ErrorCode.token_invalid: 401,
    ErrorCode.token_expired: 401,
    ErrorCode.forbidden: 403,
    ErrorCode.payload_too_large: 413,
    ErrorCode.unsupported_media_type: 415,
    ErrorCode.image_too_large: 413,
    ErrorCode.passphrase_required: 503,
    ErrorCode.not_initialized: 503,
    ErrorCode.internal_error: 500,
}


def status_for(error: RugzakError) -> int:
    return HTTP_STATUS.get(error.code, 400)


def error_body(code: ErrorCode, message: str, detail: Any = None) -> dict[str, Any]:
    return {"code": str(code), "message": message, "detail": detail}


def install(app: FastAPI) -> None:
    """Register handlers so no bad input ever becomes a 500 or a traceback."""

    @app.exception_handler(RugzakError)
    async def _rugzak(_request: Request, exc: RugzakError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if status_for(exc) == 401 else None
        return JSONResponse(exc.to_dict(), status_code=status_for(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "message": err.get("msg")}
            for err in exc.errors()
        ]
        body = error_body(ErrorCode.invalid_request, "the request is not valid", detail)
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: ErrorCode.not_found,
            405: ErrorCode.invalid_request,
            401: ErrorCode.unauthorized,
            403: ErrorCode.forbidden,
            413: ErrorCode.payload_too_large,
        }.get(exc.status_code, ErrorCode.invalid_request)
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # A bug, not bad input: log the type only (messages may hold request data).
        log.error("unexpected error: %s", type(exc).__name__)
        body = error_body(ErrorCode.internal_error, "internal error")
        return JSONResponse(body, status_code=500)
