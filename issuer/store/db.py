"""Small dialect helpers for the issuer's store; engines come from ``shared.runtime.db``."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from shared.errors import ErrorCode, ResolutionFailed
from shared.runtime.db import PING_IDLE_S, READ_ONLY, make_engine, redact

__all__ = [
    "READ_ONLY",
    "HeldConnection",
    "aware",
    "checked_insert",
    "copy_rows",
    "insert_ignore",
    "insert_ignore_many",
    "make_engine",
    "retryable",
    "unreachable",
]


_IGNORE_CACHE: dict[tuple[str, str], Any] = {}


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any]) -> bool:
    """INSERT unless the key exists; True when the row was inserted (both dialects)."""
    dialect = conn.dialect.name
    stmt = _IGNORE_CACHE.get((dialect, table.name))
    if stmt is None:
        module: Any = postgresql if dialect == "postgresql" else sqlite
        # RETURNING, not rowcount: psycopg reports no usable rowcount for this statement.
        key = next(iter(table.primary_key.columns))
        stmt = module.insert(table).on_conflict_do_nothing().returning(key)
        _IGNORE_CACHE[(dialect, table.name)] = stmt
    return conn.execute(stmt, values).first() is not None


_IGNORE_MANY_CACHE: dict[tuple[str, str, tuple[str, ...]], Any] = {}


def insert_ignore_many(
    conn: Connection, table: Table, rows: list[dict[str, Any]], key: tuple[Column[Any], ...]
) -> set[tuple[Any, ...]]:
    """INSERT each row unless its key exists; the ``key`` values of the rows inserted.

    One statement for all rows, so a block costs one round trip: on PostgreSQL an
    INSERT from ``unnest`` of one array per column (the same SQL text every time, so
    psycopg prepares it once; a multi-row VALUES list is new SQL for every block size,
    parsed anew by the driver and the server: about half the client CPU), elsewhere a
    multi-row INSERT with RETURNING (SQLAlchemy's "insertmanyvalues"). The rows go in
    ``key`` order: two PostgreSQL transactions inserting overlapping keys then wait for
    each other in one direction only, never in a cycle (a deadlock).
    """
    if not rows:
        return set()
    names = tuple(c.name for c in key)
    rows = sorted(rows, key=lambda row: tuple(row[n] for n in names))
    dialect = conn.dialect.name
    if dialect == "postgresql":
        columns = tuple(rows[0])
        sql = _unnest_insert(conn, table, columns, names)
        arrays = {f"c{i}": [row[c] for row in rows] for i, c in enumerate(columns)}
        return {tuple(r) for r in conn.exec_driver_sql(sql, arrays)}
    stmt = _IGNORE_MANY_CACHE.get((dialect, table.name, names))
    if stmt is None:
        stmt = sqlite.insert(table).on_conflict_do_nothing().returning(*key)
        _IGNORE_MANY_CACHE[(dialect, table.name, names)] = stmt
    return {tuple(r) for r in conn.execute(stmt, rows)}


_UNNEST_CACHE: dict[tuple[str, tuple[str, ...], tuple[str, ...]], str] = {}


def _unnest_insert(
    conn: Connection, table: Table, columns: tuple[str, ...], key: tuple[str, ...]
) -> str:
    """PostgreSQL: ``INSERT ... SELECT`` from ``unnest`` of one array parameter per
    column (``%(c0)b``...), in ``key`` order, ON CONFLICT DO NOTHING RETURNING ``key``.
    The arrays travel in binary: psycopg writes a text array element by element in
    Python, with quoting (three arrays of 128 took about 0.9 to 1.4 ms of client CPU,
    in binary 0.2 to 0.4 ms)."""
    found = _UNNEST_CACHE.get((table.name, columns, key))
    if found is not None:
        return found
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    arrays = ", ".join(
        f"CAST(%(c{i})b AS {table.c[c].type.compile(dialect=conn.dialect)}[])"
        for i, c in enumerate(columns)
    )
    order = ", ".join(quote(c) for c in key)
    # Only names of the table's own columns (quoted) go in; every value is a parameter.
    target = conn.dialect.identifier_preparer.format_table(table)
    sql = (
        f"INSERT INTO {target} ({names}) "  # noqa: S608
        f"SELECT * FROM unnest({arrays}) AS rows ({names}) ORDER BY {order} "
        f"ON CONFLICT DO NOTHING RETURNING {order}"
    )
    _UNNEST_CACHE[(table.name, columns, key)] = sql
    return sql


def copy_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: insert ``rows`` (the same keys each) with one COPY, in the caller's
    transaction: the cheapest bulk insert for the server and the client alike (no
    statement per row, no SQL text per block). A failure is raised as SQLAlchemy
    raises it for any statement (a duplicate key is an ``IntegrityError``)."""
    if not rows:
        return
    columns = tuple(rows[0])
    preparer = conn.dialect.identifier_preparer
    sql = (
        f"COPY {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(c) for c in columns)}) FROM STDIN"
    )
    raw: Any = conn.connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(tuple(row[c] for c in columns))
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, conn.dialect.loaded_dbapi.Error) from exc


