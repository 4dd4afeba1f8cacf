"""How deeply a JSON document nests: refused past a limit before anything walks it.

Level by level, without recursion, so no document can exhaust the stack; leaves are
not visited one by one. Compiled (``shared.native``): every verification starts here.
"""

from __future__ import annotations

from typing import Any

from shared.errors import ErrorCode, InvalidInput

__all__ = ["check_depth", "too_deep"]


def check_depth(document: Any, limit: int) -> None:
    """Refuse JSON nested deeper than ``limit``: the document is at depth 1, a value
    inside a container one deeper than the container."""
    if limit < 1 or too_deep(document, limit):
        raise InvalidInput(
            f"the document is nested more than {limit} levels deep",
            code=ErrorCode.malformed_credential,
        )


def _is_container(value: Any) -> bool:
    kind = type(value)
    return kind is dict or kind is list or (kind is not str and isinstance(value, dict | list))


def too_deep(document: Any, limit: int) -> bool:
    """Whether ``document`` (at depth 1) holds a value deeper than ``limit``."""
    level: list[Any] = [document] if _is_container(document) else []
    depth = 1
    while level:
        deeper: list[Any] = []
        append = deeper.append
        for node in level:  # every container here is at ``depth``
            values: Any = node.values() if isinstance(node, dict) else node
            if not values:
                continue
            if depth >= limit:
                return True  # it holds values at depth + 1
            for value in values:  # inlined _is_container: this visits every value
                kind = type(value)
                if kind is dict or kind is list:
                    append(value)
                elif kind is not str and isinstance(value, dict | list):
                    append(value)  # a subclass: not from JSON, still a container
        level = deeper
        depth += 1
    return False
