"""Skolemization: giving every blank node a name that survives selection.

Selecting part of a document and turning it into RDF again would number its
blank nodes afresh, so the selected statements could not be matched with the
statements of the whole document. The spec's answer: before anything else,
give every node without an IRI a ``urn:bnid:`` IRI (skolemizeCompactJsonLd),
work on that document, and turn those IRIs back into blank nodes named after
them (toDeskolemizedNQuads).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld

from shared.contexts import document_loader
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.jsonld.context import Fallback
from shared.jsonld.legacy_escaping import older_term
from shared.jsonld.rdfc import Quad, Term, iri, literal, serialize
from shared.jsonld.reference import expand_safely
from shared.jsonld.to_rdf import document_quads

SKOLEM_PREFIX = "urn:bnid:"
_SKOLEM_IRI = f"<{SKOLEM_PREFIX}"


@dataclass
class _Counter:
    random: str
    count: int = 0


@dataclass(frozen=True)
class Skolemized:
    """A document with every blank node named, in expanded and compact form."""

    expanded: list[Any]
    compact: dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    """Deskolemized quads: blank nodes are ints, ``names`` holds their labels."""

    quads: frozenset[Quad]
    names: dict[int, str] = field(default_factory=dict)

    def nquads(self) -> list[str]:
        """The quads as N-Quads lines, blank nodes written ``_:<name>``, sorted."""
        labels = {n: f"_:{name}" for n, name in self.names.items()}
        return sorted(serialize(q, labels) for q in self.quads)

    def in_legacy_form(self) -> Dataset:
        """The same dataset, its terms written as before RDFC-1.0 (``older_term``): what
        a base proof signed before 2026-11-28 labelled, sorted and signed."""
        quads = frozenset(
            (_older(s), older_term(p), _older(o), None if g is None else _older(g))
            for s, p, o, g in self.quads
        )
        return Dataset(quads, self.names)


def _older(term: Term) -> Term:
    return older_term(term) if isinstance(term, str) else term


def _skolemize(expanded: list[Any], counter: _Counter) -> list[Any]:
    """The spec's skolemizeExpandedJsonLd."""
    out: list[Any] = []
    for element in expanded:
        if not isinstance(element, dict) or "@value" in element:
            out.append(element)
            continue
        node: dict[str, Any] = {}
        for prop, value in element.items():
            if isinstance(value, list):
                node[prop] = _skolemize(value, counter)
            else:
                node[prop] = _skolemize([value], counter)[0]
        node_id = node.get("@id")
        if "@list" in node:
            # A list object is not a node: an @id would make it invalid JSON-LD
            # (the spec's algorithm misses this). Its items were skolemized above.
            pass
        elif node_id is None:
            node["@id"] = f"{SKOLEM_PREFIX}_{counter.random}_{counter.count}"
            counter.count += 1
        elif isinstance(node_id, str) and node_id.startswith("_:"):
            node["@id"] = SKOLEM_PREFIX + node_id[2:]
        out.append(node)
    return out


def skolemize_compact(document: dict[str, Any], random_string: str | None = None) -> Skolemized:
    """The spec's skolemizeCompactJsonLd (``random_string`` is fixed only by tests)."""
    if not isinstance(document, dict) or "@context" not in document:
        raise InvalidInput(
            "selective disclosure needs a compact JSON-LD document with an @context",
            code=ErrorCode.invalid_jsonld,
        )
    expanded = expand_safely(document)
    counter = _Counter(random_string or str(uuid.uuid4()))
    skolemized = _skolemize(expanded, counter)
    try:
        compact: dict[str, Any] = jsonld.compact(
            skolemized,
            {"@context": document["@context"]},
            {"documentLoader": document_loader, "base": None},
        )
    except RugzakError:
        raise
    except Exception as exc:  # pyld raises JsonLdError and bare Python errors alike
        raise InvalidInput(
            "the document cannot be compacted again", code=ErrorCode.invalid_jsonld
        ) from exc
    return Skolemized(skolemized, compact)


def _pyld_quads(document: dict[str, Any]) -> set[Quad]:
    """Quads through pyld, for the documents the fast path hands over."""
    expanded = expand_safely(document)
    try:
        dataset = jsonld.JsonLdProcessor().to_rdf(
            expanded,
            {"documentLoader": document_loader, "base": None, "produceGeneralizedRdf": False},
        )
    except RugzakError:
        raise
    except Exception as exc:
        raise InvalidInput("invalid JSON-LD", code=ErrorCode.invalid_jsonld) from exc
    blanks: dict[str, int] = {}

    def term(node: dict[str, Any]) -> Term:
        if node["type"] == "blank node":
            return blanks.setdefault(node["value"], len(blanks) + 1)
        if node["type"] == "IRI":
            return iri(node["value"])
        return literal(node["value"], node.get("datatype", ""), node.get("language"))

    quads: set[Quad] = set()
    for graph, triples in dataset.items():
        graph_term: Term | None = None
        if graph.startswith("_:"):
            graph_term = blanks.setdefault(graph, len(blanks) + 1)
        elif graph != "@default":
            graph_term = iri(graph)
        for t in triples:
            predicate = iri(t["predicate"]["value"])
            quads.add((term(t["subject"]), predicate, term(t["object"]), graph_term))
    return quads


def document_dataset(document: dict[str, Any]) -> Dataset:
    """RDF of a (possibly skolemized) compact document, deskolemized (toDeskolemizedNQuads).

    Blank nodes that were never skolemized (``@list`` nodes) get names that no
    skolem IRI uses, so they can never be confused with a named node.
    """
    try:
        raw = document_quads(document)
    except Fallback:
        raw = _pyld_quads(document)
    names: dict[int, str] = {}
    by_skolem: dict[str, int] = {}
    plain: set[int] = set()
    next_id = 1 + max((t for q in raw for t in (q[0], q[2], q[3]) if isinstance(t, int)), default=0)

    def convert(value: Term) -> Term:
        nonlocal next_id
        if isinstance(value, int):
            plain.add(value)
            return value
        if value.startswith(_SKOLEM_IRI):
            name = value[len(_SKOLEM_IRI) : -1]
            node = by_skolem.get(name)
            if node is None:
                node = by_skolem[name] = next_id
                names[node] = name
                next_id += 1
            return node
        return value

    quads: set[Quad] = set()
    for s, p, o, g in raw:
        quads.add((convert(s), p, convert(o), None if g is None else convert(g)))
    for node in sorted(plain):
        name = f"b{node}"
        while name in by_skolem:
            name = "_" + name
        names[node] = name
    return Dataset(frozenset(quads), names)
