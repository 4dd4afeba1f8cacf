"""The rate limit's buckets in the shared database: every process and replica on one
database counts against the same limit per client (PostgreSQL by default)."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared.runtime import ratelimit
from shared.runtime.ratelimit import SharedBuckets
from tests.verifier.conftest import MakeClient
from tests.verifier.test_store import PG_URL
from verifier.settings import Settings
from verifier.store import RequestStore, make_engine
from verifier.store.tables import verifier_metadata


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_engines(tmp_path: Path) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """Two engines on one SQLite file: two processes, as far as the database can tell."""
    url = f"sqlite:///{tmp_path / 'v.db'}"
    first, second = make_engine(url), make_engine(url)
    try:
        yield first, second
    finally:
        first.dispose()
        second.dispose()


def buckets(
    engine: sa.Engine, clock: Clock, *, prefix: str = "rzv_", burst: int = 3
) -> SharedBuckets:
    RequestStore(engine, prefix=prefix).create_schema()  # every verifier table, at head
    table = verifier_metadata(prefix).tables[f"{prefix}rate_limits"]
    return SharedBuckets(engine, table, rate_per_minute=2, burst=burst, clock=clock)


def test_two_processes_share_one_bucket_per_client(
    two_engines: tuple[sa.Engine, sa.Engine],
) -> None:
    clock = Clock()
    a, b = (buckets(engine, clock) for engine in two_engines)
    assert [a.take("198.51.100.4"), b.take("198.51.100.4"), a.take("198.51.100.4")] == [0, 0, 0]
    assert b.take("198.51.100.4") == pytest.approx(30.0)  # 2 per minute: one every 30 s
    assert a.take("198.51.100.9") == 0  # another client has its own bucket
    clock.now += 30
    assert b.take("198.51.100.4") == 0
    assert a.take("198.51.100.4") > 0


def test_no_address_is_stored(two_engines: tuple[sa.Engine, sa.Engine]) -> None:
    store = buckets(two_engines[0], Clock())
    store.take("198.51.100.4")
    with two_engines[0].connect() as conn:
        rows = conn.execute(sa.select(store.table.c.client)).scalars().all()
    assert rows == [SharedBuckets.key("198.51.100.4")]
    assert "198.51.100.4" not in rows[0]


def test_buckets_that_filled_up_again_are_purged(
    two_engines: tuple[sa.Engine, sa.Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ratelimit, "PURGE_EVERY", 2)
    clock = Clock()
    store = buckets(two_engines[0], clock)
    store.take("198.51.100.4")
    clock.now += 3600  # the bucket is full again: the row says nothing
    store.take("198.51.100.9")  # the second take purges
    with two_engines[0].connect() as conn:
        left = conn.execute(sa.select(store.table.c.client)).scalars().all()
    assert left == [SharedBuckets.key("198.51.100.9")]


async def test_two_apps_on_one_database_share_the_limit(
    make_client: MakeClient, settings: Settings, tmp_path: Path
) -> None:
    shared = settings.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'v.db'}",
            "shared_rate_limit": True,
            "rate_limit_per_minute": 1,
            "rate_limit_burst": 2,
        }
    )
    first, second = await make_client(shared), await make_client(shared)
    assert (await first.post("/requests")).status_code == 201
    assert (await second.post("/requests")).status_code == 201
    refused = await first.post("/requests")
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert (await second.post("/requests")).status_code == 429


def test_shared_by_default_only_with_postgresql() -> None:
    assert Settings(database_url=PG_URL).resolved_shared_rate_limit()
    assert not Settings(database_url="sqlite:///x.db").resolved_shared_rate_limit()
    assert not Settings(database_url=PG_URL, shared_rate_limit=False).resolved_shared_rate_limit()


@pytest.mark.postgres
def test_postgres_concurrent_takes_never_exceed_the_burst() -> None:
    engines = [make_engine(PG_URL) for _ in range(2)]
    try:
        with engines[0].connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        for engine in engines:
            engine.dispose()
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    prefix = f"rzv_{uuid.uuid4().hex[:10]}_"
    clock = Clock()
    stores = [buckets(engine, clock, prefix=prefix, burst=5) for engine in engines]
    results: list[float] = []
    gate = threading.Barrier(16)

    def take(i: int) -> None:
        gate.wait()
        results.append(stores[i % 2].take("198.51.100.4"))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results)[:6] == [0, 0, 0, 0, 0, pytest.approx(30.0)]
        assert results.count(0) == 5
    finally:
        RequestStore(engines[0], prefix=prefix).drop_schema()
        for engine in engines:
            engine.dispose()


def _tokens_now(bucket: SharedBuckets, client: str) -> float:
    """What the shared bucket holds for ``client`` at the bucket's clock (full: no row)."""
    now = int(bucket.clock() * 1000)
    with bucket.engine.connect() as conn:
        held = conn.execute(
            bucket._peek, {"b_client": SharedBuckets.key(client), "b_now": now}
        ).scalar_one_or_none()
    return bucket.burst if held is None else float(held)


def test_a_refused_client_is_refused_here_until_its_token_is_due(tmp_path: Path) -> None:
    clock = Clock()
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        bucket = buckets(engine, clock, burst=1)
        assert bucket.take("198.51.100.4") == 0
        assert bucket.take("198.51.100.4") == pytest.approx(30.0)  # the database refused
        with engine.begin() as conn:  # were the database asked, it would now allow
            conn.execute(sa.text("update rzv_rate_limits set tokens = 1"))
        clock.now += 10
        assert bucket.take("198.51.100.4") == pytest.approx(20.0)  # answered here
        clock.now += 20  # the token is due: the database is asked again
        assert bucket.take("198.51.100.4") == 0
    finally:
        engine.dispose()


def test_refusals_here_are_refusals_the_database_would_give(
    two_engines: tuple[sa.Engine, sa.Engine],
) -> None:
    """Two processes, random clients and times: whenever either refuses (itself or
    through the database), the shared bucket holds less than one token."""
    rng = random.Random(7)
    clock = Clock()
    a, b = (buckets(engine, clock, burst=3) for engine in two_engines)
    clients = [f"198.51.100.{i}" for i in range(4)]
    refused = allowed = 0
    for _ in range(600):
        clock.now += rng.choice([0.0, 0.0, 0.5, 2.0, 7.0, 29.0])
        bucket, client = rng.choice([a, b]), rng.choice(clients)
        if bucket.take(client) > 0:
            refused += 1
            assert _tokens_now(bucket, client) < 1.0
        else:
            allowed += 1
    assert refused > 100  # both answers were given many times
    assert allowed > 100
