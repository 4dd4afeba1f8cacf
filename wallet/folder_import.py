"""Reading a folder of badge files back: what ``export --all`` wrote, or any folder of
badges (JSON, VC-JWT, baked PNG or SVG).

Each file is read on its own: one that is not a badge is reported with its name and
the others go on. The export's ``index.json`` and read-me are skipped, and so are
hidden files (a half-written ``.name.tmp`` among them). A picture in a folder is read
only for a baked badge, never for a QR code of an offer: importing a folder does not
redeem offers behind the learner's back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shared.errors import ErrorCode, InvalidInput, RugzakError
from wallet.export_all import MANIFEST
from wallet.images import baked_credential, read_image_file
from wallet.receive import credentials_in, read_json_file

TEXT_SUFFIXES = frozenset({".json", ".jwt"})
IMAGE_SUFFIXES = frozenset({".png", ".svg"})


def badge_files(folder: Path) -> list[Path]:
    """The files in ``folder`` (not in its subfolders) that may hold badges, by name."""
    found = [
        entry
        for entry in Path(folder).expanduser().iterdir()
        if entry.is_file()
        and not entry.name.startswith(".")
        and entry.name.casefold() != MANIFEST
        and entry.suffix.lower() in TEXT_SUFFIXES | IMAGE_SUFFIXES
    ]
    return sorted(found, key=lambda path: path.name.casefold())


def documents_in(folder: Path) -> Iterator[tuple[Path, list[Any] | RugzakError]]:
    """Per badge file: the credentials it holds, or why it could not be read."""
    for path in badge_files(folder):
        try:
            yield path, _read(path)
        except RugzakError as exc:
            yield path, exc


def _read(path: Path) -> list[Any]:
    if path.suffix.lower() in TEXT_SUFFIXES:
        return credentials_in(read_json_file(path))
    baked = baked_credential(read_image_file(path))
    if baked is None:
        raise InvalidInput(
            "This picture holds no badge (nothing is baked into it).",
            code=ErrorCode.unsupported_format,
            detail=path.name,
        )
    return credentials_in(baked)
