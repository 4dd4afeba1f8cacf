"""The QR screen keeps to the verifier's part limit (``rugzak_max_qr_parts``, carried
by an OpenID4VP request into the offline fallback) and says so in plain words."""

from __future__ import annotations

import base64
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.widgets import Input, Label, Static

from shared import qr
from tests.wallet.helpers import HOLDER_KEY, make_credential
from wallet.app import WalletApp
from wallet.dialogs.common import ErrorDialog, PathDialog
from wallet.presenting import Presentation
from wallet.screens.qr import QRScreen
from wallet.service import WalletService


def one_badge(service: WalletService, max_parts: int | None) -> Presentation:
    [outcome] = service.import_document(make_credential(HOLDER_KEY.did, number=1))
    presentation = service.present([outcome.local_id or ""], None)
    return replace(presentation, max_parts=max_parts)


def incompressible(size: int, max_parts: int | None) -> Presentation:
    """A presentation-shaped document with ``size`` random bytes (a large photo)."""
    noise = random.Random(size).randbytes(size)
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER_KEY.did,
        "image": "data:image/png;base64," + base64.b64encode(noise).decode(),
    }
    return Presentation(document, None, (), max_parts)


async def show(app: WalletApp, pilot: Any, service: WalletService, shown: Presentation) -> QRScreen:
    app.service = service
    await app.push_screen(QRScreen(app.session, shown))
    await pilot.pause()
    assert isinstance(app.screen, QRScreen)
    return app.screen


def shown(screen: QRScreen) -> str:
    return str(screen.query_one("#qr", Static).render())


async def test_too_many_parts_for_the_verifier_at_80x24(
    service: WalletService, tmp_path: Path
) -> None:
    """At 80x24 one badge needs more codes than a limit of 2: a sentence, no codes;
    the PNG (larger codes) keeps to the limit."""
    presentation = one_badge(service, max_parts=2)
    assert len(presentation.qr_texts(5)) > 2
    app = WalletApp(service.config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show(app, pilot, service, presentation)
        assert screen.texts == []
        assert "more than 2 codes" in shown(screen)
        assert "█" not in shown(screen)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PathDialog)
        target = tmp_path / "gesprek.png"
        dialog.query_one("#path", Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        codes = qr.read_qr_image(target.read_bytes())
        assert 1 <= len(codes) <= 2
        assert qr.decode(codes) == presentation.document


async def test_a_larger_window_fits_the_limit(service: WalletService) -> None:
    presentation = one_badge(service, max_parts=2)
    app = WalletApp(service.config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(app, pilot, service, presentation)
        assert 1 <= len(screen.texts) <= 2
        assert "█" in shown(screen)
        assert qr.decode(screen.texts) == presentation.document


async def test_nothing_fits_the_limit_says_so_and_save_explains(service: WalletService) -> None:
    """Even version 40 needs more than one code: a plain sentence on the screen, and
    the PNG save answers with an error dialog, not a traceback."""
    presentation = incompressible(6000, max_parts=1)
    app = WalletApp(service.config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await show(app, pilot, service, presentation)
        assert "limit of 1 QR codes, not even in a PNG" in shown(screen)
        await pilot.press("s", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert dialog.error.code == "payload_too_large"


async def test_too_large_for_any_qr_code_is_a_sentence_not_a_crash(
    service: WalletService,
) -> None:
    """No limit from a verifier, but more than 999 parts at 80x24 (a large photo)."""
    presentation = incompressible(120_000, max_parts=None)
    app = WalletApp(service.config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show(app, pilot, service, presentation)
        assert "too large for QR codes" in shown(screen)
        await pilot.press("right", "space")  # no codes to step through: nothing breaks
        await pilot.pause()
        assert app.screen is screen


async def test_more_codes_than_anyone_scans_says_so(service: WalletService) -> None:
    """Without a verifier's limit a badge with a large embedded picture still gets its
    codes, and the line under them tells the learner nobody will scan that many; a
    usual badge's few codes get no such line."""
    app = WalletApp(service.config)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await show(app, pilot, service, incompressible(12_000, None))
        assert len(screen.texts) > 20
        assert "too many to scan" in str(screen.query_one("#qr-part", Label).render())
        await app.pop_screen()
        screen = await show(app, pilot, service, one_badge(service, max_parts=None))
        assert 1 <= len(screen.texts) <= 20
        assert "too many to scan" not in str(screen.query_one("#qr-part", Label).render())
