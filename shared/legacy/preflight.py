"""Input checks before didkit sees a document: size, DIDs, proofs, and the signing key."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from shared.dates import format_datetime
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.keys import SigningKey
from shared.legacy.contexts import LEGACY_PROOF_TYPES
from shared.vocab import as_list

MAX_INPUT_BYTES = 1_000_000


def _did_of(value: Any) -> str | None:
    return value.get("id") if isinstance(value, dict) else value if isinstance(value, str) else None


def _require_did_key(did: Any, role: str) -> str:
    """didkit resolves ``did`` itself: only an Ed25519 did:key stays offline."""
    if not isinstance(did, str) or not did:
        raise InvalidInput(f"{role} is missing", code=ErrorCode.malformed_credential, detail=role)
    base = did.split("#", 1)[0]
    if not base.startswith("did:key:"):
        raise Unsupported(
            f"didkit would resolve the {role} '{base}' over the network; only did:key is allowed",
            code=ErrorCode.unsupported_did_method,
            detail=did,
        )
    if not base.startswith("did:key:z6Mk"):
        raise Unsupported(
            f"{role} is not an Ed25519 did:key", code=ErrorCode.unsupported_key_type, detail=did
        )
    return base


def _legacy_proofs(
    document: Mapping[str, Any], what: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """The document with only the proofs didkit can read, those proofs, and warnings."""
    raw = document.get("proof")
    proofs = as_list(raw)
    if not all(isinstance(p, dict) for p in proofs):
        raise InvalidInput("a proof is not an object", code=ErrorCode.malformed_proof)
    legacy = [p for p in proofs if p.get("type") in LEGACY_PROOF_TYPES]
    skipped = [str(p.get("type")) for p in proofs if p not in legacy]
    if proofs and not legacy:
        raise Unsupported(
            f"didkit checks only {', '.join(LEGACY_PROOF_TYPES)} proofs",
            code=ErrorCode.unsupported_cryptosuite,
            detail=skipped,
        )
    for proof in legacy:
        _require_did_key(proof.get("verificationMethod"), f"{what} verification method")
    # Proofs in a set each sign the document without any proof, so dropping the
    # ones didkit cannot parse leaves the others verifiable.
    prepared = {k: v for k, v in document.items() if k != "proof"}
    if legacy:
        prepared["proof"] = legacy[0] if len(legacy) == 1 else legacy
    warnings = [f"proof of type {t} not checked by didkit" for t in skipped]
    return prepared, legacy, warnings


def _dump(document: Mapping[str, Any], code: ErrorCode) -> str:
    if not isinstance(document, Mapping):
        raise TypeError("expected a JSON object (dict)")
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("not serialisable as JSON", code=code, detail=str(exc)) from exc
    if len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        raise InvalidInput(
            "document too large for didkit", code=ErrorCode.payload_too_large, detail=len(text)
        )
    return text


def _timestamp(created: datetime | None) -> str:
    if created is None:
        created = datetime.now(UTC)
    return format_datetime(created)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _key_jwk(key: SigningKey) -> str:
    """The OKP JWK didkit signs with, plus a check that the key stays a did:key."""
    if key.verification_method != f"{key.did}#{key.public_multibase}":
        raise Unsupported(
            "didkit signs with did:key verification methods only",
            code=ErrorCode.unsupported_did_method,
            detail=key.verification_method,
        )
    _require_did_key(key.did, "signing key")
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(key.public_key),
        "d": _b64url(key.seed),
    }
    return json.dumps(jwk)
