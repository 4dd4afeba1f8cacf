"""The badge screen in the real app: what its status line says, what comes first at
80x24, and where export and share offer to write a badge's files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Input, Markdown, Static

from shared.credentials import issue_credential
from tests.factories import status_entry, unsigned_badge
from tests.sample_images import badge_png, data_uri
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY, NOW, STATUS_URL, make_credential
from tests.wallet.test_app import settle, unlock
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import PathDialog
from wallet.file_names import card_stem
from wallet.picture import picture_rows
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
        head = screen.query_one("#detail-head", Markdown).source
        body = screen.query_one("#detail", Markdown).source
        assert head.count(sentence) == 1
        assert sentence not in body


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


def _pictured(name: str, *, status_index: int) -> dict[str, Any]:
    """A badge with a square picture in it, as an issuer's badge with an image looks."""
    badge = unsigned_badge(
        HOLDER_KEY.did,
        ISSUER_KEY,
        name=name,
        issuer_name="Stichting Leerhuis IJsselvallei",
        description=f"{name}: aangetoond in de praktijk tijdens een leerwerktraject.",
        credential_id="urn:uuid:6b1f7a9e-0000-4000-8000-000000000077",
        results=["3"],
        status=[status_entry(STATUS_URL, status_index)],
    )
    badge["credentialSubject"]["achievement"]["image"] = {
        "id": data_uri(badge_png(30, seed=4)),
        "type": "Image",
    }
    return issue_credential(
        badge, ISSUER_KEY, cryptosuite="eddsa-rdfc-2022", created=NOW - timedelta(days=30)
    )


def _screen_lines(app: WalletApp) -> list[str]:
    """The screen as the terminal shows it, one string a row."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()[:height]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_name_status_and_reason_come_before_the_picture(
    config: WalletConfig, store: WalletStore, lang: str, size: tuple[int, int]
) -> None:
    """At 80x24 ten rows of picture came first and pushed the reason to the fold."""
    name = "Digitale vaardigheden op de werkvloer"
    [outcome] = WalletService(config, store).import_document(_pictured(name, status_index=42))
    assert outcome.card is not None
    assert outcome.card.status_code == "revoked"
    store.close()
    config.lang = lang
    app = WalletApp(config)
    async with app.run_test(size=size) as pilot:
        screen = await _open_badge(app, pilot)
        await settle(app, pilot)
        assert screen.query_one("#badge-picture").display  # the picture is shown
        lines = _screen_lines(app)
        footer = len(lines) - 1  # the last row is the key bar

        def row(text: str) -> int:
            found = [n for n, line in enumerate(lines) if text in line]
            assert found, f"{text!r} is not on the screen:\n" + "\n".join(lines)
            return found[0]

        reason = row(screen.t.code_sentence("revoked", ""))
        assert row(name) < reason < footer
        assert row(screen.t.status("revoked")) < reason
        # the picture's rows start at the left edge (the scroll bar's are at the right)
        picture = [n for n, line in enumerate(lines) if line[:2] in (" ▄", " ▀")]
        assert reason < picture[0]
        assert len(picture) == picture_rows(size[1])  # smaller at 80x24
