"""Collect the parts of a multi-part QR payload as a scanner sees them.

A camera sees the wallet's animated parts in any order and many times over; the
collector keeps one chunk per index, tells how far it has got, and decodes once
all are in. It is plain state with no I/O, for the verifier page and the tests.
"""

from __future__ import annotations

from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.qr.text import MAX_STREAM_CHARS, Part, decode_stream, parse, stream_id


class PartCollector:
    """Accumulates the texts of one payload; ``result()`` decodes it.

    Texts of another payload are refused with ``qr_parts_mismatch`` and leave the
    collected state as it was; call ``reset()`` to start on a new payload.
    """

    _total: int | None
    _id: str | None
    _chunks: dict[int, str]
    _size: int
    _result: dict[str, Any] | None

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything collected so far."""
        self._total = None
        self._id = None
        self._chunks = {}
        self._size = 0
        self._result = None

    def add(self, text: str) -> tuple[int, int]:
        """Take one scanned text; return ``(parts held, parts in total)``.

        Repeats of a part already held are accepted and change nothing.

        Raises:
            InvalidInput: ``qr_decode_failed`` for a text that is not ``RZ1:``;
                ``qr_parts_mismatch`` for a text of another payload, or a part
                whose content differs from the one already held at that index;
                ``payload_too_large`` when the parts add up to too much data.
        """
        part = parse(text)
        self._check_same_payload(part)
        held = self._chunks.get(part.index)
        if held is not None:
            if held != part.chunk:
                raise InvalidInput(
                    f"two different versions of part {part.index} of {part.total}",
                    code=ErrorCode.qr_parts_mismatch,
                    detail={"index": part.index, "id": part.id},
                )
            return self.progress
        if self._size + len(part.chunk) > MAX_STREAM_CHARS:
            raise InvalidInput(
                "QR parts add up to more data than a payload may have",
                code=ErrorCode.payload_too_large,
                detail={"limit": MAX_STREAM_CHARS},
            )
        self._total, self._id = part.total, part.id
        self._chunks[part.index] = part.chunk
        self._size += len(part.chunk)
        return self.progress

    def _check_same_payload(self, part: Part) -> None:
        if self._total is None:
            return
        if part.id != self._id or part.total != self._total:
            raise InvalidInput(
                "this QR code belongs to another payload than the codes scanned before",
                code=ErrorCode.qr_parts_mismatch,
                detail={
                    "expected": {"id": self._id, "total": self._total},
                    "got": {"id": part.id, "total": part.total},
                },
            )
        if part.id is None and self._chunks[1] != part.chunk:
            raise InvalidInput(
                "two different single-code payloads",
                code=ErrorCode.qr_parts_mismatch,
                detail={"expected": {"id": None, "total": 1}},
            )

    @property
    def progress(self) -> tuple[int, int]:
        """``(parts held, parts in total)``; ``(0, 0)`` before the first part."""
        return len(self._chunks), self._total or 0

    @property
    def missing(self) -> list[int]:
        """1-based indexes not seen yet (empty before the first part)."""
        if self._total is None:
            return []
        return [i for i in range(1, self._total + 1) if i not in self._chunks]

    @property
    def complete(self) -> bool:
        return self._total is not None and not self.missing

    def result(self) -> dict[str, Any]:
        """The decoded payload.

        Raises:
            InvalidInput: ``qr_parts_incomplete`` (detail names the missing parts),
                ``qr_decode_failed`` when the parts do not reassemble to their id,
                or any error of ``decode_stream``.
        """
        if self._result is not None:
            return self._result
        if not self.complete:
            have, total = self.progress
            raise InvalidInput(
                f"{have} of {total} QR parts scanned" if total else "no QR code scanned",
                code=ErrorCode.qr_parts_incomplete,
                detail={"have": have, "total": total, "missing": self.missing, "id": self._id},
            )
        stream = "".join(self._chunks[i] for i in range(1, len(self._chunks) + 1))
        if self._id is not None and stream_id(stream) != self._id:
            raise InvalidInput(
                "the QR parts do not reassemble to the payload they announce",
                code=ErrorCode.qr_decode_failed,
                detail={"id": self._id, "computed": stream_id(stream)},
            )
        self._result = decode_stream(stream)
        return self._result
