"""shared.dates: the one strict RFC 3339 reader and the one writer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.dates import (
    NoTimezoneError,
    format_datetime,
    is_date,
    is_datetime,
    parse_date,
    parse_datetime,
    read_datetime,
    to_utc,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2010-01-01T00:00:00Z", datetime(2010, 1, 1, tzinfo=UTC)),
        ("2010-01-01t00:00:00z", datetime(2010, 1, 1, tzinfo=UTC)),
        ("2010-01-01T02:00:00+02:00", datetime(2010, 1, 1, tzinfo=UTC)),
        ("2010-01-01T00:00:00.5-01:30", datetime(2010, 1, 1, 1, 30, 0, 500000, tzinfo=UTC)),
        ("2010-01-01T00:00:00.1234567891Z", datetime(2010, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    """RFC 3339 date-times parse to the right instant."""
    assert parse_datetime(text) == expected
    assert is_datetime(text)


@pytest.mark.parametrize(
    "text",
    [
        "2010-01-01T00:00:00",
        "2010-01-01 00:00:00Z",
        "2010-13-01T00:00:00Z",
        "2010-01-01T24:00:00Z",
        "2010-01-01T00:00:60Z",
        "2010-01-01T00:00:00+24:00",
        "2010-01-01T00:00:00+05:60",
        "20100101T000000Z",
        "0000-01-01T00:00:00Z",
        " 2010-01-01T00:00:00Z",
    ],
)
def test_parse_datetime_refuses(text: str) -> None:
    """Naive, out-of-range and non-RFC 3339 forms are refused."""
    with pytest.raises(ValueError, match=r"date-time|timezone|range|must be"):
        parse_datetime(text)
    assert not is_datetime(text)


def test_format_datetime() -> None:
    """Writing converts to UTC and drops fractions; naive datetimes are refused."""
    tz = timezone(timedelta(hours=-5))
    assert format_datetime(datetime(2026, 1, 1, 19, 0, 0, 999999, tzinfo=tz)) == (
        "2026-01-02T00:00:00Z"
    )
    with pytest.raises(ValueError, match="naive"):
        format_datetime(datetime(2026, 1, 1))


def test_dates() -> None:
    """Full-dates parse strictly; non-strings pass the format check (JSON Schema rule)."""
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    for bad in ("2023-02-29", "2024-2-29", "2024-02-29T00:00:00Z"):
        assert not is_date(bad)
    assert is_date(7)
    assert is_datetime(7)


def test_a_naive_time_is_never_read_as_utc() -> None:
    """The old readers took '...T12:00:00' as UTC; its instant is unknown, so it is refused."""
    with pytest.raises(NoTimezoneError):
        parse_datetime("2026-03-01T12:00:00")
    assert read_datetime("2026-03-01T12:00:00") is None


@pytest.mark.parametrize(
    "value", [None, 7, "", "2026-03-01", "2026-03-01T12:00Z", "yesterday", ["2026-03-01T12:00:00Z"]]
)
def test_read_datetime_gives_none_for_what_is_not_a_date_time(value: object) -> None:
    assert read_datetime(value) is None


def test_read_datetime_keeps_the_offset() -> None:
    moment = read_datetime("2026-03-01T12:00:00+01:00")
    assert moment == datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
    assert moment is not None
    assert moment.utcoffset() == timedelta(hours=1)


def test_write_then_read_is_the_same_instant() -> None:
    moment = datetime(2026, 11, 27, 15, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    text = format_datetime(moment)
    assert text == "2026-11-27T13:04:05Z"
    assert parse_datetime(text) == moment


def test_format_pads_the_year() -> None:
    assert format_datetime(datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC)) == "0999-01-02T03:04:05Z"


def test_to_utc() -> None:
    tz = timezone(timedelta(hours=-3))
    assert to_utc(datetime(2026, 1, 1, 21, tzinfo=tz)) == datetime(2026, 1, 2, tzinfo=UTC)
    assert to_utc(datetime(2026, 1, 1, 21, tzinfo=tz)).tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        to_utc("2026-01-01T00:00:00Z")  # type: ignore[arg-type]


def test_kept_readings_are_the_readings() -> None:
    from shared import dates

    texts = [
        "2026-11-23T12:00:00Z",
        "2026-11-23T12:00:00.123456789+01:30",
        "2026-11-23t12:00:00-05:00",
        "2024-02-29T23:59:59z",
    ]
    for text in texts:
        first = parse_datetime(text)
        assert first == dates._parse_datetime(text)
        assert first.utcoffset() == dates._parse_datetime(text).utcoffset()
        assert parse_datetime(text) is first  # kept
    for bad in ("2026-02-30T00:00:00Z", "2026-11-23T12:00:00", "2026-11-23T12:00:00+24:00"):
        for _ in range(2):
            with pytest.raises(ValueError, match=r"range|timezone"):
                parse_datetime(bad)
        assert bad not in dates._parsed


def test_kept_readings_are_bounded() -> None:
    from shared import dates

    for second in range(dates._PARSED_MAX + 10):
        parse_datetime(f"2026-01-01T00:{second // 60 % 60:02d}:{second % 60:02d}.{second}Z")
    assert len(dates._parsed) <= dates._PARSED_MAX
