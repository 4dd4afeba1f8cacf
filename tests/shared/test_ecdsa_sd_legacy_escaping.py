"""ecdsa-sd-2023 badges signed over the N-Quads escaping before RDFC-1.0 still verify.

The fixtures (tests/vectors/legacy-escaping) were made by Rugzak at 7f11ed1^, the last
commit that wrote the older form: a badge whose description holds a vertical tab (Word's
soft line break), whose criteria hold a form feed and whose evidence name holds a
vertical tab, with eddsa-rdfc-2022 and an ecdsa-sd-2023 base proof, and a disclosure
derived from it that shows the evidence and result.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from shared.canonical import canonize, canonize_legacy
from shared.credentials import issue_credential, verify_credential
from shared.errors import ErrorCode
from shared.jsonld import legacy_escaping
from shared.jsonld.rdfc import canonicalize
from shared.ob.disclosure import mandatory_pointers, selective_pointers
from shared.proof import verify_proofs
from shared.proof.ecdsa_sd import create_base_proof, derive_proof
from shared.proof.ecdsa_sd.cbor import parse_derived_proof_value
from shared.proof.ecdsa_sd.labels import label_map_function, label_replacement_canonicalize_json_ld
from shared.proof.ecdsa_sd.skolem import Dataset, document_dataset
from shared.verification import Verdict
from tests.conftest import load_vector
from tests.wallet.helpers import HOLDER_KEY, NOW
from tests.wallet.sd_badges import SD_ED_KEY, SD_P256_KEY, sd_badge, sd_resolver, sd_status

SHOWN = {"evidence", "result"}


def _old_base() -> dict[str, Any]:
    base: dict[str, Any] = load_vector("legacy-escaping/ecdsa-sd-base.json")
    return base


def _old_derived() -> dict[str, Any]:
    derived: dict[str, Any] = load_vector("legacy-escaping/ecdsa-sd-derived.json")
    return derived


def _unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def _sign_now(unsigned: dict[str, Any]) -> dict[str, Any]:
    """Both proofs as Rugzak signs them today (RDFC-1.0)."""
    created = NOW - timedelta(days=30)
    signed = issue_credential(unsigned, SD_ED_KEY, created=created)
    return create_base_proof(
        signed, SD_P256_KEY, created=created, mandatory_pointers=mandatory_pointers(signed)
    )


def _derive(base: dict[str, Any]) -> dict[str, Any]:
    return derive_proof(base, selective_pointers(_unsecured(base), SHOWN))


def _proof_code(document: dict[str, Any]) -> ErrorCode | None:
    (result,) = verify_proofs(document, sd_resolver())
    return None if result.ok else result.code


@pytest.fixture
def legacy_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the times a dataset is put in the older form (the fallback's only door)."""
    calls: list[int] = []
    original = Dataset.in_legacy_form

    def counted(self: Dataset) -> Dataset:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Dataset, "in_legacy_form", counted)
    return calls


def test_the_fixtures_were_signed_over_the_older_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checked in RDFC-1.0 alone, the old disclosure fails: the fallback is what passes it."""
    derived = _old_derived()
    assert "\x0b" in derived["evidence"][0]["name"]
    assert "\x0c" in derived["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert _proof_code(derived) is None
    monkeypatch.setattr(legacy_escaping, "applies", lambda *forms: False)
    assert _proof_code(derived) == ErrorCode.proof_invalid


def test_an_old_disclosure_verifies_at_the_verifier() -> None:
    result = verify_credential(
        _old_derived(), resolver=sd_resolver(), status_fetcher=sd_status(), now=NOW
    )
    assert result.verdict == Verdict.valid, result.to_dict()
    revoked = verify_credential(
        _old_derived(),
        resolver=sd_resolver(),
        status_fetcher=sd_status(frozenset({4711})),
        now=NOW,
    )
    assert "revoked" in {c.code for c in revoked.errors}


def test_the_holder_derives_from_an_old_base_proof_what_the_old_code_derived() -> None:
    """The derived proof must be made in the form the base proof signed: labels, order
    and the statements' signatures all follow from it. RDFC-1.0 would give other ones."""
    derived = _derive(_old_base())
    old = _old_derived()
    assert derived == old
    assert _proof_code(derived) is None


