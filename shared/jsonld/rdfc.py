"""RDFC-1.0 (URDNA2015) canonicalization of a quad set.

Credentials almost always take the simple path: every blank node has a unique
first-degree hash, so labels follow from sorting hashes. We do that part
ourselves. When hashes collide (the same shape repeated, as in a presentation
of several credentials from one issuer) the N-degree algorithm is needed; we
then run pyld's Hash N-Degree Quads on the colliding nodes, with a work limit
so a crafted dataset cannot burn unbounded CPU (dataset poisoning).

Terms are already serialized canonical N-Quads strings (``<iri>``, ``"lit"^^<dt>``)
and blank nodes are ``int``; the escaping is RDFC-1.0's (``literal``, ``iri``), the
rest is exactly pyld's.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, NamedTuple

from pyld.canon import permutations

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

# RDFC-1.0's canonical N-Quads (its section 4.3 and N-Quads' canonical form): in a
# literal, ECHAR for U+0008, U+0009, U+000A, U+000C, U+000D, '"' and backslash, UCHAR
# (backslash-u 00XX, uppercase hex) for every other U+0000-U+001F and U+007F; in an
# IRI, UCHAR for U+0000-U+0020 and <>"{}|^` and backslash. pyld 3.3 (URDNA2015) escaped
# only backslash, tab, LF, CR and '"' in literals, nothing in IRIs (``canonize_legacy``).
_ECHARS = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_ESCAPES = str.maketrans(
    {chr(c): _ECHARS.get(chr(c), f"\\u{c:04X}") for c in (*range(0x20), 0x7F, 0x22, 0x5C)}
)
NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
"""Characters a literal's value must have escaped in canonical N-Quads."""
_IRI_ESCAPES = str.maketrans(
    {c: f"\\u{ord(c):04X}" for c in (*map(chr, range(0x21)), *'<>"{}|^`\\')}
)
IRI_NEEDS_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
"""Characters an IRI must have escaped in canonical N-Quads."""


def iri(value: str) -> str:
    """Serialized IRI term (canonical N-Quads)."""
    # Most IRIs need no escaping; searching is cheaper than translating.
    if IRI_NEEDS_ESCAPE.search(value) is None:
        return f"<{value}>"
    return "<" + value.translate(_IRI_ESCAPES) + ">"


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """Serialized literal term, escaped as canonical N-Quads and suffixed as pyld does."""
    if NEEDS_ESCAPE.search(value) is not None:
        value = value.translate(_ESCAPES)
    escaped = '"' + value + '"'
    if datatype == RDF_LANGSTRING:
        return escaped + "@" + language if language else escaped
    if datatype == XSD_STRING:
        return escaped
    return f"{escaped}^^{iri(datatype)}"


_UCHAR = re.compile(r"\\u([0-9A-F]{4})")


def raw_iri(term: str) -> str:
    """The IRI a serialized IRI term names, ``<`` and ``>`` kept (undoes ``iri``).

    Hash Related Blank Node (RDFC-1.0 4.7.3 step 3) hashes the predicate's value as
    is, not its canonical form. Every backslash in a serialized IRI starts a UCHAR.
    """
    if "\\" not in term:
        return term
    return _UCHAR.sub(lambda m: chr(int(m.group(1), 16)), term)


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
    parts = _first_degree(quad_list)
    labels = _labels(parts.lines, quad_list)
    # A quad's first-degree line and its canonical line differ only where its blank
    # nodes are: the text around them was written once, by _first_degree.
    done = parts.done
    for graph, heads in parts.graph_heads.items():
        tail = labels[graph] + " .\n"
        done += [head + tail for head in heads]
    done += [f"{head}{labels[node]}{tail}" for head, node, tail in parts.single]
    done += [f"{head}{labels[one]}{mid}{labels[two]} .\n" for head, one, mid, two in parts.double]
    done += [serialize(quad, labels) for quad in parts.other]
    done.sort()
    return "".join(done)


def canonical_labels(quad_list: list[Quad]) -> dict[int, str]:
    """RDFC-1.0's canonical issuer: blank node -> ``_:c14nN`` (the spec's canonicalIdMap).

    Selective disclosure needs the map itself, not only the canonical text.
    """
    return _labels(_first_degree(quad_list).lines, quad_list)


class _Parts(NamedTuple):
    """A dataset's first-degree lines per blank node, and its canonical lines in parts.

    ``lines``: per blank node, its quads with itself as ``_:a`` and other blank nodes
    as ``_:z``, one line per position it takes, as pyld counts them. The canonical
    lines: ``done``, those of quads without blank nodes; ``graph_heads``, per blank
    node naming a graph, the text before it of its quads without other blank nodes
    (most quads of a presentation), sorted; ``single``, ``(head, node, tail)`` of
    other quads with one blank node; ``double``, ``(head, one, mid, two)`` of quads
    with two, ending ``" .\\n"``; ``other``, quads of any other shape.
    """

    lines: dict[Any, list[str]]
    done: list[str]
    graph_heads: dict[Any, list[str]]
    single: list[tuple[str, Any, str]]
    double: list[tuple[str, Any, str, Any]]
    other: list[Quad]


