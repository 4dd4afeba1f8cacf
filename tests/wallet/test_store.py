"""The encrypted store: sealed rows, wrong passphrases, damaged files, transactions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.errors import AccessDenied, Conflict, ErrorCode, InvalidInput, Unavailable
from shared.runtime.sealing import FAST_KDF, MODERATE_KDF, Box, KdfParams
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, make_credential
from wallet.data.store import WalletStore, wallet_file
from wallet.service import WalletService


def test_nothing_readable_is_stored(service: WalletService) -> None:
    """Keys and credentials are sealed: no DID, name or seed appears in the file."""
    service.import_document(make_credential(HOLDER_KEY.did))
    raw = wallet_file(service.config.data_dir).read_bytes()
    for needle in (
        HOLDER_KEY.did.encode(),
        b"Doorzettingsvermogen",
        b"ROC Rivierenland",
        HOLDER_KEY.seed,
    ):
        assert needle not in raw


def test_wrong_passphrase_gives_a_clear_code(store: WalletStore) -> None:
    store.close()
    with pytest.raises(AccessDenied) as caught:
        WalletStore.unlock(store.path.parent, "wrong")
    assert caught.value.code == ErrorCode.wrong_passphrase
    reopened = WalletStore.unlock(store.path.parent, PASSPHRASE)
    assert reopened.did == HOLDER_KEY.did
    reopened.close()


def test_a_second_wallet_is_refused(store: WalletStore) -> None:
    with pytest.raises(Conflict) as caught:
        WalletStore.create(store.path.parent, "x" * 10, kdf=FAST_KDF)
    assert caught.value.code == ErrorCode.already_initialized


def test_missing_wallet_is_not_initialized(tmp_path: Path) -> None:
    with pytest.raises(Unavailable) as caught:
        WalletStore.unlock(tmp_path, PASSPHRASE)
    assert caught.value.code == ErrorCode.not_initialized


@pytest.mark.parametrize("keep", [0, 100, 2048, 4096])
def test_truncated_file_is_reported_as_corrupt(service: WalletService, keep: int) -> None:
    service.import_document(make_credential(HOLDER_KEY.did))
    path = service.store.path
    service.store.close()
    data = path.read_bytes()
    assert len(data) > keep
    path.write_bytes(data[:keep])
    with pytest.raises(InvalidInput) as caught:
        WalletStore.unlock(path.parent, PASSPHRASE)
    assert caught.value.code == ErrorCode.wallet_corrupt


def test_garbage_file_is_reported_as_corrupt(tmp_path: Path) -> None:
    wallet_file(tmp_path).write_bytes(b"this is not a database" * 100)
    with pytest.raises(InvalidInput) as caught:
        WalletStore.unlock(tmp_path, PASSPHRASE)
    assert caught.value.code == ErrorCode.wallet_corrupt


def test_flipped_ciphertext_is_reported_as_corrupt(service: WalletService) -> None:
    [outcome] = service.import_document(make_credential(HOLDER_KEY.did))
    path = service.store.path
    service.store.close()
    with sqlite3.connect(path) as conn:
        blob = bytearray(conn.execute("SELECT body FROM credentials").fetchone()[0])
        blob[-1] ^= 1
        conn.execute("UPDATE credentials SET body = ?", (bytes(blob),))
    store = WalletStore.unlock(path.parent, PASSPHRASE)
    assert len(store.cards()) == 1
    with pytest.raises(InvalidInput) as caught:
        store.get(outcome.local_id or "")
    assert caught.value.code == ErrorCode.wallet_corrupt
    store.close()


def test_rows_cannot_be_swapped_between_ids(service: WalletService) -> None:
    """A sealed row copied onto another id does not open (the id is bound in)."""
    a = service.import_document(make_credential(HOLDER_KEY.did, number=1))[0].local_id
    b = service.import_document(make_credential(HOLDER_KEY.did, number=2))[0].local_id
    path = service.store.path
    service.store.close()
    with sqlite3.connect(path) as conn:
        body_a = conn.execute("SELECT body FROM credentials WHERE id=?", (a,)).fetchone()[0]
        conn.execute("UPDATE credentials SET body = ? WHERE id = ?", (body_a, b))
    store = WalletStore.unlock(path.parent, PASSPHRASE)
    with pytest.raises(InvalidInput):
        store.get(b or "")
    store.close()


def test_add_many_is_all_or_nothing(service: WalletService) -> None:
    service.import_document(make_credential(HOLDER_KEY.did, number=1))
    first = service.store.get(service.cards()[0].id)
    fresh = make_credential(HOLDER_KEY.did, number=2)
    with pytest.raises(Conflict) as caught:
        service.store.add_many(
            [(fresh, first.card.with_id("")), (first.credential, first.card.with_id(""))]
        )
    assert caught.value.code == ErrorCode.duplicate_credential
    assert len(service.cards()) == 1


def test_moderate_cost_is_the_default() -> None:
    assert MODERATE_KDF == KdfParams(3, 256 * 1024 * 1024)


def test_box_refuses_another_label() -> None:
    box = Box(b"k" * 32)
    sealed = box.seal(b"secret", "card:a")
    assert box.open(sealed, "card:a") == b"secret"
    with pytest.raises(Exception, match="label"):
        box.open(sealed, "card:b")


def test_a_crafted_kdf_cost_is_refused_before_any_work() -> None:
    with pytest.raises(InvalidInput) as caught:
        KdfParams.from_dict(
            {"opslimit": 3, "memlimit": 64 * 1024 * 1024 * 1024}, code=ErrorCode.wallet_corrupt
        )
    assert caught.value.code == ErrorCode.wallet_corrupt


def test_locked_wallet_is_busy_not_corrupt(service: WalletService) -> None:
    """Another program holding a write lock is reported as busy, never as damage."""
    blocker = sqlite3.connect(service.store.path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    service.store._conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(Unavailable) as caught:
            service.import_document(make_credential(HOLDER_KEY.did))
        assert caught.value.code == ErrorCode.wallet_busy
    finally:
        blocker.rollback()
        blocker.close()
    [outcome] = service.import_document(make_credential(HOLDER_KEY.did))
    assert outcome.accepted


def test_a_valid_badge_expires_with_time_without_a_refresh(service: WalletService) -> None:
    from dataclasses import replace as clone
    from datetime import timedelta

    from wallet.data.cards import Status

    service.import_document(
        make_credential(HOLDER_KEY.did, valid_until=datetime(2026, 12, 1, tzinfo=UTC))
    )
    assert [c.status for c in service.cards()] == [Status.valid]
    later = clone(service.config, clock=lambda: service.config.clock() + timedelta(days=30))
    assert [c.status for c in WalletService(later, service.store).cards()] == [Status.expired]


def _damage_card(path: Path, local_id: str) -> None:
    with sqlite3.connect(path) as conn:
        blob = bytearray(
            conn.execute("SELECT card FROM credentials WHERE id = ?", (local_id,)).fetchone()[0]
        )
        blob[-1] ^= 1
        conn.execute("UPDATE credentials SET card = ? WHERE id = ?", (bytes(blob), local_id))


def test_one_damaged_row_does_not_lock_the_wallet(service: WalletService, tmp_path: Path) -> None:
    ids = [
        service.import_document(make_credential(HOLDER_KEY.did, number=n))[0].local_id or ""
        for n in range(1, 5)
    ]
    path = service.store.path
    service.store.close()
    _damage_card(path, ids[1])
    with sqlite3.connect(path) as conn:  # and one whose body (not its card) is damaged
        blob = bytearray(
            conn.execute("SELECT body FROM credentials WHERE id = ?", (ids[2],)).fetchone()[0]
        )
        blob[-1] ^= 1
        conn.execute("UPDATE credentials SET body = ? WHERE id = ?", (bytes(blob), ids[2]))
    store = WalletStore.unlock(path.parent, PASSPHRASE)
    try:
        assert [c.id for c in store.cards()] == [ids[0], ids[2], ids[3]]
        assert store.damaged_ids == (ids[1],)
        readable = [s.id for s in store.everything()]  # what a backup holds
        assert readable == [ids[0], ids[3]]
        assert set(store.damaged_ids) == {ids[1], ids[2]}
        assert store.get(ids[3]).credential["credentialSubject"]["id"] == HOLDER_KEY.did
    finally:
        store.close()


def test_a_full_disk_is_disk_full_not_corruption(store: WalletStore) -> None:
    class FullDisk:
        def execute(self, *_args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *_args: object) -> None:
            return None

    # Put back by hand, not by monkeypatch: the ``store`` fixture closes the connection
    # before monkeypatch undoes anything when monkeypatch was set up first (an autouse
    # fixture of tests/conftest.py uses it).
    real = store._conn
    store._conn = FullDisk()  # type: ignore[assignment]
    try:
        with pytest.raises(Unavailable) as caught:
            store.count()
    finally:
        store._conn = real
    assert caught.value.code == ErrorCode.disk_full
    assert "disk is full" in caught.value.message
