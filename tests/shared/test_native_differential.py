"""Compiled and plain Python give the same verdict on hostile presentations.

A compiled module checks the types its functions declare (``shared.native``): where
plain Python let a wrong-typed value through to a finding, compiled code would raise
``TypeError``. So realistic presentations are broken a few hundred ways (each value
swapped for another JSON type, or removed) and verified here, compiled, and in a
plain-Python process: every answer must be the same.
"""

from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared import native
from shared.credentials import create_presentation, issue_credential
from shared.keys import SigningKey
from tests.factories import unsigned_badge

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CHALLENGE, DOMAIN = "nonce-1", "https://v.example"
SWAPS: list[Any] = [None, 0, -1, 2.5, True, "", "x", "did:key:z6Mk", [], {}, ["x"], {"id": 1}]

_VERIFY_ALL = """
import json, sys
from shared.credentials import verify_presentation
from tests.shared.test_native_differential import answer
documents = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps([answer(d) for d in documents]))
"""


def answer(document: Any) -> Any:
    """What verifying ``document`` gives, as comparable JSON (an exception by name)."""
    from shared.credentials import verify_presentation

    try:
        result = verify_presentation(document, challenge=CHALLENGE, domain=DOMAIN, now=NOW)
    except Exception as exc:  # the kind of failure is what is compared
        return {"raised": type(exc).__name__, "code": str(getattr(exc, "code", ""))}
    return result.to_dict()


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _broken(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    variant = copy.deepcopy(document)
    path = rng.choice(_paths(variant))
    parent: Any = variant
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and rng.random() < 0.2:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(SWAPS))
    return variant


def _presentations() -> list[dict[str, Any]]:
    issuer, learner = SigningKey.generate(), SigningKey.generate()
    badges = [
        issue_credential(
            unsigned_badge(
                learner.did, issuer, credential_id=f"urn:uuid:{n}", results=("Gevorderd",)
            ),
            issuer,
            created=NOW - timedelta(days=1),
        )
        for n in range(2)
    ]
    return [
        create_presentation(chosen, learner, challenge=CHALLENGE, domain=DOMAIN, created=NOW)
        for chosen in (badges[:1], badges)
    ]


@pytest.mark.skipif(native.state() != "on", reason="nothing compiled to compare with")
def test_hostile_presentations_get_the_same_answer_compiled_and_plain(tmp_path: Path) -> None:
    rng = random.Random(20261128)
    documents: list[Any] = []
    for presentation in _presentations():
        documents.append(presentation)
        documents += [_broken(presentation, rng) for _ in range(150)]
    file = tmp_path / "documents.json"
    file.write_text(json.dumps(documents), encoding="utf-8")
    plain = subprocess.run(
        [sys.executable, "-c", _VERIFY_ALL, str(file)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, native.PURE_ENV: "1"},
    )
    here = json.loads(json.dumps([answer(d) for d in json.loads(file.read_text("utf-8"))]))
    there = json.loads(plain.stdout)
    assert here[0]["verified"]
    assert sum(1 for a in here if "raised" in a) < len(here) // 2  # most reach a verdict
    for index, (mine, theirs) in enumerate(zip(here, there, strict=True)):
        assert mine == theirs, f"variant {index}"