def _first_degree(quad_list: list[Quad]) -> _Parts:
    """Every quad's text, written once for its first-degree and its canonical line."""
    # Blank nodes (ints) are typed Any: the branches below test that, mypy cannot see it.
    lines: defaultdict[Any, list[str]] = defaultdict(list)
    graph_heads: defaultdict[Any, list[str]] = defaultdict(list)
    done: list[str] = []
    single: list[tuple[str, Any, str]] = []
    double: list[tuple[str, Any, str, Any]] = []
    other: list[Quad] = []
    for s, p, o, g in quad_list:
        s_blank = s.__class__ is int
        o_blank = o.__class__ is int
        if g is None:
            if s_blank:
                if o_blank:
                    mid = f" {p} "
                    if s == o:
                        line = f"_:a{mid}_:a .\n"
                        lines[s].extend((line, line))
                    else:
                        lines[s].append(f"_:a{mid}_:z .\n")
                        lines[o].append(f"_:z{mid}_:a .\n")
                    double.append(("", s, mid, o))
                else:
                    tail = f" {p} {o} .\n"
                    lines[s].append("_:a" + tail)
                    single.append(("", s, tail))
            elif o_blank:
                head = f"{s} {p} "
                lines[o].append(head + "_:a .\n")
                single.append((head, o, " .\n"))
            else:
                done.append(f"{s} {p} {o} .\n")
        elif g.__class__ is int:
            if not (s_blank or o_blank):
                # A quad of a graph named by a blank node (a credential in a presentation).
                graph_heads[g].append(f"{s} {p} {o} ")
            elif s_blank and not o_blank and s != g:
                mid = f" {p} {o} "
                lines[s].append(f"_:a{mid}_:z .\n")
                lines[g].append(f"_:z{mid}_:a .\n")
                double.append(("", s, mid, g))
            elif o_blank and not s_blank and o != g:
                head = f"{s} {p} "
                lines[o].append(f"{head}_:a _:z .\n")
                lines[g].append(f"{head}_:z _:a .\n")
                double.append((head, o, " ", g))
            else:
                _add_lines(lines, (s, p, o, g))
                other.append((s, p, o, g))
        elif s_blank:
            if o_blank:
                _add_lines(lines, (s, p, o, g))
                other.append((s, p, o, g))
            else:
                tail = f" {p} {o} {g} .\n"
                lines[s].append("_:a" + tail)
                single.append(("", s, tail))
        elif o_blank:
            head = f"{s} {p} "
            tail = f" {g} .\n"
            lines[o].append(f"{head}_:a{tail}")
            single.append((head, o, tail))
        else:
            done.append(f"{s} {p} {o} {g} .\n")
    for graph, heads in graph_heads.items():
        # Sorted once: the graph's first-degree lines and the canonical lines made from
        # these heads then come in order, which makes sorting those cheap.
        heads.sort()
        lines[graph] += [head + "_:a .\n" for head in heads]
    return _Parts(lines, done, graph_heads, single, double, other)


def _add_lines(lines: defaultdict[Any, list[str]], quad: Quad) -> None:
    """First-degree lines of a quad of a rare shape, for each blank node position."""
    for node in (quad[0], quad[2], quad[3]):
        if node.__class__ is int:
            lines[node].append(_first_degree_line(quad, node))


def _labels(lines: dict[Any, list[str]], quad_list: list[Quad]) -> dict[int, str]:
    """Canonical labels from the blank nodes' first-degree lines."""
    if len(lines) <= 1:
        # One blank node (a proof's options) is the first whatever its hash.
        return {node: "_:c14n0" for node in lines}
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
    return _n_degree_labels(quad_list, by_hash)


def _n_degree_labels(quad_list: list[Quad], by_hash: dict[str, list[int]]) -> dict[int, str]:
    """Canonical labels when first-degree hashes collide (RDFC-1.0 steps 4 to 6).

    Step by step what pyld's ``URDNA2015.main`` does once its first-degree hashes
    are known, with our first-degree hashes; ``_NDegree`` is pyld's Hash N-Degree
    Quads on our quads, under the same work limit.
    """
    algo = _NDegree(quad_list, by_hash)
    canonical = algo.canonical
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
            if name in canonical.existing:
                continue
            issuer = _Issuer("_:b")
            issuer.get_id(name)
            results.append(algo.hash_n_degree_quads(name, issuer))
        for _, result_issuer in sorted(results, key=lambda r: r[0]):
            for existing in result_issuer.order:
                canonical.get_id(existing)
    return {node: canonical.get_id(f"_:b{node}") for nodes in by_hash.values() for node in nodes}


