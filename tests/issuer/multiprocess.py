"""Helpers to run real issuer processes against one database (PostgreSQL or SQLite)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.issuer.conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
PG_HOST = os.environ.get("RUGZAK_TEST_PG_HOST", "127.0.0.1:5432")
PG_DB = os.environ.get("RUGZAK_TEST_PG_DB", "test")


def pg_url(user: str, schema: str | None = None) -> str:
    url = f"postgresql+psycopg://{user}@{PG_HOST}/{PG_DB}?connect_timeout=3"
    if schema:
        url += f"&options=-csearch_path%3D{schema}"
    return url


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh schema for this test run (dropped afterwards); skips if no server."""
    errors = []
    for user in ("postgres", "root"):
        engine = create_engine(pg_url(user))
        try:
            with engine.begin() as conn:
                conn.execute(text("select 1"))
        except OperationalError as exc:
            errors.append(str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc))
            engine.dispose()
            continue
        schema = f"rz_issuer_{os.getpid()}_{secrets.token_hex(4)}"
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield pg_url(user, schema)
        finally:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
        return
    pytest.skip(f"no PostgreSQL server reachable at {PG_HOST} ({'; '.join(errors)})")


def issuer_process(
    args: list[str], *, database_url: str, rng_seed: int | None = None
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "RUGZAK_ISSUER_PASSPHRASE": PASSPHRASE,
            "RUGZAK_ISSUER_DATABASE_URL": database_url,
            "PYTHONPATH": str(REPO),
        }
    )
    module = ["issuer"] if rng_seed is None else ["tests.issuer.seeded_issuer", str(rng_seed)]
    return subprocess.Popen(
        [sys.executable, "-m", *module, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
