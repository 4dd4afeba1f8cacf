"""Adding a proof to a document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.dates import format_datetime
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.keys import SigningKey
from shared.multibase import encode_base58btc
from shared.proof.suites import (
    DATA_INTEGRITY,
    ED25519_2020,
    ED25519_2020_CONTEXT,
    JCS_SUITE,
    SIGNING_SUITES,
    hash_data,
)
from shared.vocab import as_list


def create_proof(
    document: dict[str, Any],
    key: SigningKey,
    *,
    created: datetime,
    cryptosuite: str = "eddsa-rdfc-2022",
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    proof_type: str = DATA_INTEGRITY,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof.

    An existing proof turns into a proof set; every proof in a set signs the
    document without ``proof``, so they stay independent (VC Data Integrity §2.1).
    """
    if not isinstance(document, dict):
        raise TypeError("document must be a dict")
    suite = (proof_type, cryptosuite if proof_type == DATA_INTEGRITY else None)
    if suite not in SIGNING_SUITES:
        raise Unsupported(
            f"cannot sign with {proof_type}/{cryptosuite}", code=ErrorCode.unsupported_cryptosuite
        )
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    context = unsecured.get("@context")
    if not isinstance(context, list | str):
        raise InvalidInput("document has no @context", code=ErrorCode.malformed_credential)
    if proof_type == ED25519_2020:
        if ED25519_2020_CONTEXT not in as_list(context):
            raise InvalidInput(
                "Ed25519Signature2020 needs the ed25519-2020 suite context",
                code=ErrorCode.malformed_credential,
            )
    proof: dict[str, Any] = {"type": proof_type}
    if proof_type == DATA_INTEGRITY:
        proof["cryptosuite"] = cryptosuite
    proof["created"] = format_datetime(created)
    proof["verificationMethod"] = key.verification_method
    proof["proofPurpose"] = proof_purpose
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if cryptosuite == JCS_SUITE and proof_type == DATA_INTEGRITY:
        proof["@context"] = context
    signature = key.sign(hash_data(suite, proof, unsecured))
    proof["proofValue"] = encode_base58btc(signature)

    secured = dict(document)
    existing = document.get("proof")
    if existing is None:
        secured["proof"] = proof
    elif isinstance(existing, list):
        secured["proof"] = [*existing, proof]
    else:
        secured["proof"] = [existing, proof]
    return secured
