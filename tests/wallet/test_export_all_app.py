"""The terminal app's "export all" (e on the badge list): a folder asked for, every badge
written, the result said in plain words; a folder already used asks before replacing."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_app import settle, unlock
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import ConfirmDialog, MessageDialog, PathDialog
from wallet.screens.badges import BadgesScreen
from wallet.service import WalletService


def _fill(config: WalletConfig, store: WalletStore) -> None:
    service = WalletService(config, store)
    for number, name in ((1, "Gastvrijheid"), (2, "Één zorgcompetentie")):
        [outcome] = service.import_document(
            make_credential(HOLDER_KEY.did, number=number, name=name)
        )
        assert outcome.accepted
    store.close()


def _text(app: WalletApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize(
    ("lang", "folder_name", "readme", "said"),
    [
        ("en", "Rugzak badges 2026-11-23", "README.txt", "2 badge(s) are in"),
        ("nl", "Rugzak-badges 2026-11-23", "LEESMIJ.txt", "2 badge(s) staan in"),
    ],
)
async def test_export_all_from_the_badge_list(
    config: WalletConfig,
    store: WalletStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    folder_name: str,
    readme: str,
    said: str,
) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    _fill(config, store)
    config.lang = lang
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        assert isinstance(app.screen, BadgesScreen)

        await pilot.press("e")
        await settle(app, pilot)  # the folder is asked for once the badges are read
        assert isinstance(app.screen, PathDialog)
        default = Path(app.screen.query_one("#path", Input).value)
        assert default == home / "Documents" / folder_name
        assert "index.json" in _text(app, ".prompt")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        message = " ".join(_text(app, "#message-text").split())
        assert said in message
        assert readme in message
        names = sorted(await asyncio.to_thread(os.listdir, default))
        assert names == sorted(
            [
                "Gastvrijheid - ROC Rivierenland - 2026-06-01.json",
                "Één zorgcompetentie - ROC Rivierenland - 2026-06-01.json",
                "index.json",
                readme,
            ]
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BadgesScreen)

        # the same folder again: asked before anything is replaced
        index = default / "index.json"
        await asyncio.to_thread(index.write_text, "{}")
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert str(default) in " ".join(_text(app, "#question").split())
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
        assert await asyncio.to_thread(index.read_text) == "{}"  # not replaced
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        assert json.loads(await asyncio.to_thread(index.read_text))["count"] == 2


async def test_no_documents_folder_means_the_home_folder(
    config: WalletConfig, store: WalletStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    _fill(config, store)
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.query_one("#path", Input).value == str(home / "Rugzak badges 2026-11-23")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BadgesScreen)
        assert not (home / "Rugzak badges 2026-11-23").exists()
