"""shared.jsonld.rdfc: our RDFC-1.0 against pyld's URDNA2015 on random datasets.

pyld runs through the reference's adapter (``canonize_dataset``), which gives its
algorithm RDFC-1.0's N-Quads escaping; terms include characters that escaping treats
differently from pyld's own.
"""

from __future__ import annotations

from typing import Any

import pyld.canon
import pyld.nquads
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld.canon import URDNA2015

from shared.errors import ErrorCode, InvalidInput
from shared.jsonld.context import is_absolute_iri, plain_absolute_iri
from shared.jsonld.rdfc import (
    RDF_LANGSTRING,
    XSD_STRING,
    Quad,
    canonicalize,
    iri,
    literal,
    raw_iri,
)
from shared.jsonld.reference import canonize_dataset

# Abstract terms, turned into our tuples and into pyld's dicts independently.
BLANK = st.tuples(st.just("b"), st.integers(min_value=1, max_value=6))
IRI = st.tuples(
    st.just("i"), st.sampled_from(["https://e.com/a", "https://e.com/b", "urn:x", "urn:x|y\\z"])
)
LITERAL = st.tuples(
    st.just("l"),
    st.text(st.sampled_from('ab"\\\t\n\r\b\f\x00\x0b\x1f\x7f é'), max_size=6),
    st.sampled_from([XSD_STRING, "https://e.com/dt", "urn:d t", RDF_LANGSTRING]),
    st.sampled_from(["en", "nl-BE"]),
)
PREDICATE = st.sampled_from(["https://e.com/p", "https://e.com/q", "urn:p<q>", "urn:p\x01"])
QUAD = st.tuples(
    st.one_of(BLANK, IRI),
    PREDICATE,
    st.one_of(BLANK, IRI, LITERAL),
    st.one_of(st.none(), BLANK, IRI),
)


def _ours(term: Any) -> Any:
    if term is None:
        return None
    if term[0] == "b":
        return term[1]
    if term[0] == "i":
        return iri(term[1])
    return literal(term[1], term[2], term[3])


def _pyld(term: Any) -> dict[str, str]:
    if term[0] == "b":
        return {"type": "blank node", "value": f"_:x{term[1]}"}
    if term[0] == "i":
        return {"type": "IRI", "value": term[1]}
    converted = {"type": "literal", "value": term[1], "datatype": term[2]}
    if term[2] == RDF_LANGSTRING:
        converted["language"] = term[3]
    return converted


def _pyld_canon(quads: set[Any]) -> str:
    dataset: dict[str, list[dict[str, Any]]] = {}
    for s, p, o, g in quads:
        name = "@default" if g is None else (f"_:x{g[1]}" if g[0] == "b" else g[1])
        triple = {"subject": _pyld(s), "predicate": _pyld(("i", p)), "object": _pyld(o)}
        dataset.setdefault(name, []).append(triple)
    return canonize_dataset(dataset)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sets(QUAD, max_size=14))
def test_canonicalize_matches_pyld_urdna2015(abstract: set[Any]) -> None:
    ours: list[Quad] = [(_ours(s), iri(p), _ours(o), _ours(g)) for s, p, o, g in abstract]
    assert canonicalize(ours) == _pyld_canon(abstract)


def test_simple_case_labels_follow_first_degree_hash_order() -> None:
    p = iri("https://e.com/p")
    quads: list[Quad] = [(1, p, literal("one"), None), (2, p, literal("two"), None)]
    assert canonicalize(quads) == canonicalize(list(reversed(quads)))
    assert canonicalize(quads) == (
        '_:c14n0 <https://e.com/p> "two" .\n_:c14n1 <https://e.com/p> "one" .\n'
    )


def test_symmetric_blank_nodes_get_labels_through_n_degree_hashing() -> None:
    p = iri("https://e.com/p")
    quads: list[Quad] = [(iri("urn:s"), p, 1, None), (iri("urn:s"), p, 2, None), (1, p, 2, None)]
    abstract = {(("i", "urn:s"), "https://e.com/p", ("b", 1), None)}
    abstract |= {(("i", "urn:s"), "https://e.com/p", ("b", 2), None)}
    abstract |= {(("b", 1), "https://e.com/p", ("b", 2), None)}
    assert canonicalize(quads) == _pyld_canon(abstract)


def test_literal_serialization_is_rdfc10() -> None:
    assert literal('a"\\\t\n\r\x0c\x08') == '"a\\"\\\\\\t\\n\\r\\f\\b"'
    assert literal("\x00\x0b\x1f\x7f\x80é") == '"\\u0000\\u000B\\u001F\\u007F\x80é"'
    assert literal("x", RDF_LANGSTRING, "en") == '"x"@en'
    assert literal("x", RDF_LANGSTRING, "") == '"x"'
    assert literal("x", XSD_STRING) == '"x"'
    assert literal("x", "urn:a b") == '"x"^^<urn:a\\u0020b>'


