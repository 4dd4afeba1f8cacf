"""The holder's check of a base proof (digitalbazaar's createConfirmCryptosuite).

A learner receives a badge signed with a base proof and must be able to tell whether
it is genuine before keeping it. The base proof holds what the issuer signed with, so
the holder rebuilds the issuer's transformation: the HMAC-labelled canonical
statements, split by the mandatory pointers. The issuer's key must sign the proof
options' hash, the proof-scoped key and the mandatory statements' hash; the
proof-scoped key must sign each other statement, one for one.

Verifiers never do this: a base proof reveals its HMAC key, so a holder must not hand
it over (``base_proof_presented``). A base proof signed before 2026-11-28, over the
older N-Quads escaping, is confirmed in that form (``verify.holds_in_signed_form``).
"""

from __future__ import annotations

from typing import Any

from shared.canonical import legacy_form
from shared.errors import ErrorCode
from shared.proof.ecdsa_sd.base import canonical_proof_config, hash_base, transform_base
from shared.proof.ecdsa_sd.cbor import parse_base_proof_value
from shared.proof.ecdsa_sd.verify import VerifyData, check_failure, holds_in_signed_form
from shared.proof.suites import proof_config


def create_confirm_data(
    document: dict[str, Any], proof: dict[str, Any], *, legacy: bool = False
) -> VerifyData:
    """What the base ``proof`` must cover of ``document`` (without its proof).

    ``legacy``: in the N-Quads escaping before RDFC-1.0, throughout. Raises
    ``InvalidInput`` (``malformed_proof``) for a proof that is not a readable base proof.
    """
    base = parse_base_proof_value(proof.get("proofValue"))
    config_form = canonical_proof_config(proof, document)
    if legacy:
        config_form = legacy_form(proof_config(proof, document), config_form)
    transform = transform_base(document, base.mandatory_pointers, base.hmac_key, legacy=legacy)
    hashed = hash_base(transform, config_form)
    return VerifyData(
        base.base_signature,
        hashed.proof_hash,
        base.public_key,
        base.signatures,
        list(transform.non_mandatory.values()),
        hashed.mandatory_hash,
        forms=(config_form, "".join(transform.grouped.nquads)),
    )


def confirm_base_proof(
    document: dict[str, Any], proof: dict[str, Any], issuer_public_key: bytes
) -> bool:
    """True when the base ``proof`` covers exactly ``document`` (without its proof).

    ``issuer_public_key`` is the 33-byte compressed P-256 key of the proof's
    verification method. Raises ``InvalidInput`` for a proof that is not a readable
    base proof.
    """
    return holds_in_signed_form(
        lambda legacy: create_confirm_data(document, proof, legacy=legacy), issuer_public_key
    )


def base_proof_failure(
    document: dict[str, Any], proof: dict[str, Any], key_type: str, public_key: bytes
) -> tuple[ErrorCode, str] | None:
    """Why a base proof fails its holder's check as (code, message), or None when it holds."""
    return check_failure(
        key_type,
        lambda: confirm_base_proof(document, proof, public_key),
        "the base proof does not match: the content was changed after signing, "
        "or it was signed with another key",
    )
