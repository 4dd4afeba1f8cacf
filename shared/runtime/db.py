"""SQLAlchemy engines for the apps' stores: SQLite (a file, or memory for tests) or
PostgreSQL when several processes share one store.

SQLite gets WAL, a busy timeout, foreign keys and transactions we begin ourselves:
``BEGIN IMMEDIATE`` (with ``immediate=True``) takes the write lock up front, since two
processes that both read and then write under SQLite's default deferred transactions
deadlock. A connection with the execution option ``READ_ONLY`` begins a plain
(deferred) transaction and never waits for the write lock.

PostgreSQL connections are checked before use only when they sat idle in the pool
for ``ping_idle`` seconds or more (:func:`_ping_when_idle`): a busy pool, which
hands the same connections out again within milliseconds, makes no extra round trip
per checkout (``pool_pre_ping`` would), while a connection the server dropped during
a quiet spell (a restart, an idle timeout, ``pg_terminate_backend``) is found and
replaced before anyone uses it. A connection dropped while the pool is busy fails the
statement that uses it (nothing is acknowledged: the transaction is not committed);
SQLAlchemy then discards every connection the pool had opened before, so the
next ones are new.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.pool import StaticPool

from shared.errors import ErrorCode, InvalidInput

SQLITE_BUSY_MS = 30_000
READ_ONLY = "rugzak_read_only"
MEMORY_URLS = ("sqlite://", "sqlite:///:memory:")
#: a PostgreSQL connection idle in the pool this long (seconds) is pinged before use
PING_IDLE_S = 1.0
_RETURNED = "rugzak_returned_at"


def make_engine(
    url: str,
    *,
    durable: bool = True,
    immediate: bool = True,
    pool_size: int = 5,
    ping_idle: float = PING_IDLE_S,
) -> Engine:
    """An engine for ``url`` (``sqlite:///FILE``, ``sqlite://`` or ``postgresql+psycopg://``).

    ``durable``: a SQLite commit is on disk before it returns, even on power loss
    (``synchronous=FULL``; else ``NORMAL``, which WAL keeps consistent but may lose
    the last commits). ``immediate``: SQLite write transactions take the lock first.
    ``ping_idle``: PostgreSQL connections idle this many seconds are checked first.
    """
    try:
        if url in MEMORY_URLS:
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
            _configure_sqlite(engine, durable=durable, immediate=immediate)
            return engine
        if url.startswith("sqlite"):
            # A pool keeps connections open: closing the last one would checkpoint the
            # WAL every time (measured: about 1.4 ms per transaction).
            engine = create_engine(url, pool_size=pool_size, max_overflow=2 * pool_size)
            _configure_sqlite(engine, durable=durable, immediate=immediate)
            return engine
        if url.startswith("postgresql"):
            engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)
            _ping_when_idle(engine, ping_idle)
            return engine
    except ArgumentError as exc:
        raise InvalidInput(
            "the database URL is not valid", code=ErrorCode.invalid_request, detail=redact(url)
        ) from exc
    raise InvalidInput(
        "the database URL must be sqlite:/// or postgresql+psycopg://",
        code=ErrorCode.invalid_request,
        detail=redact(url),
    )


def _ping_when_idle(engine: Engine, idle: float) -> None:
    """Check a pooled connection with one round trip before it is handed out, only if
    it was returned ``idle`` seconds ago or longer; a failed check makes the pool
    drop it and hand out another (a new one if need be)."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None or time.monotonic() - returned < idle:
            return  # new, or used a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the database dropped this pooled connection") from exc


def _configure_sqlite(engine: Engine, *, durable: bool, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate and not read_only else "BEGIN")


def redact(url: str) -> str:
    """The URL without a password, for error messages."""
    head, sep, tail = url.partition("@")
    if not sep:
        return url
    scheme, _, creds = head.partition("://")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}@{tail}"
