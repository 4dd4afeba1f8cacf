"""The QR screen's key ``l``: the learner takes the issuers' status lists along, or not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Label, SelectionList

from shared import qr
from shared.status_staple import is_stapled
from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_app import settle, type_into, unlock
from tests.wallet.test_stapling import REQUEST
from wallet.app import WalletApp
from wallet.config import StapleMode, WalletConfig
from wallet.data.store import WalletStore
from wallet.screens import qr as qr_screen
from wallet.screens.qr import QRScreen
from wallet.service import WalletService

LINES = {
    "en": {
        "in": "Status lists included ({codes}) · l: leave out",
        "out": "Status lists left out ({codes}) · l: include",
        "none": "No status lists kept yet: check the badges first (r)",
    },
    "nl": {
        "in": "Statuslijsten gaan mee ({codes}) · l: weglaten",
        "out": "Statuslijsten weggelaten ({codes}) · l: meesturen",
        "none": "Geen statuslijsten bewaard: controleer eerst (r)",
    },
}


def _receive(config: WalletConfig, store: WalletStore) -> None:
    WalletService(config, store).import_document(
        make_credential(HOLDER_KEY.did, number=1, status_index=7)
    )
    store.close()


async def _qr_screen(app: WalletApp, pilot: Any) -> QRScreen:
    await unlock(app, pilot)
    await pilot.press("p")
    await pilot.pause()
    await type_into(pilot, app.screen.query_one("#request", Input), REQUEST.to_short_text())
    app.screen.query_one("#picks", SelectionList).focus()
    await pilot.press("space", "ctrl+s")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, QRScreen)
    return screen


def _line(screen: QRScreen) -> str:
    return str(screen.query_one("#qr-part", Label).render())


def _codes(count: int) -> str:
    return "1 code" if count == 1 else f"{count} codes"


def _stapled(screen: QRScreen) -> bool:
    """Whether the codes drawn now, decoded, carry the status lists."""
    return is_stapled(qr.decode(screen.texts))


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_l_takes_the_lists_along_and_leaves_them_out_again(
    config: WalletConfig, store: WalletStore, lang: str, size: tuple[int, int]
) -> None:
    _receive(config, store)
    app = WalletApp(replace(config, lang=lang))
    lines = LINES[lang]
    async with app.run_test(size=size) as pilot:
        screen = await _qr_screen(app, pilot)
        # auto at 80x24 (v5 codes): the list takes one more code, so it is left out;
        # at 120x40 (v15) it fits as many codes, so it goes along
        start = _stapled(screen)
        assert start is (size == (120, 40))
        first = len(screen.texts)
        assert lines["in" if start else "out"].format(codes=_codes(first)) in _line(screen)
        assert "--staple" not in _line(screen)

        await pilot.press("l")
        await pilot.pause()
        assert _stapled(screen) is not start
        then = len(screen.texts)
        assert lines["out" if start else "in"].format(codes=_codes(then)) in _line(screen)
        assert (then <= first) if start else (then > first)
        assert screen.index == 0

        await pilot.press("l")
        await pilot.pause()
        assert _stapled(screen) is start
        assert lines["in" if start else "out"].format(codes=_codes(first)) in _line(screen)


async def test_never_is_where_the_screen_starts_and_l_still_includes(
    config: WalletConfig, store: WalletStore
) -> None:
    _receive(config, store)
    app = WalletApp(replace(config, staple=StapleMode.never))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _qr_screen(app, pilot)
        assert not _stapled(screen)
        await pilot.press("l")
        await pilot.pause()
        assert _stapled(screen)
        assert "Status lists included" in _line(screen)


async def test_always_starts_with_the_lists(config: WalletConfig, store: WalletStore) -> None:
    _receive(config, store)
    app = WalletApp(replace(config, staple=StapleMode.always))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _qr_screen(app, pilot)
        assert _stapled(screen)
        assert "Status lists included" in _line(screen)
        await pilot.press("l")
        await pilot.pause()
        assert not _stapled(screen)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_with_no_kept_list_l_does_nothing_and_the_line_says_so(
    config: WalletConfig, store: WalletStore, lang: str
) -> None:
    # the issuer's list cannot be fetched (on receipt, nor when the wallet opens)
    offline = replace(config, transport=httpx.MockTransport(lambda _: httpx.Response(404)))
    _receive(offline, store)
    app = WalletApp(replace(offline, lang=lang, staple=StapleMode.always))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _qr_screen(app, pilot)
        before = list(screen.texts)
        assert LINES[lang]["none"] in _line(screen)
        await pilot.press("l")
        await pilot.pause()
        assert screen.texts == before
        assert not _stapled(screen)
        assert LINES[lang]["none"] in _line(screen)


@pytest.mark.parametrize("press", [False, True])
async def test_a_saved_png_carries_what_the_screen_shows(
    config: WalletConfig,
    store: WalletStore,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    press: bool,
) -> None:
    saved: list[list[str]] = []
    monkeypatch.setattr(qr_screen, "save_png", lambda texts, path: saved.append(texts))
    _receive(config, store)
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _qr_screen(app, pilot)
        if press:
            await pilot.press("l")
            await pilot.pause()
        shown = _stapled(screen)
        assert shown is press
        screen._save("png", tmp_path / "vp.png")
        await settle(app, pilot)
    # at file size (v25) ``auto`` would staple this one badge: the screen's choice wins
    [texts] = saved
    assert is_stapled(qr.decode(texts)) is shown


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_help_names_the_key_and_never_the_option(lang: str) -> None:
    from wallet.i18n import Translator

    text = Translator(lang)("help.text")
    assert "| l |" in text
    assert "--staple" not in text


async def test_over_the_verifiers_limit_l_can_leave_the_lists_out(
    config: WalletConfig, store: WalletStore
) -> None:
    """The sentence in place of the codes keeps the line: leaving the lists out may be
    what makes the codes fit the verifier's part limit (the OpenID4VP fallback)."""
    from wallet.screens.qr import QRScreen

    service = WalletService(config, store)
    [outcome] = service.import_document(make_credential(HOLDER_KEY.did, number=1, status_index=7))
    always = service.present([outcome.local_id or ""], None, staple=StapleMode.always)
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.service = service
        await app.push_screen(QRScreen(app.session, always))
        await pilot.pause()
        assert isinstance(app.screen, QRScreen)
        version = app.screen.version
        assert version is not None
        # a limit the codes fit without the list, not with it
        limit = len(always.with_lists(False).qr_texts(version))
        assert len(always.qr_texts(version)) > limit
        app.pop_screen()
        await app.push_screen(QRScreen(app.session, replace(always, max_parts=limit)))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QRScreen)
        assert screen.texts == []
        assert f"{limit} codes" in str(screen.query_one("#qr").render())
        with_lists = len(always.qr_texts(version))
        assert f"Status lists included ({_codes(with_lists)}) · l: leave out" in _line(screen)
        await pilot.press("l")
        await pilot.pause()
        assert len(screen.texts) == limit
        assert not _stapled(screen)
        assert f"Status lists left out ({_codes(limit)}) · l: include" in _line(screen)
