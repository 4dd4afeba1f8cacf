"""VPQR: ``VP1-`` QR texts carrying a presentation as CBOR-LD, read and written.

The format of the Learner Credential Wallet and VerifierPlus
(``@digitalcredentials/vpqr``) and of ``@digitalbazaar/vpqr``: ``VP1-B`` + base32
(or ``VP1-R`` + base45) of CBOR-LD bytes. CBOR-LD is a lossless compression of
JSON-LD, so signatures survive. Contexts come from the bundled loader only
(``shared.contexts``); a code naming any other context is refused with
``unknown_context``.

Public API::

    encode_cborld(document, *, profile="dcc") -> bytes
    decode_cborld(data) -> dict | list
    encode(presentation, *, profile="dcc", multibase="B") -> str       # "VP1-B..."
    decode(text) -> dict
    is_vpqr(text) -> bool
    PROFILES: "dcc" (default; tag 0x0501, readable by the DCC 4.x fork and by
    digitalbazaar 8.x), "legacy" (tag 0x0501 as digitalbazaar 8.x writes it),
    "cbor-ld-1.0" (tag 0xCB1D, registry entry 1)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.contexts import load_context
from shared.errors import ErrorCode, Unsupported
from shared.vpqr import cbor
from shared.vpqr.convert import compress, decompress
from shared.vpqr.tables import CBORLD_1_0, LEGACY, PROFILES, Profile
from shared.vpqr.terms import cborld_error
from shared.vpqr.text import BASE32, BASE45, HEADER, MAX_TEXT_CHARS, from_text, is_vpqr, to_text

__all__ = [
    "BASE32",
    "BASE45",
    "HEADER",
    "MAX_TEXT_CHARS",
    "PROFILES",
    "decode",
    "decode_cborld",
    "encode",
    "encode_cborld",
    "is_vpqr",
]

Loader = Callable[[str], Any]


def _profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown CBOR-LD profile {name!r}; one of {sorted(PROFILES)}") from None


def encode_cborld(document: Any, *, profile: str = "dcc", load: Loader = load_context) -> bytes:
    """CBOR-LD bytes for a JSON-LD document; raises ``invalid_cborld`` or ``unknown_context``."""
    chosen = _profile(profile)
    return cbor.frame(compress(document, chosen, load), chosen.tag)


def decode_cborld(data: bytes, *, load: Loader = load_context) -> Any:
    """The JSON-LD document in CBOR-LD bytes (any tag a VPQR writer uses).

    Errors: ``invalid_cborld``, ``unknown_context``, ``unsupported_codec`` (a CBOR-LD
    1.0 registry entry other than 0 or 1, whose tables Rugzak does not have).
    """
    parsed = cbor.parse(data)
    if not parsed.compressed:
        _require_json(parsed.payload)
        return parsed.payload
    if parsed.format == "legacy-singleton":
        profile = LEGACY
    elif parsed.registry_entry_id == 1:
        profile = CBORLD_1_0
    else:
        raise Unsupported(
            f"CBOR-LD registry entry {parsed.registry_entry_id} is not supported",
            code=ErrorCode.unsupported_codec,
            detail=parsed.registry_entry_id,
        )
    return decompress(parsed.payload, profile, load)


def _require_json(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise cborld_error("an uncompressed CBOR-LD map key is not a string")
            _require_json(item)
    elif isinstance(value, list):
        for item in value:
            _require_json(item)
    elif isinstance(value, bytes):
        raise cborld_error("bytes where a JSON value is expected")


def encode(
    presentation: dict[str, Any],
    *,
    profile: str = "dcc",
    multibase: str = BASE32,
    load: Loader = load_context,
) -> str:
    """The ``VP1-`` text for a presentation (``multibase`` ``B`` base32 or ``R`` base45)."""
    return to_text(encode_cborld(presentation, profile=profile, load=load), multibase=multibase)


def decode(text: str, *, load: Loader = load_context) -> dict[str, Any]:
    """The presentation in a ``VP1-`` text.

    Errors: ``qr_decode_failed``, ``payload_too_large``, ``invalid_base32``,
    ``invalid_base45``, ``unsupported_codec``, ``invalid_cborld``, ``unknown_context``,
    ``invalid_json`` (the code holds something other than one JSON object).
    """
    document = decode_cborld(from_text(text), load=load)
    if not isinstance(document, dict):
        raise cborld_error("the VP1- code does not hold one JSON object")
    return document
