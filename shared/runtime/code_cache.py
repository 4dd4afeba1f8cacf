"""Compiled schema validators kept on disk, so a command or a worker starts without
compiling them (:mod:`shared.ob.code_store`).

Compiling the Open Badges JSON Schemas cost every ``rugzak-issuer issue``,
``rugzak-verifier verify`` and service worker up to a second of CPU; loading the
kept code object takes about a millisecond. The files live in
``RUGZAK_CACHE_DIR/validators``, by default the user's cache directory
(``~/.cache/rugzak/validators`` on Linux), one file per compiled schema: writing
one removes that schema's files of older keys.

Loading marshalled code is as trusted as Python's own ``__pycache__``: the folder
is the user's own, created readable and writable by that user only (0700, files
0600), and a folder someone else owns or may write to is not used. Each file
carries the SHA-256 of its key and code, so a truncated, corrupt or foreign file is
ignored (and replaced), never loaded. A folder that cannot be read or written (a
read-only container, a full disk) costs only the time saved: validators are then
compiled in memory, without a word to the user.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

from shared.ob import code_store
from shared.ob.code_store import CodeKey
from shared.runtime.files import atomic_write

ENV = "RUGZAK_CACHE_DIR"
_MAGIC = b"rugzak compiled validator 1\n"
_SUFFIX = ".code"
_SLOT = re.compile(r"[A-Za-z0-9-]+")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def cache_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """``RUGZAK_CACHE_DIR``, else the user's cache directory for Rugzak (platformdirs)."""
    chosen = environ.get(ENV, "")
    if chosen:
        return Path(chosen).expanduser()
    import platformdirs  # only when it is needed: command lines start without it

    return platformdirs.user_cache_path("rugzak", appauthor=False)


def _checksum(key: CodeKey, payload: bytes) -> bytes:
    return hashlib.sha256(f"{key.slot}\n{key.digest}\n".encode() + payload).digest()


def _private(folder: Path) -> bool:
    """True if ``folder`` is a directory of this user that nobody else may write to."""
    info = folder.stat()
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class DiskCodeStore:
    """A :class:`~shared.ob.code_store.CodeStore` in a folder: ``root/validators``.

    ``root`` defaults to :func:`cache_dir`, found on first use (not when installed).
    """

    def __init__(self, root: Path | None = None) -> None:
        self._root = root

    @cached_property
    def folder(self) -> Path:
        return (self._root or cache_dir()) / "validators"

    def _path(self, key: CodeKey) -> Path:
        if not (_SLOT.fullmatch(key.slot) and _DIGEST.fullmatch(key.digest)):
            raise ValueError(f"not a code key: {key!r}")
        return self.folder / f"{key.slot}.{key.digest}{_SUFFIX}"

    def get(self, key: CodeKey) -> bytes | None:
        path = self._path(key)
        try:
            if not _private(self.folder):
                return None
            data = path.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + hashlib.sha256().digest_size
        if len(data) < head or not data.startswith(_MAGIC):
            return None
        payload = data[head:]
        if data[len(_MAGIC) : head] != _checksum(key, payload):
            return None
        return payload

    def put(self, key: CodeKey, payload: bytes) -> None:
        path = self._path(key)
        try:
            self._make_folder()
            if not _private(self.folder):
                return
            atomic_write(path, _MAGIC + _checksum(key, payload) + payload, mode=0o600)
            self._remove_others(key)
        except OSError:
            return

    def _make_folder(self) -> None:
        # Each level created 0700 (``mkdir(parents=True)`` would make parents by umask).
        missing = [self.folder, *self.folder.parents]
        missing = [folder for folder in missing if not folder.exists()]
        for folder in reversed(missing):
            folder.mkdir(mode=0o700, exist_ok=True)

    def _remove_others(self, key: CodeKey) -> None:
        """Remove this slot's files of other keys: one file per compiled schema."""
        for other in self.folder.glob(f"{key.slot}.*{_SUFFIX}"):
            slot, _, digest = other.name.removesuffix(_SUFFIX).partition(".")
            if slot == key.slot and digest != key.digest:
                other.unlink(missing_ok=True)


def install_code_cache(environ: Mapping[str, str] = os.environ) -> None:
    """Keep this process's compiled validators in :func:`cache_dir` (the apps' edges call
    this at start; nothing is read or written until a validator is first needed)."""
    chosen = environ.get(ENV, "")
    code_store.install(DiskCodeStore(Path(chosen).expanduser() if chosen else None))
