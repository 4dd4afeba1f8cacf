"""One strict JSON reader for everything Rugzak takes from outside.

RFC 8259 §4 leaves duplicate member names to the parser ("the names within an object
SHOULD be unique"), so two parsers can read one document differently: Python keeps
the last value, others the first. A signed document with a duplicate name could then
show one reader a value the signature never covered. ``NaN`` and ``Infinity`` are
not JSON at all (RFC 8259 §6) and make byte-different copies of a "valid" document.
Both are refused here, with the ``invalid_json`` code and the reason in ``detail``.
"""

from __future__ import annotations

import json
from typing import Any

from shared.errors import ErrorCode, InvalidInput

__all__ = ["StrictJSONError", "loads"]


class StrictJSONError(ValueError):
    """JSON that parses but is refused (duplicate member name, NaN or Infinity)."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(f"{reason}: {name[:100]}")
        self.reason = reason
        self.name = name[:100]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # dict() in C; a duplicate name leaves fewer members than pairs, and only then
    # are the pairs walked for the first name seen twice.
    result = dict(pairs)
    if len(result) != len(pairs):
        _refuse_duplicate(pairs)
    return result


def _refuse_duplicate(pairs: list[tuple[str, Any]]) -> None:
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise StrictJSONError("duplicate_key", key)
        seen.add(key)


def _constant(name: str) -> Any:
    raise StrictJSONError("not_a_number", name)


def parse(data: str | bytes | bytearray) -> Any:
    """``json.loads`` that refuses duplicate names and NaN/Infinity.

    Raises ``ValueError`` (``json.JSONDecodeError`` or ``StrictJSONError``),
    ``UnicodeDecodeError`` or ``RecursionError`` like ``json.loads``: for call
    sites that wrap parse errors in their own message.
    """
    # json.loads, without making a new decoder for every call (its keyword arguments
    # would): the same steps in the same order, so the same errors.
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", data, 0)
        text = data
    elif isinstance(data, (bytes, bytearray)):
        text = data.decode(json.detect_encoding(data), "surrogatepass")
    else:
        raise TypeError(
            f"the JSON object must be str, bytes or bytearray, not {data.__class__.__name__}"
        )
    return _DECODER.decode(text)


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)


def loads(data: str | bytes | bytearray, *, what: str = "The input") -> Any:
    """Parse untrusted JSON strictly; ``InvalidInput(invalid_json)`` on any refusal.

    Args:
        data: the JSON text (UTF-8 bytes or str).
        what: names the input in the message ("The request body", ...).
    """
    try:
        return parse(data)
    except StrictJSONError as exc:
        message = (
            f"{what} names the member '{exc.name}' twice."
            if exc.reason == "duplicate_key"
            else f"{what} holds {exc.name}, which is not a JSON number."
        )
        raise InvalidInput(
            message, code=ErrorCode.invalid_json, detail={"reason": exc.reason, "name": exc.name}
        ) from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput(f"{what} is not valid JSON.", code=ErrorCode.invalid_json) from exc
