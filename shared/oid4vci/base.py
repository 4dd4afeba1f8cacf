"""Constants and the base of every OID4VCI message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.errors import ErrorCode, InvalidInput
from shared.vocab import OB_V3P0_303, OPEN_BADGE_CREDENTIAL, VERIFIABLE_CREDENTIAL

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer"
PROOF_JWT_TYP = "openid4vci-proof+jwt"
PROOF_JWT_ALG = "EdDSA"
LDP_VC = "ldp_vc"
OB_CONFIGURATION_ID = OPEN_BADGE_CREDENTIAL
OB_CONTEXT = OB_V3P0_303
OB_TYPES = (VERIFIABLE_CREDENTIAL, OPEN_BADGE_CREDENTIAL)
"""The ``type`` an OID4VCI credential definition asks for (an ordered pair, not a set)."""
ISSUER_METADATA_PATH = "/.well-known/openid-credential-issuer"
AS_METADATA_PATH = "/.well-known/oauth-authorization-server"
# A proof JWT is a few hundred bytes; anything far larger is an attack or a bug.
MAX_JWT_CHARS = 8192
MAX_OFFER_CHARS = 16384
DEFAULT_PROOF_MAX_AGE = timedelta(minutes=5)
DEFAULT_LEEWAY = timedelta(seconds=60)


class Message(BaseModel):
    """Base of protocol messages: unknown members ignored, aliases both ways."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object as sent on the wire (aliases, no null members)."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")

    @classmethod
    def parse(cls, data: Any, *, code: ErrorCode = ErrorCode.invalid_request) -> Any:
        """Validate a decoded JSON value; failures become ``InvalidInput(code)``."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(
                f"not a valid {cls.__name__}", code=code, detail=validation_errors(exc)
            ) from exc


def check_https_or_local(url: str, name: str, *, error: bool = False) -> None:
    """https, or http on localhost (development and tests only)."""
    parts = urlsplit(url)
    ok = bool(parts.netloc) and (
        parts.scheme == "https"
        or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"))
    )
    if ok:
        return
    if error:
        raise InvalidInput(f"{name} must be an https URL", code=ErrorCode.invalid_offer, detail=url)
    raise ValueError(f"{name} must be an https URL")


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in err["loc"]], "msg": err["msg"]}
        for err in exc.errors(include_url=False)
    ]
