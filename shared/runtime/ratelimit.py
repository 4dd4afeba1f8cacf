"""Per-client rate limiting as plain ASGI middleware, for both services
(:class:`ServiceRateLimit` sets it up from a service's settings).

The client is the address ``client_address`` derives: the socket peer, or behind a
configured number of reverse proxies the ``X-Forwarded-For`` entry the outermost of
them wrote (the entries to its left come from the client and can say anything).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from shared.errors import ErrorCode
from shared.runtime.hot import AsyncHotStatement, HotStatement
from shared.runtime.web import ASGIApp, Receive, Scope, Send, client_address, send_error

if TYPE_CHECKING:
    from fastapi import FastAPI

PURGE_EVERY = 1000


class Buckets(Protocol):
    """Where tokens are taken: in this process (``TokenBuckets``) or in the shared
    database (``SharedBuckets``, ``blocking``: called from a worker thread, unless it
    also has an awaitable ``take_async``, which the middleware then awaits)."""

    blocking: bool

    def take(self, client: str) -> float: ...


class TokenBuckets:
    """Per-client token buckets in this process: ``rate`` per minute, bursts up to ``burst``."""

    blocking = False

    def __init__(
        self,
        rate_per_minute: int,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when allowed, else the seconds until a token is back."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.rate if self.rate > 0 else 60.0
            self._buckets.move_to_end(client)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


def post_requests(scope: Scope) -> bool:
    """The default: every POST is limited."""
    return bool(scope["method"] == "POST")


class RateLimit:
    """429 ``rate_limited`` for clients calling the limited endpoints too often.

    ``forwarded_hops`` is the number of reverse proxies in front that append to
    ``X-Forwarded-For`` (0: no proxy, the socket peer is the client). ``limited``
    picks the requests that count (default: every POST).
    """

    def __init__(
        self,
        app: ASGIApp,
        buckets: Buckets,
        *,
        forwarded_hops: int = 0,
        limited: Callable[[Scope], bool] = post_requests,
    ) -> None:
        self.app = app
        self.buckets = buckets
        self.forwarded_hops = forwarded_hops
        self.limited = limited

    def client_of(self, scope: Scope) -> str:
        return client_address(scope, forwarded_hops=self.forwarded_hops)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.limited(scope):
            client = self.client_of(scope)
            take_async = getattr(self.buckets, "take_async", None)
            if take_async is not None:
                wait = await take_async(client)
            elif self.buckets.blocking:
                wait = await anyio.to_thread.run_sync(self.buckets.take, client)
            else:
                wait = self.buckets.take(client)
            if wait > 0:
                await send_error(
                    send,
                    ErrorCode.rate_limited,
                    "Too many requests from this address; wait a moment and try again.",
                    headers={"retry-after": str(max(1, int(wait + 0.999)))},
                )
                return
        await self.app(scope, receive, send)


class SharedBuckets:
    """``rate`` tokens per minute per client, bursts up to ``burst``, in a database table
    (``bucket_table``), so every process and replica on that database shares one limit.

    Taking a token is one statement: an ``INSERT ... ON CONFLICT DO UPDATE ... WHERE``
    that refills the bucket for the time passed and takes a token only if one is there,
    returning the row when it did. PostgreSQL locks the row for it, so concurrent
    requests of one client through any replica are counted one after the other. The
    ``client`` column holds a hash of the client's key, never its address. ``clock``
    is wall time: processes on several machines compare it.

    A refused client is remembered in this process until its next token is due (the
    time the refusal computed): its requests until then are refused here, without a
    round trip. That never refuses what the database would allow: a bucket only fills
    at ``rate`` and other processes can only empty it further, so it holds less than
    one token until then. A client over its limit thus costs one statement per token
    interval and process, not one per request.
    """

    blocking = True

    def __init__(
        self,
        engine: Engine,
        table: sa.Table,
        *,
        rate_per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.time,
        max_blocked: int = 10_000,
    ) -> None:
        self.engine = engine
        self.table = table
        self.rate_ms = rate_per_minute / 60_000.0
        self.burst = float(burst)
        self.clock = clock
        self._takes = 0
        self._lock = threading.Lock()
        # client -> wall time (s) its next token is due, after a refusal
        self._blocked: OrderedDict[str, float] = OrderedDict()
        self.max_blocked = max_blocked
        t = table
        refill = t.c.tokens + (sa.bindparam("b_now") - t.c.updated_ms) * self.rate_ms
        refilled = sa.case((refill > self.burst, self.burst), else_=refill)
        module: Any = postgresql if engine.dialect.name == "postgresql" else sqlite
        self._take = (
            module.insert(t)
            .values(
                client=sa.bindparam("b_client"),
                tokens=self.burst - 1,
                updated_ms=sa.bindparam("b_now"),
            )
            .on_conflict_do_update(
                index_elements=[t.c.client],
                set_={"tokens": refilled - 1, "updated_ms": sa.bindparam("b_now")},
                where=refilled >= 1,
            )
            .returning(t.c.tokens)
        )
        self._peek = sa.select(refilled).where(t.c.client == sa.bindparam("b_client"))
        self._purge = t.delete().where(t.c.updated_ms < sa.bindparam("b_before"))
        # One round trip each, committed by itself (``shared.runtime.hot``).
        self._take_hot = HotStatement(self._take, engine)
        self._peek_hot = HotStatement(self._peek, engine)
        postgres = engine.dialect.name == "postgresql"
        self._take_async = AsyncHotStatement(self._take, engine) if postgres else None
        self._peek_async = AsyncHotStatement(self._peek, engine) if postgres else None

    @staticmethod
    def key(client: str) -> str:
        """What is stored for a client: a hash, not its address."""
        return hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()

    def take(self, client: str) -> float:
        """0 when allowed, else the seconds until a token is back."""
        key, moment, blocked = self._blocked_for(client)
        if blocked > 0:
            return blocked  # the database would refuse it too (see the class)
        now = int(moment * 1000)
        values = {"b_client": key, "b_now": now}
        taken = self._take_hot.fetch_one(values)
        self._maybe_purge(now)
        if taken is not None:
            return 0.0
        # Refused: how long until a token is back, from the bucket as it is now.
        return self._refused(key, now, self._peek_hot.fetch_one(values))

    async def take_async(self, client: str) -> float:
        """``take`` awaited on the event loop: on PostgreSQL without a worker thread
        (``shared.runtime.hot.AsyncHotStatement``), elsewhere in one."""
        if self._take_async is None or self._peek_async is None:
            return await anyio.to_thread.run_sync(self.take, client)
        key, moment, blocked = self._blocked_for(client)
        if blocked > 0:
            return blocked
        now = int(moment * 1000)
        values = {"b_client": key, "b_now": now}
        taken = await self._take_async.fetch_one(values)
        if self._purge_due():
            await anyio.to_thread.run_sync(self._purge_now, now)
        if taken is not None:
            return 0.0
        return self._refused(key, now, await self._peek_async.fetch_one(values))

    def _blocked_for(self, client: str) -> tuple[str, float, float]:
        """The client's key, the time, and the seconds it stays refused here (0: ask)."""
        moment = self.clock()
        key = self.key(client)
        with self._lock:
            due = self._blocked.get(key)
            if due is not None and moment >= due:
                del self._blocked[key]
        return key, moment, (due - moment) if due is not None and moment < due else 0.0

    def _refused(self, key: str, now: int, row: tuple[Any, ...] | None) -> float:
        """Seconds until the refused client's next token (``row``: the bucket now), kept
        so that the client is refused here until then."""
        have = float(row[0]) if row is not None and row[0] is not None else 0.0
        if self.rate_ms <= 0:
            return 60.0
        wait_ms = max(0.0, (1.0 - have) / self.rate_ms)
        with self._lock:
            # the bucket as of ``now``: its next token is due ``wait_ms`` after it
            self._blocked[key] = (now + wait_ms) / 1000
            self._blocked.move_to_end(key)
            while len(self._blocked) > self.max_blocked:
                self._blocked.popitem(last=False)
        return wait_ms / 1000

    def _maybe_purge(self, now: int) -> None:
        """Now and then drop buckets that have filled up again (the same as no row)."""
        if self._purge_due():
            self._purge_now(now)

    def _purge_due(self) -> bool:
        with self._lock:
            self._takes += 1
            return self._takes % PURGE_EVERY == 0

    def _purge_now(self, now: int) -> None:
        full_after = self.burst / self.rate_ms if self.rate_ms > 0 else 3_600_000
        with self.engine.begin() as conn:
            conn.execute(self._purge, {"b_before": now - int(full_after)})


