"""QR transport: JSON objects as ``RZ1:`` texts in one or more QR codes, and back.

Format (docs/qr-format.md): ``RZ1:<codec><base45>`` for one code, or parts
``RZ1:<i>/<n>:<id>:<chunk>`` of the same stream when it does not fit one code.

Public API::

    encode(payload, *, max_version=25, ecc="M", codec=DEFAULT_CODEC) -> list[str]
    encode_for_modules(payload, max_modules, *, ecc="M") -> list[str]
    decode(texts) -> dict
    PartCollector()                       .add(text) -> (have, total), .complete, .result()
    render_png / render_svg / render_terminal(text, ...), qr_version(text, ecc)
    max_part_chars(version, ecc), version_for_modules(n), version_for_terminal(cols, rows)
    read_qr_image(data) -> list[str]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.qr.capacity import (
    max_part_chars,
    modules,
    smallest_version,
    version_for_modules,
    version_for_terminal,
)
from shared.qr.codecs import (
    BROTLI,
    CODECS,
    DEFAULT_CODEC,
    MAX_DECOMPRESSED,
    SEMANTIC_1,
    ZSTD_DICT_1,
)
from shared.qr.collector import PartCollector
from shared.qr.image import read_qr_image
from shared.qr.render import qr_version, render_png, render_svg, render_terminal
from shared.qr.text import PREFIX, Part, encode, parse

__all__ = [
    "BROTLI",
    "CODECS",
    "DEFAULT_CODEC",
    "MAX_DECOMPRESSED",
    "PREFIX",
    "SEMANTIC_1",
    "ZSTD_DICT_1",
    "Part",
    "PartCollector",
    "decode",
    "encode",
    "encode_for_modules",
    "max_part_chars",
    "modules",
    "parse",
    "qr_version",
    "read_qr_image",
    "render_png",
    "render_svg",
    "render_terminal",
    "smallest_version",
    "version_for_modules",
    "version_for_terminal",
]


def decode(texts: Iterable[str]) -> dict[str, Any]:
    """The JSON object carried by ``texts``: one single-code text, or all parts.

    Parts may come in any order and repeat. Errors (``InvalidInput`` unless noted):
    ``qr_decode_failed`` (not ``RZ1:``, nothing given, parts not matching their
    id), ``qr_parts_incomplete`` (detail ``missing``), ``qr_parts_mismatch``
    (parts of different payloads), ``invalid_base45``, ``unsupported_codec``
    (``Unsupported``), ``decompression_failed``, ``payload_too_large``,
    ``invalid_json``.
    """
    if isinstance(texts, str | bytes):
        raise TypeError("decode takes a list of texts, not one text")
    collector = PartCollector()
    for text in texts:
        collector.add(text)
    if collector.progress == (0, 0):
        raise InvalidInput("no QR text given", code=ErrorCode.qr_decode_failed)
    return collector.result()


def encode_for_modules(
    payload: dict[str, Any], max_modules: int, *, ecc: str = "M", codec: str = DEFAULT_CODEC
) -> list[str]:
    """``encode`` with the largest version whose symbol is at most ``max_modules`` wide.

    ``max_modules`` excludes the quiet zone; for a terminal, use
    ``version_for_terminal`` and ``encode(..., max_version=...)``.
    """
    version = version_for_modules(max_modules)
    return encode(payload, max_version=version, ecc=ecc, codec=codec)
