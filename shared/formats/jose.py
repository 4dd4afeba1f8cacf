"""Compact JWS: reading one without trusting it, and checking its signature (joserfc).

Badges arrive as JWTs signed by other tools: VC-JWT (Open Badges 3.0, section 8.2)
and signed Open Badges 2.0 assertions. joserfc does the cryptography; this module
only fixes the policy: which algorithms (asymmetric ones only, never ``none`` or
HMAC), how large a token may be (a badge may carry its image, so the library's
128 KB payload limit is raised), and that every failure is a ``RugzakError``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwk import ECKey, JWKRegistry, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

from shared.errors import ErrorCode, InvalidInput, Unsupported, VerificationFailed
from shared.strict_json import parse as parse_json

MAX_JWS_BYTES = 4 * 1024 * 1024
"""A badge with a 2 MB image, base64url-encoded, still fits."""
MAX_HEADER_BYTES = 16 * 1024

ALGORITHMS: dict[str, str] = {
    "EdDSA": "OKP",
    "Ed25519": "OKP",
    "ES256": "EC",
    "ES384": "EC",
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "PS256": "RSA",
    "PS384": "RSA",
}
"""The algorithms a badge may be signed with, and the key type each needs."""

PublicKey = RSAKey | ECKey | OKPKey

_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+")


class _BadgeRegistry(JWSRegistry):
    """joserfc's registry with badge-sized limits.

    ``get_alg`` skips the library's deprecation warning for ``EdDSA``: RFC 9864 prefers
    ``Ed25519``, but Open Badges 3.0 names ``EdDSA`` and issuers use it today.
    """

    max_header_length = MAX_HEADER_BYTES
    max_payload_length = MAX_JWS_BYTES
    max_signature_length = 1024

    def get_alg(self, name: str) -> Any:
        if name not in ALGORITHMS or name not in self.algorithms:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not supported")
        return self.algorithms[name]


_REGISTRY = _BadgeRegistry(algorithms=list(ALGORITHMS), strict_check_header=False)


@dataclass(frozen=True)
class CompactJws:
    """A compact JWS split and decoded, not yet verified."""

    token: str
    header: dict[str, Any]
    payload: bytes

    @property
    def alg(self) -> str:
        return str(self.header.get("alg", ""))

    def payload_json(self) -> dict[str, Any]:
        """The payload as a JSON object, or ``invalid_jwt``."""
        try:
            value = parse_json(self.payload)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InvalidInput("the JWT payload is not JSON", code=ErrorCode.invalid_jwt) from exc
        if not isinstance(value, dict):
            raise InvalidInput("the JWT payload is not a JSON object", code=ErrorCode.invalid_jwt)
        if too_deep(value):
            raise InvalidInput("the JWT payload is nested too deeply", code=ErrorCode.invalid_jwt)
        return value


MAX_DEPTH = 48
"""Deeper JSON is no badge; later checks recurse and must not run out of stack."""


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when objects and arrays nest deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def looks_like_jws(text: str) -> bool:
    """Three base64url parts separated by dots, the first a JSON object (``eyJ``)."""
    stripped = text.strip()
    return stripped.startswith("eyJ") and _COMPACT.fullmatch(stripped) is not None


def parse_compact(token: str) -> CompactJws:
    """Split and decode a compact JWS; nothing is trusted yet."""
    text = token.strip()
    if len(text) > MAX_JWS_BYTES:
        raise InvalidInput(
            "the JWT is too large", code=ErrorCode.payload_too_large, detail={"max": MAX_JWS_BYTES}
        )
    if not _COMPACT.fullmatch(text):
        raise InvalidInput("not a compact JWS (three base64url parts)", code=ErrorCode.invalid_jwt)
    head, body, _ = text.split(".")
    if len(head) > MAX_HEADER_BYTES:
        raise InvalidInput("the JWT header is too large", code=ErrorCode.invalid_jwt)
    try:
        header = parse_json(b64url_decode(head))
        payload = b64url_decode(body)
    except (ValueError, UnicodeDecodeError, binascii.Error, RecursionError) as exc:
        raise InvalidInput("the JWT header is not JSON", code=ErrorCode.invalid_jwt) from exc
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise InvalidInput("the JWT header has no algorithm", code=ErrorCode.invalid_jwt)
    if header.get("b64") is False or header.get("crit"):
        raise Unsupported(
            "JWS extensions (crit, b64) are not supported", code=ErrorCode.unsupported_algorithm
        )
    return CompactJws(text, header, payload)


def b64url_decode(text: str) -> bytes:
    """base64url without padding (RFC 7515, section 2)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def import_public_jwk(value: Any) -> PublicKey:
    """A public JWK (RSA, EC P-256/P-384, OKP Ed25519); private members are refused."""
    if not isinstance(value, dict):
        raise InvalidInput("a JWK must be a JSON object", code=ErrorCode.malformed_key)
    if any(member in value for member in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise InvalidInput(
            "a private or symmetric key was given where a public key belongs",
            code=ErrorCode.malformed_key,
        )
    kty = value.get("kty")
    curve = value.get("crv")
    if kty == "OKP" and curve != "Ed25519":
        raise Unsupported(
            f"OKP curve {curve!r} is not supported", code=ErrorCode.unsupported_key_type
        )
    if kty == "EC" and curve not in ("P-256", "P-384"):
        raise Unsupported(
            f"EC curve {curve!r} is not supported", code=ErrorCode.unsupported_key_type
        )
    if kty not in ("OKP", "EC", "RSA"):
        raise Unsupported(f"key type {kty!r} is not supported", code=ErrorCode.unsupported_key_type)
    try:
        key = JWKRegistry.import_key(dict(value))
    except (JoseError, ValueError, TypeError) as exc:
        raise InvalidInput("the JWK does not decode", code=ErrorCode.malformed_key) from exc
    if not isinstance(key, RSAKey | ECKey | OKPKey):
        raise Unsupported("unsupported key", code=ErrorCode.unsupported_key_type)
    return key


def public_jwk_dict(key: PublicKey) -> dict[str, Any]:
    """The public members of a key, as a JSON object."""
    return dict(key.as_dict(private=False))


def key_thumbprint(key: PublicKey) -> str:
    """RFC 7638 thumbprint: the same key written two ways compares equal."""
    return str(key.thumbprint())


def verify_compact(parsed: CompactJws, key: PublicKey) -> None:
    """Raise ``VerificationFailed`` unless ``key`` made the signature over ``parsed``."""
    alg = parsed.alg
    wanted = ALGORITHMS.get(alg)
    if wanted is None:
        raise Unsupported(
            f"JWS algorithm {alg!r} is not accepted for badges",
            code=ErrorCode.unsupported_algorithm,
            detail={"alg": alg},
        )
    if key.key_type != wanted:
        raise VerificationFailed(
            f"algorithm {alg} does not fit a {key.key_type} key",
            code=ErrorCode.proof_invalid,
            detail={"alg": alg, "kty": key.key_type},
        )
    try:
        jws.deserialize_compact(parsed.token, key, algorithms=[alg], registry=_REGISTRY)
    except JoseError as exc:
        raise VerificationFailed(
            "the JWS signature does not match", code=ErrorCode.proof_invalid, detail={"alg": alg}
        ) from exc
