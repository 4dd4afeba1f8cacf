"""Single statements on the hot path, compiled once and run on plain DBAPI connections.

For the few statements a service runs on every request (the verifier's nonce lookup
and spend, the shared rate limit's token): SQLAlchemy's per-execution work (events,
transaction objects, result wrappers) costs more CPU than the query itself, and its
pool adds round trips to PostgreSQL on every use (a pre-ping on checkout, a COMMIT
after the statement, a ROLLBACK when the connection goes back): four round trips for
one statement.

- ``HotStatement`` compiles a statement once for the engine's database; parameters must
  be plain ``str``, ``int`` and ``float`` (no type conversion happens).
- On PostgreSQL it runs on ``HotConnections``: connections of the engine's own kind
  and settings, taken out of the pool and put in autocommit mode, so each statement is
  one round trip and commits by itself (every hot statement is one atomic statement:
  a conditional ``UPDATE``, an ``INSERT ... ON CONFLICT``, a ``SELECT``). A connection
  that fails is closed, never reused. A statement that fails on a connection that was
  lying idle (the server restarted, a proxy dropped it) is run once more on a new
  connection: that replaces the pool's pre-ping. Running one again is safe for these
  statements: each is conditional, so a spend or a token taken twice is not counted
  twice (at worst a spend that did commit is then reported as already spent).
- On a SQLite file it runs the same way on connections taken out of the engine's pool
  (without implicit transactions there, ``shared.runtime.db``: a statement commits by
  itself), sparing the pool's checkout and return; a failure is not retried (a locked
  database has already waited its busy timeout). In-memory SQLite uses the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql.compiler import SQLCompiler

#: Idle connections kept per engine; more are closed when given back.
IDLE_CONNECTIONS = 16


class HotConnections:
    """The engine's PostgreSQL connections in autocommit mode, outside its pool."""

    def __init__(self, engine: Engine, *, idle: int = IDLE_CONNECTIONS) -> None:
        self.engine = engine
        self.max_idle = idle
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self.opened = 0  # connections made so far (tests, metrics)

    def take(self) -> tuple[Any, bool]:
        """A connection and whether it was lying idle (else it is new)."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._open(), False

    def give_back(self, connection: Any) -> None:
        with self._lock:
            if len(self._idle) < self.max_idle:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        """Close the idle connections (the engine was disposed)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            _close_quietly(connection)

    def _open(self) -> Any:
        pooled = self.engine.raw_connection()  # the engine's URL, arguments and events
        pooled.detach()  # ours now: the pool no longer pings, resets or counts it
        connection = pooled.dbapi_connection
        assert connection is not None
        if self.engine.dialect.name == "postgresql":
            connection.rollback()  # the checkout's ping may have begun a transaction
            connection.autocommit = True
        # SQLite: the engine's connections already run without implicit transactions
        # (``shared.runtime.db``), so each statement commits by itself.
        with self._lock:
            self.opened += 1
        return connection


_per_engine: weakref.WeakKeyDictionary[Engine, HotConnections] = weakref.WeakKeyDictionary()
_per_engine_lock = threading.Lock()


class _Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_Closable)


def _one_per_engine(
    table: weakref.WeakKeyDictionary[Engine, C], engine: Engine, make: Callable[[Engine], C]
) -> C:
    """``engine``'s entry in ``table``, made on first use and closed when the engine is
    disposed."""
    with _per_engine_lock:
        found = table.get(engine)
        if found is None:
            made = table[engine] = make(engine)

            def disposed(_engine: Engine) -> None:
                made.close()

            event.listen(engine, "engine_disposed", disposed)
            found = made
        return found


def hot_connections(engine: Engine) -> HotConnections:
    """The one ``HotConnections`` of ``engine`` (closed when the engine is disposed)."""
    return _one_per_engine(_per_engine, engine, HotConnections)


