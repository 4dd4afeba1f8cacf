"""Shared fixtures: vector paths, fixed clock, deterministic keys."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.ob import code_store

VECTORS = Path(__file__).parent / "vectors"


def load_vector(relative: str) -> Any:
    """Parse a JSON file from tests/vectors."""
    return json.loads((VECTORS / relative).read_text("utf-8"))


@pytest.fixture
def vectors() -> Path:
    return VECTORS


@pytest.fixture
def load_json() -> Callable[[str], Any]:
    return load_vector


@pytest.fixture
def fixed_now() -> datetime:
    return datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english_verifier_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """``rugzak-verifier`` speaks the locale's language: tests that read its English words
    must not depend on the machine's (``tests/verifier/test_cli_lang.py`` sets its own)."""
    monkeypatch.setenv("RUGZAK_LANG", "en")


@pytest.fixture(scope="session", autouse=True)
def private_code_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Compiled schema validators go to a folder of this run, never the user's cache:
    commands and services started by tests (in subprocesses too) install the disk
    store at their edge (``shared.runtime.code_cache``)."""
    folder = tmp_path_factory.mktemp("rugzak-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RUGZAK_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def in_memory_validators() -> Iterator[None]:
    """A test that ran a command's ``main`` or a service's lifespan installed the disk
    store in this process: the next test compiles in memory again."""
    yield
    code_store.install(None)
