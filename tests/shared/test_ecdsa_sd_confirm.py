"""The holder confirms an ecdsa-sd-2023 base proof; a verifier refuses one.

A learner whose issuer signs only for selective disclosure (digitalbazaar's stack, or
Rugzak's issuer with ``sd_proofs`` and no other proof) receives a badge with just a
base proof: the wallet must be able to tell it is genuine. A verifier must never be
handed one (it holds the HMAC key that hides what a disclosure leaves out), so inside
a presentation it stays refused, with a code of its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from shared.credentials import (
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from shared.errors import ErrorCode
from shared.formats import verify_stored
from shared.keys import P256SigningKey
from shared.messages import plain
from shared.ob.disclosure import mandatory_pointers
from shared.proof import verify_proofs
from shared.proof.ecdsa_sd import create_base_proof
from shared.proof.ecdsa_sd.cbor import parse_base_proof_value, serialize_base_proof_value
from shared.proof.ecdsa_sd.confirm import confirm_base_proof, create_confirm_data
from shared.proof.ecdsa_sd.verify import holds_in_signed_form
from shared.verification import CheckName, Verdict
from tests.conftest import load_vector
from tests.shared.test_ecdsa_sd_ob import (
    ED_KEY,
    LEARNER,
    NOW,
    RESOLVER,
    SD_KEY,
    _credential,
    _status_source,
)
from tests.wallet.sd_badges import SD_P256_KEY, sd_resolver

SD = "ecdsa-sd-2023"
CREATED = NOW - timedelta(days=1)


def base_only(badge: dict[str, Any] | None = None) -> dict[str, Any]:
    """A badge signed with an ecdsa-sd-2023 base proof and nothing else."""
    badge = badge or _credential()
    return create_base_proof(
        badge, SD_KEY, created=CREATED, mandatory_pointers=mandatory_pointers(badge)
    )


def both_proofs() -> dict[str, Any]:
    """eddsa-rdfc-2022 and a base proof, as Rugzak's issuer with ``sd_proofs`` signs."""
    badge = _credential()
    return create_base_proof(
        issue_credential(badge, ED_KEY, created=CREATED),
        SD_KEY,
        created=CREATED,
        mandatory_pointers=mandatory_pointers(badge),
    )


def _base_proof(document: dict[str, Any]) -> dict[str, Any]:
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    (proof,) = [p for p in proofs if p["cryptosuite"] == SD]
    return proof


def with_signatures(
    document: dict[str, Any], change: Callable[[list[bytes]], list[bytes]]
) -> dict[str, Any]:
    """``document`` with its base proof's statement signatures changed by ``change``."""
    changed = copy.deepcopy(document)
    proof = _base_proof(changed)
    value = parse_base_proof_value(proof["proofValue"])
    proof["proofValue"] = serialize_base_proof_value(
        replace(value, signatures=change(list(value.signatures)))
    )
    return changed


def swapped(signatures: list[bytes]) -> list[bytes]:
    return [signatures[1], signatures[0], *signatures[2:]]


