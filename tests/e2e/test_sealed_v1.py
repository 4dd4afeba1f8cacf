"""Sealing under a passphrase: one implementation, and what the old code sealed opens.

``tests/fixtures/sealed-v1`` holds files written by the code before sealing moved to
``shared.runtime.sealing`` (issuer ``vault.seal_seed`` with kdf "min"; an empty wallet
and its backup made with ``FAST_KDF``): existing issuer keys and wallets must open.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from issuer.vault import open_seed, seal_seed
from shared.errors import AccessDenied, ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.runtime.sealing import FAST_KDF, Box, derive_key, new_salt, seal, unseal
from wallet.data.backup import read_backup, write_backup
from wallet.data.store import WalletStore

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "sealed-v1"
ISSUER_PASS = "sleutel van het Leerhuis"
WALLET_PASS = "wachtwoord van Sanne"
BACKUP_PASS = "reservekopie van Sanne"
HOLDER = SigningKey.from_seed(bytes(range(32, 64)))


def test_an_issuer_key_sealed_by_the_old_code_opens() -> None:
    blob = (OLD / "issuer-seed.json").read_text("utf-8")
    assert open_seed(blob, ISSUER_PASS) == bytes(range(32))
    with pytest.raises(AccessDenied) as caught:
        open_seed(blob, "niet de sleutel")
    assert caught.value.code == ErrorCode.wrong_passphrase


def test_the_issuer_format_is_unchanged() -> None:
    blob = json.loads(seal_seed(bytes(range(32)), ISSUER_PASS, kdf="min"))
    old = json.loads((OLD / "issuer-seed.json").read_text("utf-8"))
    assert set(blob) == set(old) == {"v", "kdf", "ops", "mem", "salt", "box"}
    assert (blob["v"], blob["kdf"], blob["ops"], blob["mem"]) == (1, "argon2id", 1, 8192)


def test_a_wallet_made_by_the_old_code_unlocks(tmp_path: Path) -> None:
    folder = tmp_path / "wallet"
    folder.mkdir()
    shutil.copy(OLD / "wallet.sqlite3", folder / "wallet.sqlite3")
    store = WalletStore.unlock(folder, WALLET_PASS)
    try:
        assert store.did == HOLDER.did
    finally:
        store.close()
    with pytest.raises(AccessDenied):
        WalletStore.unlock(folder, "verkeerd wachtwoord")


def test_a_backup_made_by_the_old_code_opens_and_a_new_one_round_trips(tmp_path: Path) -> None:
    old = read_backup(OLD / "backup.json", BACKUP_PASS)
    assert (old.holder.did, old.items) == (HOLDER.did, [])
    store = WalletStore.create(tmp_path / "w", WALLET_PASS, kdf=FAST_KDF, holder=HOLDER)
    try:
        now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
        write_backup(store, tmp_path / "new.json", BACKUP_PASS, kdf=FAST_KDF, now=now)
    finally:
        store.close()
    assert read_backup(tmp_path / "new.json", BACKUP_PASS).holder.did == HOLDER.did


def test_seal_and_box_refuse_damage_and_other_labels() -> None:
    sealed = seal(b"geheim", "passphrase van Jan", FAST_KDF)
    assert unseal(sealed, "passphrase van Jan", corrupt=ErrorCode.malformed_key, wrong="no") == (
        b"geheim"
    )
    greedy = {**sealed, "mem": 64 * 1024 * 1024 * 1024}  # a crafted cost: refused, not run
    with pytest.raises(InvalidInput) as caught:
        unseal(greedy, "passphrase van Jan", corrupt=ErrorCode.malformed_key, wrong="no")
    assert caught.value.code == ErrorCode.malformed_key
    box = Box(derive_key("passphrase van Jan", new_salt(), FAST_KDF, code=ErrorCode.wallet_corrupt))
    row = box.seal(b"badge", "credential:1")
    assert box.open(row, "credential:1") == b"badge"
    with pytest.raises(Exception, match="label"):
        box.open(row, "credential:2")
