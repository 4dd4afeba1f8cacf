"""Rate-limit keys the client cannot choose, and the body read deadline."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from shared.runtime.ratelimit import RateLimit, TokenBuckets
from shared.runtime.web import BodyLimit, Message, Scope, client_address


def scope(peer: str = "203.0.113.9", *forwarded: str, method: str = "POST") -> Scope:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {
        "type": "http",
        "method": method,
        "path": "/verify/presentation",
        "headers": headers,
        "client": (peer, 50000),
    }


def test_without_proxies_the_forwarded_header_is_ignored() -> None:
    assert client_address(scope("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (1, ["198.51.100.7"], "198.51.100.7"),
        # the client wrote "1.2.3.4" itself; our proxy appended the address it saw
        (1, ["1.2.3.4, 198.51.100.7"], "198.51.100.7"),
        (1, ["1.2.3.4", "198.51.100.7"], "198.51.100.7"),  # two header lines count as one list
        (2, ["1.2.3.4, 198.51.100.7, 10.0.0.2"], "198.51.100.7"),
        # fewer entries than proxies: it did not come through them all, use the peer
        (2, ["198.51.100.7"], "203.0.113.9"),
        (1, [], "203.0.113.9"),
    ],
)
def test_behind_proxies_the_client_is_counted_from_the_right(
    hops: int, forwarded: list[str], client: str
) -> None:
    assert client_address(scope("203.0.113.9", *forwarded), forwarded_hops=hops) == client


async def _call(app: Any, request: Scope, body: list[Message]) -> list[Message]:
    sent: list[Message] = []
    pending = list(body)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        await anyio.sleep_forever()
        raise AssertionError

    async def send(message: Message) -> None:
        sent.append(message)

    await app(request, receive, send)
    return sent


async def _ok(scope: Scope, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_a_client_cannot_escape_the_limit_with_made_up_forwarded_entries() -> None:
    limit = RateLimit(_ok, TokenBuckets(60, 2, clock=lambda: 0.0), forwarded_hops=1)
    statuses = []
    for n in range(4):
        request = scope("10.0.0.1", f"192.0.2.{n}, 198.51.100.7")  # our proxy: 10.0.0.1
        sent = await _call(limit, request, [])
        statuses.append(sent[0]["status"])
    assert statuses == [200, 200, 429, 429]


async def test_a_stalled_body_is_answered_408() -> None:
    app = BodyLimit(_ok, limit=1000, timeout=0.05)
    first = {"type": "http.request", "body": b'{"a": ', "more_body": True}
    sent = await _call(app, scope(), [first])  # and then nothing more arrives
    assert sent[0]["status"] == 408
    assert b"request_timeout" in sent[1]["body"]
    complete = {"type": "http.request", "body": b"{}", "more_body": False}
    assert (await _call(app, scope(), [complete]))[0]["status"] == 200
