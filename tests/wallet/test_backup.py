"""Encrypted backup and restore: a round trip to a fresh machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shared.errors import AccessDenied, Conflict, ErrorCode, InvalidInput
from shared.runtime.sealing import FAST_KDF
from tests.wallet.helpers import HOLDER_KEY, make_credential
from wallet.data.backup import read_backup, restore_backup
from wallet.service import WalletService


def test_backup_round_trip(service: WalletService, tmp_path: Path) -> None:
    service.import_document(make_credential(HOLDER_KEY.did, number=1))
    service.import_document(make_credential(HOLDER_KEY.did, number=2, status_index=42))
    path = tmp_path / "backup.json"
    assert service.backup(path, "backup pass") == 2
    text = path.read_text()
    assert HOLDER_KEY.did not in text
    assert "Doorzettingsvermogen" not in text
    restored = restore_backup(path, "backup pass", tmp_path / "fresh", kdf=FAST_KDF)
    assert restored.did == HOLDER_KEY.did
    assert [c.to_dict() for c in restored.cards()] == [c.to_dict() for c in service.cards()]
    for card in service.cards():
        assert restored.get(card.id).credential == service.store.get(card.id).credential
    restored.close()


def test_wrong_backup_passphrase(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    service.backup(path, "backup pass")
    with pytest.raises(AccessDenied) as caught:
        read_backup(path, "nope")
    assert caught.value.code == ErrorCode.wrong_passphrase
    assert not (tmp_path / "fresh").exists()


def test_damaged_backup(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    service.backup(path, "backup pass")
    document = json.loads(path.read_text())
    document["ciphertext"] = document["ciphertext"][:-8] + "AAAAAAA="
    path.write_text(json.dumps(document))
    with pytest.raises(AccessDenied) as caught:
        read_backup(path, "backup pass")
    assert caught.value.code in (ErrorCode.wrong_passphrase, ErrorCode.backup_invalid)
    path.write_text("{}")
    with pytest.raises(InvalidInput) as caught:
        read_backup(path, "backup pass")
    assert caught.value.code == ErrorCode.backup_invalid


def test_restore_refuses_to_overwrite(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    service.backup(path, "backup pass")
    with pytest.raises(Conflict) as caught:
        restore_backup(path, "backup pass", service.config.data_dir, kdf=FAST_KDF)
    assert caught.value.code == ErrorCode.already_initialized


def test_export_one_credential(service: WalletService, tmp_path: Path) -> None:
    credential = make_credential(HOLDER_KEY.did)
    [outcome] = service.import_document(credential)
    target = tmp_path / "one.json"
    service.export(outcome.local_id or "", target)
    assert json.loads(target.read_text()) == credential
