"""Digests of linked files (VC Data Model 2.0 §5.3 "Integrity of Related Resources").

A credential that points at a file (an image, evidence) can say what the bytes must
hash to, as ``digestSRI`` (Subresource Integrity: ``sha384-<base64>``) or
``digestMultibase`` (a multibase-encoded multihash, e.g. ``u`` + base64url of
``0x12 0x20`` + SHA-256). Whoever fetches the file checks it, so the file cannot be
swapped after signing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from shared.errors import RugzakError
from shared.multibase import decode_base58btc

_SRI = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
# multihash codes: sha2-256, sha2-384, sha2-512 (each with its digest length)
_MULTIHASH = {0x12: ("sha256", 32), 0x20: ("sha384", 48), 0x13: ("sha512", 64)}


def digest_sri(data: bytes, algorithm: str = "sha384") -> str:
    """``<algorithm>-<base64 digest>``, as in HTML's ``integrity`` attribute."""
    value = hashlib.new(_SRI[algorithm], data).digest()
    return f"{algorithm}-{base64.b64encode(value).decode('ascii')}"


def digest_multibase(data: bytes) -> str:
    """``u`` + base64url (no padding) of the sha2-256 multihash of ``data``."""
    value = bytes([0x12, 0x20]) + hashlib.sha256(data).digest()
    return "u" + base64.urlsafe_b64encode(value).decode("ascii").rstrip("=")


def sri_matches(data: bytes, expected: str) -> bool:
    """Whether ``data`` has one of the digests in an SRI value (space-separated list)."""
    for item in expected.split():
        algorithm, _, value = item.partition("-")
        if algorithm not in _SRI or not value:
            continue
        actual = digest_sri(data, algorithm).partition("-")[2]
        if hmac.compare_digest(actual.encode(), value.split("?", 1)[0].encode()):
            return True
    return False


def multibase_matches(data: bytes, expected: str) -> bool:
    """Whether ``data`` hashes to the multihash in ``expected`` (multibase ``u``/``z``/``m``)."""
    try:
        raw = _multibase_bytes(expected)
    except ValueError:
        return False
    if len(raw) < 2 or raw[0] not in _MULTIHASH:
        return False
    algorithm, length = _MULTIHASH[raw[0]]
    if raw[1] != length or len(raw) != 2 + length:
        return False
    return hmac.compare_digest(hashlib.new(algorithm, data).digest(), raw[2:])


def _multibase_bytes(value: str) -> bytes:
    prefix, body = value[:1], value[1:]
    try:
        if prefix == "u":
            return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if prefix == "m":
            return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        if prefix == "z":
            return decode_base58btc(value)
    except (ValueError, RugzakError) as exc:  # binascii.Error is a ValueError
        raise ValueError("not a multibase value") from exc
    raise ValueError("unsupported multibase prefix")


def digest_matches(
    data: bytes, *, digest_sri: str | None = None, digest_multibase: str | None = None
) -> bool | None:
    """True/False when a digest is given (all given must match), None when none is."""
    given = [d for d in (digest_sri, digest_multibase) if d]
    if not given:
        return None
    ok = True
    if digest_sri:
        ok = ok and sri_matches(data, digest_sri)
    if digest_multibase:
        ok = ok and multibase_matches(data, digest_multibase)
    return ok
