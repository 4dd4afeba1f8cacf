"""Badges and offers in pictures: baked Open Badges PNGs and QR codes of offer links.

A *baked* badge is a PNG with an ``iTXt`` chunk ``openbadgecredential`` holding the
credential (OB 3.0 docformat). An issuer's offer is often handed out as a QR code of
its ``openid-credential-offer://`` link; the wallet reads it from a screenshot or photo.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from shared import qr
from shared.errors import ErrorCode, InvalidInput, Unsupported

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})
MAX_IMAGE_BYTES = 10 * 1024 * 1024
BAKED_KEY = "openbadgecredential"


def is_image_path(text: str) -> bool:
    return Path(text).suffix.lower() in IMAGE_SUFFIXES


def baked_credential(data: bytes) -> dict[str, Any] | None:
    """The credential baked into a PNG, or None when the picture carries none."""
    try:
        image = Image.open(io.BytesIO(data), formats=("PNG",))
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    text = getattr(image, "text", {}).get(BAKED_KEY)
    if not isinstance(text, str):
        return None
    value = text.strip()
    if value.startswith("eyJ"):
        raise Unsupported(
            "This badge is signed as a JWT (VC-JWT), which Rugzak does not read yet.",
            code=ErrorCode.unsupported_cryptosuite,
        )
    try:
        credential = json.loads(value)
    except ValueError:
        raise InvalidInput(
            "The badge baked into this picture is not JSON.", code=ErrorCode.invalid_json
        ) from None
    if not isinstance(credential, dict):
        raise InvalidInput(
            "The badge baked into this picture is not a credential.",
            code=ErrorCode.malformed_credential,
        )
    return credential


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
        raise InvalidInput(
            f"Cannot read {path}: {exc.strerror}.", code=ErrorCode.invalid_request, detail=str(path)
        ) from None
