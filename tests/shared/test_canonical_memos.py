"""The memos behind fast canonicalization never change a result.

- ``shared.jsonld.to_rdf`` remembers a plan per node shape (active context, property,
  keys, type values); the values themselves are read from each document.
- ``shared.jsonld.context.ActiveContext.id_term`` remembers serialized ``@id`` terms.
- ``shared.proof.suites.rdfc_config_hash`` remembers proof-config hashes, keyed on
  the config's whole content (configs it does not write directly: these tests'
  configs have an ``expires``, which ``config_nquads`` leaves to the general path).

Each memo is bounded, and each is checked here against the pyld reference.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest

import shared.jsonld.context as context_module
import shared.jsonld.to_rdf as to_rdf
import shared.proof.suites as suites
from shared.canonical import canonize, canonize_reference
from shared.errors import ErrorCode, InvalidInput
from shared.jsonld.rdfc import canonicalize
from shared.vocab import OB_V3P0_303 as OB
from tests.pure_modules import pure_copy

V2 = "https://www.w3.org/ns/credentials/v2"


def _fast(document: dict[str, Any]) -> str:
    return canonicalize(to_rdf.document_quads(document))


def _sha(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _config(**fields: Any) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-23T12:00:00Z",
        "verificationMethod": "did:key:z6MkjJRuJtMxfTErK55eWeV7FQLLxpsvzSUQ3AC6DmdNPFja#z6Mk",
        "proofPurpose": "assertionMethod",
        "expires": "2027-11-23T12:00:00Z",
        "@context": [V2, OB],
        **fields,
    }


def _credential(achievement: dict[str, Any], **fields: Any) -> dict[str, Any]:
    # Written by hand on purpose: these shapes differ only where a plan could go wrong.
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": "Profile", "name": "Leerhuis"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"type": "AchievementSubject", "achievement": achievement},
        **fields,
    }


# --- node plans ------------------------------------------------------------------------


def test_one_shape_with_other_values_gives_each_document_its_own_quads() -> None:
    first = _credential({"id": "urn:a", "type": "Achievement", "name": "A", "criteria": {}})
    second = _credential({"id": "urn:b", "type": "Achievement", "name": "B", "criteria": {}})
    assert _fast(first) == canonize_reference(first)
    assert _fast(second) == canonize_reference(second)
    assert _fast(first) != _fast(second)


def test_the_same_keys_with_other_type_values_get_their_own_plan() -> None:
    # Achievement and Profile differ in their type-scoped terms: one plan per type.
    as_achievement = _credential({"id": "urn:a", "type": "Achievement", "name": "A"})
    as_profile = _credential({"id": "urn:a", "type": "Profile", "name": "A"})
    assert _fast(as_achievement) == canonize_reference(as_achievement)
    assert _fast(as_profile) == canonize_reference(as_profile)


def test_a_shape_that_once_fell_back_still_falls_back() -> None:
    odd = _credential({"id": "urn:a", "type": "Achievement", "name": {"@value": "A"}})
    for _ in range(2):
        with pytest.raises(context_module.Fallback):
            to_rdf.document_quads(odd)
        assert canonize(odd) == canonize_reference(odd)


def test_an_undefined_term_is_reported_every_time_its_shape_is_seen() -> None:
    bad = _credential({"id": "urn:a", "type": "Achievement", "name": "A", "colour": "blue"})
    for _ in range(2):
        with pytest.raises(InvalidInput) as caught:
            canonize(bad)
        assert caught.value.code == ErrorCode.undefined_term
        assert caught.value.detail == "colour"


def test_node_plans_stay_bounded() -> None:
    plain = pure_copy("shared.jsonld.to_rdf")  # its limit can be lowered (compiled: Final)
    plain.MAX_PLANS = 8
    for index in range(40):
        extra = {f"https://example.com/vocab#p{index}": "x"}
        document = _credential({"id": "urn:a", "type": "Achievement", "name": "A", **extra})
        assert canonicalize(plain.document_quads(document)) == canonize_reference(document)
        assert len(plain._PLANS) <= 8


def test_id_terms_stay_bounded_and_correct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_module, "MAX_ID_TERMS", 5)
    context_module._ID_TERMS.clear()
    for index in range(30):
        document = _credential(
            {"id": f"urn:uuid:{index}", "type": "Achievement", "name": "A"},
            id=f"https://leerhuis.example/credentials/{index % 7}",
        )
        assert _fast(document) == canonize_reference(document)
        assert len(context_module._ID_TERMS) <= 5


def test_a_relative_id_is_never_remembered_as_an_iri() -> None:
    relative = _credential({"id": "achievements/1", "type": "Achievement", "name": "A"})
    for _ in range(2):
        with pytest.raises(context_module.Fallback):
            to_rdf.document_quads(relative)
        with pytest.raises(InvalidInput):
            canonize(relative)


# --- proof config hashes -----------------------------------------------------------------


def test_proof_config_hash_is_the_hash_of_the_canonical_form() -> None:
    config = _config(created="2026-11-23T12:00:01Z")
    expected = _sha(canonize_reference(config))
    assert suites.rdfc_config_hash(config) == expected
    assert suites.rdfc_config_hash(dict(config)) == expected  # a memo hit


def test_a_memo_hit_does_not_canonicalize_again(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(created="2026-11-23T12:00:02Z")
    first = suites.rdfc_config_hash(config)

    def refuse(document: Any) -> str:
        raise AssertionError("canonicalized again")

    monkeypatch.setattr(suites, "canonize", refuse)
    assert suites.rdfc_config_hash(config) == first
    with pytest.raises(AssertionError):
        suites.rdfc_config_hash(_config(created="2026-11-23T12:00:03Z"))


@pytest.mark.parametrize(
    "change",
    [
        {"created": "2026-11-23T12:00:05Z"},
        {"challenge": "abc"},
        {"challenge": "abd"},
        {"domain": "https://verifier.example"},
        {"proofPurpose": "authentication"},
        {"@context": V2},
        {"@context": [V2]},
    ],
)
def test_every_field_is_part_of_the_memo_key(change: dict[str, Any]) -> None:
    base = _config()
    changed = {**base, **change}
    suites.rdfc_config_hash(base)
    assert suites.rdfc_config_hash(changed) == _sha(canonize_reference(changed))


def test_configs_that_are_not_flat_are_not_memoized() -> None:
    nested = _config(created="2026-11-23T12:00:06Z")
    nested["@context"] = [V2, {"ex": "https://example.com/#"}]
    before = len(suites._proof_hashes)
    assert suites.rdfc_config_hash(nested) == _sha(canonize_reference(nested))
    assert len(suites._proof_hashes) == before
    assert suites._flat_key({"a": ["x", 1]}) is None
    assert suites._flat_key({"a": "x"}) != suites._flat_key({"a": ["x"]})


def test_a_failing_config_fails_every_time() -> None:
    bad = _config(colour="blue")
    for _ in range(2):
        with pytest.raises(InvalidInput) as caught:
            suites.rdfc_config_hash(bad)
        assert caught.value.code == ErrorCode.undefined_term


def test_proof_config_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suites, "PROOF_HASH_MEMO_SIZE", 4)
    suites._proof_hashes.clear()
    for second in range(12):
        config = _config(created=f"2026-11-23T12:01:{second:02d}Z")
        assert suites.rdfc_config_hash(config) == _sha(canonize_reference(config))
        assert len(suites._proof_hashes) <= 4


def test_proof_config_memo_across_threads() -> None:
    configs = [_config(challenge=f"nonce-{n}") for n in range(12)]
    expected = [_sha(canonize_reference(config)) for config in configs]
    wrong: list[int] = []

    def work(offset: int) -> None:
        for round_ in range(60):
            index = (offset + round_) % len(configs)
            if suites.rdfc_config_hash(configs[index]) != expected[index]:
                wrong.append(index)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_large_shapes_ids_and_configs_are_not_remembered() -> None:
    many = {f"https://example.com/vocab#p{n}": "x" for n in range(to_rdf.MAX_PLAN_KEYS + 1)}
    document = _credential({"id": "urn:a", "type": "Achievement", "name": "A", **many})
    to_rdf._PLANS.clear()
    assert _fast(document) == canonize_reference(document)
    assert all(len(key[2]) <= to_rdf.MAX_PLAN_KEYS for key in to_rdf._PLANS)  # type: ignore[index]
    long_id = "urn:uuid:" + "7" * context_module.MAX_ID_TERM_CHARS
    document = _credential({"id": long_id, "type": "Achievement", "name": "A"})
    assert _fast(document) == canonize_reference(document)
    assert all(key[1] != long_id for key in context_module._ID_TERMS)
    config = _config(challenge="c" * suites.PROOF_HASH_MEMO_CHARS)
    assert suites._flat_key(config) is None
    assert suites.rdfc_config_hash(config) == _sha(canonize_reference(config))
