"""Encrypted backups: the whole wallet (holder key and credentials) in one file.

The file is JSON so it survives mail and USB sticks::

    {"format": "rugzak-wallet-backup", "version": 1,
     "kdf": {"opslimit", "memlimit"}, "salt": b64, "ciphertext": b64}

The ciphertext is XSalsa20-Poly1305 under an Argon2id key from the backup passphrase
(a fresh salt per backup); inside is the holder seed and every credential with its card.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.errors import AccessDenied, ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.runtime.files import atomic_write
from shared.runtime.sealing import MODERATE_KDF, Box, CryptoError, KdfParams, derive_key, new_salt
from shared.strict_json import parse as parse_json
from wallet.data.cards import Card
from wallet.data.store import WalletStore

FORMAT = "rugzak-wallet-backup"
VERSION = 1
MAX_BACKUP_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class BackupContents:
    holder: SigningKey
    items: list[tuple[dict[str, Any], Card]]
    created: str


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
    payload = {
        "holder": {"seed": _b64(store.holder.seed), "did": store.did},
        "credentials": items,
        "created": (now or datetime.now(UTC)).isoformat(),
    }
    salt = new_salt()
    box = Box(derive_key(passphrase, salt, kdf, code=ErrorCode.wallet_corrupt))
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "kdf": kdf.to_dict(),
        "salt": _b64(salt),
        "ciphertext": _b64(box.seal(plain, "backup")),
    }
    atomic_write(Path(path), json.dumps(document, indent=1).encode("utf-8"))
    return len(items)


def read_backup(path: Path, passphrase: str) -> BackupContents:
    """Open a backup; a wrong passphrase gives ``wrong_passphrase``, damage ``backup_invalid``."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BACKUP_BYTES:
            raise _invalid("it is too large")
        document = parse_json(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(
            f"The backup file cannot be read: {exc.strerror}.",
            code=ErrorCode.backup_invalid,
            detail=str(path),
        ) from None
    except ValueError:
        raise _invalid("it is not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _invalid("it is not a Rugzak wallet backup")
    if document.get("version") != VERSION:
        raise _invalid(f"unknown backup version {document.get('version')!r}")
    try:
        kdf = KdfParams.from_dict(document.get("kdf"), code=ErrorCode.wallet_corrupt)
        salt = base64.b64decode(document["salt"], validate=True)
        sealed = base64.b64decode(document["ciphertext"], validate=True)
    except (KeyError, TypeError, ValueError, InvalidInput):
        raise _invalid("its header is damaged") from None
    box = Box(derive_key(passphrase, salt, kdf, code=ErrorCode.wallet_corrupt))
    try:
        plain = box.open(sealed, "backup")
    except CryptoError:
        raise AccessDenied(
            "That passphrase does not open this backup (or it was changed).",
            code=ErrorCode.wrong_passphrase,
        ) from None
    try:
        payload = parse_json(plain)
        holder = SigningKey.from_seed(base64.b64decode(payload["holder"]["seed"]))
        if holder.did != payload["holder"]["did"]:
            raise _invalid("the holder key does not match its DID")
        items = [(dict(i["credential"]), Card.from_dict(i["card"])) for i in payload["credentials"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise _invalid(f"its content is damaged ({type(exc).__name__})") from None
    return BackupContents(holder, items, str(payload.get("created", "")))


def restore_backup(
    path: Path,
    passphrase: str,
    data_dir: Path,
    *,
    new_passphrase: str | None = None,
    kdf: KdfParams = MODERATE_KDF,
) -> WalletStore:
    """A new wallet in ``data_dir`` holding everything in the backup (refuses to overwrite)."""
    contents = read_backup(path, passphrase)
    store = WalletStore.create(
        data_dir, new_passphrase or passphrase, kdf=kdf, holder=contents.holder
    )
    try:
        store.add_many(contents.items)
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
