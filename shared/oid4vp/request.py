"""The OpenID4VP authorization request: the Request Object and the invocation link.

Rugzak uses the cross-device flow (OpenID4VP 1.0 §3.2, §13.1.2) with
``response_mode=direct_post`` (§8.2), and the ``redirect_uri`` Client
Identifier Prefix (§5.9.3): the part after the prefix is the Response URI, the
verifier's own web origin. Requests of this prefix "cannot be signed" (§5.9.3),
and a Request Object passed with JAR (RFC 9101) is a signed JWT, so the
authorization request travels *by value*, as URL parameters (§5.4, first
option; the §5.9.3 example): ``openid4vp://?response_type=vp_token&client_id=...``
with ``dcql_query`` and ``client_metadata`` as JSON strings (§5.1).

Two more forms are read, for other verifiers and for the typed short code:
``openid4vp://?client_id=...&request_uri=...`` (by reference, JAR) when the
Request Object is an *unsecured* JWT (``alg`` none, ``typ``
``oauth-authz-req+jwt``, §5) of a ``redirect_uri`` client; signed Request
Objects are refused (their keys are not verified here, so they would be trusted
without reason).

Extension (ignored by other wallets, §5 "MUST ignore any unrecognized
parameters"): ``rugzak_max_qr_parts``, the most QR codes the verifier reads when
the wallet falls back to the offline QR transport; ``rugzak_code``, the short
typeable code of the request (the offline binding).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from shared.errors import ErrorCode, InvalidInput
from shared.oid4vp.dcql import DcqlQuery
from shared.strict_json import parse as parse_json

__all__ = [
    "MAX_QR_PARTS_PARAM",
    "REDIRECT_URI_PREFIX",
    "REQUEST_OBJECT_MEDIA_TYPE",
    "REQUEST_OBJECT_TYP",
    "AuthorizationRequest",
    "client_id_prefix",
    "decode_request_object",
    "max_parts",
    "new_nonce",
    "new_state",
]

SCHEME = "openid4vp"
REDIRECT_URI_PREFIX = "redirect_uri"
REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"
RESPONSE_TYPE = "vp_token"
DIRECT_POST = "direct_post"
MAX_QR_PARTS_PARAM = "rugzak_max_qr_parts"
CODE_PARAM = "rugzak_code"
MAX_LINK_CHARS = 4096
MAX_REQUEST_OBJECT_CHARS = 65536
NONCE_BYTES = 16  # §5.2: at least 128 bits of entropy (22 characters: the QR stays small)
#: §5.2: nonce and state hold only ASCII URL-safe characters.
_URL_SAFE = re.compile(r"^[A-Za-z0-9\-._~]+$")
#: Prefixes this wallet can authenticate. The signed ones (x509_*, did, ...) need
#: key material Rugzak does not verify yet, so they are refused (§8.5 invalid_request).
SUPPORTED_PREFIXES = frozenset({REDIRECT_URI_PREFIX})
#: Every prefix §5.9.3 defines (plus the reserved ``origin``).
KNOWN_PREFIXES = frozenset(
    {
        "redirect_uri",
        "openid_federation",
        "decentralized_identifier",
        "verifier_attestation",
        "x509_san_dns",
        "x509_hash",
        "origin",
    }
)


def _bad(message: str, detail: Any = None) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.invalid_request, detail=detail)


def new_nonce(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh nonce: 128 random bits, base64url (URL-safe characters only, §5.2)."""
    return _b64(token_bytes(NONCE_BYTES))


