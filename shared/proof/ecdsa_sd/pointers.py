"""JSON Pointers and the selection of a compact JSON-LD document (spec: selectJsonLd).

A selection keeps, along every pointer's path, the non-blank ``id`` and the
``type`` of each object it passes through, so the selected statements still say
which node they are about and what kind of thing it is.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from shared.errors import ErrorCode, InvalidInput

PathSegment = str | int


def parse_pointer(pointer: str) -> list[PathSegment]:
    """RFC 6901 pointer -> path segments; all-digit segments become array indexes."""
    if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
        raise InvalidInput(
            "a JSON Pointer is a string starting with '/'",
            code=ErrorCode.invalid_pointer,
            detail=str(pointer)[:200],
        )
    paths: list[PathSegment] = []
    for part in pointer.split("/")[1:]:
        if "~" not in part:
            paths.append(int(part) if part.isdigit() else part)
            continue
        rest = part.replace("~0", "").replace("~1", "")
        if "~" in rest:
            raise InvalidInput(
                f"invalid escape in JSON Pointer {pointer!r}",
                code=ErrorCode.invalid_pointer,
                detail=pointer,
            )
        paths.append(part.replace("~1", "/").replace("~0", "~"))
    return paths


class _Sparse(dict[int, Any]):
    """An array being selected element by element; made dense at the end."""


def _initial_selection(source: Any) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    if isinstance(source, dict):
        node_id = source.get("id")
        if isinstance(node_id, str) and not node_id.startswith("_:"):
            selection["id"] = node_id
        if source.get("type"):
            selection["type"] = copy.deepcopy(source["type"])
    return selection


def _child(container: Any, segment: PathSegment) -> tuple[bool, Any]:
    """(found, value) of ``container[segment]`` with JSON Pointer semantics."""
    if isinstance(container, list):
        if isinstance(segment, int) and segment < len(container):
            return True, container[segment]
        return False, None
    if isinstance(container, dict):
        key = str(segment)
        if key in container:
            return True, container[key]
    return False, None


def _put(container: Any, segment: PathSegment, value: Any) -> None:
    if isinstance(container, list):
        container[int(segment)] = value
    elif isinstance(container, _Sparse):
        container[int(segment)] = value
    else:
        container[str(segment)] = value


def _select_paths(
    document: dict[str, Any], pointer: str, paths: list[PathSegment], selection: dict[str, Any]
) -> None:
    value: Any = document
    selected_parent: Any = selection
    selected_value: Any = selection
    for segment in paths:
        selected_parent = selected_value
        found, value = _child(value, segment)
        if not found:
            raise InvalidInput(
                f"JSON Pointer {pointer!r} does not match the document",
                code=ErrorCode.invalid_pointer,
                detail=pointer,
            )
        if isinstance(selected_parent, _Sparse):
            existing = selected_parent.get(int(segment))
        else:
            _, existing = _child(selected_parent, segment)
        if existing is None:
            existing = _Sparse() if isinstance(value, list) else _initial_selection(value)
            _put(selected_parent, segment, existing)
        selected_value = existing
    if isinstance(value, list):
        selected_value = copy.deepcopy(value)
    elif isinstance(value, dict):
        base = dict(selected_value) if isinstance(selected_value, dict) else {}
        selected_value = {**base, **copy.deepcopy(value)}
    else:
        selected_value = value
    _put(selected_parent, paths[-1], selected_value)


def _dense(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_dense(value[k]) for k in sorted(value)]
    if isinstance(value, dict):
        return {k: _dense(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dense(v) for v in value]
    return value


def select_json_ld(document: dict[str, Any], pointers: Sequence[str]) -> dict[str, Any] | None:
    """The part of ``document`` the pointers select, or None when there are none."""
    if not isinstance(document, dict):
        raise InvalidInput("a JSON-LD document must be a JSON object", code=ErrorCode.invalid_json)
    if not pointers:
        return None
    selection: dict[str, Any] = {"@context": copy.deepcopy(document.get("@context"))}
    selection.update(_initial_selection(document))
    for pointer in pointers:
        paths = parse_pointer(pointer)
        if not paths:
            return copy.deepcopy(document)
        _select_paths(document, pointer, paths, selection)
    result: dict[str, Any] = _dense(selection)
    return result
