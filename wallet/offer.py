"""Redeem an OpenID4VCI credential offer (pre-authorized code flow) as the wallet.

Steps (OID4VCI 1.0; messages from ``shared.oid4vci``): read the offer (by value or
by reference), read the issuer's and its authorization server's metadata, trade the
pre-authorized code (and the transaction code, if asked) for an access token, get a
fresh ``c_nonce``, prove possession of the holder key in a JWT and ask for each
offered configuration. Every credential received then goes through the same checks
as a file import (``wallet.receive``): the issuer must have bound it to our DID.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared import oid4vci
from shared.errors import AccessDenied, ErrorCode, ResolutionFailed, RugzakError
from shared.keys import SigningKey
from wallet.network import Network


def is_offer(text: str) -> bool:
    """Does this pasted text look like a credential offer (rather than a file or URL)?"""
    stripped = text.strip()
    return stripped.startswith(f"{oid4vci.OFFER_SCHEME}:") or (
        "credential_offer=" in stripped or "credential_offer_uri=" in stripped
    )


def read_offer(text: str, network: Network) -> oid4vci.CredentialOffer:
    """The offer object, fetching it first when it is passed by reference."""
    parsed = oid4vci.parse_offer_link(text)
    if isinstance(parsed, oid4vci.OfferByReference):
        body = network.get_bytes(parsed.credential_offer_uri)
        return oid4vci.parse_offer_json(body)
    return parsed


def redeem(
    offer: oid4vci.CredentialOffer,
    holder: SigningKey,
    network: Network,
    *,
    clock: Callable[[], datetime],
    tx_code: str | None = None,
) -> list[dict[str, Any]]:
    """Run the pre-authorized code flow; returns the credentials the issuer sent."""
    if offer.tx_code is not None and not tx_code:
        raise AccessDenied(
            "This offer needs the transaction code the issuer gave you.",
            code=ErrorCode.tx_code_required,
        )
    issuer = offer.credential_issuer.rstrip("/")
    metadata: oid4vci.IssuerMetadata = oid4vci.IssuerMetadata.parse(
        network.get_json(oid4vci.well_known_url(issuer)), code=ErrorCode.offer_failed
    )
    if metadata.credential_issuer.rstrip("/") != issuer:
        raise _failed(
            "The issuer's metadata names another issuer.",
            {"offer": issuer, "metadata": metadata.credential_issuer},
        )
    auth_server = (metadata.authorization_servers or [issuer])[0].rstrip("/")
    as_metadata: oid4vci.AuthorizationServerMetadata = oid4vci.AuthorizationServerMetadata.parse(
        network.get_json(oid4vci.well_known_url(auth_server, oid4vci.AS_METADATA_PATH)),
        code=ErrorCode.offer_failed,
    )

    form = {
        "grant_type": oid4vci.PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": offer.pre_authorized_code,
    }
    if tx_code:
        form["tx_code"] = tx_code
    status, body = network.post(as_metadata.token_endpoint, form=form)
    _expect_ok(status, body, "token")
    token: oid4vci.TokenResponse = oid4vci.TokenResponse.parse(body, code=ErrorCode.offer_failed)

    credentials: list[dict[str, Any]] = []
    for configuration_id in offer.credential_configuration_ids:
        if configuration_id not in metadata.credential_configurations_supported:
            raise _failed(
                f"The issuer does not describe the offered '{configuration_id}'.", configuration_id
            )
        nonce = _nonce(metadata, network, body)
        proof = oid4vci.make_proof_jwt(
            holder, audience=metadata.credential_issuer, nonce=nonce, issued_at=clock()
        )
        request = oid4vci.CredentialRequest(
            credential_configuration_id=configuration_id,
            proofs=oid4vci.Proofs(jwt=[proof]),
        )
        status, reply = network.post(
            metadata.credential_endpoint, json_body=request.to_dict(), bearer=token.access_token
        )
        _expect_ok(status, reply, "credential")
        response: oid4vci.CredentialResponse = oid4vci.CredentialResponse.parse(
            reply, code=ErrorCode.offer_failed
        )
        credentials.extend(response.issued())
    return credentials


def _nonce(metadata: oid4vci.IssuerMetadata, network: Network, token_body: Any) -> str:
    if metadata.nonce_endpoint:
        status, body = network.post(metadata.nonce_endpoint)
        _expect_ok(status, body, "nonce")
        reply: oid4vci.NonceResponse = oid4vci.NonceResponse.parse(
            body, code=ErrorCode.offer_failed
        )
        return reply.c_nonce
    if isinstance(token_body, dict) and isinstance(token_body.get("c_nonce"), str):
        return str(token_body["c_nonce"])
    raise _failed("The issuer gives no nonce to prove the wallet's key with.", None)


def _expect_ok(status: int, body: Any, step: str) -> None:
    if 200 <= status < 300:
        return
    if isinstance(body, dict):
        message = body.get("error_description") or body.get("message") or body.get("error")
        code = body.get("code")
        if isinstance(message, str):
            known = code if isinstance(code, str) and code in ErrorCode.__members__ else None
            raise RugzakError(
                f"The issuer refused the {step} request: {message}",
                code=known or ErrorCode.offer_failed,
                detail={"step": step, "status": status, "error": body.get("error")},
            )
    raise ResolutionFailed(
        f"The issuer refused the {step} request (HTTP {status}).",
        code=ErrorCode.offer_failed,
        detail={"step": step, "status": status},
    )


def _failed(message: str, detail: Any) -> RugzakError:
    return RugzakError(message, code=ErrorCode.offer_failed, detail=detail)
