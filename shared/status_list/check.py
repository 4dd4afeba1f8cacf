"""Reading one entry's status from a list credential (the "Validate" algorithm)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache

from shared.dates import format_datetime, parse_datetime, to_utc
from shared.errors import ErrorCode, InvalidInput
from shared.status_list.bits import MAX_LIST_BYTES, VERIFY_MIN_ENTRIES, BitstringStatusList
from shared.status_list.entry import StatusListEntry
from shared.verification import Check, CheckName
from shared.vocab import STATUS_LIST_CREDENTIAL_TYPES, STATUS_LIST_SUBJECT_TYPES

LIST_CREDENTIAL_TYPES = STATUS_LIST_CREDENTIAL_TYPES
LIST_SUBJECT_TYPES = STATUS_LIST_SUBJECT_TYPES


@dataclass(frozen=True)
class StatusOutcome:
    """What a status list says about one entry; ``value`` is None when it could not be read."""

    purpose: str
    index: int | None
    value: int | None
    code: ErrorCode | None
    message: str
    ok: bool

    @property
    def known(self) -> bool:
        """False when the status could not be determined (never read that as "not revoked")."""
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["code"] = None if self.code is None else str(self.code)
        return out

    def to_check(self, list_url: str) -> Check:
        """The ``status`` check of a verification: the one place an outcome becomes one.

        Revoked and suspended fail; any other problem means "status unknown" (amber),
        never "not revoked".
        """
        detail = {
            "statusListCredential": list_url,
            "purpose": self.purpose,
            "index": self.index,
            "value": self.value,
        }
        if self.ok:
            return Check.passed(CheckName.status, self.message, detail)
        if self.code in (ErrorCode.revoked, ErrorCode.suspended):
            return Check.failed(CheckName.status, self.code, self.message, detail)
        code = self.code or ErrorCode.status_unknown
        return Check.undecided(CheckName.status, code, self.message, detail)


def check_status(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any],
    *,
    now: datetime,
    min_entries: int = VERIFY_MIN_ENTRIES,
    max_bytes: int = MAX_LIST_BYTES,
    skew: timedelta = timedelta(0),
) -> StatusOutcome:
    """The Bitstring Status List "Validate" algorithm, minus the list's proof check.

    ``skew`` tolerates clocks that differ a little (as for the credential's own dates).

    Never raises for bad data: every problem is an outcome with a stable code.
    """
    now = to_utc(now)
    purpose = str(entry.get("statusPurpose", "")) if isinstance(entry, Mapping) else ""
    try:
        parsed = StatusListEntry.parse(entry)
    except InvalidInput as exc:
        return StatusOutcome(
            purpose,
            None,
            None,
            exc.code,
            f"The credential's status entry is invalid: {exc.message}.",
            False,
        )
    purpose, index = parsed.status_purpose, parsed.status_list_index

    def fail(code: ErrorCode, message: str) -> StatusOutcome:
        return StatusOutcome(purpose, index, None, code, message, False)

    subject = _list_subject(list_credential)
    if subject is None:
        return fail(
            ErrorCode.status_list_invalid, "The status list is not a BitstringStatusListCredential."
        )
    list_purposes = subject.get("statusPurpose")
    if isinstance(list_purposes, str):
        list_purposes = [list_purposes]
    if not isinstance(list_purposes, list) or purpose not in list_purposes:
        return fail(
            ErrorCode.status_purpose_mismatch,
            f"The status list is not a {purpose} list (it says {subject.get('statusPurpose')!r}).",
        )
    try:
        start = _parse_time(list_credential.get("validFrom", list_credential.get("issuanceDate")))
        end = _parse_time(list_credential.get("validUntil", list_credential.get("expirationDate")))
    except ValueError:
        return fail(
            ErrorCode.status_list_invalid, "The status list has an unreadable validity date."
        )
    if start is not None and now + skew < start:
        return fail(
            ErrorCode.status_list_not_yet_valid,
            f"Status unknown: the status list is not valid until {format_datetime(start)}.",
        )
    if end is not None and now - skew >= end:
        return fail(
            ErrorCode.status_list_expired,
            f"Status unknown: the status list expired on {format_datetime(end)}.",
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        return fail(ErrorCode.status_list_invalid, "The status list has no encodedList.")
    try:
        bits = _decoded(encoded, parsed.status_size, max_bytes, min_entries)
    except InvalidInput as exc:
        if exc.code == ErrorCode.status_list_too_short:
            return fail(
                exc.code, f"The status list is too short to protect privacy: {exc.message}."
            )
        return fail(
            ErrorCode.status_list_invalid, f"The status list could not be decoded: {exc.message}."
        )
    if index >= bits.size:
        return fail(
            ErrorCode.status_index_out_of_range,
            f"The status index {index} is outside the list of {bits.size} entries.",
        )
    value = bits.get(index)
    return _outcome(parsed, value)


# The same few lists are read for every badge a verifier sees: decoded lists are kept
# by their encodedList text itself (and the decoding limits), bounded. A str keeps its
# hash, and a fetcher's shared list hands out the same str each time: found without
# reading the text again (a SHA-256 of it was one to three microseconds per entry).
# Only successful decodes are kept, and a kept list is only ever read (``get``, ``size``).
_decoded_lists: LRUCache[tuple[str, int, int, int], BitstringStatusList] = LRUCache(maxsize=64)
_decoded_lock = threading.Lock()


def clear_decoded_lists() -> None:
    """Forget the decoded lists (benchmarks measure a first read)."""
    with _decoded_lock:
        _decoded_lists.clear()


def _decoded(
    encoded: str, status_size: int, max_bytes: int, min_entries: int
) -> BitstringStatusList:
    key = (encoded, status_size, max_bytes, min_entries)
    with _decoded_lock:
        known = _decoded_lists.get(key)
    if known is not None:
        return known
    bits = BitstringStatusList.decode(
        encoded, status_size=status_size, max_bytes=max_bytes, min_entries=min_entries
    )
    with _decoded_lock:
        _decoded_lists[key] = bits
    return bits


def _outcome(entry: StatusListEntry, value: int) -> StatusOutcome:
    purpose, index = entry.status_purpose, entry.status_list_index
    said = entry.message_for(value)
    if value == 0:
        text = {"revocation": "Not revoked.", "suspension": "Not suspended."}.get(
            purpose, f"No {purpose} status set."
        )
        return StatusOutcome(purpose, index, 0, None, said or text, True)
    code = {"revocation": ErrorCode.revoked, "suspension": ErrorCode.suspended}.get(
        purpose, ErrorCode.status_flagged
    )
    text = {
        "revocation": "Revoked: the issuer has withdrawn this credential.",
        "suspension": "Suspended: the issuer has put this credential on hold.",
    }.get(purpose, f"The issuer's {purpose} status for this credential is set (value {value}).")
    if said:
        text = f"{text} Issuer's message: {said}"
    return StatusOutcome(purpose, index, value, code, text, False)


def _list_subject(credential: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if not isinstance(credential, Mapping):
        return None
    types = credential.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not LIST_CREDENTIAL_TYPES.intersection(types):
        return None
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping):
        return None
    subject_types = subject.get("type")
    subject_types = [subject_types] if isinstance(subject_types, str) else subject_types
    if not isinstance(subject_types, list) or not LIST_SUBJECT_TYPES.intersection(subject_types):
        return None
    return subject


def _parse_time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not a date-time string")
    return parse_datetime(value)
