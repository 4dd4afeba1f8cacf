"""Bitstring Status List v1.0 (and StatusList2021): the bits, the entry, the list credential.

Revocation and suspension are one bit each in a large, gzipped, signed list; holders hide
in the crowd because the list is big (>= 131,072 entries) and indexes are drawn at random.
Pure: no clock, no network. ``check_status`` reads a list credential whose proof the
caller has already verified (status is checked only after the proof passes).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import secrets
import zlib
from collections.abc import Callable, Collection, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from shared.contexts import CREDENTIALS_V2
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.multibase import decode_base64url, encode_base64url

MIN_ENTRIES = 131_072
"""W3C minimum (16 KiB of bits): every list we issue has at least this many entries."""
VERIFY_MIN_ENTRIES = 100_000
"""Our verifier's floor: DCC lists in the field have 100,000 entries."""
MAX_LIST_BYTES = 16 * 1024 * 1024
"""Cap on a decompressed list: a few KB of gzip can expand to gigabytes."""
MAX_STATUS_SIZE = 16
"""statusSize above this would need more than 65,536 status messages."""
GZIP_LEVEL = 6
"""Measured on 1M entries: level 9 is 10x slower on a 1%-dense list for 13% fewer bytes."""

LIST_CREDENTIAL_TYPES = frozenset({"BitstringStatusListCredential", "StatusList2021Credential"})
LIST_SUBJECT_TYPES = frozenset({"BitstringStatusList", "StatusList2021"})

_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_B64_ANY = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")
_TO_STANDARD = str.maketrans("-_", "+/")
_NONZERO_BYTE = re.compile(rb"[^\x00]")
_INDEX_TEXT = re.compile(r"[0-9]{1,20}")


