"""Plain-terms policy: the JSON we read must say what the signed RDF says.

A Data Integrity proof signs the RDF dataset a document expands to, not its JSON.
Different JSON can expand to the same dataset: a member keyed by its full IRI
(``"https://www.w3.org/2018/credentials#validUntil"``) or by an alias defined in an
inline ``@context``, a JSON-LD value object, an ``@included`` node. The signature
still verifies, but a checker reading ``validUntil`` from the JSON would not see
it: an expired credential would pass. So before trusting JSON members, we require
the plain form every real issuer emits: contexts only by (bundled) URL, and every
key a term of those contexts — no IRIs, compact IRIs or JSON-LD keywords as keys
(except ``@context``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shared.vocab import as_list

_ALLOWED_KEYWORDS = frozenset({"@context"})
_MAX_DEPTH = 64


def plain_term_problems(document: Any, *, limit: int = 10) -> list[str]:
    """JSON paths (with the reason) where ``document`` leaves the plain form."""
    if _plain(document, 0):
        return []  # the usual answer, found without building a path for every member
    problems: list[str] = []
    for problem in _walk(document, "$", 0):
        problems.append(problem)
        if len(problems) >= limit:
            break
    return problems


def _plain(node: Any, depth: int) -> bool:
    """True only if ``_walk(node, ..., depth)`` finds nothing: the same rules without
    the paths. False sends the caller to ``_walk`` (anything unusual answers False:
    a subclass of dict or list, a key that is not a string or holds a NUL, the depth
    limit near)."""
    kind = type(node)
    if kind is not dict and kind is not list:
        return not isinstance(node, dict | list)
    if depth >= _MAX_DEPTH:
        return False
    depth += 1
    if kind is list:
        for item in node:
            if isinstance(item, _CONTAINERS) and not _plain(item, depth):
                return False
        return True
    if "@context" in node:
        context = node["@context"]
        if context is None or not all(isinstance(c, str) for c in as_list(context)):
            return False
        keys = [key for key in node if key != "@context"]
    else:
        keys = list(node)
    try:
        # All keys at once: none starts with "@", none holds ":" or "/" (NUL joins them,
        # so a key holding a NUL only sends the caller to the walk).
        joined = "\x00" + "\x00".join(keys)
    except TypeError:
        return False  # a key that is not a string
    if "\x00@" in joined or ":" in joined or "/" in joined:
        return False
    for value in node.values():
        if isinstance(value, _CONTAINERS) and not _plain(value, depth):
            return False
    return True


_CONTAINERS = (dict, list)


def _walk(node: Any, path: str, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        yield f"{path}: nested too deeply"
        return
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]", depth + 1)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        here = f"{path}.{key}"
        if key == "@context":
            if value is None or not all(isinstance(c, str) for c in as_list(value)):
                yield f"{here}: inline context objects are not accepted (use context URLs)"
            continue
        if key.startswith("@") and key not in _ALLOWED_KEYWORDS:
            yield f"{here}: JSON-LD keyword used as a member"
            continue
        if ":" in key or "/" in key:
            yield f"{here}: an IRI used as a member name instead of a term"
            continue
        yield from _walk(value, here, depth + 1)
