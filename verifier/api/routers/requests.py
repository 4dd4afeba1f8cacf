"""``/requests``: presentation requests (nonce + domain) for a learner's wallet to answer."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from shared import qr
from shared.errors import ErrorCode, InvalidInput
from shared.presentation_request import normalize_code
from verifier.api.deps import VerifierDep
from verifier.api.schemas import ERRORS, RequestCreate, RequestOut

router = APIRouter(prefix="/requests", tags=["requests"])


@router.post(
    "",
    response_model=RequestOut,
    status_code=201,
    operation_id="create_request",
    responses=ERRORS,
)
async def create_request(verifier: VerifierDep, body: RequestCreate | None = None) -> RequestOut:
    """Start a presentation request: a single-use nonce that expires (default 10 minutes)."""
    body = body or RequestCreate()
    ttl = timedelta(seconds=body.ttl_seconds) if body.ttl_seconds else None
    request = await run_in_threadpool(verifier.new_request, body.types, ttl)
    return RequestOut(**request.to_dict(), state="pending")


@router.get(
    "/{challenge}",
    response_model=RequestOut,
    operation_id="get_request",
    responses={404: ERRORS[400] | {"description": "Unknown request"}},
)
async def get_request(challenge: str, verifier: VerifierDep) -> RequestOut:
    """A request and its state: pending, used (answered) or expired."""
    request, state = await run_in_threadpool(verifier.request_state, _code(challenge))
    if request is None:
        raise InvalidInput("There is no such request.", code=ErrorCode.not_found)
    return RequestOut(**request.to_dict(), state=state.value)


@router.get(
    "/{challenge}/qr.svg",
    operation_id="get_request_qr",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, 404: ERRORS[400]},
)
async def get_request_qr(challenge: str, verifier: VerifierDep) -> Response:
    """The request as a QR code (SVG) holding its ``rugzak-request:`` text."""
    request, _state = await run_in_threadpool(verifier.request_state, _code(challenge))
    if request is None:
        raise InvalidInput("There is no such request.", code=ErrorCode.not_found)
    svg = qr.render_svg(request.to_text())
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def _code(challenge: str) -> str:
    try:
        return normalize_code(challenge)
    except InvalidInput as exc:
        raise InvalidInput("There is no such request.", code=ErrorCode.not_found) from exc
