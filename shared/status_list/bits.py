"""The bitstring itself: entries of ``status_size`` bits, its encoding and free indexes."""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import secrets
import zlib
from collections.abc import Callable, Collection
from collections.abc import Set as AbstractSet
from random import Random

from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.multibase import decode_base64url, encode_base64url
from shared.vocab import DCC_MIN_STATUS_ENTRIES

MIN_ENTRIES = 131_072
"""W3C minimum (16 KiB of bits): every list we issue has at least this many entries."""
VERIFY_MIN_ENTRIES = DCC_MIN_STATUS_ENTRIES
"""Our verifier's floor: DCC lists in the field have 100,000 entries."""
MAX_LIST_BYTES = 16 * 1024 * 1024
"""Cap on a decompressed list: a few KB of gzip can expand to gigabytes."""
MAX_STATUS_SIZE = 16
"""statusSize above this would need more than 65,536 status messages."""
GZIP_LEVEL = 6
"""Measured on 1M entries: level 9 is 10x slower on a 1%-dense list for 13% fewer bytes."""


_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_B64_ANY = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")
_TO_STANDARD = str.maketrans("-_", "+/")
_NONZERO_BYTE = re.compile(rb"[^\x00]")


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