def test_a_changed_old_disclosure_fails() -> None:
    old = _old_derived()
    changes = []
    other_character = copy.deepcopy(old)
    other_character["evidence"][0]["name"] = old["evidence"][0]["name"].replace("\x0b", "\x0c")
    changes.append(other_character)
    typed_out = copy.deepcopy(old)  # the six characters instead of the vertical tab
    achievement = typed_out["credentialSubject"]["achievement"]
    achievement["description"] = achievement["description"].replace("\x0b", "\\u000B")
    changes.append(typed_out)
    other_mandatory = copy.deepcopy(old)
    other_mandatory["credentialSubject"]["achievement"]["name"] = "Lassen, niveau 3"
    changes.append(other_mandatory)
    put_back = copy.deepcopy(old)
    put_back["credentialSubject"]["identifier"] = _old_base()["credentialSubject"]["identifier"]
    changes.append(put_back)
    for changed in changes:
        assert _proof_code(changed) == ErrorCode.proof_invalid


def test_an_iri_holding_backslashes_does_not_pass_for_the_iri_they_escape() -> None:
    """The forgery shape of a7848db, disclosed: the older form wrote IRIs raw, so an
    evidence IRI holding the text "\\u007B" reads as RDFC-1.0's escape of "{"."""
    unsigned = _unsecured(sd_badge(HOLDER_KEY.did, sd_proof=False))
    unsigned["evidence"][0]["id"] = "https://leerhuis-utrecht.example/evidence/{8841}"
    derived = _derive(_sign_now(unsigned))
    assert _proof_code(derived) is None
    forged = copy.deepcopy(derived)
    forged["evidence"][0]["id"] = "https://leerhuis-utrecht.example/evidence/\\u007B8841\\u007D"
    labels = parse_derived_proof_value(derived["proof"][0]["proofValue"]).label_map
    signed = label_replacement_canonicalize_json_ld(_unsecured(derived), label_map_function(labels))
    forged_older = label_replacement_canonicalize_json_ld(
        _unsecured(forged), label_map_function(labels), legacy=True
    )
    # The same statements: without the guard, every signature would hold for the copy.
    assert forged_older.nquads == signed.nquads
    assert _proof_code(forged) == ErrorCode.proof_invalid


def test_badges_signed_now_still_verify(legacy_calls: list[int]) -> None:
    """The same texts signed in RDFC-1.0: derived and checked without the older form."""
    base = _sign_now(_unsecured(_old_base()))
    assert legacy_escaping.applies(canonize(_unsecured(base)))  # the forms do differ
    derived = _derive(base)
    assert _proof_code(derived) is None
    assert legacy_calls == []


def test_without_such_characters_the_older_form_is_never_computed(
    legacy_calls: list[int],
) -> None:
    base = sd_badge(HOLDER_KEY.did)
    derived = _derive(base)
    assert _proof_code(derived) is None
    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["achievement"]["name"] = "Lassen, niveau 3"
    assert _proof_code(tampered) == ErrorCode.proof_invalid  # a failed signature, too
    assert legacy_calls == []
    assert _proof_code(_old_derived()) is None
    assert legacy_calls == [1]  # the failed RDFC-1.0 check, then the older form once


def test_the_older_form_of_each_term_is_pyld_s_older_form() -> None:
    """Selective disclosure puts each term in the older form; eddsa takes pyld's whole
    older text. Both are the same canonical N-Quads."""
    document = _unsecured(_old_base())
    older = document_dataset(document).in_legacy_form()
    assert canonicalize(list(older.quads)) == canonize_legacy(document)
    assert "\x0b" in canonize_legacy(document)
    assert legacy_escaping.older_term('"a\\\\u000B\\u000Bb\\f\\t"') == '"a\\\\u000B\x0bb\x0c\\t"'
