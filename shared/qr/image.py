"""Read QR codes from an image file (zxing-cpp over Pillow).

Used by the verifier's upload endpoint and CLI, so it takes untrusted bytes:
the file size and pixel count are capped before any pixel is decoded.
"""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, UnidentifiedImageError

from shared.errors import ErrorCode, InvalidInput

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000
"""Below Pillow's own bomb threshold, so our error comes first for large photos."""

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF")
"""Raster formats only: Pillow would hand EPS/PS to Ghostscript, never for upload bytes."""


def _too_large(detail: dict[str, int]) -> InvalidInput:
    return InvalidInput(
        "the image is too large to scan", code=ErrorCode.payload_too_large, detail=detail
    )


def _load(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # the warning is raised as an exception where warnings are errors
        raise _too_large({"max_pixels": MAX_IMAGE_PIXELS}) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InvalidInput(
            "the file is not an image Rugzak can read (PNG, JPEG, GIF, WebP, BMP...)",
            code=ErrorCode.invalid_image,
            detail={"reason": str(exc)[:200]},
        ) from exc
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_large({"width": width, "height": height, "max_pixels": MAX_IMAGE_PIXELS})
    try:
        return image.convert("L")
    except (OSError, ValueError, SyntaxError) as exc:
        raise InvalidInput(
            "the image is damaged or truncated",
            code=ErrorCode.invalid_image,
            detail={"reason": str(exc)[:200]},
        ) from exc


def read_qr_image(data: bytes) -> list[str]:
    """Every QR code text found in the image, in reading order, without repeats.

    Raises:
        InvalidInput: ``invalid_image`` for a file that is not a readable image,
            ``payload_too_large`` past the size caps, ``qr_decode_failed`` when
            the image holds no readable QR code.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("image data must be bytes")
    data = bytes(data)
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_large({"size": len(data), "max_bytes": MAX_IMAGE_BYTES})
    image = _load(data)
    # No zxing-cpp object is kept at module level: the issuer freezes the garbage
    # collector (``gc.freeze``) once warm, so module globals outlive the interpreter's
    # teardown, and nanobind then prints ~60 lines of "leaked" warnings at every exit.
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.barcode_formats_from_str("QRCode"))
    texts: list[str] = []
    for barcode in found:
        if barcode.valid and barcode.text and barcode.text not in texts:
            texts.append(barcode.text)
    if not texts:
        raise InvalidInput(
            "no readable QR code found in the image",
            code=ErrorCode.qr_decode_failed,
            detail={"width": image.width, "height": image.height},
        )
    return texts
