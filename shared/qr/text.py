"""The ``RZ1:`` text format: JSON -> compressed -> base45 -> one or more QR texts.

Single code::

    RZ1:<codec><base45>

Several codes, when one code of the chosen version cannot hold it::

    RZ1:<i>/<n>:<id>:<chunk>

The *stream* is ``<codec><base45>``, exactly the part of a single-code text after
``RZ1:``. Parts carry consecutive slices of it (the codec character is the first
character of part 1's chunk); ``<id>`` is the first 6 characters of the RFC 4648
base32 of SHA-256(stream), so a decoder both tells payloads apart and checks the
reassembled stream. Full description: docs/qr-format.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import base45

from shared.errors import ErrorCode, InvalidInput
from shared.qr import capacity, codecs, semantic
from shared.strict_json import parse as parse_json

PREFIX = "RZ1:"
ID_LENGTH = 6
MAX_PARTS = 999
MAX_STREAM_CHARS = 2 * codecs.MAX_DECOMPRESSED
"""Upper bound on a reassembled stream, so a collector cannot be fed forever."""

_PART = re.compile(r"([1-9][0-9]{0,2})/([1-9][0-9]{0,2}):([A-Z2-7]{6}):(.+)", re.DOTALL)


@dataclass(frozen=True)
class Part:
    """One parsed QR text. A single-code text is part 1 of 1 with ``id`` None."""

    index: int
    total: int
    id: str | None
    chunk: str


def stream_id(stream: str) -> str:
    """The part id of a stream: base32(SHA-256(stream)) cut to ``ID_LENGTH`` characters."""
    digest = hashlib.sha256(stream.encode("utf-8")).digest()
    return base64.b32encode(digest)[:ID_LENGTH].decode("ascii")


def to_json_bytes(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, the exact bytes that get compressed."""
    if not isinstance(payload, dict):
        raise TypeError("payload must be a dict (a JSON object)")
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def encode_stream(payload: dict[str, Any], codec: str = codecs.DEFAULT_CODEC) -> str:
    """``<codec><base45 of the compressed JSON>``: the body every text is cut from.

    With codec ``C`` a payload that codec cannot carry exactly is written with ``Z``
    (the stream's first character says which)."""
    data = to_json_bytes(payload)
    if len(data) > codecs.MAX_DECOMPRESSED:
        raise InvalidInput(
            f"payload is {len(data)} bytes of JSON; QR transport takes at most "
            f"{codecs.MAX_DECOMPRESSED}",
            code=ErrorCode.payload_too_large,
            detail={"size": len(data), "limit": codecs.MAX_DECOMPRESSED},
        )
    if codec == codecs.SEMANTIC_1:
        try:
            packed = semantic.encode(payload)
        except semantic.UnrepresentableError:
            codec = codecs.ZSTD_DICT_1  # e.g. an integer beyond 64 bits: same JSON, codec Z
        else:
            encoded_c: bytes = base45.b45encode(packed)
            return codec + encoded_c.decode("ascii")
    encoded: bytes = base45.b45encode(codecs.compress(data, codec))
    return codec + encoded.decode("ascii")


def encode(
    payload: dict[str, Any],
    *,
    max_version: int = 25,
    ecc: str = "M",
    codec: str = codecs.DEFAULT_CODEC,
) -> list[str]:
    """The QR texts for ``payload``: one when it fits ``max_version``, else parts.

    Every text is in the QR alphanumeric character set and fits one code of at most
    ``max_version`` at ``ecc`` in alphanumeric mode. Parts are balanced, so every
    code of an animated sequence has about the same size.

    Raises:
        InvalidInput: ``payload_too_large`` when the JSON exceeds 1 MiB or needs
            more than ``MAX_PARTS`` codes.
        TypeError, ValueError: not a JSON object; bad version, ECC or codec.
    """
    capacity.check_version(max_version)
    budget = capacity.max_part_chars(max_version, ecc)
    stream = encode_stream(payload, codec)
    if len(PREFIX) + len(stream) <= budget:
        return [PREFIX + stream]
    return split_stream(stream, budget)