def test_iri_serialization_is_rdfc10() -> None:
    assert iri("https://e.com/a?b=c#d") == "<https://e.com/a?b=c#d>"
    assert iri('urn:\x00 <>"{}|^`\\é') == (
        "<urn:\\u0000\\u0020\\u003C\\u003E\\u0022\\u007B\\u007D\\u007C\\u005E\\u0060\\u005Cé>"
    )
    assert raw_iri(iri("urn:a\\b<c> d")) == "<urn:a\\b<c> d>"
    assert raw_iri("<urn:plain>") == "<urn:plain>"


def test_pyld_still_has_the_shape_the_adapter_relies_on() -> None:
    """The reference adapter overrides two URDNA2015 methods and reads pyld's state;
    pyld's own serialization is the pre-RDFC-1.0 one ``canonize_legacy`` keeps."""
    assert pyld.nquads.escape("\x0b\x0c\t") == "\x0b\x0c\\t"
    assert pyld.canon.serialize_nquad is pyld.nquads.serialize_nquad
    for name in ("main", "hash_first_degree_quads", "modify_first_degree_component", "hash_nquads"):
        assert callable(getattr(URDNA2015, name))
    algorithm = URDNA2015()
    assert algorithm.quads == []
    assert algorithm.blank_node_info == {}
    dataset = {"@default": [_triple("\x0b")]}
    assert canonize_dataset(dataset) == '_:c14n0 <urn:p> "\\u000B" .\n'
    legacy = canonize_dataset({"@default": [_triple("\x0b")]}, legacy=True)
    assert legacy == '_:c14n0 <urn:p> "\x0b" .\n'


def _triple(value: str) -> dict[str, Any]:
    return {
        "subject": {"type": "blank node", "value": "_:x"},
        "predicate": {"type": "IRI", "value": "urn:p"},
        "object": {"type": "literal", "value": value, "datatype": XSD_STRING},
    }


def test_poisoned_dataset_is_refused_quickly() -> None:
    """Eight mutually linked, indistinguishable blank nodes: factorial work for RDFC."""
    p = iri("https://e.com/knows")
    quads: list[Quad] = [(a, p, b, None) for a in range(1, 9) for b in range(1, 9) if a != b]
    with pytest.raises(InvalidInput) as caught:
        canonicalize(quads)
    assert caught.value.code == ErrorCode.canonicalization_too_complex


# Larger datasets with repeated shapes, as in presentations of several badges: the same
# small graph copied into several graphs named by blank nodes (first-degree hashes then
# collide and the N-degree step decides).
SHAPE = st.sets(
    st.tuples(
        st.one_of(BLANK, IRI),
        PREDICATE,
        st.one_of(BLANK, IRI, LITERAL),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=120, deadline=None, derandomize=True)
@given(shape=SHAPE, copies=st.integers(min_value=2, max_value=4), extra=st.sets(QUAD, max_size=4))
def test_n_degree_step_matches_pyld_on_repeated_shapes(
    shape: set[Any], copies: int, extra: set[Any]
) -> None:
    def moved(term: Any, copy: int) -> Any:
        # Blank node n of copy c becomes 10 * c + n; the graph of copy c is 100 + c.
        return ("b", 10 * copy + term[1]) if term[0] == "b" else term

    abstract = set(extra)
    for copy in range(1, copies + 1):
        for s, p, o in shape:
            abstract.add((moved(s, copy), p, moved(o, copy), ("b", 100 + copy)))
        abstract.add((("i", "urn:x"), "https://e.com/p", ("b", 100 + copy), None))
    ours: list[Quad] = [(_ours(s), iri(p), _ours(o), _ours(g)) for s, p, o, g in abstract]
    assert canonicalize(ours) == _pyld_canon(abstract)


ONE_BLANK = st.just(("b", 1))
ONE_BLANK_QUAD = st.tuples(
    st.one_of(ONE_BLANK, IRI),
    PREDICATE,
    st.one_of(ONE_BLANK, IRI, LITERAL),
    st.one_of(st.none(), ONE_BLANK, IRI),
)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.sets(ONE_BLANK_QUAD, max_size=8))
def test_one_blank_node_matches_pyld(abstract: set[Any]) -> None:
    ours: list[Quad] = [(_ours(s), iri(p), _ours(o), _ours(g)) for s, p, o, g in abstract]
    assert canonicalize(ours) == _pyld_canon(abstract)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.text(st.sampled_from('ab:_@/ \t\n\x00\x0b\x1c\x7f\x85\xa0\u2028\u3000<>"{}|^`\\%é-+.,1')))
def test_plain_absolute_iri_is_the_usual_case_of_the_general_path(value: str) -> None:
    """The fast test that an IRI term needs no escaping and no fallback (one regex) says
    yes exactly when the general path (pyld's absolute-IRI test, no blank node or
    keyword, nothing RDFC-1.0 escapes) would write it as is."""
    general = (
        is_absolute_iri(value) and not value.startswith(("_:", "@")) and iri(value) == f"<{value}>"
    )
    assert (plain_absolute_iri(value) is not None) is general
