"""Dates as people read them, in their language: "23 november 2026", not
"2026-11-23T12:00:00Z" (the wallet's detail screen, list rows, ``rugzak-wallet show``
and certificate; the verifier's public badge page)."""

from __future__ import annotations

from datetime import datetime

from shared.dates import read_datetime

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
}  # fmt: skip


def date_text(
    value: str | datetime | None,
    lang: str,
    *,
    short: bool = False,
    time: bool = False,
    as_written: bool = False,
) -> str:
    """``value`` (a credential's date-time, or a moment) as "23 november 2026", in this
    computer's time zone; ``short``: "23 nov 2026" (a list row); ``time``: with the
    hour ("23 november 2026 13:05", when a check happened); ``as_written``: in the
    value's own offset (a server's page: the server's zone means nothing to its reader,
    and a badge awarded on 1 January where it was issued says 1 January). Text that is
    no date is given back as it is (a badge may carry anything), and nothing as ""."""
    moment = value if isinstance(value, datetime) else read_datetime(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    if moment.tzinfo is not None and not as_written:
        moment = moment.astimezone()
    month = MONTHS[lang][moment.month - 1]
    text = f"{moment.day} {month[:3] if short else month} {moment.year}"
    return f"{text} {moment:%H:%M}" if time else text
