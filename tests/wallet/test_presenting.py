"""Presentations as QR codes: what the wallet draws decodes back to a verifying VP."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from textual.widgets import Static

from shared import qr
from shared.credentials import verify_presentation
from shared.errors import ErrorCode, InvalidInput, VerificationFailed
from shared.presentation_request import PresentationRequest
from shared.runtime.sealing import FAST_KDF
from shared.status_cache import LocalStatusSource
from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
from wallet.app import WalletApp
from wallet.presenting import (
    Presentation,
    png_bytes,
    svg_text,
    terminal_art,
    terminal_version,
)
from wallet.screens.qr import QRScreen
from wallet.service import WalletService

REQUEST = PresentationRequest.create(
    "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x44" * n
)


def present(
    service: WalletService, count: int, request: PresentationRequest | None
) -> Presentation:
    ids = []
    for number in range(1, count + 1):
        [outcome] = service.import_document(
            make_credential(HOLDER_KEY.did, number=number, status_index=number)
        )
        ids.append(outcome.local_id or "")
    return service.present(ids, request)


def art_to_png(art: str, scale: int = 6) -> bytes:
    """The half-block drawing as a picture: glyphs are light modules, blanks dark."""
    lines = art.split("\n")
    width = max(len(line) for line in lines)
    image = Image.new("L", (width, 2 * len(lines)), 0)
    top = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}
    for y, line in enumerate(lines):
        for x, glyph in enumerate(line.ljust(width)):
            upper, lower = top[glyph]
            image.putpixel((x, 2 * y), 255 * upper)
            image.putpixel((x, 2 * y + 1), 255 * lower)
    big = image.resize((width * scale, 2 * len(lines) * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    big.save(out, format="PNG")
    return out.getvalue()


def check(
    vp: dict[str, Any], request: PresentationRequest | None, local_status: LocalStatusSource
) -> None:
    result = verify_presentation(
        vp,
        challenge=request.challenge if request else None,
        domain=request.domain if request else None,
        now=NOW,
        status_fetcher=local_status,
    )
    assert result.errors == []
    assert all(inner.verified for inner in result.credentials)


def test_single_code_png_decodes_to_a_verifying_presentation(
    service: WalletService, local_status: LocalStatusSource
) -> None:
    presentation = present(service, 1, REQUEST)
    texts = presentation.qr_texts()
    assert len(texts) == 1
    payload = qr.decode(qr.read_qr_image(png_bytes(texts)))
    assert payload == presentation.payload()
    check(payload, REQUEST, local_status)


def test_many_parts_in_one_png_grid(
    service: WalletService, local_status: LocalStatusSource
) -> None:
    presentation = present(service, 3, REQUEST)
    texts = presentation.qr_texts(6)
    assert len(texts) > 4
    found = qr.read_qr_image(png_bytes(texts))
    assert sorted(found) == sorted(texts)
    check(qr.decode(found), REQUEST, local_status)


def test_svg_holds_every_part(service: WalletService) -> None:
    texts = present(service, 1, REQUEST).qr_texts(5)
    svg = svg_text(texts)
    assert svg.startswith("<?xml")
    assert svg.count("<svg") == len(texts) + 1  # one drawing per part inside the page


@pytest.mark.parametrize(
    ("columns", "rows", "expected"), [(80, 19, 4), (120, 45, 15), (300, 100, 15), (30, 10, 1)]
)
def test_terminal_version_fits_the_window(columns: int, rows: int, expected: int) -> None:
    assert terminal_version(columns, rows) == expected


async def test_terminal_codes_decode_to_a_verifying_presentation(
    service: WalletService, local_status: LocalStatusSource
) -> None:
    """Read every part off the 80x24 QR screen (as a camera would) and verify the VP."""
    presentation = present(service, 1, REQUEST)
    app = WalletApp(service.config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.service = service
        await app.push_screen(QRScreen(app.session, presentation))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QRScreen)
        total = len(screen.texts)
        assert total > 1
        seen: list[str] = []
        for _ in range(total):
            art = str(screen.query_one("#qr", Static).render())
            # The whole code, quiet zone included, is inside the window.
            assert len(art.split("\n")) <= screen.query_one("#qr-box").size.height
            seen.extend(qr.read_qr_image(art_to_png(art)))
            label = str(screen.query_one("#qr-part").render())
            assert f"of {total}" in label
            await pilot.press("right")
            await pilot.pause()
    assert len(set(seen)) == total
    vp = qr.decode(seen)
    assert vp == presentation.document
    check(vp, REQUEST, local_status)


def test_unbound_presentation_has_no_challenge(service: WalletService) -> None:
    presentation = present(service, 1, None)
    assert not presentation.bound
    assert "challenge" not in presentation.document["proof"]


def test_expired_request_is_refused(service: WalletService) -> None:
    old = PresentationRequest.create(
        "https://verify.example.nl", now=NOW.replace(hour=9), token_bytes=lambda n: b"\x01" * n
    )
    with pytest.raises(VerificationFailed) as caught:
        present(service, 1, old)
    assert caught.value.code == ErrorCode.nonce_expired


def test_nothing_picked_is_refused(service: WalletService) -> None:
    with pytest.raises(InvalidInput):
        service.present([], REQUEST)


def test_terminal_art_is_the_encoded_text() -> None:
    [text] = qr.encode({"hello": "wereld"}, max_version=10)
    art = terminal_art(text)
    assert qr.read_qr_image(art_to_png(art)) == [text]
    assert FAST_KDF.opslimit == 1