def split_stream(stream: str, budget: int) -> list[str]:
    """Cut ``stream`` into part texts of at most ``budget`` characters each.

    Cuts fall on base45 group boundaries (every 3 characters after the codec
    character). A 3-character group never ends in a space, so no part text ends
    in one and decoders may strip surrounding whitespace safely.
    """
    data = stream[1:]
    groups = math.ceil(len(data) / 3)
    total = 2
    while True:
        header = len(f"{PREFIX}{total}/{total}:") + ID_LENGTH + 1
        per_part = (budget - header - 1) // 3  # -1: the codec character in part 1
        needed = math.ceil(groups / per_part) if per_part > 0 else MAX_PARTS + 1
        if needed > MAX_PARTS:
            raise InvalidInput(
                f"payload needs more than {MAX_PARTS} QR codes of {budget} characters",
                code=ErrorCode.payload_too_large,
                detail={"part_chars": budget, "limit": MAX_PARTS},
            )
        if needed <= total:
            break
        total = needed
    per_part = math.ceil(groups / total)  # balance the parts
    sid = stream_id(stream)
    texts = []
    for i in range(total):
        start = 0 if i == 0 else 1 + 3 * per_part * i
        end = 1 + 3 * per_part * (i + 1)
        texts.append(f"{PREFIX}{i + 1}/{total}:{sid}:{stream[start:end]}")
    return texts


def parse(text: str) -> Part:
    """Parse one scanned text; tolerates surrounding whitespace and lower case.

    Raises:
        InvalidInput: ``qr_decode_failed`` when it is not an ``RZ1:`` text.
    """
    if not isinstance(text, str):
        raise TypeError("a QR text must be a str")
    norm = text.strip().upper()
    if not norm.startswith(PREFIX):
        raise InvalidInput(
            "not a Rugzak QR code (it does not start with RZ1:)",
            code=ErrorCode.qr_decode_failed,
            detail={"start": text.strip()[:12]},
        )
    body = norm[len(PREFIX) :]
    if not body:
        raise InvalidInput("empty Rugzak QR code", code=ErrorCode.qr_decode_failed)
    if not body[0].isdigit():
        _check_charset(body[1:])
        return Part(1, 1, None, body)
    match = _PART.fullmatch(body)
    if match is None:
        raise InvalidInput(
            "malformed part header; expected RZ1:<i>/<n>:<id>:<data>",
            code=ErrorCode.qr_decode_failed,
            detail={"start": norm[:24]},
        )
    index, total = int(match[1]), int(match[2])
    if index > total:
        raise InvalidInput(
            f"part {index} of {total} does not exist",
            code=ErrorCode.qr_decode_failed,
            detail={"index": index, "total": total},
        )
    _check_charset(match[4])
    return Part(index, total, match[3], match[4])


def _check_charset(data: str) -> None:
    """Data characters must be base45 (= the QR alphanumeric set)."""
    stray = sorted(set(data) - capacity.ALPHANUMERIC)
    if stray:
        raise InvalidInput(
            "QR data has characters outside base45",
            code=ErrorCode.invalid_base45,
            detail={"characters": stray[:10]},
        )


def decode_stream(stream: str) -> dict[str, Any]:
    """Codec character + base45 -> the JSON object.

    Raises:
        Unsupported: ``unsupported_codec``.
        InvalidInput: ``invalid_base45``, ``decompression_failed``,
            ``payload_too_large``, ``invalid_json``.
    """
    codec, encoded = stream[:1], stream[1:]
    codecs.check_codec(codec)  # before base45, so an unknown codec is named as such
    try:
        compressed = base45.b45decode(encoded)
    except ValueError as exc:
        raise InvalidInput(
            "QR data is not valid base45",
            code=ErrorCode.invalid_base45,
            detail={"length": len(encoded)},
        ) from exc
    if codec == codecs.SEMANTIC_1:
        return semantic.decode(compressed)
    data = codecs.decompress(compressed, codec)
    return _parse_json(data)


def _parse_json(data: bytes) -> dict[str, Any]:
    try:
        value = parse_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidInput(
            "QR payload is not JSON",
            code=ErrorCode.invalid_json,
            detail={"reason": str(exc)[:200]},
        ) from exc
    if not isinstance(value, dict):
        raise InvalidInput(
            f"QR payload is JSON but not an object (a {type(value).__name__})",
            code=ErrorCode.invalid_json,
            detail={"type": type(value).__name__},
        )
    return value
