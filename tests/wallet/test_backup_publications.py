"""A backup keeps the learner's public links: after a restore on a new machine the
list shows them and the restored wallet can still withdraw them (proved with the
holder key, which the backup carries too)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import httpx

from shared.runtime.sealing import FAST_KDF
from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_share_screen import VERIFIER, Blocking
from tests.wallet.test_share_screen import verifier as verifier  # the fixture
from wallet.config import WalletConfig
from wallet.data.backup import read_backup, restore_backup
from wallet.data.store import WalletStore
from wallet.service import WalletService
from wallet.sharing import publications, publish, withdraw


async def test_restored_wallet_keeps_and_withdraws_its_public_links(
    config: WalletConfig, store: WalletStore, verifier: Any, tmp_path: Path
) -> None:
    online = replace(config, transport=Blocking(verifier))
    service = WalletService(online, store)
    (outcome,) = service.import_document(make_credential(HOLDER_KEY.did, number=1))
    published = await anyio.to_thread.run_sync(
        lambda: publish(service, VERIFIER, [outcome.local_id])
    )
    path = tmp_path / "backup.json"
    service.backup(path, "backup pass")
    assert VERIFIER not in path.read_text()  # the links are sealed like the badges
    assert read_backup(path, "backup pass").publications[0]["url"] == published.url
    store.close()

    fresh_dir = tmp_path / "new-laptop"
    restored_store = restore_backup(path, "backup pass", fresh_dir, kdf=FAST_KDF)
    restored = WalletService(replace(online, data_dir=fresh_dir), restored_store)
    (kept,) = publications(restored)
    assert kept.url == published.url
    assert kept.credential_ids == (outcome.local_id,)

    done = await anyio.to_thread.run_sync(lambda: withdraw(restored, kept.id))
    assert done is not None
    assert done.withdrawn
    transport = httpx.ASGITransport(app=verifier)
    async with httpx.AsyncClient(transport=transport, base_url=VERIFIER) as client:
        assert (await client.get(published.url)).status_code == 410
    restored_store.close()


def test_a_backup_from_before_public_links_still_restores(
    service: WalletService, tmp_path: Path
) -> None:
    """A version 2 backup without ``publications`` (as Rugzak wrote them before)."""
    service.import_document(make_credential(HOLDER_KEY.did, number=1))
    path = tmp_path / "backup.json"
    service.backup(path, "backup pass")
    document = json.loads(path.read_text())
    assert document["version"] == 2
    contents = read_backup(path, "backup pass")
    assert contents.publications == ()
    restored = restore_backup(path, "backup pass", tmp_path / "fresh", kdf=FAST_KDF)
    assert len(restored.cards()) == 1
    assert restored.publications() == []
    restored.close()
