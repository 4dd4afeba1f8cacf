"""Award details read from people's input: dates typed as text, evidence files on disk."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from issuer.awards import EvidenceIn, evidence_file
from shared.dates import is_date, parse_date, parse_datetime
from shared.errors import ErrorCode, InvalidInput

MAX_EVIDENCE_FILE_BYTES = 50 * 1024 * 1024


def parse_award_date(text: str) -> datetime:
    """An RFC 3339 date-time, or a date (midnight UTC of that day)."""
    try:
        if is_date(text):
            return datetime.combine(parse_date(text), time(0, tzinfo=UTC))
        return parse_datetime(text)
    except ValueError as exc:
        raise InvalidInput(
            "the date must be YYYY-MM-DD or an RFC 3339 date-time",
            code=ErrorCode.invalid_request,
            detail=text,
        ) from exc


def read_evidence_file(
    path: Path, *, url: str | None = None, narrative: str | None = None
) -> EvidenceIn:
    """Evidence for a local file: its digests, its name, where it is published."""
    try:
        if path.stat().st_size > MAX_EVIDENCE_FILE_BYTES:
            raise InvalidInput(
                f"the evidence file is larger than {MAX_EVIDENCE_FILE_BYTES} bytes",
                code=ErrorCode.payload_too_large,
                detail=path.name,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the evidence file {path.name}",
            code=ErrorCode.invalid_request,
            detail=path.name,
        ) from exc
    return evidence_file(data, url=url, name=path.name, narrative=narrative)
