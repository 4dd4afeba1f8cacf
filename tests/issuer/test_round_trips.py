"""One award, one client: what it costs the database. On PostgreSQL a few awards are
stored by ONE statement that is its own transaction (``Store.store_issued``): one round
trip per award where BEGIN, the achievement check, two COPYs and COMMIT took seven; on
SQLite the transaction keeps its four statements. The counts are pinned so that a
change that adds one shows here. The rest checks that the one statement keeps every
promise of the transaction it replaces: the rows as before, an edit or retirement since
prepare caught, a lost idempotency race answered with the earlier credential, a broken
connection dropped, and nothing of it left in the pool (autocommit)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from psycopg import pq
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from issuer.achievements import AchievementUpdate, parse_input
from issuer.service import AwardRequest, Issuer
from issuer.service.awarding import RESERVE_BLOCK
from issuer.settings import IssuerSettings
from issuer.store import tables as t
from issuer.store.repository import ONE_STATEMENT_MAX
from shared.errors import Conflict, ErrorCode
from shared.keys import SigningKey
from shared.runtime.db import PING_IDLE_S
from tests.issuer.conftest import ACHIEVEMENT, FakeClock, make_issuer
from tests.issuer.multiprocess import pg_schema

LEARNER = SigningKey.from_seed(b"\x05" * 32).did


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def made(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Issuer]:
    """An issuer with achievement ``a`` on SQLite or PostgreSQL."""

    def build(url: str | None) -> Issuer:
        settings = IssuerSettings(data_dir=tmp_path, kdf="min", database_url=url)
        issuer, _ = make_issuer(settings, clock)
        issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
        return issuer

    if request.param == "sqlite":
        issuer = build(None)
        yield issuer
        issuer.store.dispose()
        return
    with pg_schema() as url:
        issuer = build(url)
        try:
            yield issuer
        finally:
            issuer.store.dispose()


def _pg(issuer: Issuer) -> bool:
    return issuer.store.engine.dialect.name == "postgresql"


def _award(issuer: Issuer, key: str | None = None) -> Any:
    return issuer.issue(AwardRequest("a", LEARNER, idempotency_key=key), actor="t")


def _primed(issuer: Issuer) -> None:
    """Awards from here on take reserved slots (no reservation among them), and psycopg
    has prepared the statement (at its fifth use on a connection: one round trip more,
    once)."""
    _award(issuer)
    issuer._reserve_next = RESERVE_BLOCK
    for _ in range(6):
        _award(issuer)  # the first reserves a whole block
    assert len(issuer._reserve) >= 8


class _Trace:
    """libpq's protocol trace of every connection the engine hands out: a round trip
    ends with the server's ReadyForQuery; also the statements SQLAlchemy executes."""

    def __init__(self, issuer: Issuer, path: Path) -> None:
        self.path = path
        self.file = path.open("wb")  # libpq writes to it while connections are traced
        self.statements: list[str] = []
        engine = issuer.store.engine
        pg = _pg(issuer)

        def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
            if pg:
                dbapi_connection.pgconn.trace(self.file.fileno())
                dbapi_connection.pgconn.set_trace_flags(
                    pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE
                )

        def checkin(dbapi_connection: Any, _record: Any) -> None:
            if pg and dbapi_connection is not None and not dbapi_connection.closed:
                dbapi_connection.pgconn.untrace()

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            self.statements.append(statement.split()[0].upper())

        held = issuer.store.writer._fairy  # checked out before: traced from here on
        if held is not None:
            checkout(held.driver_connection, None, None)
        event.listen(engine, "checkout", checkout)
        event.listen(engine, "checkin", checkin)
        event.listen(engine, "before_cursor_execute", before)

    def __enter__(self) -> _Trace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.file.close()

    def round_trips(self) -> int:
        self.file.flush()
        lines = self.path.read_text().splitlines()
        return sum(1 for line in lines if "\tReadyForQuery\t" in line)


def test_statements_and_round_trips_of_one_award(made: Issuer, tmp_path: Path) -> None:
    _primed(made)
    with _Trace(made, tmp_path / "trace") as trace:
        for _ in range(5):
            _award(made)
        made.store.writer.close()  # back to the pool: its trace is flushed
        if _pg(made):
            assert trace.round_trips() == 5  # one statement per award, its own transaction
            assert trace.statements == []  # none through SQLAlchemy's connection
        else:
            # BEGIN IMMEDIATE, the achievement's revision, credentials, audit rows (+ COMMIT)
            assert trace.statements == ["BEGIN", "SELECT", "INSERT", "INSERT"] * 5


