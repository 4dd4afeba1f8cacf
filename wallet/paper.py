"""Recovery shares on paper: words and a QR code per share, on screen or as a PDF.

A share is 20 SLIP-0039 words; its QR code holds the same words in upper case (QR
alphanumeric mode, about version 6). The PDF is made with Pillow (one A4 page per
share at 150 dpi) and only ever handed to the caller as bytes, for the printer: the
wallet writes no share to a file.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from shared import qr
from shared.qr.render import make_symbol
from wallet.data.recovery import ShareSet
from wallet.i18n import Translator

PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
QR_SCALE = 9


def share_qr_text(words: str) -> str:
    """What a share's QR code holds: its words in upper case (QR alphanumeric mode)."""
    return words.upper()


def words_table(words: str, columns: int = 4) -> list[str]:
    """The words numbered, in rows of ``columns`` (so none is skipped when copying)."""
    items = [f"{i:2d}. {w:<10s}" for i, w in enumerate(words.split(), start=1)]
    return ["  ".join(items[r : r + columns]).rstrip() for r in range(0, len(items), columns)]


def share_text(shares: ShareSet, index: int, t: Translator) -> str:
    """One share for a terminal: heading, numbered words and its QR code."""
    words = shares.words[index]
    lines = [
        t("recovery.share_title", i=index + 1, n=shares.count, k=shares.threshold),
        *words_table(words),
        "",
        qr.render_terminal(share_qr_text(words), border=2),
        "",
    ]
    return "\n".join(lines)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def share_page(shares: ShareSet, index: int, t: Translator) -> Image.Image:
    """One A4 page (grey scale) for one share."""
    page = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    title = t("recovery.share_title", i=index + 1, n=shares.count, k=shares.threshold)
    draw.text((MARGIN, y), title, fill=0, font=_font(44))
    y += 90
    for line in t("recovery.paper_note", k=shares.threshold).split("\n"):
        draw.text((MARGIN, y), line, fill=60, font=_font(24))
        y += 36
    y += 30
    words = shares.words[index].split()
    half = (len(words) + 1) // 2
    for row in range(half):  # two columns, numbered down each column
        for column, number in enumerate((row, row + half)):
            if number < len(words):
                x = MARGIN + column * 480
                draw.text((x, y), f"{number + 1:2d}.", fill=90, font=_font(38))
                draw.text((x + 70, y), words[number], fill=0, font=_font(38))
        y += 56
    code = make_symbol(share_qr_text(shares.words[index]))
    png = io.BytesIO()
    code.save(png, kind="png", scale=QR_SCALE, border=4)
    picture = Image.open(io.BytesIO(png.getvalue())).convert("L")
    page.paste(picture, (PAGE[0] - MARGIN - picture.width, PAGE[1] - MARGIN - picture.height))
    return page


def share_pdf(shares: ShareSet, t: Translator) -> bytes:
    """Every share as one page of a PDF, in memory."""
    pages = [share_page(shares, i, t) for i in range(shares.count)]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=150.0)
    return out.getvalue()
