"""Operations endpoints of the issuer: /healthz, /readyz (database, schema, key) and
/metrics (off by default; a bearer token when one is set)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
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
