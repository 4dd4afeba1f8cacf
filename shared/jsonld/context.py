"""Compiled, memoized JSON-LD active contexts.

pyld processes a context again for every node that carries a type-scoped
context, deep-copying large active contexts each time: that is most of its
8 ms per credential. Here every transition (active context x local context x
flags -> new active context) is computed once and remembered. The transition
itself is delegated to pyld's context processing, so ``@protected``,
``@propagate``, ``@import``, scoped contexts and every error behave exactly as
in the reference; what we add is the memo and a flat, read-only view of the
result that the fast expander can query with plain dict look-ups.

Memory is bounded: after ``MAX_MEMOIZED`` remembered transitions the whole memo
is dropped and rebuilt on demand, so documents with ever-new inline contexts
cost time, never unbounded memory.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Hashable
from typing import Any, Final

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from shared.contexts import document_loader
from shared.jsonld.rdfc import IRI_NEEDS_ESCAPE, iri

_iri_needs_escape = IRI_NEEDS_ESCAPE.search

MAX_MEMOIZED = 4096
MAX_KEYS: Final = 1024
MAX_ID_TERMS: Final = 8192
MAX_ID_TERM_CHARS: Final = 512  # longer ids are not remembered

# Kinds of node object keys.
UNDEFINED: Final = 0  # expands to nothing absolute: pyld drops it, safe mode refuses it
ID: Final = 1
TYPE: Final = 2
UNHANDLED: Final = 3  # other keywords and blank-node predicates: reference path
PROPERTY: Final = 4
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
# pyld's absolute-IRI test, byte for byte (note ``+-.`` is a range that includes ',').
_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
# An absolute IRI (as ``_ABSOLUTE_IRI``, not a blank node) that canonical N-Quads writes
# as is: one match decides both for the usual IRI (``rdfc.IRI_NEEDS_ESCAPE``).
plain_absolute_iri = re.compile(r'[A-Za-z][A-Za-z0-9+-.]*:[^\s\x00-\x20<>"{}|^`\\]*').fullmatch

# pyld's keyword list (it has @first and lacks @prefix; we follow it, not the spec).
KEYWORDS: Final = frozenset(jsonld.KEYWORDS)

_LOCK = threading.Lock()
_memoized = 0
_PROCESSOR = jsonld.JsonLdProcessor()


class BoundedCache(dict[Any, Any]):
    """A dict that empties itself when full: pyld's resolved-context cache, kept bounded.

    Each engine gets its own, so nothing another caller loads through pyld's
    global cache (with some other document loader) can leak into ours.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: Any, value: Any) -> None:
        if len(self) >= self.limit:
            self.clear()
        super().__setitem__(key, value)


_RESOLVED = BoundedCache(256)
# (active context, value) -> serialized IRI term of an @id value, and (active
# context, value, True) of an @vocab value; see ActiveContext.id_term and vocab_term.
_ID_TERMS: dict[tuple[Any, ...], str] = {}


class Fallback(Exception):  # noqa: N818 - a signal, not an error
    """The fast path does not handle this input; the reference path decides."""


def is_absolute_iri(value: str) -> bool:
    """True when pyld treats ``value`` as an absolute IRI or blank node identifier."""
    return _ABSOLUTE_IRI.match(value) is not None


def _key(local: Any) -> Hashable:
    if isinstance(local, str):
        return local
    if isinstance(local, list) and all(isinstance(item, str) for item in local):
        return tuple(local)
    return json.dumps(local, sort_keys=True, separators=(",", ":"))


