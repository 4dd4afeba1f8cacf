"""xsd:date and xsd:dateTime as CBOR-LD writes them: seconds since 1970.

A value is compressed only when JavaScript's ``Date.prototype.toISOString`` gives
the same text back (``YYYY-MM-DDTHH:MM:SSZ``, or with exactly three fraction
digits), so the text survives byte for byte. Proleptic Gregorian arithmetic, as
JavaScript does it, without ``datetime`` (which has no year 0).
"""

from __future__ import annotations

import re

_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{3}))?Z"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MAX_MS = 8_640_000_000_000_000  # JavaScript's Date range


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _valid(y: int, m: int, d: int) -> bool:
    if not 1 <= m <= 12 or d < 1:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return d <= days


def iso_from_ms(ms: int) -> str | None:
    """``new Date(ms).toISOString()``, or None outside JavaScript's date range."""
    if abs(ms) > _MAX_MS:
        return None
    days, rem = divmod(ms, 86_400_000)
    y, m, d = _civil_from_days(days)
    hh, rem = divmod(rem, 3_600_000)
    mi, rem = divmod(rem, 60_000)
    ss, frac = divmod(rem, 1000)
    year = f"{y:04d}" if 0 <= y <= 9999 else (f"+{y:06d}" if y > 0 else f"-{-y:06d}")
    return f"{year}-{m:02d}-{d:02d}T{hh:02d}:{mi:02d}:{ss:02d}.{frac:03d}Z"


def encode_datetime(value: str) -> int | list[int] | None:
    """Seconds (or ``[seconds, milliseconds]``) when lossless, else None."""
    match = _DATETIME.fullmatch(value)
    if match is None:
        return None
    y, mo, d, hh, mi, ss = (int(g) for g in match.groups()[:6])
    if not _valid(y, mo, d) or hh > 23 or mi > 59 or ss > 59:
        return None
    seconds = _days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss
    frac = match.group(7)
    return seconds if frac is None else [seconds, int(frac)]


def decode_datetime(value: int | list[int]) -> str | None:
    if isinstance(value, list):
        text = iso_from_ms(value[0] * 1000 + value[1])
        return text
    text = iso_from_ms(value * 1000)
    return None if text is None else text.replace(".000Z", "Z")


def encode_date(value: str) -> int | None:
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    y, m, d = (int(g) for g in match.groups())
    if not _valid(y, m, d):
        return None
    return _days_from_civil(y, m, d) * 86400


def decode_date(value: int) -> str | None:
    text = iso_from_ms(value * 1000)
    return None if text is None else text[: text.index("T")]
