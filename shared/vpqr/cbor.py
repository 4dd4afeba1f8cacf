"""CBOR-LD bytes: the tag in front, and CBOR written exactly as ``cborg`` writes it.

Readers accept the legacy tags 0x0500 (uncompressed) and 0x0501 (compressed,
legacy registry), the legacy range 0x0600-0x06FF and CBOR-LD 1.0 (0xCB1D wrapping
``[registryEntryId, payload]``). Writers produce 0x0501 or 0xCB1D.

Map keys are sorted as ``cborg`` sorts them (by CBOR major type, integers by
value, strings by UTF-8 length and then bytewise) and floats take the shortest
exact form, so the bytes match the reference implementation's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cbor2

from shared.errors import ErrorCode, Unsupported
from shared.vpqr.tables import TAG_LEGACY, TAG_LEGACY_UNCOMPRESSED, TAG_V1
from shared.vpqr.terms import cborld_error

_MAX_DEPTH = 100


class _Map:
    """Map entries in the order cborg writes them."""

    def __init__(self, items: list[tuple[Any, Any]]) -> None:
        self.items = items


def _key_order(key: Any) -> tuple[int, int, bytes]:
    if isinstance(key, bool) or not isinstance(key, int | str):
        raise cborld_error("map keys must be integers or strings", detail=repr(key)[:40])
    if isinstance(key, int):
        if key < 0:
            return (1, -key, b"")
        return (0, key, b"")
    try:
        raw = key.encode("utf-8")
    except UnicodeEncodeError:
        raise cborld_error("a key that is not valid Unicode text") from None
    return (3, len(raw), raw)


def _prepare(value: Any, depth: int = 0) -> Any:
    if depth > _MAX_DEPTH:
        raise cborld_error("the document is nested too deeply")
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: _key_order(kv[0]))
        return _Map([(k, _prepare(v, depth + 1)) for k, v in items])
    if isinstance(value, list):
        return [_prepare(v, depth + 1) for v in value]
    return value


def _write_map(encoder: cbor2.CBOREncoder, value: Any) -> None:
    if not isinstance(value, _Map):
        raise cborld_error("cannot write this value as CBOR", detail=type(value).__name__)
    encoder.encode_length(5, len(value.items))
    for key, item in value.items:
        encoder.encode(key)
        encoder.encode(item)


def dumps(value: Any) -> bytes:
    """CBOR bytes as ``cborg.encode`` makes them (shortest floats, its map order)."""
    try:
        return cbor2.dumps(_prepare(value), canonical=True, default=_write_map)
    except (cbor2.CBOREncodeError, UnicodeEncodeError, OverflowError) as exc:
        raise cborld_error("cannot write the document as CBOR") from exc


def frame(payload: Any, tag: int) -> bytes:
    """The CBOR-LD bytes: tag 0x0501 + payload, or 0xCB1D + [1, payload]."""
    if tag == TAG_LEGACY:
        return b"\xd9\x05\x01" + dumps(payload)
    if tag == TAG_V1:
        return b"\xd9\xcb\x1d\x82\x01" + dumps(payload)
    raise ValueError(f"no writer for tag {tag:#x}")


@dataclass(frozen=True)
class Parsed:
    """A CBOR-LD header and its payload (still the compressed tree when ``compressed``)."""

    format: str  # "legacy-singleton" | "legacy-range" | "cbor-ld-1.0"
    registry_entry_id: int
    compressed: bool
    payload: Any


def _plain(value: Any, depth: int = 0) -> Any:
    """Only what cborg would hand the converter (no tags, sets, dates, undefined), as
    plain dicts and lists (cbor2 gives frozendicts and tuples inside a tag)."""
    if depth > _MAX_DEPTH:
        raise cborld_error("the payload is nested too deeply")
    if isinstance(value, dict | cbor2.frozendict):
        return {_plain(k, depth + 1): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    if value is not None and not isinstance(value, bool | int | float | str | bytes):
        raise cborld_error("unsupported CBOR item in the payload", detail=type(value).__name__)
    return value


def parse(data: bytes) -> Parsed:
    """Read the CBOR-LD tag and decode the payload; raises ``invalid_cborld``."""
    stream = io.BytesIO(data)
    try:
        item = cbor2.CBORDecoder(stream).decode()
    except (cbor2.CBORDecodeError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise cborld_error("not valid CBOR") from exc
    if stream.tell() != len(data):
        raise cborld_error("extra bytes after the CBOR-LD item")
    if not isinstance(item, cbor2.CBORTag):
        raise cborld_error("CBOR-LD must start with a CBOR tag")
    tag, value = item.tag, item.value
    if tag in (TAG_LEGACY_UNCOMPRESSED, TAG_LEGACY):
        parsed = Parsed("legacy-singleton", 0, tag == TAG_LEGACY, value)
    elif tag == TAG_V1:
        if not (isinstance(value, list | tuple) and len(value) == 2 and type(value[0]) is int):
            raise cborld_error("CBOR-LD 1.0 must wrap [registryEntryId, payload]")
        parsed = Parsed("cbor-ld-1.0", value[0], value[0] != 0, value[1])
    elif 0x0600 <= tag <= 0x06FF:
        entry = tag - 0x0600
        if entry >= 128:
            raise Unsupported(
                "CBOR-LD legacy-range registry entries above 127 are not supported",
                code=ErrorCode.unsupported_codec,
                detail=tag,
            )
        parsed = Parsed("legacy-range", entry, entry != 0, value)
    else:
        raise cborld_error(f"unknown CBOR-LD tag {tag:#x}", detail=tag)
    return Parsed(
        parsed.format, parsed.registry_entry_id, parsed.compressed, _plain(parsed.payload)
    )
