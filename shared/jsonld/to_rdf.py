"""Fast JSON-LD -> RDF quads for documents built from bundled contexts.

One walk over the compact document does what pyld does in three (expand, node
map, toRdf): it resolves each key against a memoized active context and emits
quads straight into a set. The walk mirrors pyld's expansion step for step
(property-scoped contexts, reverting type-scoped contexts, sorted type-scoped
contexts, ``@graph`` and ``@list`` containers, value coercion), so the quads
are the ones pyld would produce, with different blank node numbers.

Whatever it does not handle (explicit ``@value``/``@list``/``@graph`` objects,
language and index maps, reverse properties, blank node identifiers, relative
IRIs, anything pyld might reject) raises ``Fallback``: the reference path then
answers or reports the error. Undefined terms are caught here, with the same
code the reference path uses.

``embedded_quads`` converts a presentation and also hands back, for each credential
it holds, the quads converting that credential alone (minus its proof) gives: the
credential's own proof check then need not convert it again (``EmbeddedQuads``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Sequence
from typing import Any, Final, NamedTuple

from pyld import jsonld

from shared.errors import ErrorCode, InvalidInput
from shared.jsonld.context import (
    ID,
    INITIAL,
    PROPERTY,
    TYPE,
    UNDEFINED,
    ActiveContext,
    Fallback,
    KeyInfo,
    is_absolute_iri,
    plain_absolute_iri,
)
from shared.jsonld.context import Term as ContextTerm
from shared.jsonld.rdfc import NEEDS_ESCAPE, Quad, Term, iri, literal
from shared.vocab import as_list

_RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD: Final = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE: Final = f"<{_RDF}type>"
RDF_FIRST: Final = f"<{_RDF}first>"
RDF_REST: Final = f"<{_RDF}rest>"
RDF_NIL: Final = f"<{_RDF}nil>"
RDF_JSON: Final = f"{_RDF}JSON"
XSD_BOOLEAN: Final = f"{_XSD}boolean"
XSD_DOUBLE: Final = f"{_XSD}double"
XSD_INTEGER: Final = f"{_XSD}integer"
XSD_STRING: Final = f"{_XSD}string"
_NO_COERCION: Final = frozenset({"@id", "@vocab", "@none"})
_EMPTY: Final[frozenset[str]] = frozenset()
_needs_escape = NEEDS_ESCAPE.search
_DOUBLE_EXPONENT = re.compile(r"(\d)0*E\+?(-)?0*(\d)")


def canonical_double(value: float) -> str:
    """The xsd:double lexical form pyld writes (``1.5E0``)."""
    return _DOUBLE_EXPONENT.sub(r"\1E\2\3", f"{value:1.15E}")


def literal_term(value: Any, datatype: str | None) -> str:
    """A JSON scalar as pyld's ``_object_to_rdf`` turns it into a literal."""
    if isinstance(value, bool):
        return literal("true" if value else "false", datatype or XSD_BOOLEAN)
    if isinstance(value, float) and not value.is_integer():
        return literal(canonical_double(value), datatype or XSD_DOUBLE)
    if datatype == XSD_DOUBLE:
        try:
            as_float = float(value)
        except (ValueError, TypeError):
            return literal(value, XSD_DOUBLE)
        return literal(canonical_double(as_float), XSD_DOUBLE)
    if isinstance(value, int | float):
        if abs(value) >= 1e21:
            return literal(canonical_double(value), datatype or XSD_DOUBLE)
        return literal(str(int(value)), datatype or XSD_INTEGER)
    if isinstance(value, str):
        return literal(value, datatype or XSD_STRING)
    raise Fallback(f"not a JSON scalar: {type(value).__name__}")


def json_literal(value: Any) -> str:
    """An ``@type: @json`` value, canonicalized by the same JCS code pyld uses."""
    try:
        text = jsonld.canonicalize(value).decode("utf-8")
    except Exception as exc:  # not JSON: let the reference path report it
        raise Fallback(str(exc)) from exc
    return literal(text, RDF_JSON)


