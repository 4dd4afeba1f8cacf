"""``/oid4vp``: the Request URI and the Response URI of OpenID4VP 1.0.

- ``GET /oid4vp/request/{code}``: the unsigned Request Object
  (``application/oauth-authz-req+jwt``, RFC 9101; §5.9.3 ``redirect_uri`` prefix).
  The short typeable code works too, so ``CODE@verifier`` resolves here.
- ``POST /oid4vp/response``: ``direct_post`` (§8.2), a form with ``vp_token`` and
  ``state`` (or ``error``); answers ``200`` with a JSON object, or ``400`` with
  ``error``/``error_description``. Never a redirect (§14.8).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from shared.errors import ErrorCode, InvalidInput, NotFound
from shared.oid4vp import FORM_MEDIA_TYPE, REQUEST_OBJECT_MEDIA_TYPE
from shared.presentation_request import normalize_code
from shared.runtime.web import StrictJSONRoute
from verifier.api.schemas import ERRORS
from verifier.service.oid4vp import Oid4vpService

router = APIRouter(route_class=StrictJSONRoute, prefix="/oid4vp", tags=["oid4vp"])
NO_STORE = {"Cache-Control": "no-store"}


async def get_oid4vp(request: Request) -> Oid4vpService:
    service: Oid4vpService = request.app.state.oid4vp
    return service


Oid4vpDep = Annotated[Oid4vpService, Depends(get_oid4vp)]


@router.get(
    "/request/{code}",
    operation_id="get_oid4vp_request_object",
    response_class=Response,
    responses={200: {"content": {REQUEST_OBJECT_MEDIA_TYPE: {}}}, 404: ERRORS[400]},
)
async def request_object(code: str, service: Oid4vpDep) -> Response:
    """The Request Object of an open request (unsigned JWT, ``typ`` oauth-authz-req+jwt)."""
    try:
        challenge = normalize_code(code)
    except InvalidInput as exc:
        raise NotFound("There is no such request.", code=ErrorCode.not_found) from exc
    jwt = await run_in_threadpool(service.request_object, challenge)
    return Response(jwt, media_type=REQUEST_OBJECT_MEDIA_TYPE, headers=NO_STORE)


@router.post(
    "/response",
    operation_id="post_oid4vp_response",
    responses={
        200: {"description": "Processed (JSON object)"},
        400: {
            "description": "OAuth error: error, error_description",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["error"],
                        "properties": {
                            "error": {"type": "string"},
                            "error_description": {"type": "string"},
                        },
                    }
                }
            },
        },
    },
)
async def response(request: Request, service: Oid4vpDep) -> JSONResponse:
    """The Response URI: a form-encoded authorization response (§8.2)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != FORM_MEDIA_TYPE:
        return JSONResponse(
            {
                "error": "invalid_request",
                "error_description": f"The response must be sent as {FORM_MEDIA_TYPE}.",
            },
            status_code=400,
            headers=NO_STORE,
        )
    body = await request.body()
    outcome = await run_in_threadpool(service.handle_response, body)
    verdict = outcome.body.get("rugzak_verdict")
    if outcome.recorded and isinstance(verdict, str):
        request.app.state.verdicts.labels(verdict).inc()
    return JSONResponse(outcome.body, status_code=outcome.status, headers=NO_STORE)
