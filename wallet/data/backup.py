"""Encrypted backups: the whole wallet (holder key and credentials) in one file.

The file is JSON so it survives mail and USB sticks::

    {"format": "rugzak-wallet-backup", "version": 2,
     "kdf": {"opslimit", "memlimit"}, "salt": b64,
     "key": b64,                      # the content key, sealed under the passphrase
     "recovery": {"key": b64},        # the content key, sealed under the recovery
                                      # secret (only once paper recovery is set up)
     "ciphertext": b64}

The ciphertext is XSalsa20-Poly1305 under a random content key; the key is sealed
under an Argon2id key from the backup passphrase (a fresh salt per backup) and, when
the wallet has a recovery secret (``wallet.data.recovery``), under a key derived from
that secret too, so ``k`` paper shares open the backup without the passphrase. Inside
is the holder seed, the recovery secret, every credential with its card, and the
records of the learner's public links (``publications``: which badges were published
where, so a restored wallet can still withdraw them). Version 1 files (no key slots:
the ciphertext under the passphrase key) still open; a backup without
``publications`` (made before they were kept) restores with none. The field is
optional inside the ciphertext, so it needs no new version: an older Rugzak reading a
newer backup ignores it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.utils

from shared.errors import AccessDenied, ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.runtime.files import atomic_write
from shared.runtime.sealing import (
    KEY_BYTES,
    MODERATE_KDF,
    Box,
    CryptoError,
    KdfParams,
    derive_key,
    new_salt,
)
from shared.strict_json import parse as parse_json
from wallet.data.cards import Card
from wallet.data.recovery import combine, slot_key
from wallet.data.store import WalletStore
from wallet.file_problems import file_error

FORMAT = "rugzak-wallet-backup"
VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_BACKUP_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class BackupContents:
    holder: SigningKey
    items: list[tuple[dict[str, Any], Card]]
    created: str
    recovery: bytes | None = None
    retired: tuple[tuple[SigningKey, dict[str, Any]], ...] = ()
    publications: tuple[dict[str, Any], ...] = ()


def write_backup(
    store: WalletStore,
    path: Path,
    passphrase: str,
    *,
    kdf: KdfParams = MODERATE_KDF,
    now: datetime | None = None,
) -> int:
    """Write an encrypted backup of ``store`` to ``path`` (atomically); returns the count."""
    if not passphrase:
        raise AccessDenied("A backup needs a passphrase.", code=ErrorCode.passphrase_required)
    items = [{"card": s.card.to_dict(), "credential": s.credential} for s in store.everything()]
    recovery = store.recovery_secret()
    payload: dict[str, Any] = {
        "holder": {"seed": _b64(store.holder.seed), "did": store.did},
        "credentials": items,
        "created": (now or datetime.now(UTC)).isoformat(),
    }
    if recovery is not None:
        payload["recovery"] = _b64(recovery)
    published = store.publications()
    if published:  # the public links, so that they can be withdrawn after a restore
        payload["publications"] = published
    links = {link["credentialSubject"]["id"]: link for link in store.holder_links()}
    retired = store.retired_holders()
    if retired:  # earlier keys (key rotation): their badges stay presentable
        payload["retired"] = [
            {"seed": _b64(key.seed), "did": key.did, "link": links.get(key.did)} for key in retired
        ]
    content_key = nacl.utils.random(KEY_BYTES)
    salt = new_salt()
    kek = Box(derive_key(passphrase, salt, kdf, code=ErrorCode.wallet_corrupt))
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": kdf.to_dict(),
        "salt": _b64(salt),
        "key": _b64(kek.seal(content_key, "backup-key")),
    }
    if recovery is not None:
        slot = Box(slot_key(recovery))
        document["recovery"] = {"key": _b64(slot.seal(content_key, "backup-key:recovery"))}
    document["ciphertext"] = _b64(Box(content_key).seal(plain, "backup"))
    atomic_write(Path(path), json.dumps(document, indent=1).encode("utf-8"))
    return len(items)


def read_backup(path: Path, passphrase: str) -> BackupContents:
    """Open a backup; a wrong passphrase gives ``wrong_passphrase``, damage ``backup_invalid``."""
    document = _load(path)
    try:
        kdf = KdfParams.from_dict(document.get("kdf"), code=ErrorCode.wallet_corrupt)
        salt = base64.b64decode(document["salt"], validate=True)
        sealed_key = base64.b64decode(document["key"], validate=True) if "key" in document else None
    except (KeyError, TypeError, ValueError, InvalidInput):
        raise _invalid("its header is damaged") from None
    if (document["version"] == 1) != (sealed_key is None):
        raise _invalid("its header is damaged")
    box = Box(derive_key(passphrase, salt, kdf, code=ErrorCode.wallet_corrupt))
    try:
        if sealed_key is not None:
            box = Box(box.open(sealed_key, "backup-key"))
        plain = box.open(_ciphertext(document), "backup")
    except CryptoError:
        raise AccessDenied(
            "That passphrase does not open this backup (or it was changed).",
            code=ErrorCode.wrong_passphrase,
        ) from None
    return _contents(plain)


def read_backup_with_shares(path: Path, shares: Sequence[str]) -> BackupContents:
    """Open a backup with paper recovery shares instead of its passphrase.

    Raises the share codes of ``wallet.data.recovery.combine``, ``recovery_not_set_up``
    for a backup without a recovery slot, and ``recovery_shares_mismatch`` for shares
    (of another wallet, or of an earlier set) that do not open it.
    """
    document = _load(path)
    slot = document.get("recovery")
    if not isinstance(slot, dict):
        raise InvalidInput(
            "This backup was made before paper recovery was set up: it opens only with "
            "its passphrase.",
            code=ErrorCode.recovery_not_set_up,
        )
    secret = combine(shares)
    try:
        sealed_key = base64.b64decode(slot["key"], validate=True)
    except (KeyError, TypeError, ValueError):
        raise _invalid("its recovery slot is damaged") from None
    try:
        content_key = Box(slot_key(secret)).open(sealed_key, "backup-key:recovery")
    except CryptoError:
        raise InvalidInput(
            "These shares do not open this backup: they belong to another wallet, or to "
            "an earlier set of shares.",
            code=ErrorCode.recovery_shares_mismatch,
        ) from None
    try:
        plain = Box(content_key).open(_ciphertext(document), "backup")
    except CryptoError:
        raise _invalid("its content is damaged") from None
    return _contents(plain)


def _load(path: Path) -> dict[str, Any]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BACKUP_BYTES:
            raise _invalid("it is too large")
        document = parse_json(path.read_bytes())
    except OSError as exc:
        raise file_error(exc, path, code=ErrorCode.backup_invalid) from None
    except ValueError:
        raise _invalid("it is not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid("it is not a Rugzak wallet backup")
    if document.get("version") not in READABLE_VERSIONS:
        raise _invalid(f"unknown backup version {document.get('version')!r}")
    return document


def _ciphertext(document: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(document["ciphertext"], validate=True)
    except (KeyError, TypeError, ValueError):
        raise _invalid("its header is damaged") from None


def _contents(plain: bytes) -> BackupContents:
    try:
        payload = parse_json(plain)
        holder = SigningKey.from_seed(base64.b64decode(payload["holder"]["seed"]))
        if holder.did != payload["holder"]["did"]:
            raise _invalid("the holder key does not match its DID")
        items = [(dict(i["credential"]), Card.from_dict(i["card"])) for i in payload["credentials"]]
        recovery = payload.get("recovery")
        secret = base64.b64decode(recovery, validate=True) if recovery is not None else None
        retired = []
        for entry in payload.get("retired", []):
            key = SigningKey.from_seed(base64.b64decode(entry["seed"]))
            if key.did != entry["did"] or not isinstance(entry.get("link"), dict):
                raise _invalid("an earlier key does not match its DID")
            retired.append((key, dict(entry["link"])))
        published = payload.get("publications", [])
        if not isinstance(published, list) or not all(
            isinstance(p, dict) and isinstance(p.get("url"), str) for p in published
        ):
            raise _invalid("its list of public links is damaged")
    except (KeyError, TypeError, ValueError) as exc:
        raise _invalid(f"its content is damaged ({type(exc).__name__})") from None
    return BackupContents(
        holder,
        items,
        str(payload.get("created", "")),
        secret,
        tuple(retired),
        tuple(dict(p) for p in published),
    )


def restore_backup(
    path: Path,
    passphrase: str,
    data_dir: Path,
    *,
    new_passphrase: str | None = None,
    kdf: KdfParams = MODERATE_KDF,
) -> WalletStore:
    """A new wallet in ``data_dir`` holding everything in the backup (refuses to overwrite)."""
    return restore_contents(
        read_backup(path, passphrase), data_dir, new_passphrase or passphrase, kdf=kdf
    )


def restore_contents(
    contents: BackupContents, data_dir: Path, passphrase: str, *, kdf: KdfParams = MODERATE_KDF
) -> WalletStore:
    """A new wallet in ``data_dir`` from opened backup contents, under ``passphrase``."""
    store = WalletStore.create(data_dir, passphrase, kdf=kdf, holder=contents.holder)
    try:
        store.add_many(contents.items)
        if contents.recovery is not None:  # the paper shares keep working
            store.set_recovery_secret(contents.recovery)
        for key, link in contents.retired:
            store.add_retired(key, link)
        for record in contents.publications:
            store.keep_publication(record)
    except BaseException:
        # Leave no half-restored wallet behind: the learner can simply try again.
        store.close()
        store.path.unlink(missing_ok=True)
        raise
    return store


def _invalid(reason: str) -> InvalidInput:
    return InvalidInput(
        f"This is not a usable wallet backup: {reason}.", code=ErrorCode.backup_invalid
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
