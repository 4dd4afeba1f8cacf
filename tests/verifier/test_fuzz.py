"""Mutated presentations, credentials and QR texts never make the verifier answer 500."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import httpx

from shared import qr
from tests.verifier.helpers import badge, present, signed

ODD_VALUES: list[Any] = [
    None, True, 0, -1, 2**70, 1.5, "", "x" * 300, [], {}, [None], {"@id": None},
    "did:key:", "did:web:127.0.0.1", "https://127.0.0.1/", "2026-13-45T99:99:99Z", "\u0000",
]  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _mutate(doc: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_paths(doc)[1:])
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        action = rng.random()
        if action < 0.4:
            parent[path[-1]] = rng.choice(ODD_VALUES)
        elif action < 0.6 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action < 0.8:
            parent[path[-1]] = [parent[path[-1]], parent[path[-1]]]
        else:
            parent[path[-1]] = {"nested": parent[path[-1]], "type": rng.choice(ODD_VALUES)}
    return doc


async def test_mutated_documents_never_500(client: httpx.AsyncClient) -> None:
    rng = random.Random(20261123)
    req = (await client.post("/requests")).json()
    vp = present([signed(badge())], req["challenge"])
    cred = signed(badge())
    statuses = set()
    for i in range(150):
        target, doc = ("presentation", vp) if i % 2 else ("credential", cred)
        body = json.dumps(_mutate(doc, rng), allow_nan=False).encode()
        reply = await client.post(f"/verify/{target}", content=body)
        statuses.add(reply.status_code)
        assert reply.status_code in (200, 400, 413, 422), (reply.status_code, reply.text[:300])
        data = reply.json()
        if reply.status_code == 200:
            assert data["verdict"] in ("valid", "unknown", "invalid")
        else:
            assert set(data) == {"code", "message", "detail"}
    assert 200 in statuses


async def test_mutated_qr_texts_never_500(client: httpx.AsyncClient) -> None:
    rng = random.Random(7)
    texts = qr.encode(signed(badge()), max_version=8)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for _ in range(120):
        mutated = list(texts)
        k = rng.randrange(len(mutated))
        chars = list(mutated[k])
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        mutated[k] = "".join(chars)
        if rng.random() < 0.3:
            mutated.pop(rng.randrange(len(mutated)))
        if not mutated:
            continue
        reply = await client.post("/verify/qr", json={"texts": mutated})
        assert reply.status_code in (200, 400, 413, 422), (reply.status_code, reply.text[:300])
