"""Per-client rate limiting as plain ASGI middleware, for both services.

The client is the address ``client_address`` derives: the socket peer, or behind a
configured number of reverse proxies the ``X-Forwarded-For`` entry the outermost of
them wrote (the entries to its left come from the client and can say anything).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import anyio

from shared.errors import ErrorCode
from shared.runtime.web import ASGIApp, Receive, Scope, Send, client_address, send_error


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
