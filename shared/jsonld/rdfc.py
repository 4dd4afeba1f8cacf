"""RDFC-1.0 (URDNA2015) canonicalization of a quad set.

Credentials almost always take the simple path: every blank node has a unique
first-degree hash, so labels follow from sorting hashes. We do that part
ourselves. When hashes collide (the same shape repeated, as in a presentation
of several credentials from one issuer) the N-degree algorithm is needed; we
then run pyld's Hash N-Degree Quads on the colliding nodes, with a work limit
so a crafted dataset cannot burn unbounded CPU (dataset poisoning).

Terms are already serialized N-Quads strings (``<iri>``, ``"lit"^^<dt>``) and
blank nodes are ``int``; the serialization rules are exactly pyld's.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pyld.canon import URDNA2015
from pyld.identifier_issuer import IdentifierIssuer

from shared.errors import ErrorCode, InvalidInput

Term = str | int
# subject, predicate (serialized IRI), object, graph name (None: default graph)
Quad = tuple[Term, str, Term, Term | None]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Hash N-Degree Quads calls allowed per blank node that needs them, plus a floor.
# Real presentations need a handful per node; poisoned datasets need factorially many.
N_DEGREE_CALLS_PER_NODE = 64
N_DEGREE_CALLS_FLOOR = 2048

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"'})
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", '"': '"'}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_NEEDS_ESCAPE = re.compile(r'[\\\t\n\r"]')


def iri(value: str) -> str:
    """Serialized IRI term."""
    return f"<{value}>"


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """Serialized literal term, escaped and suffixed exactly as pyld's ``serialize_nquad``."""
    # Most strings need no escaping; searching is cheaper than translating.
    if _NEEDS_ESCAPE.search(value) is not None:
        value = value.translate(_ESCAPES)
    escaped = '"' + value + '"'
    if datatype == RDF_LANGSTRING:
        return escaped + "@" + language if language else escaped
    if datatype == XSD_STRING:
        return escaped
    return f"{escaped}^^<{datatype}>"


def _label(term: Term, labels: dict[int, str]) -> str:
    return labels[term] if isinstance(term, int) else term


def serialize(quad: Quad, labels: dict[int, str]) -> str:
    """One N-Quads line, blank node ``n`` written as ``labels[n]``."""
    s, p, o, g = quad
    if g is None:
        return f"{_label(s, labels)} {p} {_label(o, labels)} .\n"
    return f"{_label(s, labels)} {p} {_label(o, labels)} {_label(g, labels)} .\n"


def _first_degree_line(quad: Quad, node: int) -> str:
    s, p, o, g = quad
    ss = s if isinstance(s, str) else ("_:a" if s == node else "_:z")
    oo = o if isinstance(o, str) else ("_:a" if o == node else "_:z")
    if g is None:
        return f"{ss} {p} {oo} .\n"
    gg = g if isinstance(g, str) else ("_:a" if g == node else "_:z")
    return f"{ss} {p} {oo} {gg} .\n"


def canonicalize(quads: Iterable[Quad]) -> str:
    """Canonical N-Quads of a set of quads (duplicates must already be removed)."""
    quad_list = quads if isinstance(quads, list) else list(quads)
    labels = canonical_labels(quad_list)
    lines: list[str] = []
    append = lines.append
    for s, p, o, g in quad_list:
        # serialize(), inlined: this runs once per quad of every document.
        if s.__class__ is int:
            s = labels[s]
        if o.__class__ is int:
            o = labels[o]
        if g is None:
            append(f"{s} {p} {o} .\n")
        else:
            if g.__class__ is int:
                g = labels[g]
            append(f"{s} {p} {o} {g} .\n")
    lines.sort()
    return "".join(lines)


def canonical_labels(quad_list: list[Quad]) -> dict[int, str]:
    """RDFC-1.0's canonical issuer: blank node -> ``_:c14nN`` (the spec's canonicalIdMap).

    Selective disclosure needs the map itself, not only the canonical text.
    """
    # Each blank node's quads as first-degree lines (itself _:a, other blank nodes
    # _:z), one line per position it takes, as pyld counts them.
    # Keys are blank nodes (ints); typed Any because the branches below test that.
    lines: defaultdict[Any, list[str]] = defaultdict(list)
    for s, p, o, g in quad_list:
        s_blank = s.__class__ is int
        o_blank = o.__class__ is int
        if g is None:
            if s_blank:
                if o_blank:
                    if s == o:
                        line = f"_:a {p} _:a .\n"
                        lines[s].extend((line, line))
                    else:
                        lines[s].append(f"_:a {p} _:z .\n")
                        lines[o].append(f"_:z {p} _:a .\n")
                else:
                    lines[s].append(f"_:a {p} {o} .\n")
            elif o_blank:
                lines[o].append(f"{s} {p} _:a .\n")
        elif g.__class__ is int and s != g and o != g and not (s_blank and o_blank):
            # A quad of a named graph named by a blank node (a credential in a
            # presentation): the graph and at most one other blank node.
            if s_blank:
                lines[s].append(f"_:a {p} {o} _:z .\n")
                lines[g].append(f"_:z {p} {o} _:a .\n")
            elif o_blank:
                lines[o].append(f"{s} {p} _:a _:z .\n")
                lines[g].append(f"{s} {p} _:z _:a .\n")
            else:
                lines[g].append(f"{s} {p} {o} _:a .\n")
        else:
            quad = (s, p, o, g)
            for node in (s, o, g):
                if node.__class__ is int:
                    lines[node].append(_first_degree_line(quad, node))
    by_hash: dict[str, list[int]] = {}
    sha256 = hashlib.sha256
    for node, node_lines in lines.items():
        node_lines.sort()
        digest = sha256("".join(node_lines).encode()).hexdigest()
        found = by_hash.get(digest)
        if found is None:
            by_hash[digest] = [node]
        else:
            found.append(node)
    if len(by_hash) == len(lines):
        # The simple case: every blank node is told apart by its own quads.
        return {by_hash[h][0]: f"_:c14n{i}" for i, h in enumerate(sorted(by_hash))}
    return _n_degree_labels(_mentions(quad_list), by_hash)


