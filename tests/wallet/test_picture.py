"""Badge pictures in the detail screen: drawn in half blocks when the badge has one that
decodes, left out (never an error) when it has none, is damaged, swapped or too large."""

from __future__ import annotations

import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich_pixels import Pixels
from textual.widgets import Static

from shared.credentials import issue_credential
from shared.digests import digest_multibase
from shared.runtime.sealing import FAST_KDF
from tests import sample_badges as sb
from tests.factories import unsigned_badge
from tests.sample_images import badge_png, data_uri
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY, NOW, make_credential
from tests.wallet.test_app import open_first_badge
from wallet.app import WalletApp
from wallet.badge_images import badge_image
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.picture import (
    MAX_COLUMNS,
    MAX_PICTURE_BYTES,
    MAX_ROWS,
    SHORT_ROWS,
    half_blocks,
    picture_rows,
)


def _with_picture(png: bytes) -> dict[str, Any]:
    badge = unsigned_badge(
        HOLDER_KEY.did,
        ISSUER_KEY,
        name="Gastvrijheid, niveau 3",
        issuer_name="ROC Rivierenland",
        credential_id="urn:uuid:6b1f7a9e-0000-4000-8000-000000000099",
    )
    badge["credentialSubject"]["achievement"]["image"] = {"id": data_uri(png), "type": "Image"}
    return issue_credential(
        badge, ISSUER_KEY, cryptosuite="eddsa-rdfc-2022", created=NOW - timedelta(days=30)
    )


def _cells(pixels: Pixels) -> tuple[int, int]:
    console = Console(width=200, color_system="truecolor", record=True)
    lines = console.render_lines(pixels, console.options, pad=False)
    return len(lines), max(sum(len(s.text) for s in line) for line in lines)


def test_a_realistic_picture_fits_the_box_in_half_blocks() -> None:
    png = badge_png(40, seed=3)  # about 40 KB, square
    pixels = half_blocks(png)
    assert pixels is not None
    rows, columns = _cells(pixels)
    assert (rows, columns) == (MAX_ROWS, MAX_COLUMNS)
    text = Console(width=80, record=True, color_system="truecolor")
    text.print(pixels)
    assert "▄" in text.export_text() or "▀" in text.export_text()


def test_a_short_window_gets_a_smaller_picture() -> None:
    """At 80x24 a picture of MAX_ROWS left too little room for the badge's text."""
    assert picture_rows(24) == SHORT_ROWS < MAX_ROWS == picture_rows(40)
    pixels = half_blocks(badge_png(40, seed=3), rows=SHORT_ROWS)
    assert pixels is not None
    assert _cells(pixels)[0] == SHORT_ROWS


def test_bad_oversize_and_non_raster_pictures_are_none() -> None:
    png = badge_png(2, seed=4)
    assert half_blocks(b"") is None
    assert half_blocks(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) is None  # damaged PNG
    assert half_blocks(png[: len(png) // 2]) is None  # cut off
    assert half_blocks(b'<svg xmlns="http://www.w3.org/2000/svg"/>') is None
    assert half_blocks(png + b"\x00" * MAX_PICTURE_BYTES) is None  # over the size limit


def test_loader_data_uri_bad_data_and_swapped_picture(tmp_path: Path) -> None:
    store = WalletStore.create(tmp_path / "w", "wachtwoord", kdf=FAST_KDF, now=sb.NOW)
    png = badge_png(20, seed=5)
    badge = {"credentialSubject": {"achievement": {"image": {"id": data_uri(png)}}}}
    assert badge_image(badge, store, None) == png
    broken = copy.deepcopy(badge)
    broken["credentialSubject"]["achievement"]["image"]["id"] = "data:image/png;base64,!!!"
    assert badge_image(broken, store, None) is None
    # a kept copy whose bytes do not match the badge's digest is not shown
    url = "https://roc.example.nl/images/gastvrijheid.png"
    store.keep_image(url, png)
    by_url: dict[str, Any] = {
        "credentialSubject": {"achievement": {"image": {"id": url}}},
        "relatedResource": [{"id": url, "digestMultibase": digest_multibase(b"other")}],
    }
    assert badge_image(by_url, store, None) is None
    by_url["relatedResource"][0]["digestMultibase"] = digest_multibase(png)
    assert badge_image(by_url, store, None) == png
    store.close()


async def _picture_shown(
    config: WalletConfig, store: WalletStore, credential: dict[str, Any]
) -> bool:
    from wallet.service import WalletService

    WalletService(config, store).import_document(credential)
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_badge(app, pilot)
        picture = app.screen.query_one("#badge-picture", Static)
        return bool(picture.display) and isinstance(picture.content, Pixels)


async def test_detail_shows_the_badge_picture(config: WalletConfig, store: WalletStore) -> None:
    assert await _picture_shown(config, store, _with_picture(badge_png(20, seed=6)))


async def test_detail_without_a_picture_shows_none(
    config: WalletConfig, store: WalletStore
) -> None:
    assert not await _picture_shown(config, store, make_credential(HOLDER_KEY.did))
