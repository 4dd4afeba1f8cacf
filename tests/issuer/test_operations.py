"""Operations endpoints of the issuer: /healthz, /readyz (database, schema, key) and
/metrics (off by default; a bearer token when one is set)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from issuer.api import create_app
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from tests.issuer.conftest import BASE_URL, FakeClock


@asynccontextmanager
async def served(settings: IssuerSettings, issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, issuer=issuer)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield http


async def test_healthz_and_readyz(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": True, "migrations": True, "keys": True},
    }


async def test_readyz_without_the_passphrase_is_not_ready(
    settings: IssuerSettings, issuer: Issuer, clock: FakeClock
) -> None:
    locked = Issuer.open(settings, clock=clock)  # no passphrase: cannot sign
    try:
        async with served(settings, locked) as client:
            ready = await client.get("/readyz")
    finally:
        locked.store.dispose()
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not_ready",
        "checks": {"database": True, "migrations": True, "keys": False},
    }


async def test_metrics_off_by_default_then_behind_a_token(
    settings: IssuerSettings, issuer: Issuer, admin: dict[str, str], achievement_id: str
) -> None:
    async with served(settings, issuer) as client:
        off = await client.get("/metrics")
        assert (off.status_code, off.json()["code"]) == (404, "not_found")
    on = settings.model_copy(update={"metrics": True, "metrics_token": SecretStr("m-51c0")})
    async with served(on, issuer) as client:
        await client.get(f"/credentials/urn:uuid:{'0' * 32}", headers=admin)
        assert (await client.get("/metrics")).status_code == 401
        text = (await client.get("/metrics", headers={"Authorization": "Bearer m-51c0"})).text
    assert (
        'rugzak_http_requests_total{method="GET",route="/credentials/{credential_id}",'
        'service="issuer",status="404"} 1.0'
    ) in text
    assert "0000000000" not in text


async def test_two_issuer_processes_on_one_database_share_the_rate_limit(
    settings: IssuerSettings, issuer: Issuer, clock: FakeClock
) -> None:
    """With the buckets in the database (the default on PostgreSQL) a second process,
    here a second app on the same SQLite file, draws on the same bucket."""
    shared = settings.model_copy(
        update={"shared_rate_limit": True, "rate_limit_per_minute": 1, "rate_limit_burst": 3}
    )
    other = Issuer.open(settings, clock=clock)
    try:
        async with served(shared, issuer) as first, served(shared, other) as second:
            codes = [(await first.post("/oid4vci/nonce")).status_code for _ in range(2)]
            codes.append((await second.post("/oid4vci/nonce")).status_code)
            refused = await second.post("/oid4vci/nonce")
            assert (await first.post("/oid4vci/nonce")).status_code == 429
    finally:
        other.store.dispose()
    assert codes == [200, 200, 200]
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")


def test_rate_limit_shared_by_default_only_with_postgresql(tmp_path: Path) -> None:
    pg = "postgresql+psycopg://badges@db.internal/badges"
    assert IssuerSettings(data_dir=tmp_path, database_url=pg).resolved_shared_rate_limit()
    assert not IssuerSettings(data_dir=tmp_path).resolved_shared_rate_limit()


async def test_a_served_issuer_warms_up_before_the_first_award(
    settings: IssuerSettings, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve`` (the app opening its own issuer) builds and signs a throwaway
    credential at start-up, so the first learner's award does not wait half a second
    for schemas and models to compile; an injected issuer (tests) is left alone."""
    import issuer.api.app as app_module

    calls: list[str] = []
    monkeypatch.setattr(app_module, "warm_up_issuing", lambda: calls.append("warm"))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert calls == ["warm"]
    app = create_app(settings, issuer=issuer)
    async with app.router.lifespan_context(app):
        assert calls == ["warm"]
