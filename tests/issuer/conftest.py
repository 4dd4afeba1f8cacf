"""Issuer fixtures: an initialised issuer on a temporary SQLite file, a fixed clock,
deterministic keys, and the real ASGI app behind a TestClient."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import httpx
import pytest

from issuer.achievements import parse_input
from issuer.api import create_app
from issuer.identity import ProfileIn, initialize
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from issuer.store import Store
from shared.keys import SigningKey

PASSPHRASE = "correct horse battery"
ISSUER_SEED = bytes(range(32))
BASE_URL = "https://academy.example"
HOLDER = SigningKey.from_seed(b"\x05" * 32)


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


ACHIEVEMENT: dict[str, Any] = {
    "name": "Perseverance",
    "description": "Keeps going when things get hard.",
    "criteria_narrative": "Shows the five behaviours of the level.",
    "achievement_type": "Competency",
    "tags": ["life skills"],
    "alignments": [
        {
            "target_name": "Perseverance",
            "target_url": "https://framework.example/skills/perseverance",
            "target_framework": "Life skills framework",
            "target_code": "LS-07",
        }
    ],
    "result_descriptions": [{"name": "Level", "allowed_values": ["1", "2", "3", "4"]}],
    "valid_days": 365,
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> IssuerSettings:
    return IssuerSettings(data_dir=tmp_path / "issuer", kdf="min", passphrase=PASSPHRASE)


def make_issuer(
    settings: IssuerSettings,
    clock: FakeClock,
    *,
    suspension: bool = True,
    did_web: str | None = None,
) -> tuple[Issuer, str]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.resolved_database_url())
    _, token = initialize(
        store,
        profile=ProfileIn(name="Life Skills Academy", url=BASE_URL, email="badges@academy.example"),
        passphrase=PASSPHRASE,
        now=clock(),
        did_web=did_web,
        base_url=BASE_URL,
        suspension=suspension,
        kdf="min",
        seed=ISSUER_SEED,
    )
    store.dispose()
    issuer = Issuer.open(settings, passphrase=PASSPHRASE, clock=clock, rng=Random(7))
    return issuer, token


@pytest.fixture
def issuer_and_token(settings: IssuerSettings, clock: FakeClock) -> Iterator[tuple[Issuer, str]]:
    issuer, token = make_issuer(settings, clock)
    yield issuer, token
    issuer.store.dispose()


@pytest.fixture
def issuer(issuer_and_token: tuple[Issuer, str]) -> Issuer:
    return issuer_and_token[0]


@pytest.fixture
def admin_token(issuer_and_token: tuple[Issuer, str]) -> str:
    return issuer_and_token[1]


@pytest.fixture
def achievement_id(issuer: Issuer) -> str:
    return str(
        issuer.create_achievement(
            parse_input(ACHIEVEMENT), actor="test", achievement_id="perseverance"
        )["id"]
    )


@pytest.fixture
async def client(
    settings: IssuerSettings, issuer: Issuer, clock: FakeClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The real ASGI app (lifespan included) behind an httpx client."""
    app = create_app(settings, issuer=issuer, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield http


@pytest.fixture
def admin(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}