def _iri(expanded: str | None) -> str:
    if expanded is not None and plain_absolute_iri(expanded) is not None:
        return f"<{expanded}>"
    if expanded is None or expanded.startswith(("_:", "@")) or not is_absolute_iri(expanded):
        raise Fallback(f"not an absolute IRI: {expanded!r}")
    return iri(expanded)


# How a property turns a string value into an RDF term.
_STR_LITERAL: Final = 0  # "value" (xsd:string)
_STR_ID: Final = 1  # an IRI (@type: @id)
_STR_VOCAB: Final = 2  # an IRI, terms and @vocab apply (@type: @vocab)
_STR_TYPED: Final = 3  # "value"^^<datatype>
_STR_FALLBACK: Final = 4  # not handled here

# Plans are remembered per (active context, property, keys, local context) and then
# per type values. Memory stays bounded: only nodes of at most MAX_PLAN_KEYS keys
# (and MAX_PLAN_CHARS characters of keys and type values) are remembered, and after
# MAX_PLANS remembered plans the memo starts again, so ever-new shapes cost time,
# never memory (at most MAX_PLANS x MAX_PLAN_KEYS property plans).
MAX_PLANS: Final = 4096
# Node objects and arrays nested in one another at most: deeper documents go to pyld,
# which refuses them (``invalid_jsonld``) at its recursion limit. No credential comes
# near it; the verifier refuses bodies nested deeper than 48 before this.
MAX_NESTING: Final = 256
MAX_PLAN_KEYS: Final = 32
MAX_PLAN_CHARS: Final = 2048


class _PropertyPlan:
    """What one key of a node object means in its active context, worked out once."""

    __slots__ = (
        "container",
        "ctx",
        "datatype",
        "graph_container",
        "is_json",
        "is_list",
        "key",
        "predicate",
        "reason",
        "str_mode",
        "suffix",
        "term",
    )

    def __init__(self, key: str, info: KeyInfo, ctx: ActiveContext) -> None:
        _, expanded, term, predicate = info
        self.key = key
        self.predicate = predicate
        key_ctx = ctx
        value_term = term
        container = _EMPTY
        self.is_json = False
        if term is not None:
            if not term.plain:
                raise Fallback(f"term for {expanded} uses a feature the fast path does not handle")
            container = term.container
            if term.type_mapping == "@json":
                if container:
                    raise Fallback("@json with a container")
                self.is_json = True
            elif term.context is not None:
                key_ctx = ctx.derive(term.context, term.context_key, override_protected=True)
                value_term = key_ctx.terms.get(key)
        self.ctx = key_ctx
        self.term = value_term
        self.container = container
        self.is_list = "@list" in container
        self.graph_container = "@graph" in container
        # The string case of ``_Emitter.scalar``, decided once.
        self.datatype = ""
        self.reason = ""
        coercion = value_term.type_mapping if value_term is not None else None
        plain = key_ctx.plain and (value_term is None or value_term.plain)
        if coercion is None or coercion == "@none":
            self.str_mode = _STR_LITERAL if plain else _STR_FALLBACK
            self.reason = "language-tagged string"
        elif coercion == "@id":
            self.str_mode = _STR_ID
        elif coercion == "@vocab":
            self.str_mode = _STR_VOCAB
        elif coercion == "@json" or coercion.startswith("_:") or not is_absolute_iri(coercion):
            self.str_mode = _STR_FALLBACK
            self.reason = f"datatype {coercion}"
        else:
            self.str_mode = _STR_TYPED
            self.datatype = coercion
        # What literal(value, datatype) puts after the quoted value.
        self.suffix = literal("", self.datatype)[2:] if self.datatype else ""


