"""Term ids and active contexts, computed the way the reference implementation does.

CBOR-LD gives every term of every context it loads a number: the keys of each
context, sorted, numbered from 100 in steps of 2, in the order the contexts are
first met while walking the document (embedded, then type-scoped in sorted type
order, then property-scoped). Writer and reader walk in the same order, so they
agree on the numbers without sending them. This mirrors ``ContextLoader.js`` and
``ActiveContext.js`` of ``@digitalbazaar/cborld`` 8.x, quirks included, because a
different walk gives different numbers.

Term definitions are dicts that carry two extra keys, ``protected`` and
``propagate``, as in the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.vpqr.tables import FIRST_CUSTOM_TERM_ID, KEYWORDS

Def = dict[str, Any]
TermMap = dict[str, Def]
Loader = Callable[[str], Any]

_MAX_CURIE_DEPTH = 32


def cborld_error(message: str, detail: Any = None) -> InvalidInput:
    """The one error for CBOR-LD that cannot be read or written faithfully."""
    return InvalidInput(message, code=ErrorCode.invalid_cborld, detail=detail)


def js_sorted(keys: Iterable[str]) -> list[str]:
    """Sort strings as JavaScript's default sort does (UTF-16 code units)."""
    return sorted(keys, key=lambda k: k.encode("utf-16-be", "surrogatepass"))


class ContextLoader:
    """Loads contexts (bundled only) and hands out term ids, for one document."""

    def __init__(self, load: Loader) -> None:
        self._load = load
        self._by_url: dict[str, tuple[dict[str, Any], TermMap]] = {}
        self._by_obj: dict[int, tuple[Any, tuple[dict[str, Any], TermMap]]] = {}
        self.term_to_id: dict[str, int] = dict(KEYWORDS)
        self.id_to_term: dict[int, str] = {v: k for k, v in KEYWORDS.items()}
        self._next_id = FIRST_CUSTOM_TERM_ID

    def id_for_term(self, term: str, plural: bool = False) -> int | str:
        """The term's id (odd when ``plural``), or the term itself when it has none."""
        tid = self.term_to_id.get(term)
        if tid is None:
            return term
        return tid + 1 if plural else tid

    def term_for_id(self, tid: int | str) -> tuple[str, bool]:
        if isinstance(tid, str):
            return tid, False
        plural = tid & 1 == 1
        term = self.id_to_term.get(tid - 1 if plural else tid)
        if term is None:
            raise cborld_error(f"unknown CBOR-LD term id {tid}", detail=tid)
        return term, plural

    def has_term_id(self, tid: int) -> bool:
        return tid in self.id_to_term

    def load(self, context: Any) -> tuple[dict[str, Any], TermMap]:
        """``(context object, its term map)``, loading and numbering it on first use."""
        if isinstance(context, str):
            hit = self._by_url.get(context)
            if hit is not None:
                return hit
            return self._add(self._document(context), context)
        cached = self._by_obj.get(id(context))
        if cached is not None:
            return cached[1]
        return self._add(context, None)

    def _document(self, url: str) -> Any:
        doc = self._load(url)
        if not isinstance(doc, dict):
            raise cborld_error("a context document is not a JSON object", detail=url)
        return doc.get("@context")

    def _add(self, context: Any, url: str | None) -> tuple[dict[str, Any], TermMap]:
        if not isinstance(context, dict):
            raise cborld_error("a JSON-LD context is not an object", detail=url)
        if not all(isinstance(key, str) for key in context):
            raise cborld_error("a JSON-LD context has a key that is not a string", detail=url)
        original = context
        import_url = context.get("@import")
        if import_url:
            if not isinstance(import_url, str):
                raise cborld_error("@import must be a URL", detail=url)
            imported = self._by_url.get(import_url)
            if imported is None:
                imported = self._add(self._document(import_url), import_url)
            context = {**imported[0], **context}
        term_map: TermMap = {}
        protected = bool(context.get("@protected"))
        for key in js_sorted(context):
            if key in KEYWORDS:
                continue
            definition = context[key]
            if definition is None:
                continue
            if isinstance(definition, str):
                definition = {"@id": definition}
            elif not isinstance(definition, dict):
                raise cborld_error(f"invalid term definition for {key!r}", detail=key)
            term_map[key] = {**definition, "protected": protected}
            if key not in self.term_to_id:
                self.term_to_id[key] = self._next_id
                self.id_to_term[self._next_id] = key
                self._next_id += 2
        entry = (context, term_map)
        if url is not None:
            self._by_url[url] = entry
        else:
            self._by_obj[id(original)] = (original, entry)
        return entry


