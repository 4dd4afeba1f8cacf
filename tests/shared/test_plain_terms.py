"""The plain-terms policy flags every JSON-LD form that can hide a member."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.plain_terms import _plain, _walk, plain_term_problems, plain_term_survey
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


def _general(document: object) -> list[str]:
    """The path-building walk alone (what ``plain_term_problems`` did before its fast path)."""
    return list(_walk(document, "$", 0))[:10]


def _has_member(node: object, member: str) -> bool:
    """Whether some object in ``node`` has a member named ``member`` (a plain recursion)."""
    if isinstance(node, dict):
        return member in node or any(_has_member(v, member) for v in node.values())
    if isinstance(node, list):
        return any(_has_member(v, member) for v in node)
    return False


def _survey(document: object, member: str) -> tuple[list[str], bool]:
    """What ``plain_term_survey`` answers, from the walk and the plain recursion."""
    problems = _general(document)
    return problems, bool(problems) or _has_member(document, member)


def _every_vector() -> list[object]:
    root = Path(__file__).resolve().parent.parent / "vectors"
    return [json.loads(p.read_text("utf-8")) for p in sorted(root.rglob("*.json"))]


def test_fast_path_agrees_with_the_walk_on_every_shipped_vector() -> None:
    documents = _every_vector()
    assert len(documents) > 100
    for document in documents:
        assert (_plain(document, "endorsement") is not None) == (_general(document) == [])
        assert plain_term_problems(document) == _general(document)
        assert plain_term_survey(document, "endorsement") == _survey(document, "endorsement")


class _Dict(dict[str, object]):
    pass


class _List(list[object]):
    pass


def _nested(depth: int, leaf: object) -> dict[str, object]:
    doc: dict[str, object] = {"v": leaf}
    for _ in range(depth):
        doc = {"a": doc}
    return doc


def test_fast_path_agrees_with_the_walk_on_edge_cases() -> None:
    cases: list[object] = [
        {},
        [],
        "text",
        None,
        {"@context": None},
        {"@context": ["https://a.example", 5]},
        {"@context": "https://a.example", "name": "x"},
        {"@id": "x"},
        {"a:b": 1},
        {"a/b": 1},
        {"@context": []},
        {"x": _Dict({"@type": "y"})},
        {"x": _List([{"ex:y": 1}])},
        _Dict({"ok": 1}),
        {"x": ({"ex:y": 1},)},  # a tuple is not JSON: neither walk enters it
        [[[{"a": [{"b:c": 1}]}]]],
        {"a\x00@b": 1},  # a NUL in a key: the walk decides
        {"a@b": {"c": [1, {"d@": 2}]}},  # "@" inside a name is fine
        {"@context": "https://a.example", "@id": "x"},
        {"@context": ["https://a.example"], "x": {"@context": {"y": "z"}}},
    ]
    cases += [_nested(depth, leaf) for depth in range(60, 68) for leaf in (1, {}, [], {"x": 1})]
    cases += [[_nested(depth, 1)] for depth in range(60, 68)]
    for case in cases:
        # True only when the walk finds nothing; False (to the walk) is always safe.
        assert _plain(case, "x") is None or _general(case) == [], case
        assert plain_term_problems(case) == _general(case)
        problems, has_x = plain_term_survey(case, "x")
        assert problems == _general(case)
        assert has_x or not _has_member(case, "x"), case  # True is always safe
    # A key that is not a string (never from JSON) fails as it did before the fast path.
    for odd in ({1: "x"}, {"x": {("t",): 1}}):
        assert _plain(odd, "x") is None
        with pytest.raises(AttributeError):
            plain_term_problems(odd)


def test_the_survey_finds_a_member_at_any_depth() -> None:
    assert plain_term_survey({"a": [{"b": {"endorsement": []}}]}, "endorsement") == ([], True)
    assert plain_term_survey({"a": [{"b": {"endorsements": []}}]}, "endorsement") == ([], False)
    assert plain_term_survey({"proof": {"endorsement": 1}}, "endorsement") == ([], True)
    assert plain_term_survey(_nested(62, {"endorsement": 1}), "endorsement") == ([], True)
    assert plain_term_survey(["endorsement"], "endorsement") == ([], False)  # a value only
    # not plain: the problems, and "not looked for"
    assert plain_term_survey({"@id": "x"}, "endorsement") == (
        ["$.@id: JSON-LD keyword used as a member"],
        True,
    )