class _TypedPlan:
    """A node object's keys with its type values: everything but the values' terms."""

    __slots__ = ("id_ctx", "id_key", "proof", "properties", "type_iris", "undefined")

    def __init__(
        self,
        element: dict[str, Any],
        ctx: ActiveContext,
        type_key: str | None,
        types: tuple[str, ...],
    ) -> None:
        type_ctx = ctx
        for name in sorted(types) if len(types) > 1 else types:
            type_scoped = type_ctx.term_context(name)
            if type_scoped is not None and type_scoped[0] is not False:
                ctx = ctx.derive(type_scoped[0], type_scoped[1], propagate=False)
        self.id_key: str | None = None
        self.id_ctx = ctx
        self.undefined: str | None = None
        properties: list[_PropertyPlan] = []
        for key in element:
            if key == "@context":
                continue
            info = ctx.key(key)
            kind = info[0]
            if kind == PROPERTY:
                properties.append(_PropertyPlan(key, info, ctx))
            elif kind == TYPE:
                if key != type_key:
                    raise Fallback("several @type keys")
            elif kind == UNDEFINED:
                if self.undefined is None:
                    self.undefined = key
            elif kind == ID:
                if self.id_key is not None:
                    raise Fallback("@id")
                self.id_key = key
            else:
                raise Fallback(f"keyword {info[1]}")
        if type_key is not None and ctx.key(type_key)[0] != TYPE:
            raise Fallback("type-scoped context redefines the @type alias")
        self.type_iris = tuple(_iri(type_ctx.expand_vocab(name)) for name in types)
        self.properties = tuple(properties)
        # The "proof" key's plan, if it is a property (see _Emitter.capture).
        self.proof = next((p for p in properties if p.key == "proof"), None)


class _NodePlan:
    """A node object's keys in one active context, reached through one property."""

    __slots__ = ("ctx", "kept", "type_key", "typed")

    def __init__(self, element: dict[str, Any], ctx: ActiveContext, prop: str | None) -> None:
        scoped = ctx.term_context(prop) if prop is not None else None
        if ctx.previous is not None:
            # Type-scoped contexts do not propagate into nested nodes, except that a
            # bare reference {"id": ...} keeps them (pyld's revert rule).
            revert = True
            if len(element) <= 2 and "@context" not in element:
                for key in element:
                    expanded = ctx.expand_vocab(key)
                    if expanded == "@value":
                        raise Fallback("value object")
                    if expanded == "@id" and len(element) == 1:
                        revert = False
            if revert:
                ctx = ctx.previous
        if scoped is not None:
            ctx = ctx.derive(scoped[0], scoped[1], override_protected=True)
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise Fallback("keyword redefinition")
            ctx = ctx.derive(local)
        # Find @type first: its type-scoped contexts apply to every other key.
        type_key: str | None = None
        for key in ctx.type_keys:
            if key in element:
                if type_key is not None:
                    raise Fallback("several @type keys")
                type_key = key
        self.ctx = ctx
        self.type_key = type_key
        self.typed: dict[tuple[str, ...], _TypedPlan] = {}
        self.kept = False  # whether it is in _PLANS (only then are its typings kept)


_PLANS: dict[Hashable, _NodePlan] = {}
_plans_lock = threading.Lock()
_remembered = 0  # typed plans in _PLANS, at most MAX_PLANS


def _remember(memo: dict[Any, Any], key: Hashable, plan: Any) -> None:
    """Keep ``plan`` under ``key`` in ``memo`` (``_PLANS`` or a node plan's typings)."""
    global _remembered
    with _plans_lock:
        if _remembered >= MAX_PLANS:
            _PLANS.clear()
            _remembered = 0
            if memo is not _PLANS:
                return  # its node plan was just dropped
        memo[key] = plan
        _remembered += 1


def _small(keys: tuple[str, ...]) -> bool:
    """Whether a node with these keys (or type values) may be remembered."""
    return len(keys) <= MAX_PLAN_KEYS and sum(len(key) for key in keys) <= MAX_PLAN_CHARS


def _context_key(local: Any) -> Hashable | None:
    """A memo key for an embedded ``@context`` value, or None (then no plan is kept)."""
    if type(local) is str:
        return local
    if type(local) is list and all(type(item) is str for item in local):
        return tuple(local)
    return None


