"""The verifier's check of a derived proof (spec: createVerifyData, Verify Derived Proof).

Every statement the verifier can compute from the document must be covered:
the mandatory ones by the hash under the issuer's signature, each other one by
its own signature from the proof-scoped key. A statement added, changed or
re-revealed makes the count or a signature fail.

A proof made before 2026-11-28 signed its statements in the N-Quads escaping before
RDFC-1.0: when the check fails on a document whose texts read otherwise in that form,
the whole check runs again in it (``shared.jsonld.legacy_escaping``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.canonical import canonize, legacy_form
from shared.errors import ErrorCode, RugzakError
from shared.jsonld import legacy_escaping
from shared.keys import verify_p256_signature
from shared.multibase import P256_PUB_PREFIX
from shared.proof.ecdsa_sd.base import hash_mandatory, sign_data
from shared.proof.ecdsa_sd.cbor import parse_derived_proof_value
from shared.proof.ecdsa_sd.labels import (
    MissingLabel,
    label_map_function,
    label_replacement_canonicalize_json_ld,
)
from shared.proof.suites import proof_config


@dataclass(frozen=True)
class VerifyData:
    """The spec's verify data; ``complete`` is False when the labels do not cover the document."""

    base_signature: bytes
    proof_hash: bytes
    public_key: bytes
    signatures: list[bytes]
    non_mandatory: list[str]
    mandatory_hash: bytes
    complete: bool = True
    #: the canonical proof options and statements, joined (for ``legacy_escaping.applies``)
    forms: tuple[str, ...] = ()


def create_verify_data(
    document: dict[str, Any], proof: dict[str, Any], *, legacy: bool = False
) -> VerifyData:
    """The spec's createVerifyData for ``document`` without its proof.

    ``legacy``: in the N-Quads escaping before RDFC-1.0, throughout. Raises
    ``InvalidInput`` (``malformed_proof``) for a proof value that does not parse and
    ``Unsupported`` (``base_proof_presented``) for a base proof handed to a verifier.
    """
    parsed = parse_derived_proof_value(proof.get("proofValue"))
    config = proof_config(proof, document)
    config_form = canonize(config)
    if legacy:
        config_form = legacy_form(config, config_form)
    proof_hash = hashlib.sha256(config_form.encode("utf-8")).digest()
    try:
        nquads = label_replacement_canonicalize_json_ld(
            document, label_map_function(parsed.label_map), legacy=legacy
        ).nquads
    except MissingLabel:
        # A blank node the holder did not disclose a label for: not what was signed.
        return VerifyData(
            parsed.base_signature, proof_hash, parsed.public_key, parsed.signatures, [], b"", False
        )
    wanted = set(parsed.mandatory_indexes)
    mandatory = [nq for i, nq in enumerate(nquads) if i in wanted]
    non_mandatory = [nq for i, nq in enumerate(nquads) if i not in wanted]
    complete = len(mandatory) == len(wanted)
    return VerifyData(
        parsed.base_signature,
        proof_hash,
        parsed.public_key,
        parsed.signatures,
        non_mandatory,
        hash_mandatory(mandatory),
        complete,
        (config_form, "".join(nquads)),
    )


def statements_signed(
    public_key: bytes, statements: Sequence[str], signatures: Sequence[bytes]
) -> bool:
    """Whether each statement carries its signature by the proof-scoped key, one for one.

    ``public_key`` is the multikey from the proof value (P-256 header, then the key).
    """
    if public_key[:2] != P256_PUB_PREFIX or len(statements) != len(signatures):
        return False
    return all(
        verify_p256_signature(public_key[2:], nq.encode("utf-8"), signature)
        for nq, signature in zip(statements, signatures, strict=True)
    )


def verify_derived_proof(
    document: dict[str, Any], proof: dict[str, Any], issuer_public_key: bytes
) -> bool:
    """True when the derived ``proof`` covers exactly ``document`` (without its proof).

    ``issuer_public_key`` is the 33-byte compressed P-256 key of the proof's
    verification method. Raises ``InvalidInput`` for an unreadable proof value and
    ``Unsupported`` (``base_proof_presented``) for a base proof.
    """
    return holds_in_signed_form(
        lambda legacy: create_verify_data(document, proof, legacy=legacy), issuer_public_key
    )


def holds_in_signed_form(make: Callable[[bool], VerifyData], issuer_public_key: bytes) -> bool:
    """Whether the verify data ``make(legacy)`` builds holds under ``issuer_public_key``.

    First in RDFC-1.0; for a proof signed before 2026-11-28, over the older escaping,
    the whole check again in that form (labels, order, hashes, statements), never a mix
    of the two, and only when the texts read otherwise in it (``legacy_escaping.applies``).
    """
    data = make(False)
    if _holds(data, issuer_public_key):
        return True
    if not legacy_escaping.applies(*data.forms):
        return False
    return _holds(make(True), issuer_public_key)


def _holds(data: VerifyData, issuer_public_key: bytes) -> bool:
    if not data.complete or len(data.signatures) != len(data.non_mandatory):
        return False
    to_verify = sign_data(data.proof_hash, data.public_key, data.mandatory_hash)
    if not verify_p256_signature(issuer_public_key, to_verify, data.base_signature):
        return False
    return statements_signed(data.public_key, data.non_mandatory, data.signatures)


def check_failure(
    key_type: str, check: Callable[[], bool], mismatch: str
) -> tuple[ErrorCode, str] | None:
    """Why an ecdsa-sd-2023 ``check`` fails as (code, message), or None when it holds.

    The proof layer's view of a derived proof's or a base proof's check: never raises
    for bad input. ``mismatch`` says what a signature that does not hold means.
    """
    if key_type != "P-256":
        return ErrorCode.unsupported_key_type, "ecdsa-sd-2023 proofs are made with P-256 keys"
    try:
        ok = check()
    except RugzakError as exc:
        return exc.code, exc.message
    return None if ok else (ErrorCode.proof_invalid, mismatch)


def derived_proof_failure(
    document: dict[str, Any], proof: dict[str, Any], key_type: str, public_key: bytes
) -> tuple[ErrorCode, str] | None:
    """Why a derived proof fails as (code, message), or None when it verifies."""
    return check_failure(
        key_type,
        lambda: verify_derived_proof(document, proof, public_key),
        "the derived proof does not match: content was changed, added back after it was "
        "hidden, or signed with another key",
    )
