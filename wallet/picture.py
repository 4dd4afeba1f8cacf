"""A badge picture as terminal cells: half blocks (two pixels a cell, one above the
other), which every colour terminal draws, so no sixel or kitty support is needed.

``wallet.badge_images`` says which bytes may be shown (digest checked, fetched through
the guarded network); this module only turns them into something Rich can draw, small
enough to sit beside the badge's text at 80x24. A picture is decoration: anything that
does not decode, or is too large to decode safely, is None, never an error.
"""

from __future__ import annotations

import hashlib
import io
from collections import OrderedDict
from threading import Lock

from PIL import Image, UnidentifiedImageError
from rich_pixels import HalfcellRenderer, Pixels

#: the box the picture fits in, in terminal cells (a half block is two pixels high)
MAX_ROWS = 10
MAX_COLUMNS = 20
#: in a window lower than ``TALL`` rows (80x24) the picture takes ``SHORT_ROWS``, so the
#: badge's description still shows below it
SHORT_ROWS = 6
TALL = 32
#: larger files or pictures are not decoded (a badge image is tens of KB, 512 px at most)
MAX_PICTURE_BYTES = 1024 * 1024
MAX_PIXELS = 4096 * 4096
_CACHE_SIZE = 32

_cache: OrderedDict[str, Pixels] = OrderedDict()
_lock = Lock()


def picture_rows(window_rows: int) -> int:
    """How many rows the picture may take in a window of ``window_rows``."""
    return MAX_ROWS if window_rows >= TALL else SHORT_ROWS


def half_blocks(data: bytes, rows: int = MAX_ROWS, columns: int = MAX_COLUMNS) -> Pixels | None:
    """The picture scaled to fit ``rows`` x ``columns`` cells, aspect kept, or None when
    it is too large or not a raster image Pillow reads (SVG is not drawn)."""
    if not data or len(data) > MAX_PICTURE_BYTES:
        return None
    key = f"{hashlib.sha256(data).hexdigest()}:{rows}x{columns}"
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    pixels = _render(data, rows, columns)
    if pixels is not None:
        with _lock:
            _cache[key] = pixels
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return pixels


def _render(data: bytes, rows: int, columns: int) -> Pixels | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                return None
            image.seek(0)  # the first frame of an animation
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    # a cell is about twice as high as wide, so one cell of two half blocks is square
    scale = min(columns / width, 2 * rows / height)
    size = (max(1, round(width * scale)), max(2, round(height * scale)))
    pixels: Pixels = Pixels.from_image(rgba, resize=size, renderer=HalfcellRenderer())
    return pixels