class Term:
    """One term definition, flattened for look-ups."""

    __slots__ = (
        "container",
        "context",
        "context_key",
        "iri",
        "plain",
        "predicate",
        "prefix",
        "type_mapping",
    )

    def __init__(self, mapping: Any) -> None:
        self.iri: str | None = mapping.get("@id")
        self.predicate = iri(self.iri) if self.iri is not None else "<None>"
        self.prefix: bool = bool(mapping.get("_prefix"))
        self.type_mapping: str | None = mapping.get("@type")
        self.container: frozenset[str] = frozenset(mapping.get("@container") or ())
        self.context: Any = mapping.get("@context")
        self.context_key: Hashable = None if self.context is None else _key(self.context)
        # Anything beyond id/type/container/context sends the document to the reference path.
        self.plain = not (
            mapping.get("reverse")
            or "@language" in mapping
            or "@direction" in mapping
            or "@nest" in mapping
            or "@index" in mapping
            or self.container - {"@set", "@list", "@graph"}
            or ("@list" in self.container and "@graph" in self.container)
        )


KeyInfo = tuple[int, str | None, Term | None, str]


class ActiveContext:
    """A read-only active context plus its memo of transitions."""

    __slots__ = (
        "_keys",
        "_pyld",
        "_transitions",
        "plain",
        "previous",
        "terms",
        "type_keys",
        "vocab",
    )

    def __init__(self, pyld_ctx: Any, previous: ActiveContext | None) -> None:
        self._pyld = pyld_ctx
        self._transitions: dict[Hashable, ActiveContext] = {}
        self._keys: dict[str, KeyInfo] = {}
        self.previous = previous
        self.vocab: str | None = pyld_ctx.get("@vocab")
        self.terms: dict[str, Term | None] = {
            name: None if mapping is None else Term(mapping)
            for name, mapping in pyld_ctx["mappings"].items()
        }
        # Only '@type' itself and terms aliasing it can expand to '@type'.
        self.type_keys: tuple[str, ...] = (
            *(name for name, term in self.terms.items() if term and term.iri == "@type"),
            "@type",
        )
        # A default language or direction changes how strings expand: not handled here.
        # (@base is ignored: with no document base pyld leaves relative IRIs relative.)
        self.plain = "@language" not in pyld_ctx and "@direction" not in pyld_ctx

    def expand_vocab(self, value: str) -> str | None:
        """IRI expansion with ``vocab: true`` (keys, types): pyld's ``_expand_iri``.

        Relative results are returned as they are (there is no base); the caller
        decides. ``None`` means the value is explicitly unmapped or keyword-like.
        """
        if value.startswith("@"):
            return value if value in KEYWORDS or not _KEYWORD_LIKE.match(value) else None
        if value in self.terms:
            term = self.terms[value]
            return None if term is None else term.iri
        return self._expand_prefixed(value, vocab=True)

    def key(self, key: str) -> KeyInfo:
        """What a node object key means here: (kind, expanded IRI, term, predicate)."""
        found = self._keys.get(key)
        if found is not None:
            return found
        expanded = self.expand_vocab(key)
        term = None
        predicate = ""
        if expanded is None or not (expanded in KEYWORDS or is_absolute_iri(expanded)):
            kind = UNDEFINED
        elif expanded == "@id":
            kind = ID
        elif expanded == "@type":
            kind = TYPE
        elif expanded in KEYWORDS or expanded.startswith("_:"):
            kind = UNHANDLED
        else:
            kind = PROPERTY
            term = self.terms.get(key)
            predicate = f"<{expanded}>" if _iri_needs_escape(expanded) is None else iri(expanded)
        info = (kind, expanded, term, predicate)
        if len(self._keys) < MAX_KEYS:
            self._keys[key] = info
        return info

    def expand_id(self, value: str) -> str | None:
        """IRI expansion of ``@id`` values: prefixes apply, terms and @vocab do not."""
        return self._expand_prefixed(value, vocab=False)

    def id_term(self, value: str) -> str:
        """``value`` as an ``@id`` value's serialized IRI term; ``Fallback`` if not absolute.

        Remembered in a bounded memo keyed on (this context, value): issuers repeat
        their own ids (issuer, achievement, images, status lists) in every credential.
        """
        memo_key = (self, value)
        found = _ID_TERMS.get(memo_key)
        if found is None:
            found = _absolute_term(self.expand_id(value))
            if len(value) <= MAX_ID_TERM_CHARS:
                if len(_ID_TERMS) >= MAX_ID_TERMS:
                    _ID_TERMS.clear()
                _ID_TERMS[memo_key] = found
        return found

    def vocab_term(self, value: str) -> str:
        """``value`` as an ``@type: @vocab`` value's serialized IRI term (memoized)."""
        memo_key = (self, value, True)
        found = _ID_TERMS.get(memo_key)
        if found is None:
            found = _absolute_term(self.expand_vocab(value))
            if len(value) <= MAX_ID_TERM_CHARS:
                if len(_ID_TERMS) >= MAX_ID_TERMS:
                    _ID_TERMS.clear()
                _ID_TERMS[memo_key] = found
        return found

    def _expand_prefixed(self, value: str, *, vocab: bool) -> str | None:
        if value.startswith("@"):
            return value if value in KEYWORDS or not _KEYWORD_LIKE.match(value) else None
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1 :]
            if prefix == "_" or suffix.startswith("//"):
                return value
            term = self.terms.get(prefix)
            if term is not None and term.prefix:
                return f"{term.iri}{suffix}"
            if is_absolute_iri(value):
                return value
        if vocab and self.vocab is not None:
            return self.vocab + value
        return value

    def derive(
        self,
        local: Any,
        local_key: Hashable = None,
        *,
        propagate: bool = True,
        override_protected: bool = False,
    ) -> ActiveContext:
        """The active context after processing ``local``; raises ``Fallback``.

        ``local_key`` is ``local``'s memo key when the caller has it precomputed.
        """
        key = (_key(local) if local_key is None else local_key, propagate, override_protected)
        found = self._transitions.get(key)
        if found is not None:
            return found
        with _LOCK:
            try:
                processed = _PROCESSOR._process_context(
                    self._pyld,
                    local,
                    _options(),
                    override_protected=override_protected,
                    propagate=propagate,
                )
            except Exception as exc:  # any failure: let the reference path report it
                raise Fallback(str(exc)) from exc
            known = {id(self._pyld): self}
            if self.previous is not None:
                known[id(self.previous._pyld)] = self.previous
            result = _wrap(processed, known)
            global _memoized
            if _memoized >= MAX_MEMOIZED:
                # Every memoized context hangs off INITIAL: dropping its memo frees them all.
                INITIAL._transitions.clear()
                _memoized = 0
            self._transitions[key] = result
            _memoized += 1
        return result

    def term_context(self, name: str) -> tuple[Any, Hashable] | None:
        """The scoped context of term ``name`` (and its memo key), if it has one."""
        term = self.terms.get(name)
        if term is None or term.context is None:
            return None
        return term.context, term.context_key


