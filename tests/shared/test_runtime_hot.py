"""Hot-path statements (``shared.runtime.hot``): one round trip on PostgreSQL, a stale
connection replaced, a failed one never reused; the same answers on SQLite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from shared.runtime.buckets import bucket_table
from shared.runtime.db import make_engine
from shared.runtime.hot import (
    AsyncHotStatement,
    HotStatement,
    async_hot_connections,
    hot_connections,
)
from shared.runtime.ratelimit import SharedBuckets

PG_URL = os.environ.get("RUGZAK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _table(name: str) -> tuple[sa.MetaData, sa.Table]:
    metadata = sa.MetaData()
    table = sa.Table(
        name,
        metadata,
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("used_ms", sa.BigInteger, nullable=True),
    )
    return metadata, table


def _postgres() -> Engine:
    made = make_engine(PG_URL)
    try:
        with made.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        made.dispose()
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    return made


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'hot.db'}", durable=False, immediate=False)
    else:
        made = _postgres()
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    made = _postgres()
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture
def pg_table(pg_engine: Engine) -> Iterator[sa.Table]:
    metadata, made = _table(f"hot_{uuid.uuid4().hex[:10]}")
    metadata.create_all(pg_engine)
    with pg_engine.begin() as conn:
        conn.execute(made.insert(), [{"key": f"k{i}", "used_ms": None} for i in range(20)])
    try:
        yield made
    finally:
        metadata.drop_all(pg_engine)


@pytest.fixture
def table(engine: Engine) -> Iterator[sa.Table]:
    metadata, made = _table(f"hot_{uuid.uuid4().hex[:10]}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(made.insert(), [{"key": f"k{i}", "used_ms": None} for i in range(5)])
    try:
        yield made
    finally:
        metadata.drop_all(engine)


def _spend(table: sa.Table, engine: Engine) -> HotStatement:
    return HotStatement(
        table.update()
        .where(table.c.key == sa.bindparam("b_key"), table.c.used_ms.is_(None))
        .values(used_ms=sa.bindparam("b_now")),
        engine,
    )


def test_a_conditional_update_changes_a_row_once_and_is_committed(
    engine: Engine, table: sa.Table
) -> None:
    spend = _spend(table, engine)
    read = HotStatement(sa.select(table.c.used_ms).where(table.c.key == sa.bindparam("k")), engine)
    assert spend.change({"b_key": "k1", "b_now": 7}) == 1
    assert spend.change({"b_key": "k1", "b_now": 8}) == 0
    assert spend.change({"b_key": "nope", "b_now": 8}) == 0
    assert read.fetch_one({"k": "k1"}) == (7,)
    assert read.fetch_one({"k": "nope"}) is None
    with engine.connect() as conn:  # seen by another connection: committed
        assert conn.execute(sa.select(table.c.used_ms).where(table.c.key == "k1")).scalar() == 7


def test_literals_in_the_statement_are_bound_with_the_given_values(
    engine: Engine, table: sa.Table
) -> None:
    # 42 becomes a parameter SQLAlchemy names itself; it must still be sent.
    statement = HotStatement(
        sa.select(table.c.key).where(
            table.c.key == sa.bindparam("k"), sa.literal(42) > sa.bindparam("n")
        ),
        engine,
    )
    assert statement.fetch_one({"k": "k2", "n": 41}) == ("k2",)
    assert statement.fetch_one({"k": "k2", "n": 42}) is None


@pytest.mark.postgres
def test_postgres_statements_reuse_one_connection_in_autocommit(
    pg_engine: Engine, pg_table: sa.Table
) -> None:
    spend = _spend(pg_table, pg_engine)
    pool = hot_connections(pg_engine)
    before = pool.opened
    for i in range(20):
        assert spend.change({"b_key": f"k{i}", "b_now": i}) == 1
    assert pool.opened - before <= 1  # one connection, kept between statements
    connection, _idle = pool.take()
    assert connection.autocommit is True
    pool.give_back(connection)


@pytest.mark.postgres
def test_a_connection_the_server_dropped_is_replaced_without_an_error(
    pg_engine: Engine, pg_table: sa.Table
) -> None:
    engine = pg_engine
    spend = _spend(pg_table, engine)
    assert spend.change({"b_key": "k0", "b_now": 1}) == 1
    pool = hot_connections(engine)
    connection, _idle = pool.take()
    pid = connection.info.backend_pid
    pool.give_back(connection)
    with engine.begin() as conn:  # as a server restart would
        conn.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": pid})
    opened = pool.opened
    assert spend.change({"b_key": "k1", "b_now": 2}) == 1  # retried on a new connection
    assert pool.opened == opened + 1
    assert spend.change({"b_key": "k1", "b_now": 3}) == 0  # and spent once


def test_a_failing_statement_raises_and_its_connection_is_not_kept(
    engine: Engine, table: sa.Table
) -> None:
    broken = HotStatement(sa.text("select * from no_such_table_here"), engine)
    with pytest.raises(engine.dialect.loaded_dbapi.Error):  # the driver's own error
        broken.fetch_one({})
    spend = _spend(table, engine)
    assert spend.change({"b_key": "k3", "b_now": 1}) == 1  # the next one works


def test_dispose_closes_the_idle_connections(engine: Engine, table: sa.Table) -> None:
    _spend(table, engine).change({"b_key": "k4", "b_now": 1})
    pool = hot_connections(engine)
    idle = list(pool._idle)
    assert idle  # a file SQLite database and PostgreSQL both keep one
    engine.dispose()
    assert pool._idle == []
    for connection in idle:
        with pytest.raises(engine.dialect.loaded_dbapi.Error):  # closed
            connection.cursor().execute("select 1")


def test_shared_buckets_take_tokens_with_one_statement(engine: Engine) -> None:
    metadata = sa.MetaData()
    table = bucket_table(f"hot_rl_{uuid.uuid4().hex[:8]}", metadata)
    metadata.create_all(engine)
    now = [1_000.0]
    try:
        buckets = SharedBuckets(engine, table, rate_per_minute=60, burst=3, clock=lambda: now[0])
        assert [buckets.take("10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
        wait = buckets.take("10.0.0.1")
        assert 0.9 < wait <= 1.0  # one token a second
        assert buckets.take("10.0.0.2") == 0.0  # another client has its own bucket
        now[0] += 1.0
        assert buckets.take("10.0.0.1") == 0.0
        assert buckets.take("10.0.0.1") > 0
    finally:
        metadata.drop_all(engine)


@pytest.mark.postgres
async def test_async_statements_give_what_the_blocking_ones_give(
    pg_engine: Engine, pg_table: sa.Table
) -> None:
    read = sa.select(pg_table.c.key).where(pg_table.c.key == sa.bindparam("k"))
    fast, slow = AsyncHotStatement(read, pg_engine), HotStatement(read, pg_engine)
    for key in ("k1", "k19", "nope"):
        assert await fast.fetch_one({"k": key}) == slow.fetch_one({"k": key})
    pool = async_hot_connections(pg_engine)
    opened = pool.opened
    for _ in range(10):
        await fast.fetch_one({"k": "k1"})
    assert pool.opened == opened  # kept between statements
    connection, _idle = await pool.take()
    assert connection.autocommit is True
    pid = connection.info.backend_pid
    await pool.give_back(connection)
    with pg_engine.begin() as conn:  # the server drops it
        conn.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": pid})
    assert await fast.fetch_one({"k": "k2"}) == ("k2",)  # on a new connection
    assert pool.opened == opened + 1


def test_async_statements_are_for_postgres_only(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(ValueError, match="PostgreSQL"):
            AsyncHotStatement(sa.select(sa.literal(1)), engine)
    finally:
        engine.dispose()


async def test_shared_buckets_awaited_give_the_same_answers(engine: Engine) -> None:
    metadata = sa.MetaData()
    table = bucket_table(f"hot_rl_{uuid.uuid4().hex[:8]}", metadata)
    metadata.create_all(engine)
    now = [1_000.0]
    try:
        buckets = SharedBuckets(engine, table, rate_per_minute=60, burst=3, clock=lambda: now[0])
        assert [await buckets.take_async("10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
        assert 0.9 < await buckets.take_async("10.0.0.1") <= 1.0
        assert 0.4 < buckets.take("10.0.0.1") <= 1.0  # refused here, by either path
        assert await buckets.take_async("10.0.0.2") == 0.0
        now[0] += 1.0
        assert await buckets.take_async("10.0.0.1") == 0.0
        assert buckets.take("10.0.0.1") > 0
    finally:
        metadata.drop_all(engine)
