"""Badges and offers in pictures: baked Open Badges PNGs and QR codes of offer links.

A *baked* badge is a PNG or SVG with the credential inside (JSON or a VC-JWT;
``shared.formats`` reads the Open Badges 3.0 and 2.0 bakings). An issuer's offer is
often handed out as a QR code of its ``openid-credential-offer://`` link; the wallet
reads it from a screenshot or photo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shared import qr
from shared.errors import ErrorCode, InvalidInput
from shared.formats import Parsed, enveloped, ob2_enveloped, read_any
from shared.formats.baking import is_png, is_svg
from wallet.file_problems import file_error

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".svg"})
MAX_IMAGE_BYTES = 10 * 1024 * 1024
BAKED_KEY = "openbadgecredential"


def is_image_path(text: str) -> bool:
    return Path(text).suffix.lower() in IMAGE_SUFFIXES


def baked_credential(data: bytes) -> Any | None:
    """The badge baked into a PNG or SVG (Open Badges 3.0 or 2.0 baking), or None.

    A VC-JWT comes back enveloped (a JSON object holding the JWT), so the wallet keeps
    it as it was signed.
    """
    if not (is_png(data) or is_svg(data)):
        return None
    try:
        parsed = read_any(data)
    except InvalidInput as exc:
        if exc.code in (ErrorCode.unsupported_format, ErrorCode.invalid_image):
            return None  # no badge in it, or not an image we read: maybe a QR code
        raise
    return badge_document(parsed)


def badge_document(parsed: Parsed) -> Any:
    """What the wallet stores for a badge ``read_any`` recognised."""
    if parsed.format == "vc_jwt" and parsed.token is not None:
        return enveloped(parsed.token)
    if parsed.format == "ob2" and parsed.token is not None:
        return ob2_enveloped(parsed.token)  # signed: kept with its signature
    if parsed.document is None:
        raise InvalidInput("This is not a badge file.", code=ErrorCode.unsupported_format)
    return parsed.document


def qr_texts(data: bytes) -> list[str]:
    """The QR code texts in a picture (empty when there are none)."""
    return qr.read_qr_image(data)


def read_image_file(path: Path) -> bytes:
    path = Path(path).expanduser()
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise InvalidInput(
                f"{path.name} is too large.", code=ErrorCode.payload_too_large, detail=str(path)
            )
        return path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path) from None
