"""Draw QR texts as PNG, SVG or terminal text (segno).

Texts in the QR alphanumeric set (every ``RZ1:`` text) are encoded in
alphanumeric mode, anything else (an ``openid-credential-offer://`` link) in
byte mode. ECC is exactly the level asked for: segno's error boosting is off so
the version the encoder planned for is the version drawn.
"""

from __future__ import annotations

import io

import segno
from segno.encoder import DataOverflowError

from shared.errors import ErrorCode, InvalidInput
from shared.qr.capacity import ALPHANUMERIC, check_version, normalize_ecc

# One terminal character covers two module rows: (top is dark, bottom is dark) -> glyph
_GLYPHS_LIGHT_INK = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
_GLYPHS_DARK_INK = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def make_symbol(text: str, *, ecc: str = "M", version: int | None = None) -> segno.QRCode:
    """The segno QR code for ``text`` at exactly ``ecc`` (no error boosting).

    Raises:
        InvalidInput: ``payload_too_large`` when ``text`` does not fit (the given
            ``version``, or version 40).
    """
    if version is not None:
        check_version(version)
    mode = "alphanumeric" if text and set(text) <= ALPHANUMERIC else None
    try:
        return segno.make_qr(
            text, error=normalize_ecc(ecc), version=version, mode=mode, boost_error=False
        )
    except DataOverflowError as exc:
        raise InvalidInput(
            f"{len(text)} characters do not fit one QR code"
            + (f" of version {version}" if version else ""),
            code=ErrorCode.payload_too_large,
            detail={"length": len(text), "version": version, "ecc": ecc},
        ) from exc


def qr_version(text: str, ecc: str = "M") -> int:
    """The smallest QR version that holds ``text`` at ``ecc``."""
    return int(make_symbol(text, ecc=ecc).version)


def render_png(
    text: str, *, scale: int = 8, border: int = 4, ecc: str = "M", version: int | None = None
) -> bytes:
    """A black-on-white PNG; ``scale`` pixels per module, ``border`` modules of quiet zone."""
    out = io.BytesIO()
    make_symbol(text, ecc=ecc, version=version).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def render_svg(
    text: str, *, scale: int = 8, border: int = 4, ecc: str = "M", version: int | None = None
) -> str:
    """A standalone SVG document (with XML declaration) of the code."""
    out = io.BytesIO()
    make_symbol(text, ecc=ecc, version=version).save(
        out, kind="svg", scale=scale, border=border, xmldecl=True, title="Rugzak QR code"
    )
    return out.getvalue().decode("utf-8")


def render_terminal(
    text: str,
    *,
    border: int = 4,
    ecc: str = "M",
    version: int | None = None,
    dark_on_light: bool = False,
) -> str:
    """The code as lines of half-block characters, two module rows per line.

    By default the glyphs draw the *light* modules and the quiet zone, and blanks
    are dark: show it light-on-dark (e.g. rich style ``"white on black"``), the
    way terminals look by default and the way phones read screens best. With
    ``dark_on_light`` the glyphs draw the dark modules instead.

    The result is ``size + 2 * border`` characters wide and
    ``ceil((size + 2 * border) / 2)`` lines high, lines joined by ``\\n``; an odd
    last module row is padded with quiet zone.
    """
    if border < 0:
        raise ValueError("border must be >= 0")
    symbol = make_symbol(text, ecc=ecc, version=version)
    size = len(symbol.matrix)
    width = size + 2 * border
    rows: list[list[bool]] = [[False] * width for _ in range(border)]
    for row in symbol.matrix:
        rows.append([False] * border + [bool(m) for m in row] + [False] * border)
    rows.extend([False] * width for _ in range(border + (width % 2)))
    glyphs = _GLYPHS_DARK_INK if dark_on_light else _GLYPHS_LIGHT_INK
    lines = [
        "".join(glyphs[(top, bottom)] for top, bottom in zip(rows[y], rows[y + 1], strict=True))
        for y in range(0, len(rows), 2)
    ]
    return "\n".join(lines)