_CHECKED_CACHE: dict[tuple[Any, ...], str] = {}


def checked_insert(
    writer: HeldConnection,
    guard: Table,
    expected: list[tuple[Any, int | None, int | None]],
    inserts: list[tuple[Table, list[dict[str, Any]]]],
) -> list[Any]:
    """PostgreSQL: insert ``inserts`` (per table, rows with the same keys) only if every
    row of ``guard`` that ``expected`` names is still as it says, in ONE statement that
    is its own transaction: one round trip, where BEGIN, the check, the inserts (a COPY
    costs two) and COMMIT took seven. Returns the ids of the ``guard`` rows that are not
    (nothing was inserted then), or nothing once the rows are committed: the statement
    returns only after its COMMIT, which is durable as the server's
    ``synchronous_commit`` makes every commit.

    ``expected`` holds (id, revision, valid_days) of ``guard`` (achievements) rows: one
    is as expected while it exists, is not retired, and has that revision (where one is
    given, not None) and validity.

    The SQL has a placeholder per value (no arrays: psycopg dumps each scalar in C, a
    list in Python) and is the same for the same numbers of rows, so psycopg prepares it
    once per connection and row count. A failure is raised as SQLAlchemy raises it for
    any statement (a duplicate key is an ``IntegrityError``).
    """
    dialect = writer.engine.dialect
    inserts = [(table, rows) for table, rows in inserts if rows]
    key = (
        guard.name,
        len(expected),
        *((table.name, len(rows), *rows[0]) for table, rows in inserts),
    )
    sql = _CHECKED_CACHE.get(key)
    if sql is None:
        sql = _CHECKED_CACHE[key] = _checked_sql(dialect, guard, len(expected), inserts)
    params: list[Any] = [value for row in expected for value in row]
    for _, rows in inserts:
        columns = list(rows[0])
        params.extend(row[c] for row in rows for c in columns)
    return writer.run(sql, params)


class HeldConnection:
    """A PostgreSQL connection from the engine's pool, kept checked out in autocommit
    between statements that are their own transactions (``checked_insert``): taking one
    from the pool and giving it back, with autocommit set and reset, cost a fifth of
    such a statement's client CPU.

    Once it sat unused for ``idle`` seconds it is pinged before its next use, as the
    pool pings a connection that sat idle (a server restart or idle timeout meanwhile is
    then found, and the connection replaced, unseen); one found broken while in use is
    dropped (the statement on it fails; nothing was acknowledged) and the next
    statement takes another. A thread that finds it in use by another takes a
    connection from the pool for its statement. SQLAlchemy's connection and transaction
    objects are left out (they cost more CPU than the rest of the write); failures are
    raised as SQLAlchemy raises them. Not ``shared.runtime.hot``'s connections: they run
    a statement that failed on an idle connection once more, which is right for their
    conditional statements but not for an insert whose commit may have happened (a
    credential stored twice); here nothing is ever sent twice.
    """

    def __init__(self, engine: Engine, idle: float = PING_IDLE_S) -> None:
        self.engine = engine
        self.idle = idle
        self._lock = threading.Lock()
        self._fairy: Any = None
        self._cursor: Any = None  # the held connection's, reused (a new one costs 15 us)
        self._used = 0.0

    def run(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """Execute ``sql`` (one statement, its own transaction); its rows' first values."""
        if not self._lock.acquire(blocking=False):
            single: Any = self.engine.raw_connection()
            try:
                with single.driver_connection.cursor() as cursor:
                    return self._execute(single, cursor, sql, params)
            finally:
                self._give_back(single)
        try:
            if self._fairy is not None and time.monotonic() - self._used >= self.idle:
                self._check()
            if self._fairy is None:
                self._fairy = self.engine.raw_connection()
                self._cursor = self._fairy.driver_connection.cursor()
            fairy = self._fairy
            try:
                return self._execute(fairy, self._cursor, sql, params)
            except DBAPIError as exc:
                # A refused statement (a duplicate key) leaves the connection as it was;
                # a broken one, or one left in a transaction, is not kept.
                if exc.connection_invalidated or not _idle(fairy.driver_connection):
                    self._drop()
                raise
            except BaseException:
                # Interrupted mid-statement: where the protocol stands is unknown.
                fairy.invalidate()
                self._drop()
                raise
            finally:
                self._used = time.monotonic()
        finally:
            self._lock.release()

    def _check(self) -> None:
        """Ping the connection, as the pool pings one that sat idle; drop it if the
        server has dropped it (the caller then takes another)."""
        dbapi: Any = self.engine.dialect.loaded_dbapi
        try:
            self.engine.dialect.do_ping(self._fairy.driver_connection)
        except dbapi.Error as exc:
            self._fairy.invalidate(exc)
            self._drop()

    def _drop(self) -> None:
        fairy, self._fairy, self._cursor = self._fairy, None, None
        if fairy is not None:
            self._give_back(fairy)

    def close(self) -> None:
        """Give the connection back to the pool (before the engine is disposed)."""
        with self._lock:
            self._drop()

    def _execute(self, fairy: Any, cursor: Any, sql: str, params: Sequence[Any]) -> list[Any]:
        raw: Any = fairy.driver_connection
        dialect = self.engine.dialect
        dbapi: Any = dialect.loaded_dbapi
        try:
            if not raw.autocommit:
                raw.autocommit = True  # the statement is the transaction: no BEGIN, no COMMIT
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]
        except dbapi.Error as exc:
            broken = bool(dialect.is_disconnect(exc, raw, None) or raw.closed or raw.broken)
            if broken:
                fairy.invalidate(exc)
            raise DBAPIError.instance(
                sql, None, exc, dbapi.Error, connection_invalidated=broken, dialect=dialect
            ) from exc

    @staticmethod
    def _give_back(fairy: Any) -> None:
        raw: Any = fairy.driver_connection
        try:
            if raw is not None and not (raw.closed or raw.broken):
                raw.autocommit = False  # as the pool's other users expect it
        finally:
            fairy.close()


