"""Deterministic badge pictures of realistic size (20-80 KB PNGs) for size claims.

Real badge artwork is a photo-like or gradient PNG that does not compress to
nothing; seeded noise over a gradient gives the same order of bytes.
"""

from __future__ import annotations

import base64
import io
import random

from PIL import Image


def badge_png(kilobytes: int, seed: int = 1) -> bytes:
    """A PNG of about ``kilobytes`` KB (within a few percent)."""
    rng = random.Random(seed)
    side = max(8, int((kilobytes * 1024 / 2.5) ** 0.5))
    pixels = bytearray()
    for y in range(side):
        for x in range(side):
            pixels += bytes(((x * 255 // side) ^ rng.randrange(256), y % 256, rng.randrange(256)))
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), bytes(pixels)).save(out, format="PNG")
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
