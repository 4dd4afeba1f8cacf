"""How many alphanumeric characters fit a QR code of a given version and ECC level.

Computed from segno's symbol tables (data bits per version and level) and the
ISO/IEC 18004 alphanumeric bit costs, so the encoder can size parts without
building a QR code per try.
"""

from __future__ import annotations

from typing import cast

from segno import consts

ECC_LEVELS = ("L", "M", "Q", "H")
MIN_VERSION = 1
MAX_VERSION = 40
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

_SYMBOL_BITS = cast("dict[int, dict[int, int]]", consts.SYMBOL_CAPACITY)
_ERROR_LEVEL: dict[str, int] = consts.ERROR_MAPPING
_COUNT_BITS: dict[int, dict[int, int]] = consts.CHAR_COUNT_INDICATOR_LENGTH


def normalize_ecc(ecc: str) -> str:
    """``"m"`` -> ``"M"``; anything else than L/M/Q/H is a caller bug."""
    level = ecc.upper() if isinstance(ecc, str) else ecc
    if level not in ECC_LEVELS:
        raise ValueError(f"ecc must be one of {ECC_LEVELS}, not {ecc!r}")
    return str(level)


def check_version(version: int) -> int:
    if isinstance(version, bool) or not isinstance(version, int):
        raise TypeError("version must be an int")
    if not MIN_VERSION <= version <= MAX_VERSION:
        raise ValueError(f"version must be {MIN_VERSION}..{MAX_VERSION}, not {version}")
    return version


def max_part_chars(version: int, ecc: str = "M") -> int:
    """The longest alphanumeric text (header included) one code of ``version`` holds."""
    check_version(version)
    bits = int(_SYMBOL_BITS[version][_ERROR_LEVEL[normalize_ecc(ecc)]])
    if version < 10:
        version_range = consts.VERSION_RANGE_01_09
    elif version < 27:
        version_range = consts.VERSION_RANGE_10_26
    else:
        version_range = consts.VERSION_RANGE_27_40
    count_bits = int(_COUNT_BITS[consts.MODE_ALPHANUMERIC][version_range])
    available = bits - 4 - count_bits  # mode indicator + character count
    return (available // 11) * 2 + (1 if available % 11 >= 6 else 0)


def modules(version: int) -> int:
    """Side of a QR symbol in modules, without the quiet zone."""
    return 17 + 4 * check_version(version)


def version_for_modules(max_modules: int) -> int:
    """The largest version whose symbol (without quiet zone) is at most ``max_modules`` wide.

    Raises:
        ValueError: when not even version 1 (21 modules) fits.
    """
    version = min(MAX_VERSION, (max_modules - 17) // 4)
    if version < MIN_VERSION:
        raise ValueError(f"a QR code needs at least 21 modules, not {max_modules}")
    return version


def version_for_terminal(columns: int, rows: int, *, border: int = 4) -> int:
    """The largest version that ``render_terminal`` draws within ``columns`` x ``rows``.

    One character is one module wide and two modules high; ``border`` modules of
    quiet zone are drawn on every side.
    """
    side = min(columns, 2 * rows) - 2 * border
    return version_for_modules(side)


def smallest_version(length: int, ecc: str = "M") -> int | None:
    """The smallest version holding ``length`` alphanumeric characters, or None."""
    for version in range(MIN_VERSION, MAX_VERSION + 1):
        if length <= max_part_chars(version, ecc):
            return version
    return None