def new_state(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh ``state`` (§5.3, §13.3 step 3): 128 random bits, base64url."""
    return _b64(token_bytes(NONCE_BYTES))


def client_id_prefix(client_id: str) -> tuple[str | None, str]:
    """(prefix, original client id) per §5.9.1: the text before the first ``:``.

    A value whose text before the colon is not a prefix of §5.9.3 is a
    pre-registered client (§5.9.2): prefix ``None``.
    """
    head, sep, rest = client_id.partition(":")
    if sep and head in KNOWN_PREFIXES:
        return head, rest
    return None, client_id


def https_url(value: Any, name: str, *, allow_http_local: bool) -> str:
    if not isinstance(value, str) or not value or len(value) > 2048:
        raise _bad(f"The request's {name} is missing or not a URL.", {name: value})
    parts = urlsplit(value)
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if not parts.netloc or parts.fragment or parts.username or parts.password:
        raise _bad(f"The request's {name} is not a usable https URL.", {name: value})
    if parts.scheme == "https" or (parts.scheme == "http" and allow_http_local and local):
        return value
    raise _bad(f"The request's {name} must be an https URL.", {name: value})


def _url_safe(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _URL_SAFE.match(value) or len(value) > 512:
        raise _bad(
            f"The request's {name} must be ASCII URL-safe text (letters, digits, -._~).",
            {name: value if isinstance(value, str) else type(value).__name__},
        )
    return value


@dataclass(frozen=True)
class AuthorizationRequest:
    """The parameters of a Request Object (§5), as Rugzak's verifier sends them.

    Attributes:
        client_id: with its prefix, e.g. ``redirect_uri:https://v.example/oid4vp/response``.
        response_uri: where the wallet POSTs the response (§8.2).
        nonce: binds the presentation to this transaction (§5.2, §14.2.2).
        state: links the response to the request at the Response URI (§14.4.2).
        dcql_query: what is asked for (§6).
        client_metadata: verifier metadata (§5.1, §11), e.g. ``vp_formats_supported``.
        max_qr_parts: the Rugzak extension ``rugzak_max_qr_parts``, if sent.
        extra: every other parameter, kept so nothing is silently lost.
    """

    client_id: str
    response_uri: str
    nonce: str
    dcql_query: DcqlQuery
    state: str | None = None
    client_metadata: Mapping[str, Any] | None = None
    max_qr_parts: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def prefix(self) -> str | None:
        return client_id_prefix(self.client_id)[0]

    def to_claims(self) -> dict[str, Any]:
        """The Request Object's claims (JSON)."""
        claims: dict[str, Any] = dict(self.extra)
        claims.update(
            {
                "response_type": RESPONSE_TYPE,
                "response_mode": DIRECT_POST,
                "client_id": self.client_id,
                "response_uri": self.response_uri,
                "nonce": self.nonce,
                "dcql_query": self.dcql_query.to_dict(),
                # §5.8: static discovery (the openid4vp: scheme), so the symbolic audience.
                "aud": "https://self-issued.me/v2",
            }
        )
        if self.state is not None:
            claims["state"] = self.state
        if self.client_metadata is not None:
            claims["client_metadata"] = dict(self.client_metadata)
        if self.max_qr_parts is not None:
            claims[MAX_QR_PARTS_PARAM] = self.max_qr_parts
        return claims

    def to_params(self) -> list[tuple[str, str]]:
        """The request as URL parameters (by value, §5.4); objects as JSON strings (§5.1)."""
        claims = self.to_claims()
        claims.pop("aud", None)  # a Request Object claim (§5.8), not a URL parameter
        return [
            (k, v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))
            for k, v in claims.items()
        ]

    def to_request_object(self) -> str:
        """The unsecured JWT served at ``request_uri`` (``alg`` none, §5.9.3 redirect_uri)."""
        if self.prefix != REDIRECT_URI_PREFIX:
            raise ValueError("only redirect_uri client ids use unsigned Request Objects")
        header = {"alg": "none", "typ": REQUEST_OBJECT_TYP}
        return f"{_b64_json(header)}.{_b64_json(self.to_claims())}."

    @classmethod
    def from_claims(cls, claims: Any, *, allow_http_local: bool = False) -> AuthorizationRequest:
        """Validate Request Object claims as a wallet must (§5, §5.9.3, §8.2, §8.5).

        Raises:
            InvalidInput(invalid_request): with a sentence naming what is wrong.
        """
        if not isinstance(claims, dict):
            raise _bad("The Request Object is not a JSON object.")
        if "transaction_data" in claims:
            # §5: a wallet that does not support transaction_data MUST reject the request.
            raise _bad("The request asks to authorize transaction data, which Rugzak does not do.")
        if claims.get("response_type") != RESPONSE_TYPE:
            raise _bad(
                "The request does not ask for a vp_token (response_type).",
                {"response_type": claims.get("response_type")},
            )
        if claims.get("response_mode") != DIRECT_POST:
            raise _bad(
                "The request does not use response_mode direct_post.",
                {"response_mode": claims.get("response_mode")},
            )
        if "redirect_uri" in claims:
            # §8.2: redirect_uri with direct_post is an invalid_request.
            raise _bad("The request has both redirect_uri and response_mode direct_post.")
        client_id = claims.get("client_id")
        if not isinstance(client_id, str) or not client_id:
            raise _bad("The request has no client_id.")
        prefix, original = client_id_prefix(client_id)
        if prefix not in SUPPORTED_PREFIXES:
            raise _bad(
                "The verifier identifies itself in a way Rugzak cannot check "
                f"({prefix or 'pre-registered'} client id).",
                {"client_id": client_id},
            )
        response_uri = claims.get("response_uri", original)
        response_uri = https_url(response_uri, "response_uri", allow_http_local=allow_http_local)
        if response_uri != original:
            # §5.9.3: with redirect_uri:, the client id IS the Response URI.
            raise _bad(
                "The request's response_uri is not the one its client_id names.",
                {"client_id": client_id, "response_uri": response_uri},
            )
        if "dcql_query" not in claims:
            raise _bad(
                "The request has no dcql_query (scope-based requests are not supported).",
                {"scope": claims.get("scope")},
            )
        if "scope" in claims:
            raise _bad("The request has both dcql_query and scope.")
        query = claims["dcql_query"]
        if isinstance(query, str):  # §5.1: a JSON-serialized string in URL form
            try:
                query = parse_json(query)
            except ValueError as exc:
                raise _bad("The request's dcql_query is not JSON.") from exc
        metadata = claims.get("client_metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise _bad("The request's client_metadata is not a JSON object.")
        state = claims.get("state")
        known = {
            "response_type",
            "response_mode",
            "client_id",
            "response_uri",
            "nonce",
            "dcql_query",
            "state",
            "client_metadata",
            MAX_QR_PARTS_PARAM,
            CODE_PARAM,
            "aud",
            "iss",  # §5: a wallet MUST ignore iss in a Request Object
        }
        return cls(
            client_id=client_id,
            response_uri=response_uri,
            nonce=_url_safe(claims.get("nonce"), "nonce"),
            dcql_query=DcqlQuery.parse(query),
            state=None if state is None else _url_safe(state, "state"),
            client_metadata=metadata,
            max_qr_parts=max_parts(claims.get(MAX_QR_PARTS_PARAM)),
            extra={k: v for k, v in claims.items() if k not in known},
        )


def decode_request_object(
    text: str | bytes, *, expected_client_id: str | None, allow_http_local: bool = False
) -> AuthorizationRequest:
    """Read the Request Object a wallet fetched from ``request_uri``.

    Only unsecured JWTs of ``redirect_uri`` clients are accepted: a signature
    Rugzak cannot verify is treated as no authentication at all, never trusted.
    ``expected_client_id`` is the link's ``client_id``, which must be identical
    (RFC 9101 §5, OpenID4VP §5.10.1); ``None`` when the learner typed a short code.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError as exc:
            raise _bad("The Request Object is not a JWT.") from exc
    text = text.strip()
    if len(text) > MAX_REQUEST_OBJECT_CHARS:
        raise InvalidInput("The Request Object is too large.", code=ErrorCode.payload_too_large)
    pieces = text.split(".")
    if len(pieces) != 3:
        raise _bad("The Request Object is not a compact JWT.")
    header = _unb64_json(pieces[0], "header")
    if header.get("typ") != REQUEST_OBJECT_TYP:
        # §5: wallets MUST NOT process Request Objects without this typ.
        raise _bad(
            f"The Request Object's typ is not {REQUEST_OBJECT_TYP}.", {"typ": header.get("typ")}
        )
    if header.get("alg") != "none" or pieces[2]:
        raise _bad(
            "The Request Object is signed; Rugzak only accepts unsigned requests of "
            "redirect_uri verifiers.",
            {"alg": header.get("alg")},
        )
    if "enc" in header or "crit" in header:
        raise _bad("The Request Object uses JOSE features Rugzak does not support.")
    claims = _unb64_json(pieces[1], "payload")
    request = AuthorizationRequest.from_claims(claims, allow_http_local=allow_http_local)
    if expected_client_id is not None and request.client_id != expected_client_id:
        raise _bad(
            "The Request Object's client_id differs from the link's.",
            {"link": expected_client_id, "request_object": request.client_id},
        )
    return request


def max_parts(value: Any) -> int | None:
    """The ``rugzak_max_qr_parts`` extension value (1-999), or ``None``."""
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _bad(f"{MAX_QR_PARTS_PARAM} is not a number.", {"value": value}) from exc
    if isinstance(value, bool) or not 1 <= number <= 999:
        raise _bad(f"{MAX_QR_PARTS_PARAM} must be between 1 and 999.", {"value": value})
    return number


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_json(obj: Mapping[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _unb64_json(text: str, what: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        value = parse_json(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _bad(f"The Request Object's {what} is not base64url JSON.") from exc
    if not isinstance(value, dict):
        raise _bad(f"The Request Object's {what} is not a JSON object.")
    return value
