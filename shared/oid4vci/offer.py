"""Credential offers: build, link, parse (OID4VCI 1.0 §4.1)."""

from __future__ import annotations

import json
from typing import Any, Literal
from urllib.parse import parse_qs, quote, urlsplit

from pydantic import Field, model_validator

from shared.errors import ErrorCode, InvalidInput
from shared.oid4vci.base import (
    MAX_OFFER_CHARS,
    OB_CONFIGURATION_ID,
    OFFER_SCHEME,
    PRE_AUTHORIZED_GRANT,
    Message,
    check_https_or_local,
)
from shared.strict_json import parse as parse_json


class TxCode(Message):
    """A transaction code the user must enter (OID4VCI §4.1.1); ``{}`` is valid."""

    input_mode: Literal["numeric", "text"] | None = None
    length: int | None = Field(default=None, ge=1, le=32)
    description: str | None = Field(default=None, max_length=300)


class PreAuthorizedCodeGrant(Message):
    pre_authorized_code: str = Field(alias="pre-authorized_code", min_length=1, max_length=512)
    tx_code: TxCode | None = None


class CredentialOffer(Message):
    """The credential offer object (OID4VCI §4.1.1), pre-authorized code grant."""

    credential_issuer: str = Field(min_length=1, max_length=2048)
    credential_configuration_ids: list[str] = Field(min_length=1, max_length=16)
    grants: dict[str, Any]

    @model_validator(mode="after")
    def _has_pre_authorized_grant(self) -> CredentialOffer:
        check_https_or_local(self.credential_issuer, "credential_issuer")
        grant = self.grants.get(PRE_AUTHORIZED_GRANT)
        if grant is None:
            raise ValueError("the offer has no pre-authorized code grant")
        PreAuthorizedCodeGrant.model_validate(grant)
        return self

    @property
    def pre_authorized(self) -> PreAuthorizedCodeGrant:
        grant: PreAuthorizedCodeGrant = PreAuthorizedCodeGrant.model_validate(
            self.grants[PRE_AUTHORIZED_GRANT]
        )
        return grant

    @property
    def pre_authorized_code(self) -> str:
        return self.pre_authorized.pre_authorized_code

    @property
    def tx_code(self) -> TxCode | None:
        """Not None when the wallet must ask the user for a transaction code."""
        return self.pre_authorized.tx_code


def build_credential_offer(
    *,
    credential_issuer: str,
    pre_authorized_code: str,
    credential_configuration_ids: tuple[str, ...] | list[str] = (OB_CONFIGURATION_ID,),
    tx_code: TxCode | None = None,
) -> CredentialOffer:
    """A credential offer with the pre-authorized code grant."""
    grant: dict[str, Any] = {"pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        grant["tx_code"] = tx_code.to_dict()
    offer: CredentialOffer = CredentialOffer.parse(
        {
            "credential_issuer": credential_issuer,
            "credential_configuration_ids": list(credential_configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        },
        code=ErrorCode.invalid_offer,
    )
    return offer


def offer_link(offer: CredentialOffer) -> str:
    """``openid-credential-offer://?credential_offer=<urlencoded compact JSON>``."""
    text = json.dumps(offer.to_dict(), separators=(",", ":"), ensure_ascii=False)
    return f"{OFFER_SCHEME}://?credential_offer={quote(text, safe='')}"


def offer_reference_link(credential_offer_uri: str) -> str:
    """``openid-credential-offer://?credential_offer_uri=<urlencoded https URL>``.

    Much shorter than the offer by value, so its QR code is small; the wallet GETs
    the offer object from the URL.
    """
    check_https_or_local(credential_offer_uri, "credential_offer_uri", error=True)
    return f"{OFFER_SCHEME}://?credential_offer_uri={quote(credential_offer_uri, safe='')}"


class OfferByReference(Message):
    """An offer passed by reference: the wallet GETs ``credential_offer_uri``."""

    credential_offer_uri: str


def parse_offer_link(link: str) -> CredentialOffer | OfferByReference:
    """Read an offer link (custom scheme or an https link with the same query).

    Also accepts the bare JSON offer object, as pasted or read from a file.
    """
    if not isinstance(link, str):
        raise InvalidInput("an offer link must be text", code=ErrorCode.invalid_offer)
    text = link.strip()
    if len(text) > MAX_OFFER_CHARS:
        raise InvalidInput("the offer is too long", code=ErrorCode.payload_too_large)
    if text.startswith("{"):
        return parse_offer_json(text)
    parts = urlsplit(text)
    if parts.scheme not in (OFFER_SCHEME, "https", "http"):
        raise InvalidInput(
            "not a credential offer link", code=ErrorCode.invalid_offer, detail=text[:80]
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    by_value = query.get("credential_offer", [])
    by_ref = query.get("credential_offer_uri", [])
    if len(by_value) + len(by_ref) != 1:
        raise InvalidInput(
            "an offer link carries exactly one of credential_offer or credential_offer_uri",
            code=ErrorCode.invalid_offer,
        )
    if by_ref:
        check_https_or_local(by_ref[0], "credential_offer_uri", error=True)
        return OfferByReference(credential_offer_uri=by_ref[0])
    return parse_offer_json(by_value[0])


def parse_offer_json(text: str | bytes) -> CredentialOffer:
    """Parse the JSON credential offer object (e.g. fetched by reference)."""
    try:
        data = parse_json(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "the credential offer is not JSON", code=ErrorCode.invalid_offer
        ) from exc
    offer: CredentialOffer = CredentialOffer.parse(data, code=ErrorCode.invalid_offer)
    return offer