def _idle(raw: Any) -> bool:
    """Whether a psycopg connection is open and outside any transaction."""
    return bool(not raw.closed and raw.info.transaction_status == raw.info.transaction_status.IDLE)


def _checked_sql(
    dialect: Any, guard: Table, checks: int, inserts: list[tuple[Table, list[dict[str, Any]]]]
) -> str:
    """The statement of ``checked_insert``: a CTE finds the ``guard`` rows that are not
    as expected; each INSERT takes its rows from a VALUES list (in the order given:
    audit ids follow it) only where that found none; the statement returns what it
    found."""
    preparer = dialect.identifier_preparer

    def values(table: Table, columns: list[str], count: int) -> str:
        row = ", ".join(f"CAST(%s AS {table.c[c].type.compile(dialect=dialect)})" for c in columns)
        return "VALUES " + ", ".join(f"({row})" for _ in range(count))

    # Only names of the tables' own columns (quoted) go in; every value is a parameter.
    expected = values(guard, ["id", "revision", "valid_days"], checks)
    stale = (
        f"stale AS (SELECT e.id FROM ({expected}) AS e (id, revision, valid_days) "  # noqa: S608
        f"LEFT JOIN {preparer.format_table(guard)} AS g "
        "ON g.id = e.id WHERE g.id IS NULL OR g.retired_at IS NOT NULL "
        "OR g.revision <> e.revision OR g.valid_days IS DISTINCT FROM e.valid_days)"
    )
    writes = []
    for t, (table, rows) in enumerate(inserts):
        columns = list(rows[0])
        names = ", ".join(preparer.quote(c) for c in columns)
        writes.append(
            f"i{t} AS (INSERT INTO {preparer.format_table(table)} ({names}) "  # noqa: S608
            f"SELECT * FROM ({values(table, columns, len(rows))}) AS r ({names}) "
            "WHERE NOT EXISTS (SELECT FROM stale))"
        )
    return f"WITH {', '.join([stale, *writes])} SELECT DISTINCT id FROM stale"  # noqa: S608


#: PostgreSQL's SQLSTATEs for a transaction ended only to break a conflict with another:
#: serialization_failure and deadlock_detected. Nothing of it was kept; it may be re-run.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


def retryable(exc: OperationalError) -> bool:
    """Whether the database ended the transaction to resolve a clash with another one
    (a deadlock or serialization failure), so that running it again is right."""
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; every time we store is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def unreachable(exc: OperationalError, url: str) -> ResolutionFailed:
    """A clear error for a database we cannot open."""
    return ResolutionFailed(
        "cannot open the issuer database",
        code=ErrorCode.fetch_failed,
        detail={"url": redact(url), "error": str(exc.orig) if exc.orig else str(exc)},
    )
