"""shared.jsonld.context: compiled contexts, memoized transitions, IRI expansion."""

from __future__ import annotations

import pytest
from pyld import jsonld

import shared.jsonld.context as context_module
from shared.jsonld.context import INITIAL, Fallback, is_absolute_iri
from shared.vocab import OB_V3P0_303 as OB

V2 = "https://www.w3.org/ns/credentials/v2"
CRED = "https://www.w3.org/2018/credentials#"


def test_transitions_are_memoized_by_value() -> None:
    first = INITIAL.derive([V2, OB])
    assert INITIAL.derive([V2, OB]) is first
    assert INITIAL.derive(list([V2, OB])) is first
    assert INITIAL.derive([V2]) is not first


def test_type_scoped_context_keeps_the_context_to_revert_to() -> None:
    outer = INITIAL.derive([V2, OB])
    assert outer.expand_vocab("credentialSubject") == "credentialSubject"  # not defined here
    scoped = outer.term_context("VerifiableCredential")
    assert scoped is not None
    inner = outer.derive(scoped[0], scoped[1], propagate=False)
    assert inner.previous is outer
    assert inner.expand_vocab("credentialSubject") == f"{CRED}credentialSubject"
    assert inner.terms["proof"] is not None
    assert inner.terms["proof"].container == frozenset({"@graph"})
    assert outer.derive(scoped[0], scoped[1], propagate=False) is inner


def test_property_scoped_context_may_override_protected_terms() -> None:
    outer = INITIAL.derive([V2, OB])
    scoped = outer.term_context("VerifiablePresentation")
    assert scoped is not None
    presentation = outer.derive(scoped[0], scoped[1], propagate=False)
    term = presentation.terms["verifiableCredential"]
    assert term is not None
    assert term.container == frozenset({"@graph"})
    assert term.type_mapping == "@id"


def test_memo_is_dropped_when_full_so_memory_stays_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(context_module, "MAX_MEMOIZED", 8)
    monkeypatch.setattr(context_module, "_memoized", 0)
    base = INITIAL.derive([V2, {"bound-test": "https://example.com/bound"}])
    first = base.derive({"t0": "https://example.com/0"})
    assert base.derive({"t0": "https://example.com/0"}) is first
    for index in range(1, 20):
        base.derive({f"t{index}": f"https://example.com/{index}"})
        assert context_module._memoized <= 8
    # The memo was dropped along the way: the same transition is computed afresh.
    fresh_base = INITIAL.derive([V2, {"bound-test": "https://example.com/bound"}])
    assert fresh_base is not base
    assert fresh_base.derive({"t0": "https://example.com/0"}) is not first


@pytest.mark.parametrize(
    "local",
    [
        "https://example.com/not-bundled",
        [V2, {"@import": "https://example.com/remote"}],
        {"@vocab": 5},
        [V2, {"VerifiableCredential": "https://example.com/VC"}],
    ],
)
def test_refused_contexts_raise_fallback_for_the_reference_to_report(local: object) -> None:
    with pytest.raises(Fallback):
        INITIAL.derive(local)


def test_vocab_expansion_follows_pyld() -> None:
    ctx = INITIAL.derive(
        [V2, {"@vocab": "https://v.example/#", "ex": "https://ex.example/", "nul": None}]
    )
    assert ctx.expand_vocab("type") == "@type"
    assert ctx.expand_vocab("@type") == "@type"
    assert ctx.expand_vocab("@unknownkeyword") is None
    assert ctx.expand_vocab("nul") is None
    assert ctx.expand_vocab("ex:thing") == "https://ex.example/thing"
    assert ctx.expand_vocab("https://a.example/b") == "https://a.example/b"
    assert ctx.expand_vocab("_:b0") == "_:b0"
    assert ctx.expand_vocab("other") == "https://v.example/#other"


def test_id_expansion_uses_prefixes_but_neither_terms_nor_vocab() -> None:
    ctx = INITIAL.derive([V2, {"@vocab": "https://v.example/#", "ex": "https://ex.example/"}])
    assert ctx.expand_id("ex:thing") == "https://ex.example/thing"
    assert ctx.expand_id("did:example:123") == "did:example:123"
    assert ctx.expand_id("type") == "type"  # a term, but not for @id values
    assert ctx.expand_id("relative/path") == "relative/path"


@pytest.mark.parametrize(
    ("value", "absolute"),
    [
        ("https://example.com", True),
        ("urn:uuid:1", True),
        ("did:key:z6Mk", True),
        ("_:b0", True),
        ("a,b:c", True),  # pyld's pattern: '+-.' is a range that includes ','
        ("relative", False),
        ("has space:x y", False),
        ("1abc:x", False),
    ],
)
def test_absolute_iri_test_is_pyld_s(value: str, absolute: bool) -> None:
    assert is_absolute_iri(value) is absolute
    assert bool(jsonld._is_absolute_iri(value)) is absolute


def test_resolved_context_cache_empties_itself_when_full() -> None:
    cache = context_module.BoundedCache(3)
    for index in range(3):
        cache[index] = index
    cache[3] = 3
    assert cache == {3: 3}
