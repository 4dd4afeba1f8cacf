"""Wallet fixtures: a config with the fast KDF, fixed clock, seeded randomness, and an
in-process network (fake OID4VCI issuer + status list) through an httpx transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.runtime.sealing import FAST_KDF
from shared.status_cache import LocalStatusSource
from tests.wallet.helpers import (
    HOLDER_KEY,
    ISSUER_URL,
    NOW,
    STATUS_URL,
    FakeIssuer,
    fixed_clock,
    make_credential,
    seeded_rng,
    status_list,
)
from tests.wallet.sd_badges import sd_badge, sd_resolver, sd_status
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.service import WalletService

PASSPHRASE = "correct horse battery"


class SyncASGI(httpx.BaseTransport):
    """Run an ASGI app for a sync httpx client (the wallet's network calls are sync,
    made from worker threads), each request on a private event loop."""

    def __init__(self, app: Any, routes: dict[str, Any] | None = None) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.routes = routes if routes is not None else {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url in self.routes:
            return httpx.Response(200, json=self.routes[url])
        if not url.startswith(ISSUER_URL):
            return httpx.Response(404, json={"error": "not_found"})
        body = request.read()

        async def send() -> httpx.Response:
            inner = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            response = await self._inner.handle_async_request(inner)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content)

        return asyncio.run(send())


@pytest.fixture
def issuer() -> FakeIssuer:
    return FakeIssuer()


@pytest.fixture
def revocations() -> set[int]:
    return {42}


@pytest.fixture
def config(tmp_path: Path, issuer: FakeIssuer, revocations: set[int]) -> WalletConfig:
    lists = {STATUS_URL: status_list(revocations)}
    return WalletConfig(
        data_dir=tmp_path / "wallet",
        lang="en",
        kdf=FAST_KDF,
        clock=fixed_clock,
        transport=SyncASGI(issuer.app, routes=lists),
        animate=False,
    )


@pytest.fixture
def store(config: WalletConfig) -> Iterator[WalletStore]:
    created = WalletStore.create(
        config.data_dir,
        PASSPHRASE,
        kdf=FAST_KDF,
        holder=HOLDER_KEY,
        now=fixed_clock(),
        rng=seeded_rng(),
    )
    yield created
    created.close()


@pytest.fixture
def service(config: WalletConfig, store: WalletStore) -> WalletService:
    return WalletService(config, store)


@pytest.fixture
def local_status(revocations: set[int]) -> LocalStatusSource:
    return LocalStatusSource({STATUS_URL: status_list(revocations)})


@pytest.fixture
def credential_file(tmp_path: Path) -> Path:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(make_credential(HOLDER_KEY.did, status_index=7)), "utf-8")
    return path


# Selective disclosure: a did:web issuer with an ecdsa-sd-2023 key (tests.wallet.sd_badges).


@pytest.fixture
def sd_config(config: WalletConfig) -> WalletConfig:
    return replace(config, resolver=sd_resolver(), status_fetcher=sd_status())


@pytest.fixture
def sd_store(sd_config: WalletConfig) -> WalletStore:
    return WalletStore.create(
        sd_config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=NOW, rng=seeded_rng()
    )


@pytest.fixture
def sd_service(sd_config: WalletConfig, sd_store: WalletStore) -> WalletService:
    service = WalletService(sd_config, sd_store)
    (outcome,) = service.import_document(sd_badge(HOLDER_KEY.did))
    assert outcome.accepted, outcome
    return service