def _rows(issuer: Issuer) -> tuple[list[Any], list[Any]]:
    with issuer.store.read() as conn:
        credentials = list(conn.execute(select(t.credentials)).mappings())
        audits = list(conn.execute(select(t.audit).order_by(t.audit.c.id)).mappings())
    return credentials, audits


def test_the_rows_are_stored_as_before(made: Issuer) -> None:
    """Every column of the credential and its audit row, on both paths (one statement,
    and a group too large for it), in the order given."""
    first = _award(made, key="k-1").credential
    group = made.issue_many(
        [AwardRequest("a", LEARNER) for _ in range(ONE_STATEMENT_MAX + 1)], actor="g"
    )
    small = made.issue_many([AwardRequest("a", LEARNER) for _ in range(3)], actor="s")
    credentials, audits = _rows(made)
    by_id = {row["id"]: row for row in credentials}
    row = by_id[first["id"]]
    assert json.loads(row["document"]) == first
    assert (row["achievement_id"], row["subject_id"], row["idempotency_key"]) == (
        "a",
        LEARNER,
        "k-1",
    )
    assert row["state"] == "active"
    assert row["offer_id"] is None
    assert row["issued_at"].timestamp() == made.now().timestamp()
    assert row["valid_until"].isoformat().startswith(first["validUntil"][:19])
    for issued in [*group, *small]:
        assert json.loads(by_id[issued.credential["id"]]["document"]) == issued.credential
    expected = [
        first["id"],
        *(i.credential["id"] for i in group),
        *(i.credential["id"] for i in small),
    ]
    assert [a["subject"] for a in audits if a["action"] == "issue"] == expected
    detail = json.loads(audits[-1]["detail"])
    assert detail["recipient"] == LEARNER
    assert len(detail["status"]) == 2
    assert _award(made, key="k-1").created is False  # idempotency as before


def _other(issuer: Issuer) -> Issuer:
    return Issuer(issuer.store, issuer.identity, issuer.settings, key=issuer.signer)


def test_an_edit_or_retirement_since_prepare_is_caught(made: Issuer) -> None:
    _award(made)
    prepared = made.prepare(AwardRequest("a", LEARNER))
    _other(made).update_achievement("a", AchievementUpdate(name="Nieuw"), actor="t")
    credential = made.group_commit.submit((prepared, "t")).credential
    assert credential["credentialSubject"]["achievement"]["name"] == "Nieuw"
    made.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="b")
    keep = made.prepare(AwardRequest("a", LEARNER))
    gone = made.prepare(AwardRequest("b", LEARNER))
    _other(made).retire_achievement("b", actor="t")
    answers = made._commit_group([(keep, "t"), (gone, "t")])
    assert not isinstance(answers[0], BaseException)
    assert isinstance(answers[1], Conflict)
    assert answers[1].code == ErrorCode.achievement_retired
    credentials, audits = _rows(made)
    assert sorted(r["achievement_id"] for r in credentials) == ["a", "a", "a"]
    assert len([a for a in audits if a["action"] == "issue"]) == 3


def test_validity_changed_since_prepare_is_caught(made: Issuer) -> None:
    prepared = made.prepare(AwardRequest("a", LEARNER))
    with made.store.begin() as conn:  # as another release of the issuer might change it
        conn.execute(t.achievements.update().values(valid_days=30))
    made.group_commit.submit((prepared, "t"))
    with made.store.read() as conn:
        row = conn.execute(select(t.credentials.c.valid_until, t.credentials.c.issued_at)).one()
    assert (row.valid_until - row.issued_at).days == 30


