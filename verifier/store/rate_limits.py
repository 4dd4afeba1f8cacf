"""Rate-limit token buckets in the database, so several verifier processes (workers,
replicas on other machines) share one limit per client.

Taking a token is one statement: an ``INSERT ... ON CONFLICT DO UPDATE ... WHERE``
that refills the bucket for the time passed and takes a token only if one is there,
returning the row when it did. PostgreSQL locks the row for it, so concurrent requests
of one client through any replica are counted one after the other.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from verifier.store.base import TableStore

PURGE_EVERY = 1000


class SharedBuckets(TableStore):
    """``rate`` tokens per minute per client, bursts up to ``burst``, in the database.

    Same contract as ``shared.runtime.ratelimit.TokenBuckets.take``; ``blocking`` tells the
    middleware to call it from a worker thread.
    """

    blocking = True

    def __init__(
        self,
        engine: Engine,
        *,
        prefix: str = "rzv_",
        rate_per_minute: int,
        burst: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(engine, prefix, "rate_limits")
        self.rate_ms = rate_per_minute / 60_000.0
        self.burst = float(burst)
        self.clock = clock
        self._takes = 0
        self._lock = threading.Lock()
        t = self.table
        refill = t.c.tokens + (sa.bindparam("b_now") - t.c.updated_ms) * self.rate_ms
        self._refilled = sa.case((refill > self.burst, self.burst), else_=refill)
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
                set_={"tokens": self._refilled - 1, "updated_ms": sa.bindparam("b_now")},
                where=self._refilled >= 1,
            )
            .returning(t.c.tokens)
        )
        self._peek = sa.select(self._refilled).where(t.c.client == sa.bindparam("b_client"))
        self._purge = t.delete().where(t.c.updated_ms < sa.bindparam("b_before"))

    @staticmethod
    def key(client: str) -> str:
        """What is stored for a client: a hash, not its address."""
        return hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()

    def take(self, client: str) -> float:
        """0 when allowed, else the seconds until a token is back."""
        now = int(self.clock() * 1000)
        values = {"b_client": self.key(client), "b_now": now}
        with self.engine.begin() as conn:
            taken = conn.execute(self._take, values).first()
            if taken is None:
                tokens = conn.execute(self._peek, values).scalar_one_or_none()
        self._maybe_purge(now)
        if taken is not None:
            return 0.0
        have = float(tokens) if tokens is not None else 0.0
        return (1.0 - have) / self.rate_ms / 1000 if self.rate_ms > 0 else 60.0

    def _maybe_purge(self, now: int) -> None:
        """Now and then drop buckets that have filled up again (the same as no row)."""
        with self._lock:
            self._takes += 1
            if self._takes % PURGE_EVERY:
                return
        full_after = self.burst / self.rate_ms if self.rate_ms > 0 else 3_600_000
        with self.engine.begin() as conn:
            conn.execute(self._purge, {"b_before": now - int(full_after)})