class EmbeddedQuads(NamedTuple):
    """One credential's quads as converting the presentation holding it emitted them.

    A credential in a VCDM 2.0 presentation is a ``verifiableCredential`` value: a
    named graph whose term resets the active context to the initial one, so its walk
    is the walk of the credential alone, with blank nodes numbered on from the
    presentation's, its top-level nodes in graph ``graph`` and its top-level
    ``proof`` walked in between (blank nodes ``proof_first`` to ``proof_last``).
    """

    credential: dict[str, Any]
    quads: set[Quad]
    graph: int
    proof_first: int
    proof_last: int

    def alone(self) -> set[Quad]:
        """The quads of ``document_quads(credential minus "proof")``, exactly.

        Drops the proof's quads (every one names a blank node of the proof's walk, and
        no other quad does) and numbers the other blank nodes as the walk of the
        credential alone does, in the default graph: the very same set, so RDFC-1.0
        does the very same work on it.
        """
        base = self.graph  # the walk alone numbers from 1: graph + 1 becomes 1
        first = self.proof_first
        last = self.proof_last
        after = base + last - first + 1  # blank nodes after the proof's shift back by more
        out: set[Quad] = set()
        add = out.add
        for s, p, o, g in self.quads:
            # Every graph here is a blank node: the credential's or one inside it.
            if g == base:
                g = None
            elif type(g) is int:
                if first <= g <= last:
                    continue
                g -= base if g < first else after
            if type(s) is int:
                s -= base if s < first else after
            if type(o) is int:
                if first <= o <= last:
                    continue  # the link from the credential to its proof's graph
                o -= base if o < first else after
            add((s, p, o, g))
        return out


