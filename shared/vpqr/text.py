"""``VP1-`` QR texts: the VPQR header, a multibase prefix, and CBOR-LD bytes.

``VP1-B`` + RFC 4648 base32 (upper case, no padding) is what
``@digitalcredentials/vpqr`` (Learner Credential Wallet, VerifierPlus) writes;
``VP1-R`` + base45 (RFC 9285) is the default of ``@digitalbazaar/vpqr`` 6. Both
consist of QR alphanumeric characters only.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

import base45

from shared.errors import ErrorCode, InvalidInput, Unsupported

HEADER: Final = "VP1-"
BASE32: Final = "B"
BASE45: Final = "R"
#: A version 40 QR code holds 4,296 alphanumeric characters; allow some slack for
#: texts pasted by hand, and refuse anything bigger before decoding it.
MAX_TEXT_CHARS: Final = 8192

_BASE32 = re.compile(r"[A-Z2-7]*")


def is_vpqr(text: str) -> bool:
    """Whether ``text`` claims to be a VPQR code (the header decides)."""
    return text.strip().startswith(HEADER)


def to_text(data: bytes, *, multibase: str = BASE32) -> str:
    """``VP1-B<base32>`` (default, readable by every VPQR reader) or ``VP1-R<base45>``."""
    if multibase == BASE32:
        return HEADER + BASE32 + base64.b32encode(data).decode("ascii").rstrip("=")
    if multibase == BASE45:
        encoded: bytes = base45.b45encode(data)
        return HEADER + BASE45 + encoded.decode("ascii")
    raise ValueError(f"unknown multibase prefix {multibase!r}")


def from_text(text: str) -> bytes:
    """The CBOR-LD bytes of a ``VP1-`` text.

    Errors: ``qr_decode_failed`` (no ``VP1-`` header), ``payload_too_large``,
    ``unsupported_codec`` (a multibase other than B or R), ``invalid_base32``,
    ``invalid_base45``.
    """
    text = text.strip()
    if not text.startswith(HEADER):
        raise InvalidInput("not a VP1- QR text", code=ErrorCode.qr_decode_failed)
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            "the VP1- text is too long",
            code=ErrorCode.payload_too_large,
            detail={"chars": len(text), "limit": MAX_TEXT_CHARS},
        )
    body = text[len(HEADER) :]
    prefix, data = body[:1], body[1:]
    if prefix == BASE32:
        if not _BASE32.fullmatch(data) or len(data) % 8 in (1, 3, 6):
            raise InvalidInput(
                "the VP1-B text is not RFC 4648 base32", code=ErrorCode.invalid_base32
            )
        try:
            return base64.b32decode(data + "=" * (-len(data) % 8))
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                "the VP1-B text is not RFC 4648 base32", code=ErrorCode.invalid_base32
            ) from exc
    if prefix == BASE45:
        try:
            return bytes(base45.b45decode(data))
        except (ValueError, TypeError) as exc:
            raise InvalidInput(
                "the VP1-R text is not base45", code=ErrorCode.invalid_base45
            ) from exc
    raise Unsupported(
        f"VP1- texts with multibase prefix {prefix!r} are not supported (B and R are)",
        code=ErrorCode.unsupported_codec,
        detail=prefix,
    )