def _absolute_term(expanded: str | None) -> str:
    """``<expanded>``, or ``Fallback`` unless it is an absolute IRI."""
    if expanded is not None and plain_absolute_iri(expanded) is not None:
        return f"<{expanded}>"
    if expanded is None or expanded.startswith(("_:", "@")) or not is_absolute_iri(expanded):
        raise Fallback(f"not an absolute IRI: {expanded!r}")
    return iri(expanded)


def _wrap(pyld_ctx: Any, known: dict[int, ActiveContext]) -> ActiveContext:
    """Wrap a pyld active context, reusing wrappers for contexts we already hold."""
    found = known.get(id(pyld_ctx))
    if found is not None:
        return found
    previous_pyld = pyld_ctx.get("previousContext")
    previous = None if previous_pyld is None else _wrap(previous_pyld, known)
    wrapped = ActiveContext(pyld_ctx, previous)
    known[id(pyld_ctx)] = wrapped
    return wrapped


def _options() -> dict[str, Any]:
    return {
        "documentLoader": document_loader,
        "base": None,
        "processingMode": "json-ld-1.1",
        "contextResolver": ContextResolver(_RESOLVED, document_loader),
    }


def _initial() -> ActiveContext:
    return ActiveContext(_PROCESSOR._get_initial_context(_options()), None)


INITIAL: Final = _initial()
