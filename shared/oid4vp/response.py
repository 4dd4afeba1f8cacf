"""The authorization response sent with ``response_mode=direct_post`` (OpenID4VP 1.0 §8).

- :func:`encode_response`: the wallet's form body, ``application/x-www-form-urlencoded``
  in UTF-8 (§8.2) with ``vp_token`` = JSON object {credential query id: [presentations]}
  (§8.1) and ``state``.
- :func:`encode_error`: an error response (§8.5) posted to the same URI.
- :func:`parse_response`: the verifier reads either back.
- :class:`OAuthError`: the error codes §8.5 and RFC 6749 define.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlencode

from shared.errors import ErrorCode, InvalidInput
from shared.strict_json import parse as parse_json

__all__ = [
    "FORM_MEDIA_TYPE",
    "AuthorizationResponse",
    "ErrorResponse",
    "OAuthError",
    "encode_error",
    "encode_response",
    "parse_response",
    "response_fields",
]

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class OAuthError(StrEnum):
    """``error`` values of an authorization error response (RFC 6749 §4.1.2.1, §8.5)."""

    invalid_request = "invalid_request"
    invalid_client = "invalid_client"
    access_denied = "access_denied"
    vp_formats_not_supported = "vp_formats_not_supported"
    invalid_request_uri_method = "invalid_request_uri_method"
    invalid_transaction_data = "invalid_transaction_data"
    wallet_unavailable = "wallet_unavailable"


def _bad(message: str, detail: Any = None) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.invalid_request, detail=detail)


@dataclass(frozen=True)
class AuthorizationResponse:
    """A successful response: the VP Token and the request's ``state``."""

    vp_token: Mapping[str, Sequence[Any]]
    state: str | None = None
    #: Parameters this module does not define, for extensions (a verifier that does not
    #: know one ignores it, RFC 6749 section 4.1.2), e.g. stapled status lists.
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorResponse:
    """An authorization error response (§8.5)."""

    error: str
    error_description: str | None = None
    state: str | None = None


def response_fields(
    vp_token: Mapping[str, Sequence[Any]],
    state: str | None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The response parameters: ``vp_token`` as a JSON object (§8.1), then ``state`` (§8.2),
    then ``extra`` extension parameters (which must not reuse a defined name)."""
    if not vp_token:
        raise ValueError("a vp_token answers at least one credential query")
    for key, presentations in vp_token.items():
        if not isinstance(presentations, list | tuple) or not presentations:
            raise ValueError(f"vp_token[{key!r}] must be a non-empty array")
    token = json.dumps(
        {k: list(v) for k, v in vp_token.items()}, separators=(",", ":"), ensure_ascii=False
    )
    fields = {"vp_token": token}
    if state is not None:
        fields["state"] = state
    for name, value in (extra or {}).items():
        if name in _DEFINED:
            raise ValueError(f"{name!r} is a defined response parameter, not an extension")
        fields[name] = value
    return fields


_DEFINED = frozenset({"vp_token", "state", "error", "error_description", "id_token", "code"})


def encode_response(
    vp_token: Mapping[str, Sequence[Any]],
    state: str | None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The form body (``application/x-www-form-urlencoded``, UTF-8, §8.2)."""
    return urlencode(response_fields(vp_token, state, extra), encoding="utf-8")


def encode_error(error: OAuthError, description: str | None, state: str | None) -> str:
    """The form body of an error response (§8.5); keep the description free of user data."""
    fields = [("error", str(error))]
    if description:
        fields.append(("error_description", description))
    if state is not None:
        fields.append(("state", state))
    return urlencode(fields, encoding="utf-8")


def parse_response(body: bytes | str) -> AuthorizationResponse | ErrorResponse:
    """Read a form body posted to the Response URI.

    Raises:
        InvalidInput(invalid_request): not a form, repeated fields, or a vp_token
            that is not a JSON object of non-empty arrays (§8.1).
    """
    if isinstance(body, bytes):
        if len(body) > MAX_RESPONSE_BYTES:
            raise InvalidInput("The response is too large.", code=ErrorCode.payload_too_large)
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad("The response is not UTF-8 (§8.2).") from exc
    try:
        fields = parse_qs(body, keep_blank_values=True, strict_parsing=bool(body))
    except ValueError as exc:
        raise _bad("The response is not a form (application/x-www-form-urlencoded).") from exc
    for name, values in fields.items():
        if len(values) > 1:
            raise _bad(f"The response has '{name}' more than once.")
    state = fields.get("state", [None])[0]
    if "error" in fields:
        return ErrorResponse(
            error=fields["error"][0],
            error_description=fields.get("error_description", [None])[0],
            state=state,
        )
    if "vp_token" not in fields:
        raise _bad("The response has neither vp_token nor error.")
    try:
        token = parse_json(fields["vp_token"][0])
    except ValueError as exc:
        raise _bad("The vp_token is not JSON (§8.1).") from exc
    if not isinstance(token, dict) or not token:
        raise _bad("The vp_token must be a JSON object keyed by credential query id (§8.1).")
    for key, value in token.items():
        if not isinstance(value, list) or not value:
            raise _bad(
                "Each vp_token entry must be a non-empty array of presentations (§8.1).",
                {"id": key},
            )
    extra = {k: v[0] for k, v in fields.items() if k not in _DEFINED}
    return AuthorizationResponse(vp_token=token, state=state, extra=extra)
