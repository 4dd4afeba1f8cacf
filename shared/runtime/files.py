"""Durable file writes: a crash leaves the old content or the new, never half a file.

The data goes to a temporary file in the same directory (a rename is only atomic
within one file system), is fsynced, renamed over the target, and the directory is
fsynced so the rename itself survives a power loss. On any failure the temporary
file is removed: no ``.tmp`` is left behind.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o600,
    make_dirs: bool = False,
    sync_folder: bool = True,
) -> Path:
    """Replace ``path`` with ``data`` atomically and durably.

    ``mode`` is the new file's permission (owner-only by default: wallets, keys and
    credentials hold personal data). ``make_dirs`` creates missing folders (else a
    missing folder is the caller's ``FileNotFoundError``). ``sync_folder=False`` leaves
    the folder's fsync to the caller, who writes many files and syncs it once after.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if make_dirs:
        folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_folder:
        fsync_dir(folder)
    return path


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
# SQLite says "database or disk is full"; PostgreSQL's SQLSTATE 53100 is disk_full.
_FULL_TEXTS = ("database or disk is full", "no space left on device", "disk quota exceeded")


def is_disk_full(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the disk or quota is full.

    Looks through ``__cause__``/``__context__`` and a database driver's ``orig``
    error, so an ``OSError(ENOSPC)`` from a file write and a SQLite or PostgreSQL
    "disk full" inside an SQLAlchemy error are all recognised.
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if getattr(current, "sqlstate", None) == "53100":
            return True
        if any(text in str(current).lower() for text in _FULL_TEXTS):
            return True
        orig = getattr(current, "orig", None)
        pending += [current.__cause__, current.__context__]
        if isinstance(orig, BaseException):
            pending.append(orig)
    return False