class ActiveContext:
    """The term definitions in force at one place in the document."""

    def __init__(
        self,
        loader: ContextLoader,
        term_map: TermMap | None = None,
        previous: ActiveContext | None = None,
    ) -> None:
        self.loader = loader
        self.term_map: TermMap = term_map if term_map is not None else {}
        self.previous = previous
        self.type_terms = ["@type"] + [
            t for t, d in self.term_map.items() if d.get("@id") == "@type"
        ]

    def apply_embedded(self, contexts: Any) -> ActiveContext:
        term_map = _update(self.term_map, contexts, self.loader)
        return ActiveContext(self.loader, term_map, self)

    def apply_property_scoped(self, term: str) -> ActiveContext:
        scoped = self.term_map.get(term, {}).get("@context")
        term_map = _update(_revert(self), scoped, self.loader, property_scope=True)
        return ActiveContext(self.loader, term_map, self)

    def apply_type_scoped(self, types: Iterable[Any]) -> ActiveContext:
        term_map = self.term_map
        for type_ in js_sorted(str(t) for t in types):
            scoped = term_map.get(type_, {}).get("@context")
            term_map = _update(term_map, scoped, self.loader, type_scope=True)
        return ActiveContext(self.loader, term_map, self)

    def definition(self, term: str) -> Def:
        return self.term_map.get(term, {})


def _deep_equal(a: Any, b: Any, top: bool = False) -> bool:
    a_obj = isinstance(a, dict | list)
    b_obj = isinstance(b, dict | list)
    if a_obj != b_obj:
        return False
    if not a_obj:
        return (type(a) is type(b) and a == b) or (_num(a) and _num(b) and a == b)
    ka = _keys(a)
    kb = _keys(b)
    if len(ka) != len(kb):
        return False
    for k in ka:
        if top and k in ("protected", "propagate"):
            continue
        if not _deep_equal(_get(a, k), _get(b, k)):
            return False
    return True


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _keys(x: dict[str, Any] | list[Any]) -> list[str]:
    return list(x) if isinstance(x, dict) else [str(i) for i in range(len(x))]


def _get(x: dict[str, Any] | list[Any], k: str) -> Any:
    if isinstance(x, dict):
        return x.get(k)
    return x[int(k)]


def _resolve_curie(active: TermMap, context: dict[str, Any], value: Any, depth: int = 0) -> Any:
    if not isinstance(value, str) or ":" not in value:
        return value
    if depth > _MAX_CURIE_DEPTH:
        raise cborld_error("compact IRI expansion does not end", detail=value)
    prefix, _, suffix = value.partition(":")
    prefix_def = context.get(prefix)
    if prefix_def is None:
        prefix_def = active.get(prefix)
    if prefix_def is None:
        return value
    base = prefix_def.get("@id") if isinstance(prefix_def, dict) else prefix_def
    if not isinstance(base, str):
        # The reference concatenates JavaScript's ``undefined`` here; so do we.
        base = "undefined"
    return _resolve_curie(active, context, base + suffix, depth + 1)


def _resolve_curies(active: TermMap, context: dict[str, Any], new: TermMap) -> None:
    for key, definition in new.items():
        if "@id" in definition:
            definition["@id"] = _resolve_curie(active, context, definition["@id"])
        else:
            resolved = _resolve_curie(active, context, key)
            if ":" in resolved:
                definition["@id"] = resolved
        if "@type" in definition:
            definition["@type"] = _resolve_curie(active, context, definition["@type"])
        if not isinstance(definition.get("@id"), str):
            raise cborld_error(f"the IRI of term {key!r} cannot be determined", detail=key)


def _revert(active: ActiveContext) -> TermMap:
    """Drop the terms that do not propagate (type-scoped ones) when entering a property."""
    result: TermMap = {}
    non_propagating: list[str] = []
    for term, definition in active.term_map.items():
        if definition.get("propagate"):
            result[term] = definition
        else:
            non_propagating.append(term)
    for term in non_propagating:
        ctx: ActiveContext | None = active
        found: Def | None = None
        while True:
            ctx = ctx.previous if ctx is not None else None
            if ctx is None:
                found = None
                break
            found = ctx.term_map.get(term)
            if found is None or found.get("propagate"):
                break
        if found is not None:
            result[term] = found
    return result


def _update(
    active: TermMap,
    contexts: Any,
    loader: ContextLoader,
    *,
    property_scope: bool = False,
    type_scope: bool = False,
) -> TermMap:
    if contexts is None:
        contexts = [{}]
    elif not isinstance(contexts, list):
        contexts = [contexts]
    propagate_default = not type_scope
    for context in contexts:
        if context is None:
            raise cborld_error("a null @context cannot be compressed")
        loaded, term_map = loader.load(context)
        propagate = loaded.get("@propagate", propagate_default)
        new: TermMap = {k: {**v, "propagate": propagate} for k, v in term_map.items()}
        _resolve_curies(active, loaded, new)
        for term, active_def in active.items():
            definition = new.get(term)
            if definition is not None:
                if (
                    active_def.get("protected")
                    and not property_scope
                    and not _deep_equal(definition, active_def, top=True)
                ):
                    raise cborld_error(f"protected term {term!r} is redefined", detail=term)
            elif not (term in loaded and loaded[term] is None):
                new[term] = {**active_def}
        active = new
    return active