class _Emitter:
    """Walks one document, collecting its quads."""

    __slots__ = (
        "blank",
        "captured",
        "depth",
        "embedded",
        "proof_plan",
        "proof_span",
        "quads",
        "undefined",
    )

    def __init__(self, embedded: Sequence[Any] = ()) -> None:
        self.quads: set[Quad] = set()
        self.blank = 0
        self.depth = 0  # nodes and arrays entered and not left (MAX_NESTING)
        self.undefined: str | None = None
        # The credentials whose quads are handed back (by identity), and those handed.
        self.embedded = tuple(embedded)
        self.captured: list[EmbeddedQuads] = []
        # While a credential is captured: its proof's property plan, then its blank nodes.
        self.proof_plan: _PropertyPlan | None = None
        self.proof_span: tuple[int, int] | None = None

    def new_blank(self) -> int:
        self.blank += 1
        return self.blank

    def plan(self, element: dict[str, Any], ctx: ActiveContext, prop: str | None) -> _TypedPlan:
        """The plan for ``element``: remembered when its shape was seen before."""
        memo_key: Hashable | None
        keys = tuple(element)
        if "@context" in element:
            local_key = _context_key(element["@context"])
            memo_key = None if local_key is None else (ctx, prop, keys, local_key)
        else:
            memo_key = (ctx, prop, keys)
        node_plan = _PLANS.get(memo_key) if memo_key is not None else None
        if node_plan is None:
            node_plan = _NodePlan(element, ctx, prop)
            if memo_key is not None and _small(keys):
                node_plan.kept = True
                _remember(_PLANS, memo_key, node_plan)
        type_key = node_plan.type_key
        types: tuple[str, ...]
        if type_key is None:
            types = ()
        else:
            value = element[type_key]
            if isinstance(value, str):
                types = (value,)
            elif isinstance(value, list) and all(isinstance(t, str) for t in value):
                types = tuple(value)
            else:
                raise Fallback("non-string @type")
        typed = node_plan.typed.get(types)
        if typed is None:
            typed = _TypedPlan(element, node_plan.ctx, type_key, types)
            if node_plan.kept and _small(types):
                _remember(node_plan.typed, types, typed)
        return typed

    def node(
        self, element: dict[str, Any], ctx: ActiveContext, prop: str | None, graph: Term | None
    ) -> Term:
        """Emit a node object's quads into ``graph``; return its subject."""
        self.enter()
        plan = self.plan(element, ctx, prop)
        if plan.undefined is not None and self.undefined is None:
            self.undefined = plan.undefined
        subject: Term
        if plan.id_key is not None:
            value = element[plan.id_key]
            if not isinstance(value, str):
                raise Fallback("@id")
            subject = plan.id_ctx.id_term(value)
        else:
            self.blank += 1
            subject = self.blank
        add = self.quads.add
        for type_iri in plan.type_iris:
            add((subject, RDF_TYPE, type_iri, graph))
        for prop_plan in plan.properties:
            value = element[prop_plan.key]
            if prop_plan.is_json:
                add((subject, prop_plan.predicate, json_literal(value), graph))
            elif prop_plan.container:
                self.property(subject, prop_plan, value, graph)
            elif type(value) is str:
                # The common cases without the general machinery: one string value,
                # one node object, a list of node objects.
                add((subject, prop_plan.predicate, self.string(value, prop_plan), graph))
            elif type(value) is dict:
                node = self.node(value, prop_plan.ctx, prop_plan.key, graph)
                add((subject, prop_plan.predicate, node, graph))
            elif type(value) is list and all(type(item) is dict for item in value):
                for item in value:
                    node = self.node(item, prop_plan.ctx, prop_plan.key, graph)
                    add((subject, prop_plan.predicate, node, graph))
            else:
                self.property(subject, prop_plan, value, graph)
        self.depth -= 1
        return subject

    def enter(self) -> None:
        """One level deeper; past ``MAX_NESTING`` the reference path takes over (and
        refuses the document). A count, not the interpreter's recursion limit: compiled
        (``shared.native``), this walk has none, and would run out of memory instead."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Fallback("nesting too deep")

    def property(self, subject: Term, plan: _PropertyPlan, value: Any, graph: Term | None) -> None:
        if plan is self.proof_plan:
            # A captured credential's own proof: note the blank nodes its walk takes.
            self.proof_plan = None
            first = self.blank + 1
            self.property(subject, plan, value, graph)
            self.proof_span = (first, self.blank)
            return
        if plan.is_list:
            if value is None:
                return
            head = self.list(as_list(value), plan, graph)
            self.quads.add((subject, plan.predicate, head, graph))
            return
        objects: list[Term] = []
        self.values(value, plan, graph, objects, plan.graph_container)
        quads = self.quads
        predicate = plan.predicate
        for obj in objects:
            quads.add((subject, predicate, obj, graph))

    def values(
        self,
        value: Any,
        plan: _PropertyPlan,
        graph: Term | None,
        out: list[Term],
        graph_container: bool,
    ) -> None:
        """Append the RDF objects of ``value`` (one property's value) to ``out``."""
        if value is None:
            return
        if isinstance(value, list):
            self.enter()
            for item in value:
                self.values(item, plan, graph, out, graph_container)
            self.depth -= 1
            return
        if isinstance(value, dict):
            if graph_container:
                # Each value becomes its own named graph, named by a fresh blank node.
                named = self.new_blank()
                if not (self.embedded and self.capture(value, plan, named)):
                    self.node(value, plan.ctx, plan.key, named)
                out.append(named)
            else:
                out.append(self.node(value, plan.ctx, plan.key, graph))
            return
        if isinstance(value, str):
            obj = self.string(value, plan)
        else:
            obj = self.scalar(value, plan.ctx, plan.term)
        out.append(self.new_blank() if graph_container else obj)

    def capture(self, value: dict[str, Any], plan: _PropertyPlan, named: int) -> bool:
        """Walk ``value`` into graph ``named`` and keep its quads, if it is a credential
        to hand back whose walk is its walk alone; False (nothing done) otherwise.

        That is so when the value's active context is the initial one (pyld's very
        initial context object: the term's scoped ``"@context": null`` reset it), so
        that its own ``@context`` starts afresh and neither the property nor the
        enclosing type-scoped context changes anything: the value is then walked as
        ``document_quads`` walks a document (``INITIAL``, no property).
        """
        if plan.ctx._pyld is not INITIAL._pyld or "proof" not in value:
            return False
        for credential in self.embedded:
            if credential is value:
                break
        else:
            return False
        for done in self.captured:
            if done.credential is value:
                return False
        proof_plan = self.plan(value, INITIAL, None).proof
        if proof_plan is None or not proof_plan.graph_container:
            return False  # then the proof's quads cannot be told apart: convert it again
        embedded = self.embedded
        outer = self.quads
        inner: set[Quad] = set()
        self.quads = inner
        self.embedded = ()  # nothing nested is captured: the spans would mix
        self.proof_plan = proof_plan
        self.proof_span = None
        self.node(value, INITIAL, None, named)
        span = self.noted_span()
        self.quads = outer
        self.embedded = embedded
        self.proof_plan = None
        outer |= inner
        # No span: the walk planned the credential anew (its plan was not kept), so the
        # proof was not noted; the presentation's quads are complete all the same.
        if span is not None:
            self.captured.append(EmbeddedQuads(value, inner, named, *span))
        return True

    def noted_span(self) -> tuple[int, int] | None:
        """The proof's span ``node`` noted. Read through a call: mypy keeps the attribute
        narrowed to the ``None`` set before ``node``, and mypyc would check that type."""
        return self.proof_span

    @staticmethod
    def string(value: str, plan: _PropertyPlan) -> str:
        """A string value as ``scalar`` makes it, with the decision taken in the plan."""
        mode = plan.str_mode
        if mode == _STR_LITERAL:
            # literal(value), inlined for the usual string that needs no escaping.
            if _needs_escape(value) is None:
                return f'"{value}"'
            return literal(value)
        if mode == _STR_ID:
            return plan.ctx.id_term(value)
        if mode == _STR_TYPED:
            if _needs_escape(value) is None:
                return f'"{value}"{plan.suffix}'
            return literal(value, plan.datatype)
        if mode == _STR_VOCAB:
            return plan.ctx.vocab_term(value)
        raise Fallback(plan.reason)

    @staticmethod
    def scalar(value: Any, ctx: ActiveContext, term: ContextTerm | None) -> str:
        """A string, number or boolean as pyld's value expansion and toRdf make it."""
        coercion = term.type_mapping if term is not None else None
        if coercion is None:
            if isinstance(value, str):
                if not ctx.plain or (term is not None and not term.plain):
                    raise Fallback("language-tagged string")
                return literal(value)
            return literal_term(value, None)
        if isinstance(value, str):
            if coercion == "@id":
                return _iri(ctx.expand_id(value))
            if coercion == "@vocab":
                return _iri(ctx.expand_vocab(value))
        if coercion in _NO_COERCION:
            if isinstance(value, str) and not (ctx.plain and term is not None and term.plain):
                raise Fallback("language-tagged string")
            return literal_term(value, None)
        if coercion == "@json" or coercion.startswith("_:") or not is_absolute_iri(coercion):
            raise Fallback(f"datatype {coercion}")
        return literal_term(value, coercion)

    def list(self, items: list[Any], plan: _PropertyPlan, graph: Term | None) -> Term:
        """Emit an rdf:List of ``items``; return its head."""
        objects: list[Term] = []
        for item in items:
            if isinstance(item, list):
                raise Fallback("list of lists")
            self.values(item, plan, graph, objects, False)
        if not objects:
            return RDF_NIL
        head: Term = self.new_blank()
        current = head
        for index, obj in enumerate(objects):
            rest: Term = RDF_NIL if index == len(objects) - 1 else self.new_blank()
            self.quads.add((current, RDF_FIRST, obj, graph))
            self.quads.add((current, RDF_REST, rest, graph))
            current = rest
        return head


def document_quads(document: dict[str, Any]) -> set[Quad]:
    """The RDF quads of ``document``, blank nodes numbered from 1.

    Raises ``Fallback`` for input the fast path does not handle and
    ``InvalidInput(undefined_term)`` for a key the active context does not define.
    """
    return _walk(_Emitter(), document)


def embedded_quads(
    document: dict[str, Any], credentials: Sequence[Any]
) -> tuple[set[Quad], list[EmbeddedQuads]]:
    """``document_quads(document)``, and the quads of those ``credentials`` (objects in
    ``document``, by identity) whose conversion alone it can hand back exactly.

    A credential not handed back (inline or no ``@context`` reset, a ``proof`` that is
    no graph, a shape too large to plan once) is simply converted again by its check.
    """
    emitter = _Emitter(credentials)
    quads = _walk(emitter, document)
    return quads, emitter.captured


def _walk(emitter: _Emitter, document: dict[str, Any]) -> set[Quad]:
    try:
        emitter.node(document, INITIAL, None, None)
    except RecursionError as exc:
        raise Fallback("nesting too deep") from exc
    if emitter.undefined is not None:
        raise InvalidInput(
            f"term not defined by the active context: {emitter.undefined}",
            code=ErrorCode.undefined_term,
            detail=emitter.undefined,
        )
    return emitter.quads
