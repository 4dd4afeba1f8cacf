"""Narratives read for people: the Markdown a credential may carry, cut to a safe subset.

Open Badges 3.0 allows Markdown in ``Criteria.narrative`` and ``Evidence.narrative``,
and skill-level badges use it (each level in bold, its behaviours as a list). Shown
as plain text it reads as ``**Niveau 1: Beginnend** ... - Maakt ... - Vraagt ...``.
A credential is a stranger's text, so only the structure a reader needs is kept:
paragraphs, headings, bullet and numbered lists, and ``**bold**``. A link
``[words](address)`` reads as "words (address)", plain text; images, HTML, code,
tables and quotes stay as their literal text; nothing in a narrative can make an app
open a link or run markup. Every app renders the same :class:`Block` s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["paragraph", "heading", "bullets", "numbered"]

_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_=])(\s*\1){2,}\s*$")
# [words](address), not ![an image](address); an address may hold one level of (...)
_LINK = re.compile(r"(?<!!)\[([^\[\]\n]+)\]\(((?:[^\s()]|\([^\s()]*\))+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
MAX_CHARS = 20_000
"""A narrative longer than this is cut (a reader shows criteria, not a book)."""


@dataclass(frozen=True)
class Span:
    """A run of text, bold or not (the only inline markup kept)."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph or heading (one item) or a list (one item per entry)."""

    kind: Kind
    items: tuple[tuple[Span, ...], ...]


def spans(text: str) -> tuple[Span, ...]:
    """``text`` with ``**bold**`` and ``__bold__`` taken apart and each link as its
    words and address; all else is literal."""
    text = _LINK.sub(_link_words, text)
    out: list[Span] = []
    at = 0
    for match in _BOLD.finditer(text):
        if match.start() > at:
            out.append(Span(text[at : match.start()]))
        out.append(Span(match.group(1) or match.group(2), bold=True))
        at = match.end()
    if at < len(text):
        out.append(Span(text[at:]))
    return tuple(out)


def _link_words(match: re.Match[str]) -> str:
    words, address = match.group(1).strip(), match.group(2)
    return address if words == address else f"{words} ({address})"


def blocks(text: str) -> list[Block]:
    """The blocks of a narrative, in order. Lines of a paragraph are joined by a
    space (Markdown's soft break); a blank line ends a paragraph or a list."""
    found: list[Block] = []
    kind: Kind | None = None
    items: list[str] = []

    def close() -> None:
        nonlocal kind, items
        if kind is not None and items:
            found.append(Block(kind, tuple(spans(i) for i in items)))
        kind, items = None, []

    for raw in text[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line or _RULE.match(raw):
            close()
            continue
        heading = _HEADING.match(raw)
        bullet = _BULLET.match(raw)
        number = _NUMBER.match(raw)
        if heading:
            close()
            found.append(Block("heading", (spans(heading.group(1)),)))
        elif bullet or number:
            wanted: Kind = "bullets" if bullet else "numbered"
            if kind != wanted:
                close()
                kind = wanted
            items.append((bullet or number).group(1).strip())  # type: ignore[union-attr]
        elif kind in ("bullets", "numbered") and raw[:1].isspace():
            items[-1] += " " + line  # a list item's continuation line
        else:
            if kind != "paragraph":
                close()
                kind = "paragraph"
                items = [line]
            else:
                items[0] += " " + line
    close()
    return found


def plain_text(text: str) -> str:
    """The narrative as plain lines: paragraphs apart, list entries as ``• `` or
    ``1. `` lines, bold marks dropped (print, PDF, terminals without Markdown)."""
    out: list[str] = []
    for block in blocks(text):
        if block.kind in ("paragraph", "heading"):
            out.append(_joined(block.items[0]))
        elif block.kind == "bullets":
            out.append("\n".join(f"• {_joined(item)}" for item in block.items))
        else:
            out.append("\n".join(f"{n}. {_joined(i)}" for n, i in enumerate(block.items, 1)))
    return "\n\n".join(out)


def _joined(item: tuple[Span, ...]) -> str:
    return "".join(span.text for span in item)