def test_a_lost_idempotency_race_returns_the_earlier_credential(
    made: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process stored the key after this one looked: the insert is refused
    (a unique key), nothing of this award is kept, and the earlier credential is the
    answer."""
    earlier = _other(made).issue(AwardRequest("a", LEARNER, idempotency_key="k"), actor="t")
    plan = made._plan
    calls: list[int] = []

    def blind_first(prepared: Any) -> Any:
        calls.append(1)
        return [None] * len(prepared) if len(calls) == 2 else plan(prepared)

    monkeypatch.setattr(made, "_plan", blind_first)
    _award(made)
    held = made.store.writer._fairy
    assert (held is not None) == _pg(made)
    again = _award(made, key="k")
    assert len(calls) == 3
    if _pg(made):
        assert made.store.writer._fairy is held  # a refused insert leaves it as it was
    assert again.created is False
    assert again.credential == earlier.credential
    credentials, audits = _rows(made)
    assert len(credentials) == 2
    assert [a["action"] for a in audits].count("issue") == 2


def test_a_refused_write_raises_as_sqlalchemy_does(made: Issuer) -> None:
    """A duplicate key reaches the caller as SQLAlchemy's IntegrityError on both paths,
    and the pooled connection is as it was: a later transaction still rolls back."""
    row = {
        "id": "urn:uuid:x",
        "achievement_id": "a",
        "subject_id": LEARNER,
        "idempotency_key": None,
        "offer_id": None,
        "state": "active",
        "issued_at": made.now(),
        "valid_until": None,
        "document": {"id": "urn:uuid:x"},
    }
    audit = {"at": made.now(), "actor": "t", "action": "issue", "subject": "urn:uuid:x"}
    expected = [("a", None, ACHIEVEMENT["valid_days"])]
    if _pg(made):
        assert made.store.store_issued(expected, [row], [audit]) == set()
        with pytest.raises(IntegrityError):
            made.store.store_issued(expected, [row], [audit])
        assert made.store.store_issued([("a", 99, 365), ("zz", None, None)], [row], []) == {
            "a",
            "zz",
        }

    def refused() -> None:
        with made.store.begin() as conn:
            conn.execute(t.audit.insert().values(at=made.now(), actor="t", action="x", subject="y"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        refused()
    _, audits = _rows(made)
    assert [a["action"] for a in audits].count("x") == 0


@pytest.mark.postgres
def test_a_connection_the_server_dropped_fails_that_award_only(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The award on it is refused (nothing acknowledged, nothing stored); the
    connection leaves the pool, and the next award gets a new one."""
    with pg_schema() as url:
        settings = IssuerSettings(data_dir=tmp_path, kdf="min", database_url=url)
        issuer, _ = make_issuer(settings, clock)
        try:
            issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
            _primed(issuer)
            with _Admin(url) as admin:
                _drop(admin, issuer)
                with pytest.raises(DBAPIError) as caught:
                    _award(issuer)
                assert caught.value.connection_invalidated
                _award(issuer)
                # Dropped while it sat unused: pinged before use, as the pool does, replaced.
                _drop(admin, issuer)
                time.sleep(PING_IDLE_S + 0.1)
                _award(issuer)
            credentials, _ = _rows(issuer)
            assert len(credentials) == 9  # primed with 7, then the two after
        finally:
            issuer.store.dispose()


def _drop(admin: Any, issuer: Issuer) -> None:
    """The server ends the connection the issuer keeps for its writes."""
    pid = issuer.store.writer._fairy.driver_connection.info.backend_pid
    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


class _Admin:
    """A connection of its own (autocommit) for what a test does to the server."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> Any:
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *_exc: object) -> None:
        self.conn.close()
        self.engine.dispose()


def test_two_writers_on_one_store(made: Issuer) -> None:
    """Two issuers on one store (each with its own group commit) write at once: every
    award is stored once, on its own status indexes."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        issued = list(
            pool.map(lambda issuer: [_award(issuer) for _ in range(15)], [made, _other(made)])
        )
    ids = [i.credential["id"] for batch in issued for i in batch]
    credentials, _ = _rows(made)
    assert sorted(r["id"] for r in credentials) == sorted(ids)
    assert len(set(ids)) == 30
    slots = [
        (e["statusListCredential"], e["statusListIndex"])
        for batch in issued
        for i in batch
        for e in i.credential["credentialStatus"]
    ]
    assert len(set(slots)) == len(slots) == 60


@pytest.mark.postgres
def test_a_writer_that_finds_the_held_connection_in_use_takes_a_pooled_one(
    tmp_path: Path, clock: FakeClock
) -> None:
    with pg_schema() as url:
        settings = IssuerSettings(data_dir=tmp_path, kdf="min", database_url=url)
        issuer, _ = make_issuer(settings, clock)
        try:
            issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
            _primed(issuer)
            writer = issuer.store.writer
            held = writer._fairy
            checkouts: list[int] = []
            event.listen(issuer.store.engine, "checkout", lambda *_: checkouts.append(1))
            with writer._lock:  # as another thread writing at this moment
                _award(issuer)
            assert checkouts == [1]  # a pooled connection, given back
            assert writer._fairy is held  # the held one is untouched
            _award(issuer)
            assert checkouts == [1]
            credentials, _ = _rows(issuer)
            assert len(credentials) == 9
        finally:
            issuer.store.dispose()
