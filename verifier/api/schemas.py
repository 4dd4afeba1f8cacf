"""Request and response models of the verifier API (the OpenAPI at /docs shows them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class RequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    types: list[str] = Field(default_factory=list, max_length=16)
    """Wanted achievement types (``Badge``, ``Certificate``...); empty: any."""
    ttl_seconds: int | None = Field(default=None, ge=30, le=86_400)


class RequestOut(BaseModel):
    challenge: str
    domain: str
    expires_at: str | None
    types: list[str]
    short_code: str
    short_text: str
    text: str
    state: Literal["pending", "used", "expired", "unknown"] = "pending"


class QrIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    texts: list[str] = Field(min_length=1, max_length=64)
    """Every ``RZ1:`` text scanned: one, or all parts of a multi-part code."""
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


class ErrorOut(BaseModel):
    code: str
    message: str
    detail: Any = None


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


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input (stable code)"},
    413: {"model": ErrorOut, "description": "Body too large"},
    422: {"model": ErrorOut, "description": "Missing or wrong fields"},
    429: {"model": ErrorOut, "description": "Rate limited"},
}
