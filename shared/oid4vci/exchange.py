"""Token, nonce and credential request/response messages (OID4VCI 1.0 §6-8)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from shared.errors import ErrorCode, RugzakError, Unsupported
from shared.oid4vci.base import LDP_VC, MAX_JWT_CHARS, PRE_AUTHORIZED_GRANT, Message


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
    """Token response; ``c_nonce`` for clients of drafts 13/14, which have no nonce endpoint
    (an extra member that 1.0 clients ignore)."""

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int
    c_nonce: str | None = None
    c_nonce_expires_in: int | None = None


class NonceResponse(Message):
    c_nonce: str


class Proofs(Message):
    jwt: list[str] = Field(min_length=1, max_length=1)


class Proof(Message):
    """One proof, as drafts 13 to 15 send it (``proof``; 1.0 final has only ``proofs``)."""

    proof_type: Literal["jwt"]
    jwt: str = Field(min_length=1, max_length=MAX_JWT_CHARS)


class CredentialRequest(Message):
    """Credential request: one credential, one JWT proof, in any draft's spelling.

    1.0 final: ``credential_configuration_id`` or ``credential_identifier`` with
    ``proofs``. Draft 15: the same names, ``proof`` allowed. Drafts 13 and 14:
    ``format`` (+ ``credential_definition`` for ``ldp_vc``) instead of an id, and
    ``proof``. A request by ``format`` is answered the draft 13/14 way (``credential``).
    """

    credential_configuration_id: str | None = None
    credential_identifier: str | None = None
    format: str | None = None
    credential_definition: dict[str, Any] | None = None
    proof: Proof | None = None
    proofs: Proofs | None = None

    @model_validator(mode="after")
    def _one_id(self) -> CredentialRequest:
        named = [
            self.credential_configuration_id,
            self.credential_identifier,
            self.format,
        ]
        if sum(value is not None for value in named) != 1:
            raise ValueError(
                "exactly one of credential_configuration_id, credential_identifier "
                "and format is needed"
            )
        if (self.proof is None) == (self.proofs is None):
            raise ValueError("exactly one of proofs and proof is needed")
        return self

    @property
    def by_format(self) -> bool:
        """A draft 13/14 request: the answer is ``{"credential": ...}``."""
        return self.format is not None

    @property
    def jwt(self) -> str:
        """The one proof JWT, whichever member carried it."""
        if self.proofs is not None:
            return self.proofs.jwt[0]
        assert self.proof is not None  # the validator saw one of them
        return self.proof.jwt

    def asks_for(self, configuration_id: str, types: tuple[str, ...]) -> bool:
        """Whether it names the configuration (by id or identifier) or its format and types."""
        if self.format is None:
            return configuration_id in (
                self.credential_configuration_id,
                self.credential_identifier,
            )
        definition = self.credential_definition or {}
        asked = definition.get("type", types)
        return self.format == LDP_VC and isinstance(asked, list) and set(asked) <= set(types)


class IssuedCredential(Message):
    credential: dict[str, Any]


class CredentialResponse(Message):
    """1.0 final and draft 15: ``credentials``; drafts 13/14: ``credential`` (+ ``c_nonce``)."""

    credentials: list[IssuedCredential] | None = Field(default=None, min_length=1)
    credential: dict[str, Any] | None = None
    c_nonce: str | None = None
    c_nonce_expires_in: int | None = None
    notification_id: str | None = None

    @model_validator(mode="after")
    def _some_credential(self) -> CredentialResponse:
        if self.credentials is None and self.credential is None:
            raise ValueError("a credential response needs credentials or credential")
        return self

    def issued(self) -> list[dict[str, Any]]:
        """The credentials, whichever form the issuer answered in."""
        if self.credentials is not None:
            return [c.credential for c in self.credentials]
        assert self.credential is not None
        return [self.credential]


def oauth_error(error: RugzakError, oauth_code: str) -> dict[str, Any]:
    """An error body that is both RFC 6749 (``error``) and Rugzak (``code``)."""
    return {"error": oauth_code, "error_description": error.message, **error.to_dict()}
