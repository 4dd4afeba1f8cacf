"""Multibase and multicodec helpers for the encodings Data Integrity uses.

Only what the specs need: base58btc (``z``) and base64url-no-pad (``u``), and the
Ed25519 and P-256 public/secret key multicodec prefixes.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache

import base58

from shared.errors import ErrorCode, InvalidInput, Unsupported

ED25519_PUB_PREFIX = b"\xed\x01"
# The whole value, nothing else: the base58 library skips whitespace, which would let
# byte-different copies ("...abc " or "...a bc") of one proofValue all verify.
_BASE58BTC = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")
_BASE64URL = re.compile(r"u[A-Za-z0-9_-]*={0,2}")
ED25519_PRIV_PREFIX = b"\x80\x26"
X25519_PUB_PREFIX = b"\xec\x01"
# P-256 (secp256r1) Multikey: varint(0x1200) + 33-byte compressed point; varint(0x1306) + scalar.
P256_PUB_PREFIX = b"\x80\x24"
P256_PRIV_PREFIX = b"\x86\x26"


_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
#: Every two-digit base58 string, by its value (58 * first + second).
_PAIRS = tuple(a + b for a in _ALPHABET for b in _ALPHABET)


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``z`` + base58 (Bitcoin alphabet).

    What ``base58.b58encode`` gives, in about a third of its time (a proof value is
    encoded for every credential signed): the number is divided by 58**2, not 58, and
    each remainder looked up as two digits; each leading zero byte is a "1". Tested
    equal to b58encode on random input.
    """
    number = int.from_bytes(data, "big")
    pairs = []
    while number:
        number, pair = divmod(number, 3364)
        pairs.append(_PAIRS[pair])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(pairs)).lstrip("1")


def decode_base58btc(text: str) -> bytes:
    """Decode a ``z``-prefixed multibase string."""
    if not isinstance(text, str) or not _BASE58BTC.fullmatch(text):
        raise InvalidInput(
            "expected a multibase base58btc value: 'z' and base58 characters only",
            code=ErrorCode.malformed_key,
            detail=_clip(text),
        )
    body = text[1:]
    try:
        # What base58.b58decode gives, a third of its time: the package reads the
        # number, int.to_bytes writes it (b58decode divides by 256 byte by byte);
        # each leading "1" is a zero byte. Tested equal to b58decode.
        number = base58.b58decode_int(body)
    except ValueError as exc:
        raise InvalidInput(
            "not valid base58btc", code=ErrorCode.malformed_key, detail=_clip(text)
        ) from exc
    zeros = len(body) - len(body.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: ``u`` + base64url."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str, *, code: ErrorCode = ErrorCode.malformed_status_list) -> bytes:
    """Decode a ``u``-prefixed multibase string (padding optional)."""
    if not isinstance(text, str) or not text.startswith("u"):
        raise InvalidInput("expected a multibase base64url value starting with 'u'", code=code)
    if not _BASE64URL.fullmatch(text):
        raise InvalidInput("not valid base64url", code=code)
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("not valid base64url", code=code) from exc


def ed25519_public_to_multibase(public: bytes) -> str:
    """Multikey public key: ``z6Mk...``."""
    if len(public) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return encode_base58btc(ED25519_PUB_PREFIX + public)


@lru_cache(maxsize=4096)
def multibase_to_ed25519_public(value: str) -> bytes:
    """Decode a Multikey Ed25519 public key, refusing any other key type.

    Cached: verifiers meet the same issuer keys over and over, and base58 is slow.
    """
    raw = decode_base58btc(value)
    if raw[:2] != ED25519_PUB_PREFIX:
        raise Unsupported(
            "only Ed25519 Multikey public keys (z6Mk...) are supported",
            code=ErrorCode.unsupported_key_type,
            detail=_clip(value),
        )
    key = raw[2:]
    if len(key) != 32:
        raise InvalidInput(
            "an Ed25519 public key is 32 bytes", code=ErrorCode.malformed_key, detail=_clip(value)
        )
    return key


@lru_cache(maxsize=4096)
def multibase_to_p256_public(value: str) -> bytes:
    """Decode a Multikey P-256 public key (``zDn...``) to its 33-byte compressed point.

    Only the length and the SEC1 compressed form are checked here; whether the
    point is on the curve is checked when the key is used.
    """
    raw = decode_base58btc(value)
    if raw[:2] != P256_PUB_PREFIX:
        raise Unsupported(
            "only P-256 Multikey public keys (zDn...) are accepted here",
            code=ErrorCode.unsupported_key_type,
            detail=_clip(value),
        )
    key = raw[2:]
    if len(key) != 33 or key[0] not in (2, 3):
        raise InvalidInput(
            "a P-256 Multikey public key is a 33-byte compressed point",
            code=ErrorCode.malformed_key,
            detail=_clip(value),
        )
    return key


def p256_public_to_multibase(public: bytes) -> str:
    """Multikey P-256 public key: ``zDn...`` from a 33-byte compressed point."""
    if len(public) != 33:
        raise ValueError("a compressed P-256 public key is 33 bytes")
    return encode_base58btc(P256_PUB_PREFIX + public)


def ed25519_seed_to_multibase(seed: bytes) -> str:
    """Multikey secret key: ``z`` + base58btc(0x8026 || seed)."""
    if len(seed) != 32:
        raise ValueError("an Ed25519 seed is 32 bytes")
    return encode_base58btc(ED25519_PRIV_PREFIX + seed)


def multibase_to_ed25519_seed(value: str) -> bytes:
    """Decode a Multikey secret key; accepts seed (32) or seed||public (64) bodies."""
    raw = decode_base58btc(value)
    if raw[:2] != ED25519_PRIV_PREFIX or len(raw) not in (34, 66):
        raise InvalidInput("not an Ed25519 Multikey secret key", code=ErrorCode.malformed_key)
    return raw[2:34]


def _clip(value: object, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."