def tampered_variants(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A mandatory value changed, a non-mandatory value changed, two statement
    signatures swapped, one dropped (the same for both implementations' tests)."""
    mandatory = copy.deepcopy(document)
    mandatory["credentialSubject"]["achievement"]["name"] = "Lassen, niveau 3"
    optional = copy.deepcopy(document)
    optional["credentialSubject"]["result"][0]["value"] = "3"
    return {
        "mandatory value": mandatory,
        "non-mandatory value": optional,
        "swapped signatures": with_signatures(document, swapped),
        "dropped signature": with_signatures(document, lambda s: s[:-1]),
    }


def _holder(document: dict[str, Any], **options: Any) -> Any:
    return verify_credential(
        document,
        resolver=RESOLVER,
        status_fetcher=_status_source(options.pop("revoked", frozenset())),
        now=NOW,
        confirm_base_proofs=True,
        **options,
    )


def test_the_holder_confirms_a_badge_with_only_a_base_proof() -> None:
    result = _holder(base_only())
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.codes() == []
    (proof,) = [c for c in result.checks if c.name == CheckName.proof]
    assert proof.message == "The signature is genuine (ecdsa-sd-2023)."
    # The signature holds, so the status list is read: a revocation shows.
    revoked = _holder(base_only(), revoked=frozenset({4711}))
    assert revoked.verdict == Verdict.invalid
    assert ErrorCode.revoked in revoked.codes()


def test_the_wallets_check_of_a_stored_badge_confirms_it() -> None:
    result = verify_stored(base_only(), resolver=RESOLVER, status_fetcher=_status_source(), now=NOW)
    assert result.verdict == Verdict.valid, result.to_dict()


def test_both_proofs_are_checked_and_nothing_is_left_unchecked() -> None:
    document = both_proofs()
    outcomes = verify_proofs(document, RESOLVER, confirm_base_proofs=True)
    assert [(o.cryptosuite, o.ok) for o in outcomes] == [("eddsa-rdfc-2022", True), (SD, True)]
    result = _holder(document)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.codes() == []
    (proof,) = [c for c in result.checks if c.name == CheckName.proof]
    assert proof.message == "The signature is genuine (ecdsa-sd-2023, eddsa-rdfc-2022)."


@pytest.mark.parametrize(
    "variant", ["mandatory value", "non-mandatory value", "swapped signatures", "dropped signature"]
)
def test_a_tampered_base_proof_fails(variant: str) -> None:
    bad = tampered_variants(base_only())[variant]
    (outcome,) = verify_proofs(bad, RESOLVER, confirm_base_proofs=True)
    assert outcome.code == ErrorCode.proof_invalid
    result = _holder(bad)
    assert result.verdict == Verdict.invalid
    assert ErrorCode.proof_invalid in result.codes()
    # beside a good eddsa proof, a bad base proof still fails the badge
    beside = tampered_variants(both_proofs())[variant]
    assert ErrorCode.proof_invalid in _holder(beside).codes()


def test_a_base_proof_signed_by_another_key_fails() -> None:
    other = P256SigningKey.from_private_bytes(b"\x47" * 32).with_controller(
        SD_KEY.verification_method.split("#")[0], "sd-1"
    )
    badge = _credential()
    forged = create_base_proof(
        badge, other, created=CREATED, mandatory_pointers=mandatory_pointers(badge)
    )
    (outcome,) = verify_proofs(forged, RESOLVER, confirm_base_proofs=True)
    assert outcome.code == ErrorCode.proof_invalid


@pytest.mark.parametrize("case", ["prc", "employ"])
def test_the_w3c_base_proofs_are_confirmed(case: str) -> None:
    signed = load_vector(f"{SD}/{SD}/{case}/addSignedSDBase.json")
    (outcome,) = verify_proofs(signed, RESOLVER, confirm_base_proofs=True)
    assert outcome.ok, outcome
    (refused,) = verify_proofs(signed, RESOLVER)
    assert refused.code == ErrorCode.base_proof_presented


def test_a_base_proof_signed_in_the_older_escaping_is_confirmed() -> None:
    """tests/vectors/legacy-escaping: signed by Rugzak before RDFC-1.0 escaping; the
    holder confirms it in the form it was signed in, not in RDFC-1.0."""
    signed = load_vector("legacy-escaping/ecdsa-sd-base.json")
    document = {k: v for k, v in signed.items() if k != "proof"}
    proof = _base_proof(signed)
    key = SD_P256_KEY.public_key
    assert confirm_base_proof(document, proof, key)
    rdfc_only = holds_in_signed_form(lambda _legacy: create_confirm_data(document, proof), key)
    assert not rdfc_only
    alone = {**signed, "proof": [proof]}
    (outcome,) = verify_proofs(alone, sd_resolver(), confirm_base_proofs=True)
    assert outcome.ok, outcome
    changed = copy.deepcopy(document)
    changed["evidence"][0]["name"] += "."
    assert not confirm_base_proof(changed, proof, key)


def test_a_verifier_refuses_a_base_proof_with_its_own_code() -> None:
    result = verify_credential(
        base_only(), resolver=RESOLVER, status_fetcher=_status_source(), now=NOW
    )
    assert result.verdict == Verdict.invalid
    (proof,) = [c for c in result.checks if c.name == CheckName.proof]
    assert proof.code == ErrorCode.base_proof_presented
    assert proof.message == plain(ErrorCode.base_proof_presented)
    for jargon in ("base proof", "ecdsa", "HMAC", "DID", "cryptosuite"):
        assert jargon not in proof.message
    # beside a genuine eddsa proof: valid, with the base proof named in a warning
    beside = verify_credential(
        both_proofs(), resolver=RESOLVER, status_fetcher=_status_source(), now=NOW
    )
    assert beside.verdict == Verdict.valid, beside.to_dict()
    assert [c.code for c in beside.warnings] == [ErrorCode.base_proof_presented]


@pytest.mark.parametrize("make", [base_only, both_proofs])
def test_a_base_proof_inside_a_presentation_is_refused_even_for_a_holder(
    make: Callable[[], dict[str, Any]],
) -> None:
    """The verifier is told it checks a presentation: its badges' base proofs are never
    confirmed there, whatever the caller confirms of its own badges."""
    vp = create_presentation([make()], LEARNER, challenge="c-1", domain="d.example", created=NOW)
    result = verify_presentation(
        vp,
        challenge="c-1",
        domain="d.example",
        resolver=RESOLVER,
        status_fetcher=_status_source(),
        now=NOW,
        confirm_base_proofs=True,
    )
    (inner,) = result.credentials
    assert ErrorCode.base_proof_presented in inner.codes()
    assert ErrorCode.unsupported_cryptosuite not in inner.codes()
