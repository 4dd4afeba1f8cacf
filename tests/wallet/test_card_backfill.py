"""Cards kept before they held the badge's results get them, once, safely.

``tests/fixtures/wallet-cards-v1`` is a wallet written by the code from before (see
its ``make_wallet.py``): "Samenwerken" at level 2 (2025) and level 3 (2026), and a
badge without a result. Its cards have no results; the wallet reads them from the
badges once (on unlock in the app, before ``list`` in the CLI), in one transaction.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList
from typer.testing import CliRunner

from tests.wallet.test_app import settle, type_into
from wallet.app import WalletApp
from wallet.cli import make_cli
from wallet.config import WalletConfig
from wallet.data.cards import Card, Status
from wallet.data.store import WalletStore
from wallet.service import WalletService

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "wallet-cards-v1"
PASSPHRASE = "wachtzin van Sanne"
LINES = {
    "urn:uuid:2b6a0c1e-0000-4000-8000-000000002025": ["Niveau 2 van 4 — Op weg"],
    "urn:uuid:2b6a0c1e-0000-4000-8000-000000002026": ["Niveau 3 van 4 — Zelfstandig"],
    "urn:uuid:2b6a0c1e-0000-4000-8000-000000000001": [],
}


@pytest.fixture
def old_config(config: WalletConfig, tmp_path: Path) -> WalletConfig:
    folder = tmp_path / "old-wallet"
    folder.mkdir()
    shutil.copy(OLD / "wallet.sqlite3", folder / "wallet.sqlite3")
    return replace(config, data_dir=folder, lang="nl")


def opened(config: WalletConfig) -> WalletService:
    return WalletService(config, WalletStore.unlock(config.data_dir, PASSPHRASE))


def lines(cards: list[Card]) -> dict[str | None, list[str] | None]:
    return {c.credential_id: None if c.results is None else c.result_lines("nl") for c in cards}


def damage(config: WalletConfig, column: str, local_id: str) -> None:
    with sqlite3.connect(config.data_dir / "wallet.sqlite3") as conn:
        sql = f"SELECT {column} FROM credentials WHERE id = ?"
        blob = bytearray(conn.execute(sql, (local_id,)).fetchone()[0])
        blob[-1] ^= 1
        sql = f"UPDATE credentials SET {column} = ? WHERE id = ?"
        conn.execute(sql, (bytes(blob), local_id))


def test_old_cards_get_their_results_once(old_config: WalletConfig) -> None:
    service = opened(old_config)
    try:
        before = service.store.cards()
        assert [c.results for c in before] == [None, None, None]
        assert service.complete_cards() == 3
        after = service.store.cards()
        assert lines(after) == LINES
        # nothing else of a card changed
        assert [replace(c, results=None) for c in after] == before
        assert service.complete_cards() == 0
    finally:
        service.store.close()
    again = opened(old_config)  # kept in the file
    try:
        assert lines(again.store.cards()) == LINES
    finally:
        again.store.close()


def test_a_damaged_row_is_passed_over_and_locks_nothing(old_config: WalletConfig) -> None:
    service = opened(old_config)
    first, second, third = (c.id for c in service.store.cards())
    service.store.close()
    damage(old_config, "body", first)  # its card reads; its badge does not
    damage(old_config, "card", third)  # its card does not read
    service = opened(old_config)
    try:
        assert service.complete_cards() == 1
        assert lines(service.store.cards()) == {
            "urn:uuid:2b6a0c1e-0000-4000-8000-000000002025": None,  # tried again next time
            "urn:uuid:2b6a0c1e-0000-4000-8000-000000002026": ["Niveau 3 van 4 — Zelfstandig"],
        }
        assert service.store.damaged_ids == (third,)
        assert [c.id for c in service.cards()] == [first, second]
    finally:
        service.store.close()


def test_the_backfill_is_all_or_nothing(
    old_config: WalletConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped while writing (here a full disk), no card has changed; the next unlock
    tries again."""
    service = opened(old_config)
    store = service.store
    sealed: list[str] = []
    real = store._seal_json

    def seal_then_fail(value: Any, label: str) -> bytes:
        sealed.append(label)
        if len(sealed) == 2:
            raise sqlite3.OperationalError("database or disk is full")
        return real(value, label)

    monkeypatch.setattr(store, "_seal_json", seal_then_fail)
    try:
        assert service.complete_cards() == 0
        assert len(sealed) == 2  # the first card was written, in the transaction
        monkeypatch.undo()
        assert [c.results for c in store.cards()] == [None, None, None]
        assert service.complete_cards() == 3
    finally:
        store.close()


def test_a_status_checked_meanwhile_is_kept(
    old_config: WalletConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backfill reads the badges, then writes each card as it is in the file then:
    a status check that updated a card in between is not undone."""
    service = opened(old_config)
    store = service.store
    first = store.cards()[0]
    real_get = store.get

    def get_while_checking(local_id: str) -> Any:
        if local_id == first.id:  # the status check of the unlock, at the same moment
            store.update_card(first.with_check(Status.revoked, "revoked", "2026-11-28T09:00"))
        return real_get(local_id)

    monkeypatch.setattr(store, "get", get_while_checking)
    try:
        assert service.complete_cards() == 3
        card = store.cards()[0]
        assert (card.status, card.checked_at) == (Status.revoked, "2026-11-28T09:00")
        assert card.result_lines("nl") == ["Niveau 2 van 4 — Op weg"]
    finally:
        store.close()


async def test_the_app_shows_the_levels_of_an_old_wallet(old_config: WalletConfig) -> None:
    app = WalletApp(old_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        cards = app.screen.query_one("#cards", OptionList)
        text = "\n".join(cards.render_line(y).text for y in range(9))
        assert "Niveau 3 van 4 — Zelfstandig" in text
        assert "Niveau 2 van 4 — Op weg" in text


def test_the_cli_list_finds_an_old_badge_by_its_level(old_config: WalletConfig) -> None:
    env = {"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "nl_NL.UTF-8"}
    result = CliRunner().invoke(
        make_cli(old_config), ["list", "--search", "niveau 3", "--json"], env=env
    )
    assert result.exit_code == 0, result.stderr
    (found,) = json.loads(result.stdout)
    assert found["credential_id"] == "urn:uuid:2b6a0c1e-0000-4000-8000-000000002026"
