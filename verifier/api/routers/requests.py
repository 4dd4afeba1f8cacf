"""``/requests``: presentation requests (nonce + domain) for a learner's wallet to answer."""

from __future__ import annotations

import hmac
from datetime import timedelta

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from shared import qr
from shared.errors import ErrorCode, InvalidInput, NotFound
from shared.presentation_request import normalize_code
from shared.runtime.web import StrictJSONRoute
from verifier.api.deps import VerifierDep
from verifier.api.routers.oid4vp import Oid4vpDep
from verifier.api.schemas import ERRORS, Oid4vpOut, RequestCreate, RequestOut, ResultOut
from verifier.service.oid4vp import Oid4vpService
from verifier.store.oid4vp import Transaction

router = APIRouter(route_class=StrictJSONRoute, prefix="/requests", tags=["requests"])


@router.post(
    "",
    response_model=RequestOut,
    status_code=201,
    operation_id="create_request",
    responses=ERRORS,
)
async def create_request(service: Oid4vpDep, body: RequestCreate | None = None) -> RequestOut:
    """Start a presentation request: a single-use nonce that expires (default 10 minutes).

    The answer also carries the request as an OpenID4VP authorization request
    (``oid4vp.link``) and the ``transaction_id`` that reads its verdict.
    """
    body = body or RequestCreate()
    ttl = timedelta(seconds=body.ttl_seconds) if body.ttl_seconds else None
    request, transaction = await run_in_threadpool(service.new_request, body.types, ttl)
    return RequestOut(
        **request.to_dict(),
        state="pending",
        oid4vp=_oid4vp_out(service, transaction, with_secret=True),
    )


def _oid4vp_out(
    service: Oid4vpService, transaction: Transaction, *, with_secret: bool
) -> Oid4vpOut:
    made = service.made(transaction)
    return Oid4vpOut(
        link=made.link.to_text(),
        client_id=made.request.client_id,
        request_uri=made.request_uri,
        response_uri=made.request.response_uri,
        max_qr_parts=service.max_qr_parts,
        transaction_id=transaction.transaction if with_secret else None,
    )


@router.get(
    "/{challenge}",
    response_model=RequestOut,
    operation_id="get_request",
    responses={404: ERRORS[400] | {"description": "Unknown request"}},
)
async def get_request(
    challenge: str,
    verifier: VerifierDep,
    service: Oid4vpDep,
    transaction_id: str | None = Query(default=None, max_length=128),
) -> RequestOut:
    """A request and its state: pending, used (answered) or expired.

    With the ``transaction_id`` from ``POST /requests`` (only the page that made
    the request has it), also the verdict on the wallet's OpenID4VP answer.
    The page polls this until ``state`` is no longer ``pending``.
    """
    code = _code(challenge)
    request, state = await run_in_threadpool(verifier.request_state, code)
    if request is None:
        raise NotFound("There is no such request.", code=ErrorCode.not_found)
    out = RequestOut(**request.to_dict(), state=state.value)
    transaction = await run_in_threadpool(service.transaction, code)
    if transaction is None:
        return out
    out.oid4vp = _oid4vp_out(service, transaction, with_secret=False)
    if transaction_id is not None and hmac.compare_digest(
        transaction_id.encode(), transaction.transaction.encode()
    ):
        if transaction.result is not None:
            out.result = ResultOut.model_validate(transaction.result)
        out.wallet_error = transaction.error
    return out


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
        raise NotFound("There is no such request.", code=ErrorCode.not_found)
    svg = qr.render_svg(request.to_text())
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get(
    "/{challenge}/oid4vp.svg",
    operation_id="get_request_oid4vp_qr",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, 404: ERRORS[400]},
)
async def get_request_oid4vp_qr(challenge: str, service: Oid4vpDep) -> Response:
    """The request as a QR code (SVG) holding its ``openid4vp://`` link."""
    transaction = await run_in_threadpool(service.transaction, _code(challenge))
    if transaction is None:
        raise NotFound("There is no such request.", code=ErrorCode.not_found)
    svg = qr.render_svg(service.made(transaction).link.to_text())
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


def _code(challenge: str) -> str:
    try:
        return normalize_code(challenge)
    except InvalidInput as exc:
        raise NotFound("There is no such request.", code=ErrorCode.not_found) from exc
