"""Snapshot of every screen and dialog, in English and in Dutch (80x24 unless noted).

Deterministic: fixed clock, keys and randomness, the fast KDF, relative paths and a
fixed HOME so no machine detail reaches the pictures.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, SelectionList

from shared.errors import ErrorCode, InvalidInput
from shared.presentation_request import PresentationRequest
from shared.runtime.sealing import FAST_KDF
from tests.factories import level_badge
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import (
    HOLDER_KEY,
    ISSUER_KEY,
    NOW,
    OTHER_KEY,
    fixed_clock,
    make_credential,
    seeded_rng,
)
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import ErrorDialog
from wallet.service import WalletService

LANGS = pytest.mark.parametrize("lang", ["en", "nl"])
REQUEST = PresentationRequest.create(
    "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x33" * n
)
Snap = Callable[..., bool]


@pytest.fixture
def snap_config(
    config: WalletConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> WalletConfig:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", "/home/learner")
    return replace(config, data_dir=Path("wallet"))


@pytest.fixture
def filled(snap_config: WalletConfig) -> WalletConfig:
    """A wallet with a valid, a revoked and an expired badge, and (the oldest, last in
    the list) a skill level badge."""
    store = WalletStore.create(
        snap_config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=NOW, rng=seeded_rng()
    )
    service = WalletService(snap_config, store)
    service.import_document(level_badge(HOLDER_KEY.did, ISSUER_KEY, skill="samenwerken", level=3))
    service.import_document(make_credential(HOLDER_KEY.did, number=1, status_index=7))
    service.import_document(
        make_credential(HOLDER_KEY.did, number=2, name="Samenwerken, niveau 3", status_index=42)
    )
    service.import_document(
        make_credential(
            HOLDER_KEY.did,
            number=3,
            name="Excel voor gevorderden",
            valid_until=datetime(2026, 9, 1, tzinfo=UTC),
            issuer_name="Digitale Academie",
        )
    )
    store.close()
    return snap_config


def app_for(config: WalletConfig, lang: str) -> WalletApp:
    return WalletApp(replace(config, lang=lang, clock=fixed_clock))


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def unlock(pilot: Pilot[Any]) -> None:
    pilot.app.screen.query_one("#passphrase", Input).value = PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)


@LANGS
def test_welcome(snap_compare: Snap, snap_config: WalletConfig, lang: str) -> None:
    assert snap_compare(app_for(snap_config, lang))


@LANGS
def test_unlock_wrong_passphrase(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#passphrase", Input).value = "wrong one"
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_badges(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    assert snap_compare(app_for(filled, lang), run_before=unlock)


def test_badges_wide_window(snap_compare: Snap, filled: WalletConfig) -> None:
    assert snap_compare(app_for(filled, "en"), run_before=unlock, terminal_size=(140, 40))


@LANGS
def test_badges_search_and_filter(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("f", "f", "f")  # all -> valid -> unknown -> expired
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_detail(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_detail_raw_json(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j")
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_receive_result(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("i")
        await pilot.pause()
        batch = [
            make_credential(HOLDER_KEY.did, number=4, name="Presenteren", status_index=42),
            make_credential(OTHER_KEY.did, number=5, name="Iemand anders"),
            make_credential(HOLDER_KEY.did, number=1, status_index=7),
        ]
        await asyncio.to_thread(Path("batch.json").write_text, json.dumps(batch))
        pilot.app.screen.query_one("#source", Input).value = "batch.json"
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app_for(filled, lang), run_before=run, terminal_size=(100, 40))


@LANGS
def test_present(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("p")
        await pilot.pause()
        pilot.app.screen.query_one("#request", Input).value = REQUEST.to_short_text()
        pilot.app.screen.query_one("#picks", SelectionList).focus()
        await pilot.press("space")
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_qr(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("p")
        await pilot.pause()
        pilot.app.screen.query_one("#request", Input).value = REQUEST.to_short_text()
        pilot.app.screen.query_one("#picks", SelectionList).focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_qr_unbound(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("p")
        await pilot.pause()
        pilot.app.screen.query_one("#picks", SelectionList).focus()
        await pilot.press("space", "ctrl+n")
        await settle(pilot)

    assert snap_compare(app_for(filled, lang), run_before=run, terminal_size=(120, 50))


@LANGS
def test_help(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_backup_dialog(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("b")
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_export_all_dialog(
    snap_compare: Snap, filled: WalletConfig, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)  # the fixed HOME's folder

    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_restore_dialog(snap_compare: Snap, snap_config: WalletConfig, lang: str) -> None:
    assert snap_compare(app_for(snap_config, lang), press=["ctrl+r"])


@LANGS
def test_did_dialog(snap_compare: Snap, filled: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(app_for(filled, lang), run_before=run)


@LANGS
def test_error_dialog(snap_compare: Snap, snap_config: WalletConfig, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, WalletApp)
        app.push_screen(
            ErrorDialog(
                app.t, InvalidInput("The wallet file is damaged.", code=ErrorCode.wallet_corrupt)
            )
        )
        await pilot.pause()

    assert snap_compare(app_for(snap_config, lang), run_before=run)
