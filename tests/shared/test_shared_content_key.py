"""``shared_content_key``: a shared document's content key, hashed once per object."""

from __future__ import annotations

import copy

import pytest

from shared import content_memo
from shared.content_memo import content_key, shared_content_key

DOCUMENT = {
    "id": "did:web:leerhuis-ijsselvallei.example",
    "verificationMethod": [{"id": "#key-1", "publicKeyMultibase": "z6Mk..."}],
    "name": "Stichting Leerhuis IJsselvallei",
}


def test_it_is_the_content_key(monkeypatch: pytest.MonkeyPatch) -> None:
    document = copy.deepcopy(DOCUMENT)
    calls: list[object] = []
    real = content_memo.content_key

    def counting(value: object) -> str | None:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(content_memo, "content_key", counting)
    key = shared_content_key(document)
    assert key == content_key(DOCUMENT) is not None
    assert shared_content_key(document) == key
    assert len(calls) == 1  # the second time by identity, without hashing
    twin = copy.deepcopy(DOCUMENT)  # another object with the same content: hashed, same key
    assert shared_content_key(twin) == key
    assert len(calls) == 2


def test_other_content_other_key_and_no_key_for_non_json() -> None:
    assert shared_content_key({**DOCUMENT, "name": "Anders"}) != shared_content_key(DOCUMENT)
    assert shared_content_key({1: "int key"}) is None


def test_only_the_last_objects_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = content_memo._SharedKeys(2)
    documents = [{"n": n} for n in range(3)]
    for document in documents:
        keys.key(document)
    calls: list[object] = []
    real = content_memo.content_key
    monkeypatch.setattr(content_memo, "content_key", lambda v: calls.append(v) or real(v))
    keys.key(documents[2])
    keys.key(documents[1])
    assert calls == []
    keys.key(documents[0])  # forgotten: hashed again
    assert calls == [documents[0]]
