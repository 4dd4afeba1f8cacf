"""Compression codecs of the QR text format, named by one character.

``B`` is brotli (quality 11, window 2**16); ``Z`` is zstd with the trained
dictionary ``zstd-dict-1.zst`` shipped beside this module. Both compress JSON
bytes. ``C`` (shared/qr/semantic.py) packs the JSON value itself (term table,
typed binary values, its own dictionary) and is the default because it is the
smallest on every presentation measured (docs/qr-format.md has the numbers); a
value it cannot carry exactly is written with ``Z``. A codec character is never
reused for different bytes: a new dictionary gets a new character, so old QR
codes stay readable.

Decompression is capped (``MAX_DECOMPRESSED``) and never trusts a size
announced by the compressed data, so a small QR code cannot expand into a
memory exhaustion.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from importlib import resources

import brotli
import zstandard

from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported

MAX_DECOMPRESSED = 1024 * 1024
"""Largest JSON (bytes) a QR payload may expand to; more is ``payload_too_large``."""

BROTLI = "B"
ZSTD_DICT_1 = "Z"
SEMANTIC_1 = "C"
DEFAULT_CODEC = SEMANTIC_1
CODECS = (BROTLI, ZSTD_DICT_1, SEMANTIC_1)
BYTE_CODECS = (BROTLI, ZSTD_DICT_1)
"""Codecs that compress JSON bytes; ``C`` packs the JSON value (shared.qr.semantic)."""

BROTLI_QUALITY = 11
BROTLI_LGWIN = 16
ZSTD_LEVEL = 19
ZSTD_DICT_FILE = "zstd-dict-1.zst"
ZSTD_DICT_ID = 0x525A0001
ZSTD_DICT_SHA256 = "2742ab1f74cb96bfeea59d074db9e22ef796df54ba5491e708a1b8f278456c54"

_CHUNK = 64 * 1024
_ZSTD_MAX_WINDOW = 1 << 23


@cache
def _zstd_dict() -> zstandard.ZstdCompressionDict:
    """Load and pin the shipped dictionary (lazily: no I/O at import time)."""
    data = resources.files("shared.qr").joinpath(ZSTD_DICT_FILE).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != ZSTD_DICT_SHA256:
        raise RugzakError(
            "the shipped zstd dictionary does not match the one codec Z is defined by",
            code=ErrorCode.internal_error,
            detail={"file": ZSTD_DICT_FILE, "sha256": digest, "expected": ZSTD_DICT_SHA256},
        )
    return zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_FULLDICT)


@cache
def _zstd_compress_dict() -> zstandard.ZstdCompressionDict:
    """The dictionary with its level-19 tables built once (7 ms saved per encode)."""
    prepared = zstandard.ZstdCompressionDict(
        _zstd_dict().as_bytes(), dict_type=zstandard.DICT_TYPE_FULLDICT
    )
    prepared.precompute_compress(level=ZSTD_LEVEL)
    return prepared


def compress(data: bytes, codec: str = ZSTD_DICT_1) -> bytes:
    """Compress ``data`` with the codec named by ``codec``."""
    if codec == BROTLI:
        return bytes(brotli.compress(data, quality=BROTLI_QUALITY, lgwin=BROTLI_LGWIN))
    if codec == ZSTD_DICT_1:
        cctx = zstandard.ZstdCompressor(
            level=ZSTD_LEVEL,
            dict_data=_zstd_compress_dict(),
            write_checksum=False,
            write_content_size=True,
            write_dict_id=False,
        )
        return cctx.compress(data)
    raise ValueError(f"{codec!r} is not a byte codec; expected one of {BYTE_CODECS}")


def check_codec(codec: str) -> None:
    """Raise ``unsupported_codec`` unless ``codec`` names a codec this version reads."""
    if codec not in CODECS:
        raise Unsupported(
            f"unknown QR codec {codec!r}",
            code=ErrorCode.unsupported_codec,
            detail={"codec": codec, "known": list(CODECS)},
        )


def decompress(data: bytes, codec: str, *, limit: int = MAX_DECOMPRESSED) -> bytes:
    """Decompress ``data``; refuse more than ``limit`` bytes of output.

    Raises:
        Unsupported: ``unsupported_codec`` for an unknown codec character.
        InvalidInput: ``decompression_failed`` for corrupt or truncated data,
            ``payload_too_large`` past ``limit``.
    """
    if codec == BROTLI:
        return _brotli_decompress(data, limit)
    check_codec(codec)
    if codec != ZSTD_DICT_1:
        raise ValueError(f"{codec!r} is not a byte codec; expected one of {BYTE_CODECS}")
    return _zstd_decompress(data, limit)


def _too_large(limit: int) -> InvalidInput:
    return InvalidInput(
        f"QR payload expands to more than {limit} bytes",
        code=ErrorCode.payload_too_large,
        detail={"limit": limit},
    )


def _corrupt(codec: str, why: str) -> InvalidInput:
    return InvalidInput(
        "QR payload could not be decompressed",
        code=ErrorCode.decompression_failed,
        detail={"codec": codec, "reason": why},
    )


def _brotli_decompress(data: bytes, limit: int) -> bytes:
    dec = brotli.Decompressor()
    out = bytearray()
    try:
        chunk = dec.process(data, output_buffer_limit=_CHUNK)
        while True:
            out += chunk
            if len(out) > limit:
                raise _too_large(limit)
            if dec.is_finished() or dec.can_accept_more_data():
                break
            chunk = dec.process(b"", output_buffer_limit=_CHUNK)
    except brotli.error as exc:
        raise _corrupt(BROTLI, str(exc) or "invalid brotli stream") from exc
    if not dec.is_finished():
        raise _corrupt(BROTLI, "truncated brotli stream")
    return bytes(out)


def _zstd_decompress(data: bytes, limit: int) -> bytes:
    return zstd_decompress(data, _zstd_dict(), ZSTD_DICT_1, limit=limit)


def zstd_decompress(
    data: bytes, dictionary: zstandard.ZstdCompressionDict, codec: str, *, limit: int
) -> bytes:
    """One zstd frame made with ``dictionary``, at most ``limit`` bytes of output.

    Raises:
        InvalidInput: ``decompression_failed`` (naming ``codec``), ``payload_too_large``.
    """
    dctx = zstandard.ZstdDecompressor(dict_data=dictionary, max_window_size=_ZSTD_MAX_WINDOW)
    try:
        # decompress() trusts a declared content size and ignores max_output_size,
        # so check the header first and only then let zstd validate the whole frame
        declared = zstandard.frame_content_size(data)
        if declared > limit:
            raise _too_large(limit)
        if declared < 0 and _zstd_streamed_size(dctx, data, limit) > limit:
            raise _too_large(limit)
        return dctx.decompress(data, max_output_size=limit, allow_extra_data=False)
    except zstandard.ZstdError as exc:
        raise _corrupt(codec, str(exc)) from exc


def _zstd_streamed_size(dctx: zstandard.ZstdDecompressor, data: bytes, limit: int) -> int:
    """Output size of a frame without a declared size, counted up to ``limit + 1``."""
    size = 0
    with dctx.stream_reader(io.BytesIO(data), read_across_frames=False, closefd=False) as reader:
        while size <= limit and (chunk := reader.read(_CHUNK)):
            size += len(chunk)
    return size
