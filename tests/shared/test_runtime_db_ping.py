"""PostgreSQL engines check a pooled connection only after it sat idle: no extra round
trip while the pool is busy, and a connection the server dropped is replaced."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from shared.runtime.db import make_engine

PG_URL = os.environ.get("RUGZAK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IDLE = 0.2

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine() -> Iterator[Engine]:
    made = make_engine(PG_URL, pool_size=1, ping_idle=IDLE)
    try:
        with made.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        made.dispose()
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    made: list[Any] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        made.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return made


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("select pg_backend_pid()")).scalar_one())


def _terminate(pid: int) -> None:
    other = make_engine(PG_URL, pool_size=1)
    try:
        with other.begin() as conn:
            conn.execute(sa.text("select pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()


def test_a_busy_pool_makes_no_extra_round_trip(engine: Engine, pings: list[Any]) -> None:
    first = _backend(engine)
    for _ in range(20):
        assert _backend(engine) == first  # the same connection, handed out again
    assert pings == []


def test_an_idle_connection_is_checked_first(engine: Engine, pings: list[Any]) -> None:
    first = _backend(engine)
    time.sleep(IDLE * 1.5)
    assert _backend(engine) == first
    assert len(pings) == 1
    assert _backend(engine) == first
    assert len(pings) == 1  # used a moment ago: not checked again


def test_a_connection_the_server_dropped_is_replaced(engine: Engine, pings: list[Any]) -> None:
    first = _backend(engine)
    _terminate(first)  # as a server restart or an idle timeout would
    time.sleep(IDLE * 1.5)
    second = _backend(engine)  # no error: the check found it dead
    assert second != first
    assert len(pings) == 1


def test_a_drop_found_in_use_fails_that_statement_and_then_recovers(engine: Engine) -> None:
    first = _backend(engine)
    _terminate(first)
    with pytest.raises(sa.exc.OperationalError), engine.connect() as conn:  # used at once
        conn.execute(sa.text("select 1"))
    assert _backend(engine) != first  # the pool dropped it: the next one is new
