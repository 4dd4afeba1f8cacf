"""The nonce store: single use, expiry, purge; SQLite file and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared.presentation_request import PresentationRequest
from tests.verifier.helpers import DOMAIN, NOW
from verifier.store import RequestState, RequestStore, make_engine

PG_URL = os.environ.get("RUGZAK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _sqlite(tmp_path: Path) -> RequestStore:
    store = RequestStore(make_engine(f"sqlite:///{tmp_path / 'v.db'}"))
    store.create_schema()
    return store


@pytest.fixture
def pg_store() -> Iterator[RequestStore]:
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        engine.dispose()
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    store = RequestStore(engine, prefix=f"rzv_{uuid.uuid4().hex[:10]}_")
    store.create_schema()
    try:
        yield store
    finally:
        store.drop_schema()
        engine.dispose()


def _exercise(store: RequestStore) -> None:
    req = PresentationRequest.create(DOMAIN, now=NOW, types=["Badge"])
    store.add(req, NOW)
    stored = store.get(req.challenge)
    assert stored is not None
    assert stored.request == req
    assert stored.state(NOW) is RequestState.pending
    assert store.consume(req.challenge, NOW + timedelta(minutes=1))
    assert not store.consume(req.challenge, NOW + timedelta(minutes=1))
    used = store.get(req.challenge)
    assert used is not None
    assert used.state(NOW) is RequestState.used
    late = PresentationRequest.create(DOMAIN, now=NOW)
    store.add(late, NOW)
    assert not store.consume(late.challenge, NOW + timedelta(minutes=10))
    assert store.get(late.challenge).state(NOW + timedelta(minutes=10)) is RequestState.expired  # type: ignore[union-attr]
    assert store.get("0000000000000000") is None
    # requests expired more than a day ago are purged when new ones arrive
    store.add(
        PresentationRequest.create(DOMAIN, now=NOW + timedelta(days=2)), NOW + timedelta(days=2)
    )
    assert store.get(req.challenge) is None
    # concurrent consumers: exactly one wins
    race = PresentationRequest.create(DOMAIN, now=NOW + timedelta(days=2))
    store.add(race, NOW + timedelta(days=2))
    with ThreadPoolExecutor(8) as pool:
        wins = list(
            pool.map(lambda _: store.consume(race.challenge, NOW + timedelta(days=2)), range(16))
        )
    assert wins.count(True) == 1
    _exercise_spend(store)


def _exercise_spend(store: RequestStore) -> None:
    """``spend``: the lookup and the spend in one statement, as ``consume`` decides."""
    assert store.can_spend  # SQLite >= 3.35 and PostgreSQL return the changed row
    at = NOW + timedelta(days=2)
    req = PresentationRequest.create(DOMAIN, now=at, types=["Badge"])
    store.add(req, at)
    assert store.spend(req.challenge, "https://elders.example", at) is None  # another domain
    assert store.get(req.challenge).state(at) is RequestState.pending  # type: ignore[union-attr]
    assert store.spend(req.challenge, DOMAIN, at) == req
    assert store.get(req.challenge).state(at) is RequestState.used  # type: ignore[union-attr]
    assert store.spend(req.challenge, DOMAIN, at) is None
    assert not store.consume(req.challenge, at)
    assert store.spend("0000000000000000", DOMAIN, at) is None
    late = PresentationRequest.create(DOMAIN, now=at)
    store.add(late, at)
    assert late.expires_at is not None
    assert store.spend(late.challenge, DOMAIN, late.expires_at) is None  # expired at that moment
    assert store.spend(late.challenge, DOMAIN, late.expires_at - timedelta(milliseconds=1))
    race = PresentationRequest.create(DOMAIN, now=at)
    store.add(race, at)
    with ThreadPoolExecutor(8) as pool:
        spent = list(pool.map(lambda _: store.spend(race.challenge, DOMAIN, at), range(16)))
    assert [found for found in spent if found is not None] == [race]


def test_sqlite_file_store(tmp_path: Path) -> None:
    _exercise(_sqlite(tmp_path))


def test_two_engines_share_one_sqlite_file(tmp_path: Path) -> None:
    a, b = _sqlite(tmp_path), _sqlite(tmp_path)
    req = PresentationRequest.create(DOMAIN, now=NOW)
    a.add(req, NOW)
    assert b.consume(req.challenge, NOW)
    assert not a.consume(req.challenge, NOW)


@pytest.mark.postgres
def test_postgres_store(pg_store: RequestStore) -> None:
    _exercise(pg_store)
