"""File names people read, safe on Windows, macOS and Linux.

A badge exported to a folder is named for what it is (``Gastvrijheid - ROC
Rivierenland - 2026-06-01.json``), not by a random id: the learner, a school or a
portfolio system finds it by its name. Accents and other letters stay; what one of the
three systems refuses or treats specially is replaced, the length stays well inside
every file system's limit, and two badges with the same name get " (2)", " (3)",
compared as a case-insensitive file system would (macOS and Windows by default).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wallet.data.cards import Card

# Windows refuses these, "/" is the separator everywhere, control characters break
# listings; NUL and DEL included.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Windows reserves these names whatever follows the first dot (NUL.json is NUL).
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
)
#: The longest stem in UTF-8 bytes: file names are limited to 255 bytes (ext4) or 255
#: UTF-16 units (NTFS, APFS); this leaves room for " (999)" and a suffix.
MAX_STEM_BYTES = 180
_PART_CHARS = 90  # one part (a badge name, an issuer name) at most


def safe_part(text: str, *, limit: int = _PART_CHARS) -> str:
    """One part of a file name: NFC (macOS may hand back NFD), unsafe characters as
    "_", runs of white space as one space, no leading or trailing dots or spaces,
    at most ``limit`` characters (cut with "…")."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE.sub("_", text)
    text = " ".join(text.split())
    text = text.strip(" .")
    if len(text) > limit:
        text = text[: limit - 1].rstrip(" .") + "…"
    return text


def badge_stem(name: str, issuer: str, date: str | None) -> str:
    """``<badge name> - <issuer name> - <YYYY-MM-DD>``, safe and bounded."""
    parts = [safe_part(name) or "Badge", safe_part(issuer)]
    if date:
        parts.append(safe_part(date[:10]))
    stem = " - ".join(part for part in parts if part)
    return bounded(stem)


def card_stem(card: Card) -> str:
    """The name of one badge's files (its JSON, certificate, baked picture): the one
    place that says how a badge is called on disk."""
    return badge_stem(card.name, card.issuer_name, card.issued)


def bounded(stem: str) -> str:
    """``stem`` cut to ``MAX_STEM_BYTES`` of UTF-8 on a character boundary, never a
    name Windows reserves, never empty."""
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        cut = encoded[: MAX_STEM_BYTES - len("…".encode())].decode("utf-8", "ignore")
        stem = cut.rstrip(" .") + "…"
    if stem.split(".")[0].strip().casefold() in _RESERVED:
        stem = "_" + stem
    return stem or "Badge"


class NameBook:
    """Hands out names that differ from each other and from ``taken`` (case-insensitive,
    whatever the suffix: ``Gastvrijheid.json`` and ``gastvrijheid.png`` would stand
    side by side as two files of one badge, so the second is numbered)."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self._taken = {name.casefold() for name in taken or ()}

    def claim(self, stem: str) -> str:
        candidate, number = stem, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f"{stem} ({number})"
        self._taken.add(candidate.casefold())
        return candidate
