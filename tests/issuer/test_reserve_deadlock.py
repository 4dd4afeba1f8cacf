"""Reserving status indexes from several processes on PostgreSQL: no deadlock.

Two transactions inserting overlapping keys in opposite orders deadlock on
PostgreSQL (each waits on a key the other inserted first). ``insert_ignore_many``
inserts in key order, so they only ever wait in one direction; and a reservation
that PostgreSQL still ends as a deadlock victim (draws of a second round meeting
another process's first round) is run again, since nothing of it was kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from issuer.service import Issuer
from issuer.store import Store
from issuer.store import tables as t
from issuer.store.db import insert_ignore_many, retryable
from tests.issuer.multiprocess import pg_schema

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
def pg_store() -> Iterator[Store]:
    with pg_schema() as url:
        store = Store(url)
        store.create_schema()
        with store.begin() as conn:
            conn.execute(
                t.status_lists.insert().values(
                    id="revocation-1", purpose="revocation", seq=1, size=1024, version=0,
                    created_at=NOW,
                )
            )  # fmt: skip
        yield store
        store.dispose()


@pytest.mark.postgres
def test_opposite_orders_do_not_deadlock(pg_store: Store) -> None:
    """Each of two transactions inserts the same 300 keys, one upwards and one
    downwards, started together: without key order they would meet in the middle."""
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    won: list[int] = []

    def insert(keys: list[int], who: str) -> None:
        rows = [
            {"list_id": "revocation-1", "idx": k, "credential_id": f"{who}{k}", "value": 0}
            for k in keys
        ]
        try:
            with pg_store.begin() as conn:
                start.wait(timeout=10)
                got = insert_ignore_many(
                    conn,
                    t.status_entries,
                    rows,
                    (t.status_entries.c.list_id, t.status_entries.c.idx),
                )
                won.append(len(got))
        except BaseException as exc:
            errors.append(exc)

    for _ in range(5):
        with pg_store.begin() as conn:
            conn.execute(text("DELETE FROM status_entries"))
        up, down = list(range(300)), list(range(299, -1, -1))
        threads = [
            threading.Thread(target=insert, args=(up, "a")),
            threading.Thread(target=insert, args=(down, "b")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sum(won[-2:]) == 300  # every key taken once, by one of them


class _DeadlockError(Exception):
    sqlstate = "40P01"


def test_a_deadlocked_reservation_is_run_again(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = issuer.allocator.reserve
    calls: list[int] = []

    def reserve(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("INSERT ...", {}, _DeadlockError())
        return real(*args, **kwargs)

    monkeypatch.setattr(issuer.allocator, "reserve", reserve)
    taken = issuer._take_slots(2)
    assert len(calls) == 3
    assert len(taken) == 2
    assert len({slot.index for _, slots in taken for slot in slots}) == len(taken[0][1]) * 2


def test_other_database_errors_are_not_retried(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    class GoneError(Exception):
        sqlstate = "08006"  # connection failure

    def reserve(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        raise OperationalError("INSERT ...", {}, GoneError())

    monkeypatch.setattr(issuer.allocator, "reserve", reserve)
    with pytest.raises(OperationalError):
        issuer._take_slots(1)
    assert len(calls) == 1
    assert retryable(OperationalError("x", {}, _DeadlockError()))
    assert not retryable(OperationalError("x", {}, GoneError()))


def test_a_deadlock_every_time_ends_in_the_error(
    issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuer.service.awarding import RESERVE_ATTEMPTS

    calls: list[int] = []

    def reserve(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        raise OperationalError("INSERT ...", {}, _DeadlockError())

    monkeypatch.setattr(issuer.allocator, "reserve", reserve)
    with pytest.raises(OperationalError):
        issuer._take_slots(1)
    assert len(calls) == RESERVE_ATTEMPTS
