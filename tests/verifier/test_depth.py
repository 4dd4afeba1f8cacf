"""``check_depth``: the walk over containers only refuses exactly what the plain walk
over every value refuses, and a very deep document is refused without exhausting the
stack."""

from __future__ import annotations

import random
from typing import Any

import pytest

from shared.errors import ErrorCode, InvalidInput
from verifier.service.verifier import MAX_DEPTH, check_depth


def _reference(document: Any, limit: int) -> bool:
    """The plain definition: some value is more than ``limit`` levels deep."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def _document(levels: int, rng: random.Random) -> Any:
    if levels == 0 or rng.random() < 0.2:
        return rng.choice([1, "tekst", None, True, 2.5, [], {}])
    if rng.random() < 0.5:
        return [_document(levels - 1, rng) for _ in range(rng.randint(0, 3))]
    return {f"k{i}": _document(levels - 1, rng) for i in range(rng.randint(0, 3))}


def _refused(document: Any, limit: int) -> bool:
    try:
        check_depth(document, limit)
    except InvalidInput as exc:
        code = exc.code
    else:
        return False
    assert code == ErrorCode.malformed_credential
    return True


def test_agrees_with_the_plain_walk_on_random_documents() -> None:
    rng = random.Random(12)
    for _ in range(5000):
        document, limit = _document(rng.randint(0, 9), rng), rng.randint(0, 8)
        assert _refused(document, limit) == _reference(document, limit), (document, limit)


@pytest.mark.parametrize("leaf", ["x", 1, None, [], {}])
def test_the_limit_itself(leaf: Any) -> None:
    def nested(levels: int) -> Any:  # ``levels`` containers around the leaf
        document = leaf
        for _ in range(levels):
            document = [document]
        return document

    # MAX_DEPTH - 1 containers: the leaf (even an empty container) is at MAX_DEPTH
    assert not _refused(nested(MAX_DEPTH - 1), MAX_DEPTH)
    assert _refused(nested(MAX_DEPTH), MAX_DEPTH)
    assert not _refused([[]] * 3, 2)  # empty containers at the limit hold nothing deeper


def test_a_very_deep_document_is_refused_not_a_recursion_error() -> None:
    document: Any = {}
    for _ in range(100_000):
        document = {"a": document}
    assert _refused(document, MAX_DEPTH)


def test_subclasses_of_dict_and_list_count_as_containers() -> None:
    """Not from JSON, but documents built in code may hold them: they nest like dicts."""

    class Tree(dict[str, Any]):
        pass

    class Row(list[Any]):
        pass

    document: Any = "leaf"
    for level in range(6):
        document = Tree(a=document) if level % 2 else Row([document])
    assert _refused(document, 6) == _reference(document, 6) is True
    assert _refused(document, 7) == _reference(document, 7) is False
