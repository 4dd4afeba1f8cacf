"""``/verify/*``: verdicts on presentations, credentials, QR texts and QR images."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse

from shared.errors import ErrorCode, InvalidInput
from shared.runtime.web import FastJSONResponse, StrictJSONRoute
from shared.strict_json import parse as parse_json
from shared.verification import VerificationResult
from verifier.api.deps import LimiterDep, SettingsDep, ThreadLimiterDep, VerifierDep
from verifier.api.schemas import ERRORS, QrIn, ResultOut
from verifier.service.verifier import Verifier, result_dict

router = APIRouter(route_class=StrictJSONRoute, prefix="/verify", tags=["verify"])

_JSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": 'The document itself, or {"presentation"|"credential": '
                    'document, "challenge": nonce}.',
                }
            }
        },
    }
}


def _parse_body(raw: bytes) -> Any:
    if not raw.strip():
        raise InvalidInput("The request body is empty.", code=ErrorCode.invalid_json)
    try:
        return parse_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput(
            "The request body is not valid JSON.", code=ErrorCode.invalid_json
        ) from exc


async def _run(limiter: anyio.CapacityLimiter | None, fn: Any, *args: Any, **kwargs: Any) -> Any:
    if limiter is None:  # offline: pure CPU work, no thread hand-off
        return fn(*args, **kwargs)
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs), limiter=limiter)


def _unwrap(body: Any, key: str) -> tuple[Any, str | None]:
    if isinstance(body, dict) and key in body and "@context" not in body:
        challenge = body.get("challenge")
        if challenge is not None and not isinstance(challenge, str):
            raise InvalidInput("'challenge' must be text.", code=ErrorCode.invalid_request)
        return body[key], challenge
    return body, None


#: The JSON routes: what the body holds, and the code for a body that is not an object.
DOCUMENT_ROUTES: dict[str, tuple[str, ErrorCode]] = {
    "/verify/presentation": ("presentation", ErrorCode.malformed_presentation),
    "/verify/credential": ("credential", ErrorCode.malformed_credential),
}


async def answer_document(state: Any, path: str, raw: bytes) -> JSONResponse:
    """The answer of ``POST /verify/presentation`` or ``/verify/credential`` (``path``) to
    the body ``raw``: the verdict as JSON, counted by outcome (valid, invalid, unknown)
    for metrics. Raises ``InvalidInput`` for a body that is not such a document.

    Both the routes and ``verifier.api.fast.FastVerify`` answer through this, so the
    two give the same answer byte for byte.
    """
    key, code = DOCUMENT_ROUTES[path]
    document, challenge = _unwrap(_parse_body(raw), key)
    if not isinstance(document, dict):
        raise InvalidInput(f"Expected a {key} (a JSON object).", code=code)
    verifier: Verifier = state.verifier
    limiter: anyio.CapacityLimiter | None = None if state.verify_inline else state.limiter
    if key == "presentation":
        result = await _run(limiter, verifier.verify_presentation, document, challenge=challenge)
    else:
        result = await _run(limiter, verifier.verify_credential, document)
    # Built by our own code in the shape of ResultOut (the documented model);
    # returning it directly skips a second validation pass per request.
    out = result_dict(result)
    state.verdict_count(out["verdict"]).inc()
    return FastJSONResponse(out)


def _answer(request: Request, result: VerificationResult) -> JSONResponse:
    """The verdict as JSON, counted by outcome (valid, invalid, unknown) for metrics."""
    out = result_dict(result)
    request.app.state.verdict_count(out["verdict"]).inc()
    return FastJSONResponse(out)


@router.post(
    "/presentation",
    response_model=ResultOut,
    operation_id="verify_presentation",
    responses=ERRORS,
    openapi_extra=_JSON_BODY,
)
async def verify_presentation(request: Request) -> JSONResponse:
    """Verify a presentation that answers one of this verifier's requests."""
    # Served by verifier.api.fast.FastVerify in the app (the same answer_document
    # without FastAPI's routing); this route documents it and answers without it.
    return await answer_document(request.app.state, "/verify/presentation", await request.body())


@router.post(
    "/credential",
    response_model=ResultOut,
    operation_id="verify_credential",
    responses=ERRORS,
    openapi_extra=_JSON_BODY,
)
async def verify_credential(request: Request) -> JSONResponse:
    """Verify a single credential (no holder binding: anyone can hold a copy)."""
    return await answer_document(request.app.state, "/verify/credential", await request.body())


async def _upload(file: UploadFile, limit: int, what: str, empty: ErrorCode) -> bytes:
    """An uploaded file read to at most ``limit`` bytes (one byte more tells it is too big)."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"{what} is too large.", code=ErrorCode.payload_too_large)
    if not data:
        raise InvalidInput("The uploaded file is empty.", code=empty)
    return data


@router.post(
    "/qr",
    response_model=ResultOut,
    operation_id="verify_qr",
    responses=ERRORS,
)
async def verify_qr(
    request: Request, body: QrIn, verifier: VerifierDep, limiter: LimiterDep
) -> JSONResponse:
    """Verify what an ``RZ1:`` QR code (or all parts of a multi-part code) or a ``VP1-``
    code (VPQR: Learner Credential Wallet, VerifierPlus) carries."""
    result = await _run(limiter, verifier.verify_qr_texts, body.texts, challenge=body.challenge)
    return _answer(request, result)


@router.post(
    "/image",
    response_model=ResultOut,
    operation_id="verify_image",
    responses=ERRORS,
)
async def verify_image(
    request: Request,
    verifier: VerifierDep,
    settings: SettingsDep,
    limiter: ThreadLimiterDep,
    file: Annotated[UploadFile, File(description="A photo or screenshot of the QR code(s)")],
    challenge: Annotated[str | None, Form(max_length=64)] = None,
) -> JSONResponse:
    """Verify the QR code(s) in an uploaded photo or screenshot."""
    data = await _upload(file, settings.max_image_bytes, "The image", ErrorCode.invalid_image)
    result = await _run(limiter, verifier.verify_qr_image, data, challenge=challenge)
    return _answer(request, result)


@router.post(
    "/any",
    response_model=ResultOut,
    operation_id="verify_any",
    responses=ERRORS,
)
async def verify_any(
    request: Request,
    verifier: VerifierDep,
    settings: SettingsDep,
    limiter: ThreadLimiterDep,
    file: Annotated[
        UploadFile,
        File(
            description="A badge in any form: credential or presentation JSON, VC-JWT, "
            "baked PNG or SVG, Open Badges 2.0 assertion (JSON, JWS or link), VP1- or RZ1: text"
        ),
    ],
    challenge: Annotated[str | None, Form(max_length=64)] = None,
) -> JSONResponse:
    """Verify an uploaded badge whatever its format (the format is recognised, not trusted)."""
    data = await _upload(file, settings.max_image_bytes, "The file", ErrorCode.unsupported_format)
    result = await _run(limiter, verifier.verify_input, data, challenge=challenge)
    return _answer(request, result)
