"""The terminal app's Share dialog (``s`` on a badge's page): publish the badge at a
verifier, see its LinkedIn link, write the PDF certificate and the baked picture,
withdraw the link. The verifier is the real app (public presentations on), reached
through a blocking transport as the wallet's workers reach the network."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input, OptionList, Static

from shared.credentials import issue_credential
from shared.formats.baking import extract
from tests.factories import unsigned_badge
from tests.sample_images import badge_png, data_uri
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY, NOW, make_credential
from verifier.api import create_app as verifier_app
from verifier.settings import Settings
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import ConfirmDialog, MessageDialog, PathDialog
from wallet.dialogs.share import ShareDialog
from wallet.screens.detail import DetailScreen
from wallet.service import WalletService
from wallet.sharing import publications

VERIFIER = "https://badges.werkgever.example"


class Blocking(httpx.BaseTransport):
    """The verifier app for a blocking client: each request on a private event loop."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def send() -> httpx.Response:
            inner = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            reply = await self.inner.handle_async_request(inner)
            return httpx.Response(
                reply.status_code, headers=reply.headers, content=await reply.aread()
            )

        return asyncio.run(send())


@pytest.fixture
async def verifier(tmp_path: Path) -> AsyncIterator[Any]:
    settings = Settings(
        public_origin=VERIFIER,
        database_url=f"sqlite:///{tmp_path / 'verifier.db'}",
        data_dir=tmp_path / "verifier",
        offline=True,
        public_presentations=True,
        rate_limit_per_minute=0,
    )
    app = verifier_app(settings, clock=lambda: NOW)
    async with app.router.lifespan_context(app):
        yield app


async def settle(app: WalletApp, pilot: Any) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_share_dialog_publishes_prints_bakes_and_withdraws(
    config: WalletConfig, store: WalletStore, verifier: Any, tmp_path: Path
) -> None:
    WalletService(config, store).import_document(make_credential(HOLDER_KEY.did, number=1))
    store.close()
    wallet_config = replace(config, transport=Blocking(verifier))
    page = httpx.AsyncClient(transport=httpx.ASGITransport(app=verifier), base_url=VERIFIER)
    app = WalletApp(wallet_config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#cards", OptionList).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)

        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, ShareDialog)
        assert "No public link yet" in str(app.screen.query_one("#share-link", Static).render())
        choices = app.screen.query_one("#share-choices", OptionList)
        assert [choices.get_option_at_index(i).disabled for i in range(5)] == [
            False, True, True, False, True,
        ]  # fmt: skip
        await pilot.press("enter")  # publish
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path", Input).value = VERIFIER
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        shown = str(app.screen.query_one("#message-text", Static).render())
        assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in shown
        await pilot.press("enter")
        await pilot.pause()

        (record,) = await asyncio.to_thread(publications, app.service)
        assert record.url in shown
        assert (await page.get(record.url)).status_code == 200

        # The PDF certificate, then the withdrawal (down to the last choice).
        pdf = tmp_path / "certificaat.pdf"
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(pdf)
        await pilot.press("enter")
        await settle(app, pilot)
        assert (await asyncio.to_thread(pdf.read_bytes)).startswith(b"%PDF-")

        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "down", "enter")
        await settle(app, pilot)
        assert (await page.get(record.url)).status_code == 200  # asked first
        await pilot.press("y")
        await settle(app, pilot)
        assert (await page.get(record.url)).status_code == 410
    await page.aclose()


async def test_the_baked_picture_never_replaces_a_file_unasked(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    """The picture's kind decides the suffix (``.png`` here, added to the name typed),
    and only a "yes" replaces a file already under that name."""
    unsigned = unsigned_badge(HOLDER_KEY.did, ISSUER_KEY, name="Gastvrijheid")
    unsigned["credentialSubject"]["achievement"]["image"] = {
        "id": data_uri(badge_png(20, seed=7)),
        "type": "Image",
    }
    credential = issue_credential(unsigned, ISSUER_KEY, created=NOW)
    WalletService(config, store).import_document(credential)
    store.close()
    typed = tmp_path / "gastvrijheid"
    target = tmp_path / "gastvrijheid.png"
    target.write_bytes(b"mijn eigen aantekeningen")
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#cards", OptionList).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)

        async def save(answer: str) -> None:
            await pilot.press("s")
            await settle(app, pilot)
            assert isinstance(app.screen, ShareDialog)
            choices = app.screen.query_one("#share-choices", OptionList)
            choices.highlighted = 3  # the baked picture
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, PathDialog)
            app.screen.query_one("#path", Input).value = str(typed)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmDialog)
            assert str(target) in str(app.screen.query_one(Static).render())
            await pilot.press(answer)
            await settle(app, pilot)
            assert isinstance(app.screen, DetailScreen)

        await save("escape")
        assert target.read_bytes() == b"mijn eigen aantekeningen"
        await save("y")
        baked = extract(await asyncio.to_thread(target.read_bytes))
        assert baked is not None
        assert baked.container == "png"
        assert json.loads(baked.text) == credential
        assert not typed.exists()
