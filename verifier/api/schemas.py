"""Request and response models of the verifier API (the OpenAPI at /docs shows them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.runtime.web import ErrorOut as ErrorOut  # the one error shape


class RequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    types: list[str] = Field(default_factory=list, max_length=16)
    """Wanted achievement types (``Badge``, ``Certificate``...); empty: any."""
    ttl_seconds: int | None = Field(default=None, ge=30, le=86_400)


class Oid4vpOut(BaseModel):
    """The request as an OpenID4VP 1.0 authorization request (by reference)."""

    link: str
    """``openid4vp://?response_type=vp_token&...``: the request by value, for the QR code."""
    client_id: str
    request_uri: str
    """The same request as an unsecured Request Object (what a typed short code names)."""
    response_uri: str
    max_qr_parts: int
    """Extension ``rugzak_max_qr_parts``: the most QR codes the offline fallback may use."""
    transaction_id: str | None = None
    """Only in the answer to ``POST /requests``; ``GET /requests/{code}`` needs it."""


class RequestOut(BaseModel):
    challenge: str
    domain: str
    expires_at: str | None
    types: list[str]
    short_code: str
    short_text: str
    text: str
    state: Literal["pending", "used", "expired", "unknown"] = "pending"
    oid4vp: Oid4vpOut | None = None
    result: ResultOut | None = None
    """The verdict on the OpenID4VP answer (with the right ``transaction_id`` only)."""
    wallet_error: dict[str, Any] | None = None
    """The wallet's error answer (e.g. ``access_denied``), if it declined."""


class QrIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: list[str] = Field(min_length=1, max_length=64)
    """Every ``RZ1:`` text scanned (one, or all parts of a multi-part code), or a ``VP1-``."""
    challenge: str | None = Field(default=None, max_length=64)


class CheckOut(BaseModel):
    name: str
    ok: bool
    code: str
    severity: Literal["error", "warning", "info"]
    message: str
    detail: Any = None


class CredentialResultOut(BaseModel):
    kind: Literal["credential"]
    verified: bool
    verdict: Literal["valid", "unknown", "invalid"]
    display: Literal["green", "amber", "red"]
    summary: dict[str, Any]
    checks: list[CheckOut]
    errors: list[CheckOut]
    warnings: list[CheckOut]


class ReasonOut(BaseModel):
    """One reason a person reads beside a verdict (``shared.showing.reasons``): the
    catalogue's sentence for ``code`` says it; ``count`` is how many places found it."""

    check: str
    code: str
    severity: Literal["error", "warning"]
    count: int


class NoteOut(BaseModel):
    """A schema finding or an older-form note, once per code: never a reason to reject."""

    code: str
    count: int


class PlainOut(BaseModel):
    """Plain states for people (``shared.showing.verdict``): for a credential its
    ``state``, ``status`` and ``binding`` ``bare``; for a presentation its ``binding``,
    headline ``total`` and ``counts``, ``skills`` and per badge (``badges``) a
    ``state``, ``status``, ``reasons`` and ``notes``. ``reasons`` and ``notes`` here
    are those of the result's own checks, each reason once, errors first, without the
    one the state (or binding) line already says."""

    model_config = ConfigDict(extra="allow")

    reasons: list[ReasonOut] = []
    notes: list[NoteOut] = []


class ResultOut(BaseModel):
    """The full verification result: overall verdict, every check, one result per credential."""

    kind: Literal["credential", "presentation"]
    verified: bool
    verdict: Literal["valid", "unknown", "invalid"]
    display: Literal["green", "amber", "red"]
    summary: dict[str, Any]
    checks: list[CheckOut]
    errors: list[CheckOut]
    warnings: list[CheckOut]
    credentials: list[CredentialResultOut] | None = None
    plain: PlainOut | None = None
    """What people are told first: plain states, and the reasons and notes to read."""


class NameCheckIn(BaseModel):
    """A name typed by the employer, and the badge's name identifier to compare it with."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    identity_hash: str = Field(alias="identityHash", min_length=1, max_length=200)
    salt: str = Field(default="", max_length=200)
    hashed: bool = True


class NameCheckOut(BaseModel):
    match: bool


class IssuerOut(BaseModel):
    id: str
    name: str


class InfoOut(BaseModel):
    domain: str
    offline: bool
    trust_list: bool
    issuers: list[IssuerOut]
    pack_created: str | None
    pack_dids: int
    pack_status_lists: int
    # key documents of issuers named by an https URL (Controlled Identifiers)
    pack_key_documents: int


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input (stable code)"},
    413: {"model": ErrorOut, "description": "Body too large"},
    422: {"model": ErrorOut, "description": "Missing or wrong fields"},
    429: {"model": ErrorOut, "description": "Rate limited"},
}

RequestOut.model_rebuild()
