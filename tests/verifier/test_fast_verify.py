"""``FastVerify`` (the two verify routes without FastAPI's routing) answers exactly what
the FastAPI routes answer: the same status, headers and bytes, for verdicts and for every
kind of refused body; other methods and paths still go to FastAPI; metrics still label
the request by its route template."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from tests.verifier.conftest import Clock
from tests.verifier.helpers import badge, dumps, present, signed
from verifier.api import create_app
from verifier.api.fast import FastVerify
from verifier.settings import Settings

DEEP: Any = {}
for _ in range(60):
    DEEP = {"a": DEEP}

BODIES: dict[str, bytes] = {
    "empty": b"",
    "blank": b"  \n",
    "not JSON": b"{nope",
    "duplicate member": b'{"a": 1, "a": 2}',
    "NaN": b'{"a": NaN}',
    "not UTF-8": b'{"a": "\xff"}',
    "a list": b"[1, 2]",
    "a number": b"12",
    "wrapped, not an object": dumps({"presentation": [1], "challenge": "abc"}),
    "challenge not text": dumps({"presentation": {}, "challenge": 5}),
    "too deep": dumps(DEEP),
    "an empty object": b"{}",
    "a credential": dumps(signed(badge())),
    "wrapped credential": dumps({"credential": signed(badge())}),
    "presentation of no request": dumps(present([signed(badge())], "nietbekend123")),
    "presentation, wrapped": dumps(
        {"presentation": present([signed(badge())], "nietbekend123"), "challenge": "x"}
    ),
}


@pytest.fixture
async def two(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """The app as built, and the same app without FastVerify (FastAPI's routes answer)."""
    settings = settings.model_copy(update={"metrics": True})
    async with AsyncExitStack() as stack:
        clients = []
        for fast in (True, False):
            app = create_app(settings, clock=Clock())
            if not fast:
                app.user_middleware = [m for m in app.user_middleware if m.cls is not FastVerify]
            assert any(m.cls is FastVerify for m in app.user_middleware) is fast
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
            clients.append(
                await stack.enter_async_context(
                    httpx.AsyncClient(transport=transport, base_url="http://testserver")
                )
            )
        yield clients[0], clients[1]


def _same(fast: httpx.Response, general: httpx.Response) -> None:
    assert fast.status_code == general.status_code
    assert fast.content == general.content
    assert sorted(fast.headers.items()) == sorted(general.headers.items())


@pytest.mark.parametrize("path", ["/verify/presentation", "/verify/credential"])
@pytest.mark.parametrize("name", sorted(BODIES))
async def test_the_same_answer_as_the_route(
    two: tuple[httpx.AsyncClient, httpx.AsyncClient], path: str, name: str
) -> None:
    fast, general = two
    headers = {"content-type": "application/json"}
    _same(
        await fast.post(path, content=BODIES[name], headers=headers),
        await general.post(path, content=BODIES[name], headers=headers),
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/verify/presentation"),
        ("PUT", "/verify/credential"),
        ("POST", "/verify/presentation/"),
        ("POST", "/verify/Presentation"),
        ("POST", "/verify/qr"),
    ],
)
async def test_other_requests_go_to_fastapi_as_before(
    two: tuple[httpx.AsyncClient, httpx.AsyncClient], method: str, path: str
) -> None:
    fast, general = two
    body = json.dumps({"texts": ["RZ1:x"]}).encode()
    _same(
        await fast.request(
            method, path, content=body, headers={"content-type": "application/json"}
        ),
        await general.request(
            method, path, content=body, headers={"content-type": "application/json"}
        ),
    )


async def test_a_valid_presentation_is_valid_and_counted_by_its_route(
    two: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    fast, _general = two
    request = (await fast.post("/requests")).json()
    reply = await fast.post(
        "/verify/presentation",
        json={"presentation": present([signed(badge())], request["challenge"])},
    )
    assert reply.status_code == 200
    assert reply.json()["verdict"] == "valid"
    metrics = (await fast.get("/metrics")).text
    assert 'route="/verify/presentation",service="verifier",status="200"' in metrics
    assert 'rugzak_verifier_verdicts_total{outcome="valid"} 1.0' in metrics


async def test_the_body_limit_and_the_rate_limit_still_apply(settings: Settings) -> None:
    limited = settings.model_copy(
        update={"rate_limit_per_minute": 1, "rate_limit_burst": 1, "max_json_bytes": 64 * 1024}
    )
    app = create_app(limited, clock=Clock())
    assert any(m.cls is FastVerify for m in app.user_middleware)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            too_big = await client.post("/verify/credential", content=b" " * (64 * 1024 + 1))
            assert too_big.status_code == 413
            assert too_big.json()["code"] == "payload_too_large"
            refused = await client.post("/verify/presentation", content=b"{}")
            assert refused.status_code == 429
            assert refused.json()["code"] == "rate_limited"
