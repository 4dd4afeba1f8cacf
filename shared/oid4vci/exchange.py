"""Token, nonce and credential request/response messages (OID4VCI 1.0 §6-8)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from shared.errors import ErrorCode, RugzakError, Unsupported
from shared.oid4vci.base import PRE_AUTHORIZED_GRANT, Message


class TokenRequest(Message):
    """Token request (form-encoded, OID4VCI §6.1) for the pre-authorized code grant."""

    grant_type: str
    pre_authorized_code: str = Field(alias="pre-authorized_code", min_length=1, max_length=512)
    tx_code: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _grant(self) -> TokenRequest:
        if self.grant_type != PRE_AUTHORIZED_GRANT:
            raise ValueError(f"grant_type must be {PRE_AUTHORIZED_GRANT}")
        return self

    @classmethod
    def from_form(cls, form: dict[str, str]) -> TokenRequest:
        """From form fields; a wrong grant type is ``unsupported_grant_type``."""
        if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            raise Unsupported(
                "only the pre-authorized code grant is supported",
                code=ErrorCode.unsupported_grant_type,
                detail=form.get("grant_type"),
            )
        request: TokenRequest = cls.parse(form)
        return request


class TokenResponse(Message):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int


class NonceResponse(Message):
    c_nonce: str


class Proofs(Message):
    jwt: list[str] = Field(min_length=1, max_length=1)


class CredentialRequest(Message):
    """Credential request (OID4VCI §8.2): one configuration, one JWT proof."""

    credential_configuration_id: str | None = None
    credential_identifier: str | None = None
    proofs: Proofs

    @model_validator(mode="after")
    def _one_id(self) -> CredentialRequest:
        if (self.credential_configuration_id is None) == (self.credential_identifier is None):
            raise ValueError(
                "exactly one of credential_configuration_id and credential_identifier is needed"
            )
        return self


class IssuedCredential(Message):
    credential: dict[str, Any]


class CredentialResponse(Message):
    credentials: list[IssuedCredential] = Field(min_length=1)
    notification_id: str | None = None


def oauth_error(error: RugzakError, oauth_code: str) -> dict[str, Any]:
    """An error body that is both RFC 6749 (``error``) and Rugzak (``code``)."""
    return {"error": oauth_code, "error_description": error.message, **error.to_dict()}
