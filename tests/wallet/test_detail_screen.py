"""The badge screen in the real app: what its status line says, and where export and
share offer to write a badge's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Markdown, Static

from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_app import settle, unlock
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import PathDialog
from wallet.file_names import card_stem
from wallet.screens.detail import DetailScreen
from wallet.service import WalletService


async def _open_badge(app: WalletApp, pilot: object) -> DetailScreen:
    await unlock(app, pilot)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert isinstance(app.screen, DetailScreen)
    return app.screen


async def test_the_reason_is_said_once_and_the_status_line_stays_short(
    config: WalletConfig, store: WalletStore
) -> None:
    """At 80x24 the status line took 5 rows to say the reason the text says again."""
    [outcome] = WalletService(config, store).import_document(
        make_credential(HOLDER_KEY.did, status_index=42)  # revoked
    )
    assert outcome.card is not None
    assert outcome.card.status_code == "revoked"
    store.close()
    config.lang = "nl"
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_badge(app, pilot)
        sentence = screen.t.code_sentence("revoked", "")
        assert sentence
        banner = str(screen.query_one("#badge-status", Static).render())
        assert sentence not in banner
        assert "ingetrokken" in banner
        assert screen.query_one("#badge-status").size.height <= 2
        body = screen.query_one("#detail", Markdown).source
        assert body.count(sentence) == 1


async def test_export_and_share_offer_the_badges_own_file_name(
    config: WalletConfig, store: WalletStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One name for a badge's files (``wallet.file_names``): not ``badge-<wallet id>``."""
    monkeypatch.chdir(tmp_path)
    [outcome] = WalletService(config, store).import_document(make_credential(HOLDER_KEY.did))
    assert outcome.card is not None
    stem = card_stem(outcome.card)
    assert stem.startswith(outcome.card.name)
    store.close()
    config.lang = "nl"
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_badge(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        assert "credential" not in app.screen.prompt
        assert app.screen.query_one("#path", Input).value == str(tmp_path / f"{stem}.json")
        await pilot.press("escape")
        await pilot.pause()
        screen._share_chosen("certificate")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        assert app.screen.query_one("#path", Input).value == str(tmp_path / f"{stem}.pdf")
