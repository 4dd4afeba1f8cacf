"""The holder's derived proof (spec: createDisclosureData, Add Derived Proof).

The holder keeps the mandatory statements, picks the non-mandatory ones to
reveal with JSON Pointers, and keeps only their signatures. The HMAC key stays
with the holder: the verifier gets just the labels it needs.

The derived proof is made in the form its base proof was signed in, since the
verifier computes labels, order and hashes in one form: a base proof from before
2026-11-28 signed the N-Quads escaping before RDFC-1.0 (``shared.jsonld.legacy_escaping``).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from shared.errors import ErrorCode, InvalidInput
from shared.jsonld import legacy_escaping
from shared.proof.ecdsa_sd.base import CRYPTOSUITE, add_proof
from shared.proof.ecdsa_sd.cbor import (
    BASE_HEADER,
    BaseProofValue,
    DerivedProofValue,
    parse_base_proof_value,
    serialize_derived_proof_value,
)
from shared.proof.ecdsa_sd.labels import Grouped, canonical_id_map, canonicalize_and_group
from shared.proof.ecdsa_sd.labels import hmac_label_map_function as _hmac_factory
from shared.proof.ecdsa_sd.pointers import select_json_ld
from shared.proof.ecdsa_sd.verify import statements_signed
from shared.proof.suites import DATA_INTEGRITY
from shared.vocab import as_list

# Three header bytes are exactly four base64url characters: "u2V0A".
_BASE_PREFIX = "u" + base64.urlsafe_b64encode(BASE_HEADER).decode("ascii")


@dataclass(frozen=True)
class DisclosureData:
    """What a derived proof is made of, plus the document the verifier will see."""

    value: DerivedProofValue
    reveal_document: dict[str, Any]
    grouped: Grouped


def create_disclosure_data(
    document: dict[str, Any],
    proof: dict[str, Any],
    selective_pointers: Sequence[str],
    *,
    random_string: str | None = None,
    legacy: bool = False,
) -> DisclosureData:
    """The spec's createDisclosureData for ``document`` (without its proof).

    ``legacy``: for a base proof signed in the N-Quads escaping before RDFC-1.0
    (``labels.canonicalize_and_group``).
    """
    base = parse_base_proof_value(proof.get("proofValue"))
    mandatory_pointers = base.mandatory_pointers
    if not mandatory_pointers and not selective_pointers:
        raise InvalidInput("nothing is selected for disclosure", code=ErrorCode.invalid_pointer)
    combined_pointers = [*mandatory_pointers, *selective_pointers]
    grouped = canonicalize_and_group(
        document,
        _hmac_factory(base.hmac_key),
        {
            "mandatory": mandatory_pointers,
            "selective": list(selective_pointers),
            "combined": combined_pointers,
        },
        random_string=random_string,
        legacy=legacy,
    )
    mandatory = grouped.groups["mandatory"].matching
    selective = grouped.groups["selective"].matching
    combined = grouped.groups["combined"]
    mandatory_indexes = [
        relative for relative, absolute in enumerate(combined.matching) if absolute in mandatory
    ]
    # Signatures follow the non-mandatory N-Quads in order: skip mandatory indexes.
    filtered: list[bytes] = []
    index = 0
    for signature in base.signatures:
        while index in mandatory:
            index += 1
        if index in selective:
            filtered.append(signature)
        index += 1
    reveal = select_json_ld(document, combined_pointers)
    if reveal is None:  # unreachable: combined_pointers is not empty
        raise InvalidInput("nothing is selected for disclosure", code=ErrorCode.invalid_pointer)
    verifier_label_map: dict[str, str] = {}
    for input_label, verifier_label in canonical_id_map(combined.dataset).items():
        signed = grouped.label_map.get(input_label)
        if signed is None:
            raise InvalidInput(
                "a selected value holds an RDF list, which ecdsa-sd-2023 cannot disclose",
                code=ErrorCode.invalid_pointer,
            )
        verifier_label_map[verifier_label] = signed
    value = DerivedProofValue(
        base.base_signature, base.public_key, filtered, verifier_label_map, mandatory_indexes
    )
    return DisclosureData(value, reveal, grouped)


def is_base_proof(proof: Any) -> TypeGuard[dict[str, Any]]:
    """True for an ecdsa-sd-2023 proof whose value carries the base header."""
    if not isinstance(proof, dict) or proof.get("type") != DATA_INTEGRITY:
        return False
    if proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    value = proof.get("proofValue")
    return isinstance(value, str) and value.startswith(_BASE_PREFIX)


def derive_proof(
    secured: dict[str, Any],
    selective_pointers: Sequence[str],
    *,
    proof_id: str | None = None,
    random_string: str | None = None,
) -> dict[str, Any]:
    """The reveal document with a derived proof (Add Derived Proof).

    The base proof is the single ecdsa-sd-2023 base proof on ``secured`` (or the
    one whose ``id`` is ``proof_id``). Other proofs are dropped: they sign the
    whole document and could not verify on a part of it.
    """
    bases: list[dict[str, Any]] = [p for p in as_list(secured.get("proof")) if is_base_proof(p)]
    if proof_id is not None:
        bases = [p for p in bases if p.get("id") == proof_id]
    if len(bases) != 1:
        raise InvalidInput(
            "expected exactly one ecdsa-sd-2023 base proof to derive from",
            code=ErrorCode.malformed_proof,
            detail=len(bases),
        )
    base_proof = bases[0]
    document = {k: v for k, v in secured.items() if k != "proof"}
    data = create_disclosure_data(
        document, base_proof, selective_pointers, random_string=random_string
    )
    if legacy_escaping.applies("".join(data.grouped.nquads)):
        data = _in_signed_form(data, document, base_proof, selective_pointers, random_string)
    new_proof = {k: v for k, v in base_proof.items() if k != "@context"}
    new_proof["proofValue"] = serialize_derived_proof_value(data.value)
    return add_proof(data.reveal_document, new_proof)


def _in_signed_form(
    data: DisclosureData,
    document: dict[str, Any],
    proof: dict[str, Any],
    selective_pointers: Sequence[str],
    random_string: str | None,
) -> DisclosureData:
    """``data``, or the same in the older escaping if the base proof signed that form.

    Asked only when the document's texts read otherwise in the older form. The
    proof-scoped key signed each non-mandatory statement, so those signatures tell the
    forms apart without the issuer's key. When they hold in RDFC-1.0, RDFC-1.0 is kept:
    the base proof signed it, or the forms differ only in mandatory statements (under
    the issuer's signature alone), whose derived proofs then agree unless those
    statements' blank node labels or order differ between the forms too.
    """
    base = parse_base_proof_value(proof.get("proofValue"))
    if _statements_signed(data.grouped, base):
        return data
    older = create_disclosure_data(
        document, proof, selective_pointers, random_string=random_string, legacy=True
    )
    return older if _statements_signed(older.grouped, base) else data


def _statements_signed(grouped: Grouped, base: BaseProofValue) -> bool:
    """Whether the base proof's statement signatures hold in ``grouped``'s form."""
    statements = list(grouped.groups["mandatory"].non_matching.values())
    return statements_signed(base.public_key, statements, base.signatures)