class _Issuer:
    """pyld's ``IdentifierIssuer`` (Issue Identifier, RDFC-1.0 4.5), cheap to copy."""

    __slots__ = ("counter", "existing", "order", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.existing: dict[str, str] = {}
        self.order: list[str] = []

    def get_id(self, old: str) -> str:
        found = self.existing.get(old)
        if found is not None:
            return found
        issued = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.existing[old] = issued
        self.order.append(old)
        return issued

    def copy(self) -> _Issuer:
        twin = _Issuer(self.prefix)
        twin.counter = self.counter
        twin.existing = dict(self.existing)
        twin.order = list(self.order)
        return twin


def n_degree_budget(blank_nodes: int) -> int:
    """Hash N-Degree Quads calls allowed on a dataset of ``blank_nodes`` blank nodes
    (here and in pyld's algorithm, ``shared.jsonld.reference``)."""
    return N_DEGREE_CALLS_FLOOR + N_DEGREE_CALLS_PER_NODE * blank_nodes


def too_complex() -> InvalidInput:
    """The refusal of a dataset that spent its budget."""
    return InvalidInput(
        "RDF dataset is too expensive to canonicalize (possible dataset poisoning)",
        code=ErrorCode.canonicalization_too_complex,
    )


class _NDegree:
    """Hash N-Degree Quads (RDFC-1.0 4.8) as pyld computes it, on our quads.

    Blank nodes are named ``_:b<n>`` as pyld would name them, so permutations are
    ordered as in pyld (by name, with pyld's own ``permutations``). Every call of
    ``hash_n_degree_quads`` spends one unit of a budget proportional to the number
    of blank nodes; a dataset that needs more is refused as too complex.
    """

    def __init__(self, quad_list: list[Quad], by_hash: dict[str, list[int]]) -> None:
        self.budget = n_degree_budget(sum(len(nodes) for nodes in by_hash.values()))
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        for digest, nodes in by_hash.items():
            for node in nodes:
                self.first_degree[f"_:b{node}"] = digest
        # Only nodes whose first-degree hash collides are ever hashed here (the others
        # have canonical labels before this starts). For each: (position and
        # predicate, related blank node) per other blank node in its quads, once
        # per position the node itself takes in the quad (as pyld counts quads).
        colliding = {node for nodes in by_hash.values() if len(nodes) > 1 for node in nodes}
        related: dict[str, list[tuple[str, str]]] = {f"_:b{node}": [] for node in colliding}
        for s, p, o, g in quad_list:
            if s not in colliding and o not in colliding and g not in colliding:
                continue
            for term in (s, o, g):
                if term not in colliding:
                    continue
                node = term
                entries = related[f"_:b{node}"]
                if s.__class__ is int and s != node:
                    entries.append((f"s{raw_iri(p)}", f"_:b{s}"))
                if o.__class__ is int and o != node:
                    entries.append((f"o{raw_iri(p)}", f"_:b{o}"))
                if g.__class__ is int and g != node:
                    entries.append(("g", f"_:b{g}"))
        self.related = related

    def hash_n_degree_quads(self, id_: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        self.budget -= 1
        if self.budget < 0:
            raise too_complex()
        canonical = self.canonical.existing
        # 1-3) Hash to related blank nodes (Hash Related Blank Node, 4.7, inlined).
        hash_to_related: dict[str, list[str]] = {}
        for position, related in self.related[id_]:
            known = canonical.get(related) or issuer.existing.get(related)
            name = known if known is not None else self.first_degree[related]
            digest = hashlib.sha256(f"{position}{name}".encode()).hexdigest()
            found = hash_to_related.get(digest)
            if found is None:
                hash_to_related[digest] = [related]
            else:
                found.append(related)
        md = hashlib.sha256()
        # 5) For each related hash, in order, the least path over permutations.
        for digest, blank_nodes in sorted(hash_to_related.items()):
            md.update(digest.encode())
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in permutations(blank_nodes):
                issuer_copy = issuer.copy()
                path = ""
                recursion_list: list[str] = []
                skip = False
                for related in permutation:
                    label = canonical.get(related)
                    if label is not None:
                        path += label
                    else:
                        if related not in issuer_copy.existing:
                            recursion_list.append(related)
                        path += issuer_copy.get_id(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion_list:
                    result_hash, result_issuer = self.hash_n_degree_quads(related, issuer_copy)
                    path += issuer_copy.get_id(related)
                    path += f"<{result_hash}>"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            md.update(chosen_path.encode())
            assert chosen_issuer is not None  # the first permutation always sets it
            issuer = chosen_issuer
        return md.hexdigest(), issuer