class HotStatement:
    """One statement compiled for ``engine``'s database (see the module's notes)."""

    def __init__(self, statement: sa.ClauseElement, engine: Engine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        assert isinstance(compiled, SQLCompiler)
        self.engine = engine
        self.sql = str(compiled)
        # Values the statement carries itself (literals SQLAlchemy made parameters).
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}
        self.names: list[str] | None = (
            list(compiled.positiontup or []) if compiled.positional else None
        )
        self.postgresql = engine.dialect.name == "postgresql"
        # A file SQLite database has a pool of connections of its own (QueuePool), which
        # can give one up; an in-memory one has a single shared connection: use the pool.
        own = self.postgresql or (
            engine.dialect.name == "sqlite" and isinstance(engine.pool, QueuePool)
        )
        self.connections = hot_connections(engine) if own else None
        self._errors: tuple[type[BaseException], ...] = (
            engine.dialect.loaded_dbapi.OperationalError,
            engine.dialect.loaded_dbapi.InterfaceError,
        )

    def _params(self, values: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        merged = {**self.defaults, **values} if self.defaults else values
        return merged if self.names is None else tuple(merged[name] for name in self.names)

    def fetch_one(self, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns, or None."""
        row = self._run(values, fetch=True)
        return None if row is None else tuple(row)

    def change(self, values: dict[str, Any]) -> int:
        """Run a write; the number of rows it changed (it is committed)."""
        changed: int = self._run(values, fetch=False)
        return changed

    def _run(self, values: dict[str, Any], *, fetch: bool) -> Any:
        params = self._params(values)
        if self.connections is None:
            return self._pooled(params, fetch=fetch)
        while True:
            connection, was_idle = self.connections.take()
            try:
                cursor = connection.cursor()  # sqlite3's is no context manager
                try:
                    cursor.execute(self.sql, params)
                    answer = cursor.fetchone() if fetch else int(cursor.rowcount)
                finally:
                    cursor.close()
            except self._errors:
                _close_quietly(connection)
                if was_idle and self.postgresql:
                    continue  # a stale connection: once more on a new one
                raise
            except BaseException:
                _close_quietly(connection)  # its state is unknown: never reused
                raise
            self.connections.give_back(connection)
            return answer

    def _pooled(self, params: tuple[Any, ...] | dict[str, Any], *, fetch: bool) -> Any:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(self.sql, params)
                return cursor.fetchone() if fetch else int(cursor.rowcount)
            finally:
                cursor.close()
        finally:
            connection.close()


def _close_quietly(connection: Any) -> None:
    """Close a connection that may already be broken (nothing to report then)."""
    with contextlib.suppress(Exception):
        connection.close()


class AsyncHotStatement:
    """A ``HotStatement`` awaited on the event loop (PostgreSQL only): psycopg's
    asynchronous connections, in autocommit mode, one round trip per statement, no
    worker thread. The same rules: a failed connection is closed, a stale idle one is
    replaced. Connections belong to the event loop that opened them."""

    def __init__(self, statement: sa.ClauseElement, engine: Engine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("AsyncHotStatement is for PostgreSQL")
        self.sync = HotStatement(statement, engine)
        self.connections = async_hot_connections(engine)

    async def fetch_one(self, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row the statement returns, or None."""
        params = self.sync._params(values)
        while True:
            connection, was_idle = await self.connections.take()
            try:
                async with connection.cursor() as cursor:
                    await cursor.execute(self.sync.sql, params)
                    row = await cursor.fetchone()
            except self.sync._errors:
                await _aclose_quietly(connection)
                if was_idle:
                    continue  # a stale connection: again on another one
                raise
            except BaseException:
                await _aclose_quietly(connection)
                raise
            await self.connections.give_back(connection)
            return None if row is None else tuple(row)


class AsyncHotConnections:
    """``engine``'s PostgreSQL connection arguments, as asynchronous connections in
    autocommit mode, kept per event loop (a connection belongs to its loop)."""

    def __init__(self, engine: Engine, *, idle: int = IDLE_CONNECTIONS) -> None:
        self.cargs, self.cparams = engine.dialect.create_connect_args(engine.url)
        self.max_idle = idle
        self._idle: dict[asyncio.AbstractEventLoop, list[Any]] = {}
        self._lock = threading.Lock()
        self.opened = 0

    def _loop_idle(self) -> list[Any]:
        loop = asyncio.get_running_loop()
        with self._lock:
            for ended in [other for other in self._idle if other.is_closed()]:
                for connection in self._idle.pop(ended):
                    _finish(connection)
            return self._idle.setdefault(loop, [])

    async def take(self) -> tuple[Any, bool]:
        idle = self._loop_idle()
        if idle:
            return idle.pop(), True
        import psycopg  # only with PostgreSQL

        connection = await psycopg.AsyncConnection.connect(
            *self.cargs, autocommit=True, **self.cparams
        )
        self.opened += 1
        return connection, False

    async def give_back(self, connection: Any) -> None:
        idle = self._loop_idle()
        if len(idle) < self.max_idle:
            idle.append(connection)
        else:
            await _aclose_quietly(connection)

    def close(self) -> None:
        """Close the idle connections (the engine was disposed), from any thread: the
        connection is ended without the event loop that opened it."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                _finish(connection)


def _finish(connection: Any) -> None:
    """End an asynchronous connection without awaiting (libpq closes the socket)."""
    with contextlib.suppress(Exception):
        connection.pgconn.finish()


_async_per_engine: weakref.WeakKeyDictionary[Engine, AsyncHotConnections] = (
    weakref.WeakKeyDictionary()
)


def async_hot_connections(engine: Engine) -> AsyncHotConnections:
    """The one ``AsyncHotConnections`` of ``engine`` (closed when it is disposed)."""
    return _one_per_engine(_async_per_engine, engine, AsyncHotConnections)


async def _aclose_quietly(connection: Any) -> None:
    with contextlib.suppress(Exception):
        await connection.close()
