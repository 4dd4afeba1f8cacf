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

from collections.abc import Iterable, Iterator
from typing import Any

from shared.vocab import as_list

_ALLOWED_KEYWORDS = frozenset({"@context"})
_MAX_DEPTH = 64


def plain_term_problems(document: Any, *, limit: int = 10) -> list[str]:
    """JSON paths (with the reason) where ``document`` leaves the plain form."""
    return plain_term_survey(document, "", limit=limit)[0]  # no member asked about


def plain_term_survey(document: Any, member: str, *, limit: int = 10) -> tuple[list[str], bool]:
    """``plain_term_problems(document)``, and whether some object in ``document`` has a
    member named ``member``, found in the same walk (a caller that would look for it
    in a walk of its own is spared that walk when it is absent).

    The second answer is False only when no object has that member; it is True when
    it was not looked for: with problems, or in a document the walk without paths
    leaves to the one with them (anything unusual, see ``_plain``)."""
    found = _plain(document, member)
    if found is not None:
        return [], found  # the usual answer, found without building a path for every member
    problems: list[str] = []
    for problem in _walk(document, "$", 0):
        problems.append(problem)
        if len(problems) >= limit:
            break
    return problems, True


def _plain(document: Any, member: str) -> bool | None:
    """None unless ``_walk(document, ...)`` finds nothing: the same rules without the
    paths (anything unusual answers None and sends the caller to ``_walk``: a subclass
    of dict or list, a key that is not a string or holds a NUL, the depth limit
    reached). Else whether some object has a member named ``member``.

    Level by level, as ``shared.json_depth`` walks: every container
    of a level is at the same depth, no call is made per container, and the member
    names of a whole level are judged at once.
    """
    kind = type(document)
    if kind is not dict and kind is not list:
        return None if isinstance(document, _CONTAINERS) else False
    level = [document]
    depth = 0
    has_member = False
    while level:
        if depth >= _MAX_DEPTH:
            return None
        deeper: list[Any] = []
        push = deeper.append
        names: list[Any] = []
        add_names = names.extend
        for node in level:  # only exact dicts and lists are put in a level
            values: Iterable[Any]  # a list or a dict's values (mypyc checks the type)
            if type(node) is list:
                values = node
            else:
                if "@context" in node:
                    context = node["@context"]
                    if context is None or not all(isinstance(c, str) for c in as_list(context)):
                        return None
                    add_names([key for key in node if key != "@context"])
                else:
                    add_names(node)
                if member in node:
                    has_member = True
                values = node.values()
            for value in values:
                kind = type(value)
                if kind is dict or kind is list:
                    push(value)
                elif kind is not str and isinstance(value, _CONTAINERS):
                    return None  # a subclass: the walk decides
        try:
            # Every name at once: none starts with "@", none holds ":" or "/" (NUL joins
            # them, so a name holding a NUL only sends the caller to the walk).
            joined = "\x00" + "\x00".join(names)
        except TypeError:
            return None  # a key that is not a string
        if "\x00@" in joined or ":" in joined or "/" in joined:
            return None
        level = deeper
        depth += 1
    return has_member


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
