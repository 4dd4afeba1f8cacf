"""OpenID4VCI endpoints (public): metadata, token, nonce, credential.

Errors here speak OAuth (``error``, ``error_description``) as the spec requires, and
carry Rugzak's ``code``/``message``/``detail`` too (``shared.oid4vci.oauth_error``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from issuer.api.deps import IssuerDep, OffersDep
from issuer.api.models import ErrorOut
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.oid4vci import (
    AS_METADATA_PATH,
    ISSUER_METADATA_PATH,
    PRE_AUTHORIZED_GRANT,
    AuthorizationServerMetadata,
    CredentialOffer,
    CredentialRequest,
    CredentialResponse,
    IssuerMetadata,
    NonceResponse,
    TokenRequest,
    TokenResponse,
    build_issuer_metadata,
)
from shared.runtime.web import StrictJSONRoute
from shared.strict_json import parse as parse_json

log = logging.getLogger("rugzak.issuer")
router = APIRouter(route_class=StrictJSONRoute, tags=["oid4vci"])
T = TypeVar("T")
NO_STORE = {"Cache-Control": "no-store"}

_GRANT = {"offer_not_found", "offer_used", "offer_expired", "tx_code_invalid"}
_TOKEN = {"token_missing", "token_invalid", "token_expired"}
_NONCE = {"nonce_unknown", "nonce_reused", "nonce_expired", "nonce_mismatch"}


def _oauth_code(error: RugzakError, endpoint: str) -> tuple[str, int]:
    code = str(error.code)
    if code == "unsupported_grant_type":
        return "unsupported_grant_type", 400
    if endpoint == "token":
        return ("invalid_grant", 400) if code in _GRANT else ("invalid_request", 400)
    if code in _TOKEN:
        return "invalid_token", 401
    if code in _NONCE:
        return "invalid_nonce", 400
    if code == "unknown_credential_configuration":
        return "unknown_credential_configuration", 400
    if code == "offer_used":
        return "credential_request_denied", 400
    if code in ("invalid_request", "invalid_json", "passphrase_required", "achievement_retired"):
        return "invalid_credential_request", 400
    return "invalid_proof", 400


def _run(endpoint: str, action: Callable[[], T]) -> T | JSONResponse:
    try:
        return action()
    except RugzakError as error:
        oauth, status = _oauth_code(error, endpoint)
        if error.code == ErrorCode.passphrase_required:
            status = 503
        headers = dict(NO_STORE)
        if status == 401:
            headers["WWW-Authenticate"] = f'Bearer error="{oauth}"'
        body = {"error": oauth, "error_description": error.message, **error.to_dict()}
        log.info("oid4vci %s refused: %s", endpoint, error.code)
        return JSONResponse(body, status_code=status, headers=headers)


@router.get(
    ISSUER_METADATA_PATH,
    response_model=IssuerMetadata,
    response_model_exclude_none=True,
    operation_id="oid4vci_issuer_metadata",
)
def issuer_metadata(issuer: IssuerDep) -> Any:
    return build_issuer_metadata(
        issuer.identity.base_url, name=str(issuer.identity.profile.get("name", "Issuer"))
    )


@router.get(
    AS_METADATA_PATH,
    response_model=AuthorizationServerMetadata,
    operation_id="oid4vci_authorization_server_metadata",
)
def authorization_server_metadata(issuer: IssuerDep) -> Any:
    base = issuer.identity.base_url
    return AuthorizationServerMetadata(issuer=base, token_endpoint=base + "/oid4vci/token")


_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type", "pre-authorized_code"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": [PRE_AUTHORIZED_GRANT]},
                        "pre-authorized_code": {"type": "string"},
                        "tx_code": {"type": "string"},
                    },
                }
            }
        },
    }
}
_CREDENTIAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CredentialRequest.model_json_schema(by_alias=True)}
        },
    }
}


@router.post(
    "/oid4vci/token",
    operation_id="oid4vci_token",
    openapi_extra=_TOKEN_BODY,
    response_model=TokenResponse,
)
async def token(request: Request, offers: OffersDep) -> Any:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        form: dict[str, str] = {}
    else:
        raw = await request.form()
        form = {k: v for k, v in raw.items() if isinstance(v, str)}

    def act() -> Any:
        if not form:
            raise InvalidInput(
                "send the token request as application/x-www-form-urlencoded",
                code=ErrorCode.invalid_request,
            )
        return offers.token(TokenRequest.from_form(form))

    result = await run_in_threadpool(_run, "token", act)
    if isinstance(result, JSONResponse):
        return result
    return JSONResponse(result.to_dict(), headers=NO_STORE)


@router.get(
    "/oid4vci/offers/{code}",
    operation_id="oid4vci_offer_by_reference",
    response_model=CredentialOffer,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
def offer_by_reference(code: str, offers: OffersDep) -> Any:
    """The credential offer object behind a ``credential_offer_uri`` link (open offers)."""
    try:
        offer = offers.by_reference(code)
    except RugzakError as error:
        return JSONResponse(error.to_dict(), status_code=error.code.http_status, headers=NO_STORE)
    return JSONResponse(offer.to_dict(), headers=NO_STORE)


@router.post("/oid4vci/nonce", operation_id="oid4vci_nonce", response_model=NonceResponse)
def nonce(offers: OffersDep) -> Any:
    result = _run("nonce", offers.nonce)
    if isinstance(result, JSONResponse):
        return result
    return JSONResponse(result.to_dict(), headers=NO_STORE)


@router.post(
    "/oid4vci/credential",
    operation_id="oid4vci_credential",
    openapi_extra=_CREDENTIAL_BODY,
    response_model=CredentialResponse,
)
async def credential(request: Request, offers: OffersDep) -> Any:
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    access_token = value.strip() if scheme.lower() == "bearer" else None
    body = await request.body()

    def act() -> Any:
        try:
            data = parse_json(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                "the credential request is not JSON", code=ErrorCode.invalid_json
            ) from exc
        parsed: CredentialRequest = CredentialRequest.parse(data)
        return offers.credential(access_token, parsed)

    result = await run_in_threadpool(_run, "credential", act)
    if isinstance(result, JSONResponse):
        return result
    return JSONResponse(result.to_dict(), headers=NO_STORE)
