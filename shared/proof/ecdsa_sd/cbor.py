"""ecdsa-sd-2023 proof values: multibase base64url of a CBOR array behind a 3-byte header.

Base proof (issuer -> holder only): ``0xd9 0x5d 0x00`` then
``[baseSignature, publicKey, hmacKey, signatures, mandatoryPointers]``.
Derived proof (holder -> verifier): ``0xd9 0x5d 0x01`` then
``[baseSignature, publicKey, signatures, compressedLabelMap, mandatoryIndexes]``,
where the label map ``c14nN -> u<base64url>`` is compressed to ``N -> bytes``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2

from shared.errors import ErrorCode, InvalidInput, Unsupported

BASE_HEADER = b"\xd9\x5d\x00"
DERIVED_HEADER = b"\xd9\x5d\x01"
PUBLIC_KEY_LENGTH = 35  # P-256 Multikey header 0x8024 + 33-byte compressed point
MAX_PROOF_VALUE_CHARS = 4 * 1024 * 1024


@dataclass(frozen=True)
class BaseProofValue:
    """What the issuer gives the holder in the base proof."""

    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    """What the holder gives a verifier; ``label_map`` is decompressed (``c14nN`` -> ``u...``)."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]
    mandatory_indexes: list[int]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _malformed(message: str) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.malformed_proof)


def serialize_base_proof_value(value: BaseProofValue) -> str:
    """The spec's serializeBaseProofValue."""
    payload = [
        value.base_signature,
        value.public_key,
        value.hmac_key,
        list(value.signatures),
        list(value.mandatory_pointers),
    ]
    return "u" + _b64(BASE_HEADER + cbor2.dumps(payload))


def compress_label_map(label_map: Mapping[str, str]) -> dict[int, bytes]:
    """``c14nN`` -> ``u<base64url>`` becomes ``N`` -> bytes, ordered by N."""
    out: dict[int, bytes] = {}
    for key, value in label_map.items():
        if not key.startswith("c14n") or not key[4:].isdigit() or not value.startswith("u"):
            raise ValueError(f"not a canonical-to-HMAC label pair: {key!r}")
        out[int(key[4:])] = _unb64(value[1:])
    return dict(sorted(out.items()))


def serialize_derived_proof_value(value: DerivedProofValue) -> str:
    """The spec's serializeDerivedProofValue."""
    payload = [
        value.base_signature,
        value.public_key,
        list(value.signatures),
        compress_label_map(value.label_map),
        list(value.mandatory_indexes),
    ]
    return "u" + _b64(DERIVED_HEADER + cbor2.dumps(payload))


def base_proof_presented() -> Unsupported:
    """A base proof handed to a verifier: well-formed, but not for verifiers (the spec's
    parseDerivedProofValue refuses it). Unsupported rather than malformed: beside an
    eddsa proof it is an extra proof a verifier does not check, not a broken one."""
    return Unsupported(
        "this is an ecdsa-sd-2023 base proof, which is for the holder only: "
        "a verifier checks the derived proof the holder makes from it",
        code=ErrorCode.base_proof_presented,
    )


def _decode(proof_value: Any, header: bytes, what: str) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise _malformed("an ecdsa-sd-2023 proofValue is multibase base64url ('u...')")
    if len(proof_value) > MAX_PROOF_VALUE_CHARS:
        raise InvalidInput("the proofValue is too large", code=ErrorCode.payload_too_large)
    try:
        raw = _unb64(proof_value[1:])
    except (binascii.Error, ValueError) as exc:
        raise _malformed("the proofValue is not valid base64url") from exc
    if raw[:3] != header:
        if header == DERIVED_HEADER and raw[:3] == BASE_HEADER:
            raise base_proof_presented()
        raise _malformed(f"the proofValue is not an ecdsa-sd-2023 {what} proof")
    try:
        components = cbor2.loads(raw[3:])
    except (cbor2.CBORDecodeError, ValueError, TypeError, RecursionError) as exc:
        raise _malformed("the proofValue is not valid CBOR") from exc
    if not isinstance(components, list) or len(components) != 5:
        raise _malformed(f"an ecdsa-sd-2023 {what} proof holds five components")
    return [_untag(c) for c in components]


def _untag(value: Any) -> Any:
    """Tag 64 (a typed byte array) is what some encoders use for bytes."""
    if isinstance(value, cbor2.CBORTag) and value.tag == 64 and isinstance(value.value, bytes):
        return value.value
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        return {k: _untag(v) for k, v in value.items()}
    return value


def _bytes(value: Any, length: int | None, name: str) -> bytes:
    if not isinstance(value, bytes) or (length is not None and len(value) != length):
        size = f" of {length} bytes" if length is not None else ""
        raise _malformed(f"{name} must be a byte string{size}")
    return value


def _byte_list(value: Any, length: int, name: str) -> list[bytes]:
    if not isinstance(value, list):
        raise _malformed(f"{name} must be an array")
    return [_bytes(v, length, name) for v in value]


def parse_base_proof_value(proof_value: Any) -> BaseProofValue:
    """The spec's parseBaseProofValue, with every component's type checked."""
    sig, public, hmac_key, signatures, pointers = _decode(proof_value, BASE_HEADER, "base")
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise _malformed("mandatoryPointers must be an array of strings")
    return BaseProofValue(
        _bytes(sig, 64, "baseSignature"),
        _bytes(public, PUBLIC_KEY_LENGTH, "publicKey"),
        _bytes(hmac_key, 32, "hmacKey"),
        _byte_list(signatures, 64, "signatures"),
        list(pointers),
    )


def parse_derived_proof_value(proof_value: Any) -> DerivedProofValue:
    """The spec's parseDerivedProofValue, with every component's type checked."""
    sig, public, signatures, compressed, indexes = _decode(proof_value, DERIVED_HEADER, "derived")
    if not isinstance(compressed, dict):
        raise _malformed("the label map must be a CBOR map")
    label_map: dict[str, str] = {}
    for key, value in compressed.items():
        if not isinstance(key, int) or isinstance(key, bool) or key < 0:
            raise _malformed("label map keys must be non-negative integers")
        label_map[f"c14n{key}"] = "u" + _b64(_bytes(value, 32, "label map value"))
    if not isinstance(indexes, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in indexes
    ):
        raise _malformed("mandatoryIndexes must be an array of integers")
    return DerivedProofValue(
        _bytes(sig, 64, "baseSignature"),
        _bytes(public, PUBLIC_KEY_LENGTH, "publicKey"),
        _byte_list(signatures, 64, "signatures"),
        label_map,
        list(indexes),
    )
