"""Per-client rate limiting of the POST endpoints, as plain ASGI middleware.

The body-size limit is the one both services share (``shared.runtime.web.BodyLimit``).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import anyio

from shared.errors import ErrorCode
from shared.runtime.web import ASGIApp, Receive, Scope, Send, send_error


class Buckets(Protocol):
    """Where tokens are taken: in this process (``TokenBuckets``) or in the shared
    database (``verifier.store.rate_limits.SharedBuckets``, ``blocking``: called from a
    worker thread)."""

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


class RateLimit:
    """429 ``rate_limited`` for clients calling the POST endpoints too often."""

    def __init__(self, app: ASGIApp, buckets: Buckets, *, trust_forwarded_for: bool) -> None:
        self.app = app
        self.buckets = buckets
        self.trust_forwarded_for = trust_forwarded_for

    def client_of(self, scope: Scope) -> str:
        if self.trust_forwarded_for:
            for key, value in scope.get("headers", []):
                if key == b"x-forwarded-for":
                    return str(value.decode("latin-1").split(",")[0].strip())
        client = scope.get("client")
        return str(client[0]) if client else "unknown"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            client = self.client_of(scope)
            if self.buckets.blocking:
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
