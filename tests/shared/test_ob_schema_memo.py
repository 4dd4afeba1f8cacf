"""The schema findings memo (shared.ob.schema, shared.content_memo): keyed by content
digest, bounded, and never handing a changed credential the findings of another."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from shared.content_memo import content_key
from shared.ob import schema
from shared.ob.schema import clear_memo, validate_credential_schema
from tests.conftest import load_vector

VALIDATOR = "ob3/1edtech-validator"


def simple() -> dict[str, Any]:
    document: dict[str, Any] = load_vector(f"{VALIDATOR}/simple.json")
    return document


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every credential the (unmemoized) schema check really ran on."""
    seen: list[dict[str, Any]] = []
    real = schema._check_credential_schema

    def check(credential: dict[str, Any]) -> list[schema.SchemaIssue]:
        seen.append(copy.deepcopy(credential))
        return real(credential)

    monkeypatch.setattr(schema, "_check_credential_schema", check)
    clear_memo()
    yield seen
    clear_memo()


def test_same_content_is_checked_once(counted: list[dict[str, Any]]) -> None:
    first = validate_credential_schema(simple())
    again = validate_credential_schema(simple())  # another object, the same JSON
    assert again == first
    assert len(counted) == 1
    again.clear()  # a caller changing its list does not change the memo
    assert validate_credential_schema(simple()) == first


def test_a_changed_credential_gets_its_own_findings(counted: list[dict[str, Any]]) -> None:
    credential = simple()
    assert validate_credential_schema(credential) == []
    credential["credentialSubject"]["type"] = ["NotASubject"]  # changed in place
    changed = validate_credential_schema(credential)
    assert [i.path for i in changed if i.is_error] == ["$.credentialSubject.type"]
    assert len(counted) == 2
    credential["credentialSubject"]["type"] = ["AchievementSubject"]
    assert validate_credential_schema(credential) == []  # the first one, from the memo
    assert len(counted) == 2


def test_key_order_and_json_types_make_different_keys() -> None:
    a: dict[str, Any] = {"x": 1, "y": 2}
    assert content_key(a) != content_key({"y": 2, "x": 1})
    assert content_key({"x": 1}) != content_key({"x": 1.0})
    assert content_key({"x": 1}) != content_key({"x": True})
    assert content_key({"x": "1"}) != content_key({"x": 1})
    assert content_key({"x": 1}) == content_key({"x": 1})


@pytest.mark.parametrize(
    "document",
    [
        {1: "int key, written as the string '1' by json.dumps"},
        {"a": ("a", "tuple")},
        {"a": float("nan")},
        {"a": {None: 1}},
        {"a": object()},
    ],
)
def test_only_plain_json_is_memoized(document: dict[Any, Any]) -> None:
    assert content_key(document) is None


def test_not_plain_json_is_checked_every_time(counted: list[dict[str, Any]]) -> None:
    credential = simple()
    credential["credentialSubject"]["type"] = ("AchievementSubject",)  # a tuple, not JSON
    validate_credential_schema(credential)
    validate_credential_schema(credential)
    assert len(counted) == 2


def test_memo_is_bounded(counted: list[dict[str, Any]]) -> None:
    for n in range(schema._memo.size + 40):
        credential = simple()
        credential["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        validate_credential_schema(credential)
    assert len(schema._memo) == schema._memo.size


def test_threads_share_one_answer(counted: list[dict[str, Any]]) -> None:
    credential = simple()
    expected = validate_credential_schema(copy.deepcopy(credential))
    results: list[list[schema.SchemaIssue]] = []

    def run() -> None:
        for _ in range(50):
            results.append(validate_credential_schema(copy.deepcopy(credential)))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200
    assert all(r == expected for r in results)


def test_the_issuers_builder_does_not_fill_the_memo(
    counted: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.ob import build
    from tests.shared.test_ob_build import minimal

    fast: list[bool] = []
    plainly_valid = build._plainly_valid

    def spy(*args: Any) -> bool:
        verdict = plainly_valid(*args)
        fast.append(verdict)
        return verdict

    monkeypatch.setattr(build, "_plainly_valid", spy)
    for _ in range(3):
        minimal()  # each credential it makes is new: no content key, no memo entry
    assert len(schema._memo) == 0
    # and each was really checked: by the compiled validator (which only ever says
    # "valid"), else by the full check
    assert len(fast) == 3
    assert len(counted) == fast.count(False)
