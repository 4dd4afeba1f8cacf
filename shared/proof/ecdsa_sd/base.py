"""The issuer's base proof (spec sections 3.6.1 to 3.6.5).

The issuer signs each non-mandatory statement separately with a key made for
this one proof, and signs the mandatory statements' hash together with that
key with its own key. The holder can later drop any non-mandatory statement
and its signature; the mandatory ones always travel together.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.canonical import canonize
from shared.dates import format_datetime
from shared.errors import ErrorCode, InvalidInput
from shared.keys import P256SigningKey
from shared.multibase import P256_PUB_PREFIX
from shared.proof.ecdsa_sd.cbor import BaseProofValue, serialize_base_proof_value
from shared.proof.ecdsa_sd.labels import Grouped, canonicalize_and_group, hmac_label_map_function
from shared.proof.suites import DATA_INTEGRITY, proof_config
from shared.vocab import as_list

CRYPTOSUITE = "ecdsa-sd-2023"
# The OB 3.0 plain JSON Schema wants ``proof`` as an array (issue_credential does the same).
_ARRAY_PROOF_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})


@dataclass(frozen=True)
class BaseTransform:
    """The spec's transformed data document for a base proof."""

    mandatory_pointers: list[str]
    mandatory: dict[int, str]
    non_mandatory: dict[int, str]
    hmac_key: bytes
    grouped: Grouped


@dataclass(frozen=True)
class BaseHashData:
    """Transformed data plus the two hashes the base signature covers."""

    transform: BaseTransform
    proof_hash: bytes
    mandatory_hash: bytes


def transform_base(
    document: dict[str, Any],
    mandatory_pointers: Sequence[str],
    hmac_key: bytes,
    *,
    random_string: str | None = None,
    legacy: bool = False,
) -> BaseTransform:
    """Base Proof Transformation: HMAC-relabelled canonical N-Quads, mandatory vs not.

    ``legacy``: in the N-Quads escaping before RDFC-1.0, for confirming a base proof
    signed before 2026-11-28 (``labels.canonicalize_and_group``); signing never uses it.
    """
    if len(hmac_key) != 32:
        raise ValueError("the HMAC key is 32 bytes (the SHA-256 digest size)")
    grouped = canonicalize_and_group(
        document,
        hmac_label_map_function(hmac_key),
        {"mandatory": list(mandatory_pointers)},
        random_string=random_string,
        legacy=legacy,
    )
    group = grouped.groups["mandatory"]
    return BaseTransform(
        list(mandatory_pointers), group.matching, group.non_matching, hmac_key, grouped
    )


def hash_mandatory(mandatory: Sequence[str]) -> bytes:
    """The spec's hashMandatoryNQuads: SHA-256 of the joined N-Quads."""
    return hashlib.sha256("".join(mandatory).encode("utf-8")).digest()


def canonical_proof_config(proof: dict[str, Any], document: dict[str, Any]) -> str:
    """Base Proof Configuration: the proof options with the document's @context, canonized."""
    if proof.get("type") != DATA_INTEGRITY or proof.get("cryptosuite") != CRYPTOSUITE:
        raise InvalidInput(
            "the proof options are not DataIntegrityProof / ecdsa-sd-2023",
            code=ErrorCode.malformed_proof,
        )
    return canonize(proof_config(proof, document))


def hash_base(transform: BaseTransform, canonical_config: str) -> BaseHashData:
    """Base Proof Hashing."""
    proof_hash = hashlib.sha256(canonical_config.encode("utf-8")).digest()
    return BaseHashData(transform, proof_hash, hash_mandatory(list(transform.mandatory.values())))


def sign_data(proof_hash: bytes, public_key: bytes, mandatory_hash: bytes) -> bytes:
    """The spec's serializeSignData: what the issuer's key signs."""
    return proof_hash + public_key + mandatory_hash


def serialize_base(
    hashed: BaseHashData, issuer_key: P256SigningKey, proof_key: P256SigningKey
) -> str:
    """Base Proof Serialization: per-statement signatures, base signature, CBOR."""
    signatures = [
        proof_key.sign(nq.encode("utf-8")) for nq in hashed.transform.non_mandatory.values()
    ]
    public_key = P256_PUB_PREFIX + proof_key.public_key
    base_signature = issuer_key.sign(
        sign_data(hashed.proof_hash, public_key, hashed.mandatory_hash)
    )
    return serialize_base_proof_value(
        BaseProofValue(
            base_signature,
            public_key,
            hashed.transform.hmac_key,
            signatures,
            hashed.transform.mandatory_pointers,
        )
    )


def create_base_proof(
    document: dict[str, Any],
    key: P256SigningKey,
    *,
    created: datetime,
    mandatory_pointers: Sequence[str],
    proof_purpose: str = "assertionMethod",
    hmac_key: bytes | None = None,
    proof_key: P256SigningKey | None = None,
    random_string: str | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with an ecdsa-sd-2023 base proof added (Create Base Proof).

    ``hmac_key``, ``proof_key`` and ``random_string`` are fresh and random
    unless a test fixes them to reproduce published vectors. The base proof is
    for the holder only: it reveals the HMAC key.
    """
    if not isinstance(document, dict):
        raise TypeError("document must be a dict")
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if not isinstance(unsecured.get("@context"), list | str):
        raise InvalidInput("document has no @context", code=ErrorCode.malformed_credential)
    proof: dict[str, Any] = {
        "type": DATA_INTEGRITY,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": key.verification_method,
        "proofPurpose": proof_purpose,
    }
    transform = transform_base(
        unsecured,
        mandatory_pointers,
        hmac_key if hmac_key is not None else secrets.token_bytes(32),
        random_string=random_string,
    )
    hashed = hash_base(transform, canonical_proof_config(proof, unsecured))
    proof["proofValue"] = serialize_base(hashed, key, proof_key or P256SigningKey.generate())
    return add_proof(document, proof)


def add_proof(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with ``proof`` added: a proof set when it had one already."""
    secured = dict(document)
    existing = document.get("proof")
    if existing is None:
        types = document.get("type")
        names = {t for t in as_list(types) if isinstance(t, str)}
        secured["proof"] = [proof] if names & _ARRAY_PROOF_TYPES else proof
    elif isinstance(existing, list):
        secured["proof"] = [*existing, proof]
    else:
        secured["proof"] = [existing, proof]
    return secured
