"""The wallet shows badge pictures by URL: fetched from the real issuer app through the
guarded network, checked against the badge's digest, kept sealed in the wallet file."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path

import anyio.to_thread
import httpx

from issuer.api import create_app as issuer_app
from shared.digests import digest_multibase
from shared.runtime.sealing import FAST_KDF
from tests import sample_badges as sb
from tests.sample_images import badge_png, data_uri
from wallet.badge_images import badge_image
from wallet.data.store import WalletStore, wallet_file
from wallet.network import Network


async def test_pictures_by_url_are_checked_kept_sealed_and_shown_offline(tmp_path: Path) -> None:
    store = WalletStore.create(tmp_path / "w", "wachtwoord", kdf=FAST_KDF, now=sb.NOW)
    with sb.issuer_with_badges() as issuer:
        credential = sb.award(issuer, 2)
        app = issuer_app(issuer.settings, issuer=issuer, clock=lambda: sb.NOW)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as site:
                network = Network(transport=sb.Bridge(site), clock=lambda: sb.NOW)
                picture = await anyio.to_thread.run_sync(
                    lambda: badge_image(credential, store, network)
                )
                logo = await anyio.to_thread.run_sync(
                    lambda: badge_image(credential, store, network, logo=True)
                )
                swapped = copy.deepcopy(credential)
                swapped["relatedResource"][0]["digestMultibase"] = digest_multibase(b"x")
                swapped["credentialSubject"]["achievement"]["image"]["id"] += "?v=2"
                swapped["relatedResource"][0]["id"] = swapped["credentialSubject"]["achievement"][
                    "image"
                ]["id"]
                refused = await anyio.to_thread.run_sync(
                    lambda: badge_image(swapped, store, network)
                )
    assert picture is not None
    assert digest_multibase(picture) == credential["relatedResource"][0]["digestMultibase"]
    assert logo is not None
    assert logo != picture
    assert refused is None  # the bytes do not match the badge's digest: not shown
    # offline: the kept copy, and it is sealed (the picture's bytes are not in the file)
    assert badge_image(credential, store, None) == picture
    store.close()
    raw = sqlite3.connect(wallet_file(tmp_path / "w")).execute("SELECT blob FROM images")
    blobs = [bytes(row[0]) for row in raw]
    assert len(blobs) == 2
    assert all(picture[:64] not in blob for blob in blobs)


def test_data_uri_pictures_and_none(tmp_path: Path) -> None:
    store = WalletStore.create(tmp_path / "w", "wachtwoord", kdf=FAST_KDF, now=sb.NOW)
    png = badge_png(2, seed=9)
    badge = {"credentialSubject": {"achievement": {"image": {"id": data_uri(png)}}}}
    assert badge_image(badge, store, None) == png
    assert badge_image({"credentialSubject": {}}, store, None) is None
    not_image = {"credentialSubject": {"achievement": {"image": "data:image/png;base64,PGh0bWw+"}}}
    assert badge_image(not_image, store, None) is None
    store.close()
