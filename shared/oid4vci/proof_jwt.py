"""The proof-of-possession JWT (OID4VCI 1.0 Appendix F.1): EdDSA compact JWS, stdlib + PyNaCl."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.did import Resolver, find_verification_method
from shared.errors import ErrorCode, InvalidInput, Unsupported, VerificationFailed
from shared.keys import SigningKey, verify_signature
from shared.oid4vci.base import (
    DEFAULT_LEEWAY,
    DEFAULT_PROOF_MAX_AGE,
    MAX_JWT_CHARS,
    PROOF_JWT_ALG,
    PROOF_JWT_TYP,
)
from shared.strict_json import parse as parse_json


def make_proof_jwt(holder: SigningKey, *, audience: str, nonce: str, issued_at: datetime) -> str:
    """The wallet's key proof: a compact JWS signed with the holder's Ed25519 key."""
    header = {"alg": PROOF_JWT_ALG, "typ": PROOF_JWT_TYP, "kid": holder.verification_method}
    payload = {"aud": audience, "iat": int(issued_at.timestamp()), "nonce": nonce}
    signing_input = _b64_json(header) + "." + _b64_json(payload)
    signature = holder.sign(signing_input.encode("ascii"))
    return signing_input + "." + _b64(signature)


def verify_proof_jwt(
    jwt: str,
    *,
    audience: str,
    nonce: str,
    now: datetime,
    max_age: timedelta = DEFAULT_PROOF_MAX_AGE,
    resolver: Resolver,
    leeway: timedelta = DEFAULT_LEEWAY,
) -> str:
    """Check a key proof JWT (OID4VCI §F.1) and return the holder's DID.

    Checks, in order: shape, ``typ``, ``alg`` (EdDSA only), ``kid`` is a DID URL
    that resolves to an Ed25519 authentication key, the signature, ``aud``,
    ``nonce`` and that ``iat`` lies within ``[now - max_age, now + leeway]``.
    """
    header, payload, signing_input, signature = _split(jwt)
    if header.get("typ") != PROOF_JWT_TYP:
        raise InvalidInput(
            f"the proof JWT typ must be {PROOF_JWT_TYP}",
            code=ErrorCode.invalid_jwt,
            detail=header.get("typ"),
        )
    if header.get("alg") != PROOF_JWT_ALG:
        raise Unsupported(
            "the proof JWT must be signed with EdDSA (Ed25519)",
            code=ErrorCode.unsupported_algorithm,
            detail=header.get("alg"),
        )
    if "crit" in header or "jwk" in header or "x5c" in header:
        raise InvalidInput(
            "the proof JWT header may carry only kid (no jwk, x5c or crit)",
            code=ErrorCode.invalid_jwt,
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise InvalidInput(
            "the proof JWT kid must be a DID URL with a fragment",
            code=ErrorCode.invalid_jwt,
            detail=kid if isinstance(kid, str) else None,
        )
    method = find_verification_method(resolver, kid, purpose="authentication")
    if not verify_signature(method.public_key, signing_input, signature):
        raise VerificationFailed(
            "the proof JWT signature does not verify", code=ErrorCode.proof_invalid, detail=kid
        )
    aud = payload.get("aud")
    if not (aud == audience or (isinstance(aud, list) and audience in aud)):
        raise VerificationFailed(
            "the proof JWT is meant for another issuer",
            code=ErrorCode.audience_mismatch,
            detail={"expected": audience, "got": aud},
        )
    if not isinstance(payload.get("nonce"), str) or payload["nonce"] != nonce:
        raise VerificationFailed(
            "the proof JWT does not carry the issuer's c_nonce", code=ErrorCode.nonce_mismatch
        )
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise InvalidInput("the proof JWT has no numeric iat", code=ErrorCode.invalid_jwt)
    issued = datetime.fromtimestamp(iat, UTC)
    if issued > now + leeway:
        raise VerificationFailed(
            "the proof JWT was issued in the future", code=ErrorCode.jwt_not_yet_valid
        )
    if issued < now - max_age:
        raise VerificationFailed("the proof JWT is too old", code=ErrorCode.jwt_expired)
    return method.controller


def _split(jwt: Any) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    if not isinstance(jwt, str):
        raise InvalidInput("the proof JWT must be a string", code=ErrorCode.invalid_jwt)
    if len(jwt) > MAX_JWT_CHARS:
        raise InvalidInput("the proof JWT is too long", code=ErrorCode.payload_too_large)
    parts = jwt.split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidInput("the proof JWT is not a compact JWS", code=ErrorCode.invalid_jwt)
    header = _unb64_json(parts[0], "header")
    payload = _unb64_json(parts[1], "payload")
    signature = _unb64(parts[2], "signature")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_json(obj: dict[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def _unb64(text: str, what: str) -> bytes:
    if not text.isascii() or "=" in text:
        raise InvalidInput(f"the proof JWT {what} is not base64url", code=ErrorCode.invalid_jwt)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            f"the proof JWT {what} is not base64url", code=ErrorCode.invalid_jwt
        ) from exc


def _unb64_json(text: str, what: str) -> dict[str, Any]:
    try:
        value = parse_json(_unb64(text, what))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the proof JWT {what} is not JSON", code=ErrorCode.invalid_jwt) from exc
    if not isinstance(value, dict):
        raise InvalidInput(f"the proof JWT {what} is not an object", code=ErrorCode.invalid_jwt)
    return value


def unverified_claims(jwt: str) -> dict[str, Any]:
    """The payload of a compact JWS, NOT verified: only to find which nonce to check."""
    return _split(jwt)[1]
