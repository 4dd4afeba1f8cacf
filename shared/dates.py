"""Dates and times: one strict RFC 3339 reading, one way of writing.

OB 3.0 and VCDM 2.0 say ``dateTimeStamp``: a date-time that carries a timezone.
Python's own parsers are laxer (they take naive times, week dates, bare dates, and
``datetime.fromisoformat`` reads "12:00" with no zone as local or, after a
``replace``, as UTC), so every date Rugzak reads (credential and proof dates, status
lists, presentation requests, trust packs, the JSON Schema ``format`` checks, the
models) goes through this module, and a time without a zone is never guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})"
)
_NAIVE_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class NoTimezoneError(ValueError):
    """A date-time without a timezone: its instant is unknown, so it is refused."""


# A verification reads the same few date-times several times (the schema's format
# check, the date checks, the status lists of every badge): successful readings are
# kept by their exact text (a datetime is immutable), bounded, emptied when full.
# Refused texts are not kept: they raise each time.
_PARSED_MAX = 2048
_parsed: dict[str, datetime] = {}


def parse_datetime(text: str) -> datetime:
    """Parse an RFC 3339 date-time with a timezone; ``ValueError`` otherwise.

    Fractions beyond microseconds are cut (Python cannot hold them); the value
    keeps its offset, so callers compare instants, not wall-clock strings.
    """
    if type(text) is not str:
        return _parse_datetime(text)
    known = _parsed.get(text)
    if known is None:
        known = _parse_datetime(text)
        if len(_parsed) >= _PARSED_MAX:
            _parsed.clear()  # a race here only costs a reading again
        _parsed[text] = known
    return known


def _parse_datetime(text: str) -> datetime:
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        if _NAIVE_DATE_TIME.fullmatch(text):
            raise NoTimezoneError(f"date-time has no timezone: {text!r}")
        raise ValueError(f"not an RFC 3339 date-time: {text!r}")
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = match.group(7) or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    zone = match.group(8).upper()
    if zone == "Z":
        tz = UTC
    else:
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise ValueError(f"timezone offset out of range: {text!r}")
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    # datetime() checks the calendar: month 13, Feb 30 and second 60 all fail.
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)


def read_datetime(value: object) -> datetime | None:
    """:func:`parse_datetime` for a field of a document: None when it is not one.

    For checks that report a bad date themselves (with their own code), rather
    than let a ``ValueError`` escape.
    """
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def is_datetime(text: object) -> bool:
    """True for a string :func:`parse_datetime` accepts (the schema ``date-time`` format)."""
    if not isinstance(text, str):
        return True  # JSON Schema formats only constrain strings
    try:
        parse_datetime(text)
    except ValueError:
        return False
    return True


def parse_date(text: str) -> date:
    """Parse an RFC 3339 full-date (``YYYY-MM-DD``); ``ValueError`` otherwise."""
    if _DATE.fullmatch(text) is None:
        raise ValueError(f"not an RFC 3339 date: {text!r}")
    return date.fromisoformat(text)


def is_date(text: object) -> bool:
    """True for a string :func:`parse_date` accepts (the schema ``date`` format)."""
    if not isinstance(text, str):
        return True
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC: the one form Rugzak writes.

    Whole seconds keep credentials short and identical across platforms; naive
    datetimes are refused because their instant is unknown.
    """
    return to_utc(value).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are refused (``ValueError``)."""
    if not isinstance(value, datetime):
        raise TypeError("expected a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime (no timezone): pass an aware datetime (e.g. tzinfo=UTC)")
    return value.astimezone(UTC)
