"""Durable file writes: a crash leaves the old content or the new, never half a file.

The data goes to a temporary file in the same directory (a rename is only atomic
within one file system), is fsynced, renamed over the target, and the directory is
fsynced so the rename itself survives a power loss. On any failure the temporary
file is removed: no ``.tmp`` is left behind.
"""

from __future__ import annotations

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


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600, make_dirs: bool = False) -> Path:
    """Replace ``path`` with ``data`` atomically and durably.

    ``mode`` is the new file's permission (owner-only by default: wallets, keys and
    credentials hold personal data). ``make_dirs`` creates missing folders (else a
    missing folder is the caller's ``FileNotFoundError``).
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
    fsync_dir(folder)
    return path
