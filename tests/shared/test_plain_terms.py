"""The plain-terms policy flags every JSON-LD form that can hide a member."""

from __future__ import annotations

from shared.plain_terms import plain_term_problems
from tests.conftest import load_vector


def test_real_credentials_are_plain() -> None:
    assert plain_term_problems(load_vector("ob3/1edtech-validator/complete.json")) == []
    assert plain_term_problems(load_vector("eddsa/eddsa-rdfc-2022/signedDataInt.json")) == []


def test_each_disguise_is_reported_with_its_path() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", {"x": "https://e.example/x"}],
        "credentialSubject": {"ex:thing": 1, "@included": [], "deep": [{"https://a/b": 2}]},
    }
    problems = plain_term_problems(doc)
    assert any(p.startswith("$.@context") for p in problems)
    assert any(p.startswith("$.credentialSubject.ex:thing") for p in problems)
    assert any(p.startswith("$.credentialSubject.@included") for p in problems)
    assert any(p.startswith("$.credentialSubject.deep[0].https://a/b") for p in problems)


def test_depth_bomb_is_reported_not_crashing() -> None:
    doc: dict[str, object] = {}
    node = doc
    for _ in range(200):
        child: dict[str, object] = {}
        node["a"] = child
        node = child
    assert plain_term_problems(doc)
