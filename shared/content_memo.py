"""Bounded memos of pure results, keyed by the content digest of a JSON document.

A verifier checks the same badges and the same few status lists again and again.
Results that depend only on a document's content (and on what is stated beside it in
the memo's value) are kept here: the key is the SHA-256 of the document's exact JSON
text, key order included, so any changed byte is a new key, and a URL or an ``id``
never is one. Only plain JSON values get a key (dicts with string keys, lists,
strings, ints, finite floats, booleans, None: what ``json.loads`` makes); anything
else (a tuple, an int key that ``json.dumps`` would write as a string) could share
its text with another value, so it is never memoized.

Each memo is an LRU of bounded size behind a lock, shared by the threads of a
process.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")

_LEAVES = (str, int, float, bool, type(None))


def content_key(document: Any) -> str | None:
    """SHA-256 (hex) of ``document``'s exact JSON text, or None if it is not plain JSON."""
    try:
        if not plain_json(document):
            return None
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (ValueError, RecursionError):
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def plain_json(node: Any) -> bool:
    """Whether ``node`` is made only of dicts with string keys, lists, str, int, float,
    bool and None, by exact type (no subclasses, tuples or other mappings)."""
    kind = type(node)
    if kind is dict:
        return all(type(k) is str and plain_json(v) for k, v in node.items())
    if kind is list:
        return all(plain_json(v) for v in node)
    return kind in _LEAVES


class _SharedKeys:
    """Content keys of shared documents, remembered by identity (see ``shared_content_key``)."""

    def __init__(self, size: int) -> None:
        self.size = size
        # id -> (the document itself, its key): holding the document keeps its id from
        # being given to another object while the entry lives.
        self._entries: OrderedDict[int, tuple[Any, str | None]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, document: Any) -> str | None:
        with self._lock:
            entry = self._entries.get(id(document))
            if entry is not None and entry[0] is document:
                self._entries.move_to_end(id(document))
                return entry[1]
        key = content_key(document)
        with self._lock:
            self._entries[id(document)] = (document, key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return key


_shared_keys = _SharedKeys(64)


def shared_content_key(document: Any) -> str | None:
    """``content_key(document)``, computed once per object for documents that are shared
    and never changed: a resolver's DID documents, a status fetcher's shared lists
    (``shared.status_cache.StatusFetcher``). A verifier checks the same few of them for
    every badge; hashing their content each time was a tenth of a millisecond per badge.

    Only for such documents: an object changed after its key was taken keeps the old
    key while it is remembered (the last 64 objects asked about).
    """
    return _shared_keys.key(document)


class DigestMemo(Generic[V]):
    """A thread-safe LRU from content keys to immutable values."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._cache: LRUCache[str, V] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        with self._lock:
            return self._cache.get(key)

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._cache[key] = value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)
