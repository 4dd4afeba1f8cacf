"""Request size limits and per-client rate limiting, as plain ASGI middleware."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from shared.errors import ErrorCode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def send_error(
    send: Send, status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"code": str(code), "message": message, "detail": None}).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    for key, value in (headers or {}).items():
        raw_headers.append((key.lower().encode(), value.encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Reads at most ``limit_for(path)`` bytes of a request body, else answers 413.

    The body is buffered (it is small by construction) and replayed to the app, so
    a lying or missing Content-Length cannot get more bytes past the limit.
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        too_big = f"The request body is larger than {limit} bytes."
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                await send_error(send, 413, ErrorCode.payload_too_large, too_big)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await send_error(send, 413, ErrorCode.payload_too_large, too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class TokenBuckets:
    """Per-client token buckets: ``rate`` per minute, bursts up to ``burst``."""

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

    def __init__(self, app: ASGIApp, buckets: TokenBuckets, *, trust_forwarded_for: bool) -> None:
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
            wait = self.buckets.take(self.client_of(scope))
            if wait > 0:
                await send_error(
                    send,
                    429,
                    ErrorCode.rate_limited,
                    "Too many requests from this address; wait a moment and try again.",
                    {"retry-after": str(max(1, int(wait + 0.999)))},
                )
                return
        await self.app(scope, receive, send)