class InDatabase:
    """``SharedBuckets`` once an app's lifespan has opened its database (the middleware
    is made before that)."""

    blocking = True

    def __init__(self) -> None:
        self.buckets: SharedBuckets | None = None

    def take(self, client: str) -> float:
        if self.buckets is None:
            raise RuntimeError("the app's lifespan has not started")
        return self.buckets.take(client)

    async def take_async(self, client: str) -> float:
        if self.buckets is None:
            raise RuntimeError("the app's lifespan has not started")
        return await self.buckets.take_async(client)


class RateLimitSettings(Protocol):
    """What a service's settings say about its rate limit."""

    rate_limit_per_minute: int
    rate_limit_burst: int

    def resolved_shared_rate_limit(self) -> bool: ...

    def client_hops(self) -> int: ...


class ServiceRateLimit:
    """A service's rate limit as its settings ask: off at 0 per minute, else buckets
    in this process or, with ``resolved_shared_rate_limit()``, in its database.

    Both services set it up alike and differ only in ``limited`` (which requests
    count). The middleware is added (:meth:`install`) before the lifespan opens the
    database, so shared buckets are pointed at it then (:meth:`open`). ``clock``
    (tests) stands in for both the wall clock shared buckets use and the monotonic
    clock of buckets in this process.
    """

    def __init__(
        self,
        settings: RateLimitSettings,
        limited: Callable[[Scope], bool],
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.settings = settings
        self.limited = limited
        self.clock = clock
        self.in_database = (
            InDatabase()
            if settings.resolved_shared_rate_limit() and settings.rate_limit_per_minute
            else None
        )

    def open(self, engine: Engine, table: sa.Table) -> None:
        """Point shared buckets at ``table`` (the lifespan calls this); nothing when
        the buckets are this process's own."""
        if self.in_database is not None:
            self.in_database.buckets = SharedBuckets(
                engine,
                table,
                rate_per_minute=self.settings.rate_limit_per_minute,
                burst=self.settings.rate_limit_burst,
                clock=self.clock or time.time,
            )

    def install(self, app: FastAPI) -> None:
        """Add the :class:`RateLimit` middleware, unless the limit is off."""
        settings = self.settings
        if settings.rate_limit_per_minute <= 0:
            return
        buckets: Buckets = (
            self.in_database
            if self.in_database is not None
            else TokenBuckets(
                settings.rate_limit_per_minute,
                settings.rate_limit_burst,
                clock=self.clock or time.monotonic,
            )
        )
        app.add_middleware(
            RateLimit,
            buckets=buckets,
            forwarded_hops=settings.client_hops(),
            limited=self.limited,
        )
