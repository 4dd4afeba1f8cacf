"""The encrypted wallet file: one SQLite database, every key and credential sealed.

Layout (nothing readable but the format marker and the KDF salt/cost):

* ``meta``: format and version, the Argon2id salt and cost, the wallet key sealed
  under the passphrase key (see ``shared.runtime.sealing``), creation time;
* ``secrets``: the holder's signing key (seed), sealed;
* ``credentials``: per credential a sealed *card* (what the list shows) and a sealed
  *body* (the credential itself), plus a keyed digest for duplicate detection.

Every change is one transaction (``synchronous=FULL``, rollback journal), so a process
killed mid-import leaves the file as it was before or after that import, never between.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nacl.utils
import rfc8785

from shared.errors import (
    AccessDenied,
    Conflict,
    ErrorCode,
    InvalidInput,
    NotFound,
    RugzakError,
    Unavailable,
)
from shared.keys import SigningKey
from shared.runtime.files import fsync_dir, fsync_file, is_disk_full
from shared.runtime.sealing import (
    KEY_BYTES,
    MODERATE_KDF,
    SALT_BYTES,
    Box,
    CryptoError,
    KdfParams,
    derive_key,
)
from wallet.data.cards import Card

FORMAT = "rugzak-wallet"
VERSION = 1
FILE_NAME = "wallet.sqlite3"

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE secrets (id TEXT PRIMARY KEY, blob BLOB NOT NULL);
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    digest BLOB NOT NULL UNIQUE,
    card BLOB NOT NULL,
    body BLOB NOT NULL,
    position INTEGER NOT NULL
);
"""


def wallet_file(data_dir: Path) -> Path:
    """Where the wallet lives inside a data directory."""
    return Path(data_dir) / FILE_NAME


def corrupt(reason: str, detail: Any = None) -> RugzakError:
    return InvalidInput(
        f"The wallet file is damaged and cannot be read ({reason}).",
        code=ErrorCode.wallet_corrupt,
        detail=detail,
    )


def disk_full() -> RugzakError:
    return Unavailable(
        "The disk is full; nothing was changed. Free some space and try again.",
        code=ErrorCode.disk_full,
    )


def busy() -> RugzakError:
    return Unavailable(
        "The wallet is in use by another program; close it and try again.",
        code=ErrorCode.wallet_busy,
    )


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@dataclass(frozen=True)
class StoredCredential:
    """A credential as kept: its local id, the card and the full document."""

    id: str
    card: Card
    credential: dict[str, Any]