class BitstringStatusList:
    """A fixed-size list of ``status_size``-bit entries; index 0 is the MSB of byte 0."""

    __slots__ = ("_bits", "_size", "_status_size")

    def __init__(
        self, size: int = MIN_ENTRIES, *, status_size: int = 1, min_entries: int = MIN_ENTRIES
    ) -> None:
        """A new all-zero list; ``size`` below ``min_entries`` is refused (herd privacy)."""
        _check_int(size, "size")
        _check_status_size(status_size)
        if size < max(min_entries, 1):
            raise ValueError(f"a status list holds at least {min_entries} entries (herd privacy)")
        self._size = size
        self._status_size = status_size
        self._bits = bytearray((size * status_size + 7) // 8)

    @property
    def size(self) -> int:
        """Number of entries (not bits)."""
        return self._size

    @property
    def status_size(self) -> int:
        """Bits per entry."""
        return self._status_size

    def __len__(self) -> int:
        return self._size

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def get(self, index: int) -> int:
        """The status value at ``index``; out of range -> ``status_index_out_of_range``."""
        pos = self._position(index)
        if self._status_size == 1:
            return (self._bits[pos >> 3] >> (7 - (pos & 7))) & 1
        value = 0
        for bit in range(pos, pos + self._status_size):
            value = (value << 1) | ((self._bits[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set(self, index: int, value: int) -> None:
        """Write ``value`` (0 .. 2**status_size - 1) at ``index``."""
        pos = self._position(index)
        _check_int(value, "value")
        if not 0 <= value < (1 << self._status_size):
            raise ValueError(
                f"a {self._status_size}-bit status holds 0..{(1 << self._status_size) - 1}"
            )
        for offset in range(self._status_size):
            bit = pos + offset
            mask = 0x80 >> (bit & 7)
            if (value >> (self._status_size - 1 - offset)) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def nonzero_indexes(self) -> list[int]:
        """Indexes whose status is not 0, ascending (scans only non-zero bytes)."""
        step = self._status_size
        found: list[int] = []
        last = -1
        for match in _NONZERO_BYTE.finditer(self._bits):
            first_bit = match.start() * 8
            if step == 1:
                byte = match.group()[0]
                found.extend(first_bit + b for b in range(8) if byte & (0x80 >> b))
                continue
            for index in range(max(first_bit // step, last + 1), (first_bit + 7) // step + 1):
                if index < self._size and self.get(index):
                    found.append(index)
                last = index
        return [index for index in found if index < self._size] if step == 1 else found

    def encode(self) -> str:
        """``u`` + base64url-no-pad(GZIP(bits)); mtime 0 so equal lists encode equally."""
        return encode_base64url(gzip.compress(self._bits, compresslevel=GZIP_LEVEL, mtime=0))

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        max_bytes: int = MAX_LIST_BYTES,
        min_entries: int = MIN_ENTRIES,
    ) -> BitstringStatusList:
        """Parse an ``encodedList`` (multibase ``u``, or StatusList2021's bare base64).

        Raises ``InvalidInput``: ``malformed_status_list`` for bad base64 or gzip,
        ``payload_too_large`` past ``max_bytes`` decompressed, ``status_list_too_short``
        below ``min_entries`` (W3C 131,072 by default; the verifier passes its own floor).
        """
        _check_status_size(status_size)
        raw = _gunzip(_unbase64(encoded, max_chars=2 * max_bytes + 1024), max_bytes)
        entries = len(raw) * 8 // status_size
        if entries < max(min_entries, 1):
            raise InvalidInput(
                f"the status list has {entries} entries, fewer than the minimum {min_entries}",
                code=ErrorCode.status_list_too_short,
                detail={"entries": entries, "minimum": min_entries},
            )
        new = cls.__new__(cls)
        new._size, new._status_size, new._bits = entries, status_size, bytearray(raw)
        return new

    def _position(self, index: int) -> int:
        _check_int(index, "index")
        if not 0 <= index < self._size:
            raise InvalidInput(
                f"status index {index} is outside the list (0..{self._size - 1})",
                code=ErrorCode.status_index_out_of_range,
                detail={"index": index, "size": self._size},
            )
        return index * self._status_size


def random_free_index(
    used: Collection[int] | Callable[[int], bool],
    size: int,
    rng: Random | None = None,
    *,
    attempts: int = 64,
) -> int:
    """A uniformly random index in ``0..size-1`` not in ``used`` (herd privacy).

    ``used`` is the taken indexes, or a predicate ``is_used(index)`` when the issuer's
    store answers per index. ``rng`` is injected for tests; production uses
    ``secrets.SystemRandom``. A full list raises ``status_list_full``: the issuer opens a
    new list (best well before this one fills up).
    """
    _check_int(size, "size")
    if size <= 0:
        raise ValueError("size must be positive")
    rng = rng if rng is not None else secrets.SystemRandom()
    if isinstance(used, Collection):
        taken: AbstractSet[int] = used if isinstance(used, AbstractSet) else frozenset(used)
        for _ in range(attempts):
            index = rng.randrange(size)
            if index not in taken:
                return index
        # Crowded list: pick the k-th free index exactly, still uniform.
        in_range = sorted(i for i in taken if 0 <= i < size)
        if len(in_range) >= size:
            raise _full(size)
        index = rng.randrange(size - len(in_range))
        for taken_index in in_range:
            if taken_index > index:
                break
            index += 1
        return index
    for _ in range(attempts):
        index = rng.randrange(size)
        if not used(index):
            return index
    start = rng.randrange(size)
    for offset in range(size):
        index = (start + offset) % size
        if not used(index):
            return index
    raise _full(size)


class StatusMessage(BaseModel):
    """One ``statusMessage`` item: a hex status value and what it means."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: str = Field(pattern=r"^0x[0-9a-fA-F]+$")
    message: str


class StatusListEntry(BaseModel):
    """A ``credentialStatus`` of type BitstringStatusListEntry (or StatusList2021Entry).

    ``statusListIndex`` is read from a base-10 string (W3C) or a JSON integer (1EdTech
    fixtures) and always written back as a string.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    id: str | None = None
    type: Literal["BitstringStatusListEntry", "StatusList2021Entry"] = "BitstringStatusListEntry"
    status_purpose: str = Field(alias="statusPurpose", min_length=1)
    status_list_index: int = Field(alias="statusListIndex", ge=0)
    status_list_credential: str = Field(alias="statusListCredential")
    status_size: int = Field(default=1, alias="statusSize", ge=1, le=MAX_STATUS_SIZE, strict=True)
    status_message: tuple[StatusMessage, ...] | None = Field(default=None, alias="statusMessage")
    status_reference: str | list[str] | None = Field(default=None, alias="statusReference")

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> StatusListEntry:
        """Validate a ``credentialStatus`` object; bad shape -> ``malformed_status_entry``."""
        if not isinstance(data, Mapping):
            raise InvalidInput(
                "credentialStatus must be an object", code=ErrorCode.malformed_status_entry
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            problems = [
                f"{'.'.join(str(part) for part in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors(include_url=False)
            ]
            raise InvalidInput(
                "credentialStatus is not a valid status list entry",
                code=ErrorCode.malformed_status_entry,
                detail=problems,
            ) from None

    @field_validator("type", mode="before")
    @classmethod
    def _one_type(cls, value: object) -> object:
        if isinstance(value, list) and len(value) == 1:
            return value[0]
        return value

    @field_validator("status_list_index", mode="before")
    @classmethod
    def _index(cls, value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INDEX_TEXT.fullmatch(value):
            return int(value)
        raise ValueError("statusListIndex must be a base-10 integer string")

    @field_validator("status_list_credential")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if not parts.scheme or not (parts.netloc or parts.path) or any(c.isspace() for c in value):
            raise ValueError("statusListCredential must be an absolute URL")
        return value

    @field_serializer("status_list_index")
    def _index_text(self, value: int) -> str:
        return str(value)

    @model_validator(mode="after")
    def _consistent(self) -> StatusListEntry:
        if self.type == "StatusList2021Entry" and self.status_size != 1:
            raise ValueError("StatusList2021Entry has no statusSize")
        if self.status_size > 1 and self.status_message is None:
            raise ValueError("statusMessage is required when statusSize is greater than 1")
        if self.status_message is not None and len(self.status_message) != 1 << self.status_size:
            raise ValueError(f"statusMessage must list {1 << self.status_size} status values")
        return self

    def message_for(self, value: int) -> str | None:
        """The ``statusMessage`` text for a status value, if the entry gives one."""
        for item in self.status_message or ():
            if int(item.status, 16) == value:
                return item.message
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: camelCase, index as a string, defaults and empty fields left out."""
        out = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        if out.get("statusSize") == 1:
            del out["statusSize"]
        return out


def build_status_entry(
    list_url: str,
    index: int,
    purpose: str,
    *,
    status_size: int = 1,
    status_message: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The ``credentialStatus`` object for an index we allocated in the list at ``list_url``."""
    _check_int(index, "index")
    return StatusListEntry.parse(
        {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index,
            "statusListCredential": list_url,
            "statusSize": status_size,
            "statusMessage": status_message,
        }
    ).to_dict()


def build_status_list_credential(
    *,
    list_url: str,
    issuer: str | dict[str, Any],
    purpose: str | list[str],
    status_list: BitstringStatusList,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` (VCDM 2.0) the issuer signs and serves."""
    if status_list.size < MIN_ENTRIES:
        raise ValueError(f"an issued status list holds at least {MIN_ENTRIES} entries")
    if not purpose or (isinstance(purpose, list) and not all(purpose)):
        raise ValueError("a status list needs a statusPurpose")
    if valid_until is not None and _utc(valid_until) <= _utc(valid_from):
        raise ValueError("valid_until must be after valid_from")
    if ttl_ms is not None:
        _check_int(ttl_ms, "ttl_ms")
        if ttl_ms < 0:
            raise ValueError("ttl_ms must not be negative")
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": status_list.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = subject
    return credential


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
    now = _utc(now)
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
        bits = BitstringStatusList.decode(
            encoded,
            status_size=parsed.status_size,
            max_bytes=max_bytes,
            min_entries=min_entries,
        )
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


def format_datetime(moment: datetime) -> str:
    """XML Schema dateTime in UTC with a ``Z``, to the second: how we write validFrom."""
    return _utc(moment).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _utc(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError("expected a datetime")
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC)


def _unbase64(encoded: str, *, max_chars: int) -> bytes:
    if not isinstance(encoded, str) or not encoded:
        raise InvalidInput(
            "encodedList must be a non-empty string", code=ErrorCode.malformed_status_list
        )
    if len(encoded) > max_chars:
        raise InvalidInput("encodedList is too large", code=ErrorCode.payload_too_large)
    if encoded.startswith("u"):
        if not _B64URL.fullmatch(encoded, 1):
            raise InvalidInput("encodedList is not base64url", code=ErrorCode.malformed_status_list)
        return decode_base64url(encoded)
    # StatusList2021: no multibase prefix; base64url in the examples, plain base64 in the wild.
    if not _B64_ANY.fullmatch(encoded):
        raise InvalidInput("encodedList is not base64", code=ErrorCode.malformed_status_list)
    body = encoded.rstrip("=").translate(_TO_STANDARD)
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            "encodedList is not base64", code=ErrorCode.malformed_status_list
        ) from exc


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Inflate every gzip member, refusing output past ``max_bytes`` (gzip bombs)."""
    out = bytearray()
    while True:
        inflater = zlib.decompressobj(wbits=31)
        try:
            out += inflater.decompress(data, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise InvalidInput(
                "encodedList is not valid GZIP data", code=ErrorCode.malformed_status_list
            ) from exc
        if len(out) > max_bytes:
            raise InvalidInput(
                f"the status list expands past {max_bytes} bytes",
                code=ErrorCode.payload_too_large,
                detail={"max_bytes": max_bytes},
            )
        if not inflater.eof:
            raise InvalidInput(
                "encodedList GZIP data is truncated", code=ErrorCode.malformed_status_list
            )
        data = inflater.unused_data
        if not data:
            return bytes(out)


def _full(size: int) -> RugzakError:
    return RugzakError(
        f"every index of this {size}-entry status list is in use: open a new list",
        code=ErrorCode.status_list_full,
    )


def _check_int(value: object, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int")


def _check_status_size(status_size: int) -> None:
    _check_int(status_size, "status_size")
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise ValueError(f"status_size must be 1..{MAX_STATUS_SIZE}")