def _mentions(quad_list: list[Quad]) -> dict[int, list[Quad]]:
    """Each blank node's quads, one entry per position it takes (as pyld counts them)."""
    mentions: dict[int, list[Quad]] = {}
    for quad in quad_list:
        s, _, o, g = quad
        if isinstance(s, int):
            mentions.setdefault(s, []).append(quad)
        if isinstance(o, int):
            mentions.setdefault(o, []).append(quad)
        if isinstance(g, int):
            mentions.setdefault(g, []).append(quad)
    return mentions


def _n_degree_labels(
    mentions: dict[int, list[Quad]], by_hash: dict[str, list[int]]
) -> dict[int, str]:
    """Canonical labels when first-degree hashes collide, using pyld's Hash N-Degree Quads.

    pyld's state is seeded with our first-degree hashes and the labels of the
    unique nodes (RDFC-1.0 steps 4 and 5), then steps 5.4 to 6 run as in pyld's
    ``main``; only the N-degree hashing is pyld's code.
    """
    algo = _LimitedURDNA2015(N_DEGREE_CALLS_FLOOR + N_DEGREE_CALLS_PER_NODE * len(mentions))
    converted: dict[int, dict[str, Any]] = {}
    for digest, nodes in by_hash.items():
        for node in nodes:
            # Only nodes without a canonical label are ever recursed into, so only
            # they need their quads in pyld's form.
            pyld_quads = []
            if len(nodes) > 1:
                for quad in mentions[node]:
                    pyld_quad = converted.get(id(quad))
                    if pyld_quad is None:
                        pyld_quad = converted[id(quad)] = _pyld_quad(quad)
                    pyld_quads.append(pyld_quad)
            algo.blank_node_info[f"_:b{node}"] = {"quads": pyld_quads, "hash": digest}
    canonical = algo.canonical_issuer
    for digest in sorted(by_hash):
        if len(by_hash[digest]) == 1:
            canonical.get_id(f"_:b{by_hash[digest][0]}")
    for digest in sorted(by_hash):
        nodes = by_hash[digest]
        if len(nodes) == 1:
            continue
        results = []
        for node in nodes:
            name = f"_:b{node}"
            if canonical.has_id(name):
                continue
            issuer = IdentifierIssuer("_:b")
            issuer.get_id(name)
            results.append(algo.hash_n_degree_quads(name, issuer))
        for result in sorted(results, key=lambda r: r["hash"]):
            for existing in result["issuer"].order:
                canonical.get_id(existing)
    return {node: canonical.get_id(f"_:b{node}") for node in mentions}


class _LimitedURDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's URDNA2015 with a budget on Hash N-Degree Quads calls."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self._budget = budget

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> dict[str, Any]:
        self._budget -= 1
        if self._budget < 0:
            raise InvalidInput(
                "RDF dataset is too expensive to canonicalize (possible dataset poisoning)",
                code=ErrorCode.canonicalization_too_complex,
            )
        result: dict[str, Any] = super().hash_n_degree_quads(id_, issuer)
        return result


def urdna2015_with_limit(dataset: dict[str, list[dict[str, Any]]]) -> str:
    """Run pyld's URDNA2015 on a pyld dataset under the work limit."""
    nodes = set()
    for triples in dataset.values():
        for triple in triples:
            for key in ("subject", "object"):
                if triple[key]["type"] == "blank node":
                    nodes.add(triple[key]["value"])
    budget = N_DEGREE_CALLS_FLOOR + N_DEGREE_CALLS_PER_NODE * len(nodes)
    result: str = _LimitedURDNA2015(budget).main(dataset, {"format": "application/n-quads"})
    return result


def _pyld_term(term: Term) -> dict[str, str]:
    if isinstance(term, int):
        return {"type": "blank node", "value": f"_:b{term}"}
    if term.startswith("<"):
        return {"type": "IRI", "value": term[1:-1]}
    end = term.rindex('"')
    value = _ESCAPED.sub(lambda m: _UNESCAPES[m.group(1)], term[1:end])
    suffix = term[end + 1 :]
    if suffix.startswith("^^<"):
        return {"type": "literal", "value": value, "datatype": suffix[3:-1]}
    if suffix.startswith("@"):
        return {
            "type": "literal",
            "value": value,
            "datatype": RDF_LANGSTRING,
            "language": suffix[1:],
        }
    return {"type": "literal", "value": value, "datatype": XSD_STRING}


def _pyld_quad(quad: Quad) -> dict[str, Any]:
    s, p, o, g = quad
    converted = {"subject": _pyld_term(s), "predicate": _pyld_term(p), "object": _pyld_term(o)}
    if g is not None:
        converted["name"] = _pyld_term(g)
    return converted