class WalletStore:
    """An unlocked wallet. Build one with ``create`` or ``unlock``; ``close`` when done."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        box: Box,
        holder: SigningKey,
        path: Path,
        rng: Callable[[int], bytes] = nacl.utils.random,
    ) -> None:
        self._conn = conn
        self._rng = rng
        self._box = box
        self._holder = holder
        self._lock = threading.RLock()
        self.path = path
        #: Rows the last ``cards()``/``everything()`` could not read (their local ids).
        self.damaged_ids: tuple[str, ...] = ()

    # ------------------------------------------------------------ opening

    @staticmethod
    def exists(data_dir: Path) -> bool:
        return wallet_file(data_dir).exists()

    @classmethod
    def create(
        cls,
        data_dir: Path,
        passphrase: str,
        *,
        kdf: KdfParams = MODERATE_KDF,
        holder: SigningKey | None = None,
        now: datetime | None = None,
        rng: Callable[[int], bytes] = nacl.utils.random,
    ) -> WalletStore:
        """A new, empty wallet with a fresh holder did:key (or ``holder``).

        ``rng`` supplies every random byte (salt, wallet key, ids); tests seed it.
        """
        if not passphrase:
            raise AccessDenied(
                "Choose a passphrase: it cannot be empty.", code=ErrorCode.passphrase_required
            )
        path = wallet_file(data_dir)
        if path.exists():
            raise Conflict(
                f"There is already a wallet in {data_dir}.",
                code=ErrorCode.already_initialized,
                detail=str(path),
            )
        Path(data_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
        key = holder or SigningKey.from_seed(rng(32))
        salt = rng(SALT_BYTES)
        wallet_key = rng(KEY_BYTES)
        kek = Box(derive_key(passphrase, salt, kdf, code=ErrorCode.wallet_corrupt))
        box = Box(wallet_key)
        created = (now or datetime.now(UTC)).isoformat()
        # Build the file under a temporary name, then rename: a crash never leaves
        # a half-made wallet that looks real.
        tmp = path.with_name(path.name + ".new")
        tmp.unlink(missing_ok=True)
        conn = _connect(tmp)
        try:
            with conn:
                conn.executescript(_SCHEMA)
                meta = {
                    "format": FORMAT,
                    "version": str(VERSION),
                    "kdf": json.dumps(kdf.to_dict()),
                    "salt": _b64(salt),
                    "wallet_key": _b64(kek.seal(wallet_key, "wallet-key")),
                    "created": created,
                }
                conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
                conn.execute(
                    "INSERT INTO secrets VALUES (?, ?)",
                    ("holder", box.seal(_holder_blob(key), "secret:holder")),
                )
        finally:
            conn.close()
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        return cls._open_with(path, box, rng)

    @classmethod
    def unlock(cls, data_dir: Path, passphrase: str) -> WalletStore:
        """Open the wallet; a wrong passphrase raises ``wrong_passphrase`` and reads nothing."""
        path = wallet_file(data_dir)
        if not path.exists():
            raise Unavailable(
                f"There is no wallet in {data_dir} yet.",
                code=ErrorCode.not_initialized,
                detail=str(path),
            )
        meta = read_meta(path)
        kdf = KdfParams.from_dict(_json(meta.get("kdf")), code=ErrorCode.wallet_corrupt)
        salt = _unb64(meta.get("salt"))
        sealed = _unb64(meta.get("wallet_key"))
        kek = Box(derive_key(passphrase, salt, kdf, code=ErrorCode.wallet_corrupt))
        try:
            wallet_key = kek.open(sealed, "wallet-key")
        except CryptoError:
            raise AccessDenied(
                "That passphrase does not open this wallet.", code=ErrorCode.wrong_passphrase
            ) from None
        return cls._open_with(path, Box(wallet_key))

    @classmethod
    def _open_with(
        cls, path: Path, box: Box, rng: Callable[[int], bytes] = nacl.utils.random
    ) -> WalletStore:
        conn = _connect(path)
        try:
            row = conn.execute("SELECT blob FROM secrets WHERE id = 'holder'").fetchone()
            if row is None:
                raise corrupt("the holder key is missing")
            holder = _parse_holder(box, row[0])
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise corrupt("not a wallet database", str(exc)) from None
        except RugzakError:
            conn.close()
            raise
        return cls(conn, box, holder, path, rng)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------ identity

    @property
    def holder(self) -> SigningKey:
        """The learner's signing key (did:key)."""
        return self._holder

    @property
    def did(self) -> str:
        return self._holder.did

    # ------------------------------------------------------------ key rotation

    def rotate_holder(self, new: SigningKey, link: dict[str, Any]) -> None:
        """Make ``new`` the holder key, in one transaction; the old key is kept (sealed)
        with ``link``, its signed link statement to the new DID (``shared.holder_link``),
        so badges issued to the old DID can still be presented."""
        old = self._holder
        with self._lock, self._db(), self._conn:
            self._retire(old, link)
            self._conn.execute(
                "UPDATE secrets SET blob = ? WHERE id = 'holder'",
                (self._box.seal(_holder_blob(new), "secret:holder"),),
            )
        self._holder = new

    def add_retired(self, old: SigningKey, link: dict[str, Any]) -> None:
        """Keep an earlier key and its link statement (restoring a backup)."""
        with self._lock, self._db(), self._conn:
            self._retire(old, link)

    def _retire(self, old: SigningKey, link: dict[str, Any]) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO secrets VALUES (?, ?)",
            (f"retired:{old.did}", self._box.seal(_holder_blob(old), "secret:retired")),
        )
        self._conn.execute(
            "INSERT OR REPLACE INTO secrets VALUES (?, ?)",
            (f"link:{old.did}", self._seal_json(link, "secret:link")),
        )

    def retired_holders(self) -> list[SigningKey]:
        """The learner's earlier keys (after key rotations), oldest first."""
        with self._lock, self._db():
            rows = self._conn.execute(
                "SELECT blob FROM secrets WHERE id LIKE 'retired:%' ORDER BY rowid"
            ).fetchall()
        return [_parse_holder(self._box, row[0], "secret:retired") for row in rows]

    def holder_links(self) -> list[dict[str, Any]]:
        """The signed link statements from each earlier key to the next."""
        with self._lock, self._db():
            rows = self._conn.execute(
                "SELECT blob FROM secrets WHERE id LIKE 'link:%' ORDER BY rowid"
            ).fetchall()
        links = [self._open_json(row[0], "secret:link") for row in rows]
        return [link for link in links if isinstance(link, dict)]

    @property
    def dids(self) -> tuple[str, ...]:
        """The holder's DID now, then its earlier DIDs (badges to any of them are the learner's)."""
        return (self.did, *(key.did for key in self.retired_holders()))

    # ------------------------------------------------------------ recovery and passphrase

    def recovery_secret(self) -> bytes | None:
        """The paper-recovery secret (``wallet.data.recovery``), or None before it is set up."""
        with self._lock, self._db():
            row = self._conn.execute("SELECT blob FROM secrets WHERE id = 'recovery'").fetchone()
        if row is None:
            return None
        try:
            return self._box.open(bytes(row[0]), "secret:recovery")
        except CryptoError:
            raise corrupt("the recovery secret does not open") from None

    def set_recovery_secret(self, secret: bytes) -> None:
        """Keep (replace) the recovery secret, sealed; shares made before stop working."""
        sealed = self._box.seal(secret, "secret:recovery")
        with self._lock, self._db(), self._conn:
            self._conn.execute("INSERT OR REPLACE INTO secrets VALUES ('recovery', ?)", (sealed,))

    def change_passphrase(self, old: str, new: str, *, kdf: KdfParams = MODERATE_KDF) -> None:
        """Seal the wallet key under ``new`` (fresh salt), in one transaction.

        ``old`` must open the wallet (``wrong_passphrase`` otherwise). The credentials
        are sealed under the wallet key, not the passphrase, so nothing else is
        rewritten: a crash leaves the old passphrase or the new one working, never none.
        """
        if not new:
            raise AccessDenied(
                "Choose a passphrase: it cannot be empty.", code=ErrorCode.passphrase_required
            )
        meta = read_meta(self.path)
        current = KdfParams.from_dict(_json(meta.get("kdf")), code=ErrorCode.wallet_corrupt)
        kek = Box(derive_key(old, _unb64(meta.get("salt")), current, code=ErrorCode.wallet_corrupt))
        try:
            wallet_key = kek.open(_unb64(meta.get("wallet_key")), "wallet-key")
        except CryptoError:
            raise AccessDenied(
                "That passphrase does not open this wallet.", code=ErrorCode.wrong_passphrase
            ) from None
        salt = self._rng(SALT_BYTES)
        new_kek = Box(derive_key(new, salt, kdf, code=ErrorCode.wallet_corrupt))
        rows = {
            "kdf": json.dumps(kdf.to_dict()),
            "salt": _b64(salt),
            "wallet_key": _b64(new_kek.seal(wallet_key, "wallet-key")),
        }
        with self._lock, self._db(), self._conn:
            for name, value in rows.items():
                self._conn.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))

    # ------------------------------------------------------------ credentials

    def cards(self) -> list[Card]:
        """Every readable card, oldest first (only the small card rows are decrypted).

        A damaged row does not lock the wallet: it is left out and its id is in
        ``damaged_ids`` (the rest can still be listed, presented and backed up).
        """
        with self._lock, self._db():
            rows = self._conn.execute(
                "SELECT id, card FROM credentials ORDER BY position"
            ).fetchall()
        cards, damaged = [], []
        for cid, blob in rows:
            try:
                cards.append(self._card(cid, blob))
            except RugzakError as exc:
                if exc.code != ErrorCode.wallet_corrupt:
                    raise
                damaged.append(str(cid))
        self.damaged_ids = tuple(damaged)
        return cards

    def count(self) -> int:
        with self._lock, self._db():
            return int(self._conn.execute("SELECT count(*) FROM credentials").fetchone()[0])

    def get(self, credential_id: str) -> StoredCredential:
        with self._lock, self._db():
            row = self._conn.execute(
                "SELECT card, body FROM credentials WHERE id = ?", (credential_id,)
            ).fetchone()
        if row is None:
            raise NotFound(
                f"There is no credential '{credential_id}' in the wallet.",
                code=ErrorCode.credential_not_found,
                detail=credential_id,
            )
        card = self._card(credential_id, row[0])
        body = self._open_json(row[1], f"body:{credential_id}")
        if not isinstance(body, dict):
            raise corrupt("a credential is not an object", credential_id)
        return StoredCredential(credential_id, card, body)

    def find(self, reference: str) -> StoredCredential:
        """By local id, unique id prefix, or the credential's own ``id``."""
        cards = self.cards()
        exact = [c for c in cards if reference in (c.id, c.credential_id)]
        matches = exact or [c for c in cards if c.id.startswith(reference)]
        if len(matches) != 1:
            raise NotFound(
                f"No single credential matches '{reference}'.",
                code=ErrorCode.credential_not_found,
                detail={"reference": reference, "matches": len(matches)},
            )
        return self.get(matches[0].id)

    def duplicate_of(self, credential: dict[str, Any]) -> str | None:
        """The local id of a stored copy of this credential, if there is one."""
        digest = self._digest(credential)
        with self._lock, self._db():
            row = self._conn.execute(
                "SELECT id FROM credentials WHERE digest = ?", (digest,)
            ).fetchone()
        return None if row is None else str(row[0])

    def add(self, credential: dict[str, Any], card: Card) -> str:
        """Store a credential (one transaction); a duplicate raises ``duplicate_credential``."""
        return self.add_many([(credential, card)])[0]

    def add_many(self, items: list[tuple[dict[str, Any], Card]]) -> list[str]:
        """Store several credentials in one transaction: all of them or none."""
        rows = []
        for credential, card in items:
            local_id = card.id or self._rng(6).hex()
            card = card.with_id(local_id)
            rows.append(
                (
                    local_id,
                    self._digest(credential),
                    self._seal_json(card.to_dict(), f"card:{local_id}"),
                    self._seal_json(credential, f"body:{local_id}"),
                )
            )
        with self._lock, self._db():
            try:
                with self._conn:
                    position = self._conn.execute(
                        "SELECT coalesce(max(position), 0) FROM credentials"
                    ).fetchone()[0]
                    for offset, row in enumerate(rows, start=1):
                        self._conn.execute(
                            "INSERT INTO credentials VALUES (?, ?, ?, ?, ?)",
                            (*row, position + offset),
                        )
            except sqlite3.IntegrityError:
                duplicates = [self.duplicate_of(c) for c, _ in items]
                raise Conflict(
                    "This credential is already in the wallet.",
                    code=ErrorCode.duplicate_credential,
                    detail=next((d for d in duplicates if d), None),
                ) from None
        return [row[0] for row in rows]

    def update_card(self, card: Card) -> None:
        """Replace a card (after a status refresh)."""
        sealed = self._seal_json(card.to_dict(), f"card:{card.id}")
        with self._lock, self._db(), self._conn:
            cur = self._conn.execute(
                "UPDATE credentials SET card = ? WHERE id = ?", (sealed, card.id)
            )
            if cur.rowcount != 1:
                raise NotFound(
                    f"There is no credential '{card.id}' in the wallet.",
                    code=ErrorCode.credential_not_found,
                    detail=card.id,
                )

    def amend_cards(self, changes: Mapping[str, Callable[[Card], Card]]) -> int:
        """Change cards in one transaction (all of them or none), each from the card
        the file holds at that moment: a change made meanwhile (a status check) is
        kept. A card gone or damaged since is left as it is. Returns how many changed."""
        changed = 0
        with self._lock, self._db(), self._conn:
            self._conn.execute("BEGIN IMMEDIATE")  # no other writer between read and write
            for local_id, change in changes.items():
                row = self._conn.execute(
                    "SELECT card FROM credentials WHERE id = ?", (local_id,)
                ).fetchone()
                if row is None:
                    continue
                try:
                    card = self._card(local_id, row[0])
                except RugzakError as exc:
                    if exc.code != ErrorCode.wallet_corrupt:
                        raise
                    continue
                fresh = change(card)
                if fresh == card:
                    continue
                sealed = self._seal_json(fresh.to_dict(), f"card:{local_id}")
                self._conn.execute(
                    "UPDATE credentials SET card = ? WHERE id = ?", (sealed, local_id)
                )
                changed += 1
        return changed

    def delete(self, credential_id: str) -> None:
        with self._lock, self._db(), self._conn:
            cur = self._conn.execute("DELETE FROM credentials WHERE id = ?", (credential_id,))
            if cur.rowcount != 1:
                raise NotFound(
                    f"There is no credential '{credential_id}' in the wallet.",
                    code=ErrorCode.credential_not_found,
                    detail=credential_id,
                )

    # ------------------------------------------------------------ images

    def image(self, url: str) -> bytes | None:
        """A badge image kept earlier for ``url`` (sealed like everything else), or None."""
        key = self._box.keyed_digest(url.encode("utf-8"), "image-url")
        with self._lock:
            try:
                row = self._conn.execute("SELECT blob FROM images WHERE key = ?", (key,)).fetchone()
            except sqlite3.OperationalError:
                return None  # no image kept yet: the table comes with the first one
        if row is None:
            return None
        try:
            return self._box.open(bytes(row[0]), "image:" + key.hex())
        except CryptoError:
            return None  # a damaged copy is fetched again

    def keep_image(self, url: str, data: bytes) -> None:
        """Keep a badge image, sealed, under a keyed hash of its URL.

        In the wallet file rather than a cache folder: which badge pictures someone has
        says which badges they hold, and the wallet file is the one place sealed at rest.
        """
        key = self._box.keyed_digest(url.encode("utf-8"), "image-url")
        sealed = self._box.seal(data, "image:" + key.hex())
        with self._lock, self._db(), self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS images (key BLOB PRIMARY KEY, blob BLOB NOT NULL)"
            )
            self._conn.execute(
                "INSERT OR REPLACE INTO images (key, blob) VALUES (?, ?)", (key, sealed)
            )

    # ------------------------------------------------------------ status lists

    def status_list(self, url: str) -> dict[str, Any] | None:
        """The issuer's status list credential last fetched from ``url``, or None.

        Kept to staple to presentations (``shared.status_staple``): a verifier with no
        network can then check status against the issuer's own signed list.
        """
        key = self._box.keyed_digest(url.encode("utf-8"), "status-url")
        with self._lock:
            try:
                row = self._conn.execute(
                    "SELECT blob FROM status_lists WHERE key = ?", (key,)
                ).fetchone()
            except sqlite3.OperationalError:
                return None  # none kept yet: the table comes with the first one
        if row is None:
            return None
        try:
            value = json.loads(self._box.open(bytes(row[0]), "status:" + key.hex()))
        except (CryptoError, ValueError):
            return None  # a damaged copy is fetched again on the next check
        return value if isinstance(value, dict) else None

    def keep_status_list(self, url: str, credential: dict[str, Any]) -> None:
        """Keep (replace) the status list fetched from ``url``, sealed like a badge: which
        lists a wallet holds says which issuers it has badges from."""
        key = self._box.keyed_digest(url.encode("utf-8"), "status-url")
        sealed = self._seal_json(credential, "status:" + key.hex())
        with self._lock, self._db(), self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS status_lists (key BLOB PRIMARY KEY, blob BLOB NOT NULL)"
            )
            self._conn.execute(
                "INSERT OR REPLACE INTO status_lists (key, blob) VALUES (?, ?)", (key, sealed)
            )

    # ------------------------------------------------------------ publications

    def publications(self) -> list[dict[str, Any]]:
        """The learner's public presentations (``wallet.sharing.Publication`` as JSON),
        sealed: where someone published which badge is theirs to know."""
        with self._lock:
            try:
                rows = self._conn.execute("SELECT key, blob FROM publications").fetchall()
            except sqlite3.OperationalError:
                return []  # none yet: the table comes with the first one
        found = [
            self._open_json(bytes(blob), "publication:" + bytes(key).hex()) for key, blob in rows
        ]
        return sorted(found, key=lambda p: str(p.get("created", "")))

    def keep_publication(self, record: dict[str, Any]) -> None:
        """Keep (or replace) the record of one public presentation, keyed by its link."""
        key = self._box.keyed_digest(str(record["url"]).encode("utf-8"), "publication")
        sealed = self._seal_json(record, "publication:" + key.hex())
        with self._lock, self._db(), self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS publications (key BLOB PRIMARY KEY, blob BLOB NOT NULL)"
            )
            self._conn.execute(
                "INSERT OR REPLACE INTO publications (key, blob) VALUES (?, ?)", (key, sealed)
            )

    def everything(self) -> Iterator[StoredCredential]:
        """Every readable credential with its card, oldest first (for backups); a
        damaged one is left out and added to ``damaged_ids``."""
        cards = self.cards()
        damaged = list(self.damaged_ids)
        for card in cards:
            try:
                stored = self.get(card.id)
            except RugzakError as exc:
                if exc.code != ErrorCode.wallet_corrupt:
                    raise
                damaged.append(card.id)
                self.damaged_ids = tuple(damaged)
                continue
            yield stored

    # ------------------------------------------------------------ internals

    @contextmanager
    def _db(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise busy() from None
            if is_disk_full(exc):
                raise disk_full() from None  # not damage: nothing was written
            raise corrupt("database error", str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise corrupt("database error", str(exc)) from None

    def _digest(self, credential: dict[str, Any]) -> bytes:
        return self._box.keyed_digest(rfc8785.dumps(credential), "credential")

    def _card(self, credential_id: str, blob: bytes) -> Card:
        data = self._open_json(blob, f"card:{credential_id}")
        try:
            return Card.from_dict(data).with_id(credential_id)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise corrupt("a badge summary is not readable", credential_id) from exc

    def _seal_json(self, value: Any, label: str) -> bytes:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return self._box.seal(text.encode("utf-8"), label)

    def _open_json(self, blob: bytes, label: str) -> Any:
        try:
            return json.loads(self._box.open(bytes(blob), label))
        except (CryptoError, ValueError) as exc:
            raise corrupt(f"a sealed row does not open: {label.split(':')[0]}", str(exc)) from None


# ---------------------------------------------------------------- helpers


def read_meta(path: Path) -> dict[str, str]:
    """The plain metadata of a wallet file; a damaged file gives ``wallet_corrupt``."""
    try:
        # Read-write on purpose: opening rolls back a hot journal left by a killed process.
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise corrupt("cannot open the file", str(exc)) from None
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise corrupt("integrity check failed", check[0] if check else None)
        rows = conn.execute("SELECT name, value FROM meta").fetchall()
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise busy() from None
        raise corrupt("not a wallet database", str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise corrupt("not a wallet database", str(exc)) from None
    finally:
        conn.close()
    meta = {str(k): str(v) for k, v in rows}
    if meta.get("format") != FORMAT:
        raise corrupt("not a Rugzak wallet")
    if meta.get("version") != str(VERSION):
        raise InvalidInput(
            f"This wallet was made by another version of Rugzak (format {meta.get('version')}).",
            code=ErrorCode.wallet_corrupt,
            detail=meta.get("version"),
        )
    return meta


def _connect(path: Path) -> sqlite3.Connection:
    fresh = not path.exists()
    if fresh:
        # Create the file readable by the owner only, before SQLite writes anything.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level="DEFERRED")
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise corrupt("not a wallet database", str(exc)) from None
    return conn


def _holder_blob(key: SigningKey) -> bytes:
    return json.dumps({"seed": _b64(key.seed), "did": key.did}).encode("utf-8")


def _parse_holder(box: Box, blob: bytes, label: str = "secret:holder") -> SigningKey:
    try:
        data = json.loads(box.open(bytes(blob), label))
        key = SigningKey.from_seed(base64.b64decode(data["seed"]))
    except (CryptoError, ValueError, KeyError, TypeError) as exc:
        raise corrupt("the holder key does not open", type(exc).__name__) from None
    if key.did != data.get("did"):
        raise corrupt("the holder key does not match its DID")
    return key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: str | None) -> bytes:
    if value is None:
        raise corrupt("a metadata field is missing")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise corrupt("a metadata field is damaged") from None


def _json(value: str | None) -> Any:
    if value is None:
        raise corrupt("a metadata field is missing")
    try:
        return json.loads(value)
    except ValueError:
        raise corrupt("a metadata field is damaged") from None
