"""Verifier app fixtures: offline app with a trust pack, fixed clock, in-memory SQLite.

HTTP goes through the real ASGI app with ``httpx.ASGITransport``; the fixture runs
the app's lifespan around each test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.verifier.helpers import DOMAIN, NOW, make_pack
from verifier.api import create_app
from verifier.settings import Settings

MakeClient = Callable[..., Awaitable[httpx.AsyncClient]]


class Clock:
    """A settable clock for the app."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp_path,
        offline=True,
        trust_pack=make_pack(tmp_path / "pack.json"),
        rate_limit_per_minute=0,
    )


@pytest.fixture
async def make_client(clock: Clock) -> AsyncIterator[MakeClient]:
    async with AsyncExitStack() as stack:

        async def make(settings: Settings, **kw: Any) -> httpx.AsyncClient:
            app = create_app(settings, clock=kw.pop("clock", clock), **kw)
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
            )

        yield make


@pytest.fixture
async def client(make_client: MakeClient, settings: Settings) -> httpx.AsyncClient:
    return await make_client(settings)
