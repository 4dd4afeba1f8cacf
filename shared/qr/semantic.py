"""Codec ``C`` of the QR text format: a semantic, CBOR-based form of a JSON object.

A general compressor spends most of a small presentation on structure it has to
re-discover (keys, types, context URLs, one short match at a time) and codes
signatures and keys as base58 text. Codec ``C`` splits the object into three
streams, so each is coded the way it compresses best:

* **skeleton**: one CBOR item with the shape of the object. Map keys are term ids
  (1-2 byte CBOR byte strings, the term table ``terms-c1.json``) or, for keys the
  table does not know, the key as text. Strings the value table knows are simple
  values 32-255; every other string is a marker: simple value 0 (the next string of
  the text stream) or a *kind* 1-7 (the next bytes of the binary stream). Numbers,
  booleans and null stay themselves. A string with a NUL in it is written inline as
  CBOR text.
* **text stream**: the other strings, UTF-8, each followed by a NUL byte.
* **binary stream**: values of a known form as raw bytes, e.g. a ``did:key``
  Ed25519 key as its 32 bytes, an Ed25519 ``proofValue`` as its 64 bytes, a
  ``urn:uuid:`` as 16. A value becomes binary only when writing the bytes back gives
  the very same text; else it stays text.

``skeleton + texts`` form one zstd block and ``binary`` a second block of the same
frame (zstd ``magicless`` format, level 19, dictionary ``zstd-dict-c1.zst`` trained
on skeletons and texts; content size written, no checksum, no dictionary id), so
the dictionary and the literal tables serve the structure and text while random
bytes stay raw, and a key repeated in the binary stream is still found as a match.

Decoding gives back an equal JSON value (same keys, strings, numbers of the same
type, arrays in order; key order kept), never more than 1 MiB of strings.
docs/qr-format.md section 4.1 is the specification.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import base58
import cbor2
import zstandard

from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.qr import codecs

CODEC = "C"
TERMS_FILE = "terms-c1.json"
TERMS_SHA256 = "98161853b4ba16c6fcf01ba4c123250c3f63a354d8bf8c4e47cfe2ef962167b5"
DICT_FILE = "zstd-dict-c1.zst"
DICT_SHA256 = "c226d9cc34d06ebbbd7201534f1fbf68ae4f900b3d1358a556a8db09dceb7059"
DICT_ID = 0x525A0C01
ZSTD_LEVEL = 19
MAX_OUTPUT = 1024 * 1024
"""Most bytes of decompressed streams, and of strings in the decoded value."""
MAX_DEPTH = 100

TEXT = 0
TEXT_WITH_DIGEST = 8
STATUS_ID = 10
MAX_ORIGINS = 8
ORIGIN_MARKS = "".join(chr(2 + i) for i in range(MAX_ORIGINS))
_ORIGIN_MARK_SET = frozenset(ORIGIN_MARKS)
DIGEST_MARK = "\x01"
VALUE_BASE = 32
MAX_VALUES = 256 - VALUE_BASE
MAX_KEYS = 65536
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_B58 = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")
_HEX = re.compile(r"[0-9a-f]+")
_UUID = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ED25519_PREFIX = b"\xed\x01"
_SHA256_MULTIHASH = b"\x12\x20"
_ORIGIN = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?=[/#?]|\Z)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_EMBEDDED_DIGEST = re.compile(r"uEi[A-Za-z0-9_-]{44}")


# ----------------------------------------------------------------------- kinds


def _b58(text: str) -> bytes | None:
    """The bytes of a ``z`` base58btc multibase text, when they write back to it."""
    if not _B58.fullmatch(text):
        return None
    raw = base58.b58decode(text[1:])
    return raw if "z" + base58.b58encode(raw).decode("ascii") == text else None


def _did_key(text: str) -> bytes | None:
    # 34 bytes are 47 or 48 base58 characters; the bound keeps base58's quadratic
    # decoding away from long strings
    if not text.startswith("did:key:z6Mk") or len(text) > 8 + 1 + 48:
        return None
    raw = _b58(text[8:])
    if raw is None or len(raw) != 34 or not raw.startswith(_ED25519_PREFIX):
        return None
    return raw[2:]


def _render_did_key(raw: bytes) -> str:
    return "did:key:z" + base58.b58encode(_ED25519_PREFIX + raw).decode("ascii")


def _vm(text: str) -> bytes | None:
    did, sep, fragment = text.partition("#")
    if not sep or "did:key:" + fragment != did:
        return None
    return _did_key(did)


def _render_vm(raw: bytes) -> str:
    did = _render_did_key(raw)
    return f"{did}#{did[8:]}"


def _sig64(text: str) -> bytes | None:
    if not 80 <= len(text) <= 1 + 88:  # 64 bytes are at most 88 base58 characters
        return None
    raw = _b58(text)
    return raw if raw is not None and len(raw) == 64 else None


def _render_b58(raw: bytes) -> str:
    return "z" + base58.b58encode(raw).decode("ascii")


def _uuid(text: str) -> bytes | None:
    return uuid.UUID(text[9:]).bytes if _UUID.fullmatch(text) else None


def _render_uuid(raw: bytes) -> str:
    return f"urn:uuid:{uuid.UUID(bytes=raw)}"


def _sha256_hex(text: str) -> bytes | None:
    if len(text) != 71 or not text.startswith("sha256$") or not _HEX.fullmatch(text[7:]):
        return None
    return bytes.fromhex(text[7:])


def _render_sha256_hex(raw: bytes) -> str:
    return "sha256$" + raw.hex()


def _multihash(text: str) -> bytes | None:
    if not _EMBEDDED_DIGEST.fullmatch(text):
        return None
    try:
        raw = base64.urlsafe_b64decode(text[1:] + "==")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 34 or not raw.startswith(_SHA256_MULTIHASH):
        return None
    return raw[2:]


def _render_multihash(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(_SHA256_MULTIHASH + raw).rstrip(b"=").decode("ascii")


def _date(text: str) -> bytes | None:
    """An RFC 3339 UTC date-time to the second (``2026-11-23T12:00:00Z``), 1970-2105."""
    if not _DATE.fullmatch(text):
        return None
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    seconds = int(moment.timestamp())
    return seconds.to_bytes(4, "big") if 0 <= seconds < 2**32 else None


def _render_date(raw: bytes) -> str:
    moment = datetime.fromtimestamp(int.from_bytes(raw, "big"), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hex16(text: str) -> bytes | None:
    return bytes.fromhex(text) if len(text) == 16 and _HEX.fullmatch(text) else None


@dataclass(frozen=True)
class Kind:
    """A form of string written as ``size`` raw bytes."""

    number: int
    name: str
    size: int
    parse: Callable[[str], bytes | None]
    render: Callable[[bytes], str]


KINDS = (
    Kind(1, "did:key Ed25519", 32, _did_key, _render_did_key),
    Kind(2, "did:key Ed25519 verification method", 32, _vm, _render_vm),
    Kind(3, "multibase base58btc of 64 bytes (Ed25519 signature)", 64, _sig64, _render_b58),
    Kind(4, "urn:uuid", 16, _uuid, _render_uuid),
    Kind(5, "sha256$ + 64 hex digits (hashed identifier)", 32, _sha256_hex, _render_sha256_hex),
    Kind(6, "sha2-256 multihash, base64url multibase", 32, _multihash, _render_multihash),
    Kind(7, "16 hex digits (salt)", 8, _hex16, bytes.hex),
    Kind(9, "RFC 3339 UTC date-time to the second, 1970-2105", 4, _date, _render_date),
)
_KIND = {kind.number: kind for kind in KINDS}
_DIGEST_SIZE = 32
_STATUS_ID = cbor2.CBORSimpleValue(STATUS_ID)


def embedded_digest(text: str) -> tuple[str, bytes] | None:
    """``text`` with its one sha2-256 ``digestMultibase`` replaced by ``DIGEST_MARK``,
    and the digest's 32 bytes, e.g. for ``https://x.example/images/uEi....png``."""
    if DIGEST_MARK in text:
        return None
    found = _EMBEDDED_DIGEST.findall(text)
    if len(found) != 1:
        return None
    raw = _multihash(found[0])
    if raw is None or _render_multihash(raw) != found[0]:
        return None
    return text.replace(found[0], DIGEST_MARK), raw


def typed(text: str) -> tuple[Kind, bytes] | None:
    """The kind and bytes of ``text`` when it has a binary form that writes back exactly."""
    for kind in KINDS:
        raw = kind.parse(text)
        if raw is not None and len(raw) == kind.size and kind.render(raw) == text:
            return kind, raw
    return None


# ----------------------------------------------------------------- shipped data


@dataclass(frozen=True)
class Terms:
    keys: tuple[str, ...]
    values: tuple[str, ...]
    key_ids: dict[str, int]
    value_ids: dict[str, int]


def _pinned(name: str, expected: str) -> bytes:
    data = resources.files("shared.qr").joinpath(name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected:
        raise RugzakError(
            f"the shipped {name} does not match the one codec C is defined by",
            code=ErrorCode.internal_error,
            detail={"file": name, "sha256": digest, "expected": expected},
        )
    return data


def terms_from(document: dict[str, Any]) -> Terms:
    """A term table from its JSON form ``{"version", "keys", "values"}``."""
    keys, values = tuple(document["keys"]), tuple(document["values"])
    if len(set(keys)) != len(keys) or len(keys) > MAX_KEYS:
        raise ValueError("term keys must be unique and at most 65536")
    if len(set(values)) != len(values) or len(values) > MAX_VALUES:
        raise ValueError(f"term values must be unique and at most {MAX_VALUES}")
    return Terms(
        keys,
        values,
        {k: i for i, k in enumerate(keys)},
        {v: i for i, v in enumerate(values)},
    )


@cache
def shipped_terms() -> Terms:
    return terms_from(json.loads(_pinned(TERMS_FILE, TERMS_SHA256)))


@cache
def _dictionary() -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(
        _pinned(DICT_FILE, DICT_SHA256), dict_type=zstandard.DICT_TYPE_FULLDICT
    )


@cache
def _compress_dictionary() -> zstandard.ZstdCompressionDict:
    prepared = zstandard.ZstdCompressionDict(
        _dictionary().as_bytes(), dict_type=zstandard.DICT_TYPE_FULLDICT
    )
    prepared.precompute_compress(compression_params=_params())
    return prepared


# -------------------------------------------------------------------- packing


class UnrepresentableError(ValueError):
    """The value has something codec C cannot carry exactly (the caller uses another)."""


@dataclass
class Streams:
    """The three streams of one value, before compression."""

    skeleton: bytes
    texts: bytes
    binary: bytes


def split(value: dict[str, Any], terms: Terms | None = None) -> Streams:
    """The skeleton, text and binary streams of a JSON object.

    Raises:
        UnrepresentableError: an integer outside 64 bits, a non-JSON value, too deep.
    """
    terms = terms or shipped_terms()
    texts: list[bytes] = []
    binary: list[bytes] = []
    origins = Origins()

    def key(name: str) -> bytes | str:
        number = terms.key_ids.get(name)
        if number is None:
            return name
        return number.to_bytes(1 if number < 256 else 2, "big")

    def walk(item: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise UnrepresentableError("nested too deeply")
        if isinstance(item, dict):
            out = {}
            status_id = _status_id(item)
            for name, sub in item.items():
                if not isinstance(name, str):
                    raise UnrepresentableError("a key that is not a string")
                if name == "id" and status_id is not None and sub == status_id:
                    out[key(name)] = cbor2.CBORSimpleValue(STATUS_ID)
                else:
                    out[key(name)] = walk(sub, depth + 1)
            return out
        if isinstance(item, list):
            return [walk(sub, depth + 1) for sub in item]
        if isinstance(item, str):
            number = terms.value_ids.get(item)
            if number is not None:
                return cbor2.CBORSimpleValue(VALUE_BASE + number)
            if "\0" in item or item[:1] in _ORIGIN_MARK_SET:
                return item
            found = typed(item)
            if found is not None:
                binary.append(found[1])
                return cbor2.CBORSimpleValue(found[0].number)
            embedded = embedded_digest(item)
            if embedded is not None:
                texts.append(origins.shorten(embedded[0]).encode("utf-8") + b"\0")
                binary.append(embedded[1])
                return cbor2.CBORSimpleValue(TEXT_WITH_DIGEST)
            texts.append(origins.shorten(item).encode("utf-8") + b"\0")
            return cbor2.CBORSimpleValue(TEXT)
        if isinstance(item, bool) or item is None or isinstance(item, float):
            return item
        if isinstance(item, int):
            if not -(2**64) <= item < 2**64:
                raise UnrepresentableError("an integer outside 64 bits")
            return item
        raise UnrepresentableError(f"a {type(item).__name__} is not JSON")

    if not isinstance(value, dict):
        raise TypeError("codec C packs a JSON object (a dict)")
    try:
        skeleton = cbor2.dumps(walk(value, 0))
    except UnicodeEncodeError as exc:
        raise UnrepresentableError("a string that is not valid Unicode") from exc
    return Streams(skeleton, b"".join(texts), b"".join(binary))


def _params() -> zstandard.ZstdCompressionParameters:
    return zstandard.ZstdCompressionParameters.from_level(
        ZSTD_LEVEL, write_checksum=False, write_content_size=True, write_dict_id=False
    )


class Origins:
    """The ``https`` origins met in the text stream so far (at most ``MAX_ORIGINS``).

    A text that starts with an origin already met is written as one mark character
    (``\\x02`` for the first origin, ...) and the rest; both sides register the
    origin of every text as they meet it, so no table is sent."""

    def __init__(self) -> None:
        self.known: list[str] = []

    def _register(self, text: str) -> None:
        match = _ORIGIN.match(text)
        if match and match[0] not in self.known and len(self.known) < MAX_ORIGINS:
            self.known.append(match[0])

    def shorten(self, text: str) -> str:
        match = _ORIGIN.match(text)
        out = text
        if match and match[0] in self.known:
            out = ORIGIN_MARKS[self.known.index(match[0])] + text[len(match[0]) :]
        self._register(text)
        return out

    def expand(self, text: str) -> str:
        if text[:1] in _ORIGIN_MARK_SET:
            number = ORIGIN_MARKS.index(text[0])
            if number >= len(self.known):
                raise _bad("a reference to an origin not met yet")
            text = self.known[number] + text[1:]
        self._register(text)
        return text


def _status_id(entry: dict[str, Any]) -> str | None:
    """``<statusListCredential>#<statusListIndex>``, the usual ``id`` of a status entry."""
    credential, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    if isinstance(credential, str) and isinstance(index, str):
        return f"{credential}#{index}"
    return None


def compress_streams(streams: Streams, dictionary: zstandard.ZstdCompressionDict) -> bytes:
    """One zstd frame without its magic number: skeleton + texts in one block, the
    binary stream in the next."""
    cctx = zstandard.ZstdCompressor(dict_data=dictionary, compression_params=_params())
    head = streams.skeleton + streams.texts
    obj = cctx.compressobj(size=len(head) + len(streams.binary))
    out = obj.compress(head)
    if streams.binary:
        out += obj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK) + obj.compress(streams.binary)
    out += obj.flush()
    if not out.startswith(ZSTD_MAGIC):
        raise RuntimeError("zstd wrote a frame without its magic number")
    return out[len(ZSTD_MAGIC) :]


def encode(value: dict[str, Any]) -> bytes:
    """The codec C bytes of ``value`` (what base45 then carries).

    Raises:
        UnrepresentableError: when codec C cannot carry ``value`` exactly; the bytes are
            decoded again and compared as JSON before they are returned.
    """
    data = compress_streams(split(value), _compress_dictionary())
    try:
        back = decode(data)
    except InvalidInput as exc:  # e.g. many floats: CBOR writes each in 9 bytes
        raise UnrepresentableError(f"codec C cannot read it back: {exc.code.value}") from exc
    if _json(back) != _json(value):
        raise UnrepresentableError("the value does not come back the same")
    return data


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# -------------------------------------------------------------------- reading


def _reject_tag(*_: Any) -> Any:
    raise ValueError("CBOR tags are not part of codec C")


_NO_TAGS: dict[int, Callable[..., Any]] = dict.fromkeys(range(65536), _reject_tag)


def _bad(reason: str) -> InvalidInput:
    return InvalidInput(
        "QR payload could not be decompressed",
        code=ErrorCode.decompression_failed,
        detail={"codec": CODEC, "reason": reason},
    )


def _too_large() -> InvalidInput:
    return InvalidInput(
        f"QR payload expands to more than {MAX_OUTPUT} bytes",
        code=ErrorCode.payload_too_large,
        detail={"limit": MAX_OUTPUT},
    )


def decode(data: bytes, terms: Terms | None = None) -> dict[str, Any]:
    """The JSON object that codec C bytes carry.

    Raises:
        InvalidInput: ``decompression_failed`` (corrupt zstd, skeleton, streams or
            unknown ids), ``payload_too_large`` (more than 1 MiB decompressed or of
            strings), ``invalid_json`` (not an object).
    """
    inner = codecs.zstd_decompress(ZSTD_MAGIC + data, _dictionary(), CODEC, limit=MAX_OUTPUT)
    return join(inner, terms or shipped_terms())


def join(inner: bytes, terms: Terms) -> dict[str, Any]:
    """Rebuild the object from the decompressed streams (the inverse of ``split``)."""
    stream = io.BytesIO(inner)
    try:
        skeleton = cbor2.CBORDecoder(
            stream,
            max_depth=MAX_DEPTH + 2,
            allow_indefinite=False,
            allow_duplicate_keys=False,
            strict_hashable_types=True,
            semantic_decoders=_NO_TAGS,
            tag_hook=_reject_tag,
        ).decode()
    except (cbor2.CBORDecodeError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise _bad(f"the skeleton is not valid CBOR: {str(exc)[:120]}") from exc
    if not isinstance(skeleton, dict):
        raise InvalidInput(
            "QR payload is not a JSON object",
            code=ErrorCode.invalid_json,
            detail={"type": type(skeleton).__name__},
        )
    reader = _Reader(inner, stream.tell(), terms)
    reader.count(skeleton, 0)
    reader.start()
    value = reader.build(skeleton, 0)
    return dict(value)


class _Reader:
    """Walks a decoded skeleton twice: counts what it takes from the streams, then
    builds the value, with every id, kind and size checked."""

    def __init__(self, inner: bytes, offset: int, terms: Terms) -> None:
        self.inner, self.offset, self.terms = inner, offset, terms
        self.n_texts = 0
        self.n_binary = 0
        self.text_pos = offset
        self.binary_pos = 0
        self.binary_end = 0
        self.budget = MAX_OUTPUT
        self.origins = Origins()

    def count(self, item: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise _bad("nested too deeply")
        if isinstance(item, dict):
            for sub in item.values():
                self.count(sub, depth + 1)
        elif isinstance(item, list):
            for sub in item:
                self.count(sub, depth + 1)
        elif isinstance(item, cbor2.CBORSimpleValue):
            if item.value == TEXT:
                self.n_texts += 1
            elif item.value == TEXT_WITH_DIGEST:
                self.n_texts += 1
                self.n_binary += _DIGEST_SIZE
            elif item.value == STATUS_ID:
                pass
            elif item.value in _KIND:
                self.n_binary += _KIND[item.value].size
            elif not VALUE_BASE <= item.value < VALUE_BASE + len(self.terms.values):
                raise _bad(f"unknown simple value {item.value}")
        elif not (item is None or isinstance(item, bool | int | float | str)):
            raise _bad(f"a {type(item).__name__} in the skeleton")

    def start(self) -> None:
        pos = self.offset
        for _ in range(self.n_texts):
            end = self.inner.find(b"\0", pos)
            if end < 0:
                raise _bad("the text stream is shorter than the skeleton says")
            pos = end + 1
        self.binary_pos = pos
        self.binary_end = pos + self.n_binary
        if self.binary_end != len(self.inner):
            raise _bad("the binary stream does not have the size the skeleton says")

    def spend(self, text: str) -> str:
        self.budget -= len(text)
        if self.budget < 0:
            raise _too_large()
        return text

    def key(self, name: Any) -> str:
        if isinstance(name, str):
            return self.spend(name)
        number = int.from_bytes(name, "big")
        if len(name) not in (1, 2) or (len(name) == 2 and number < 256):
            raise _bad("a term id of the wrong length")
        if number >= len(self.terms.keys):
            raise _bad(f"unknown term id {number}")
        return self.spend(self.terms.keys[number])

    def build(self, item: Any, depth: int) -> Any:
        if isinstance(item, dict):
            out: dict[str, Any] = {}
            for name, sub in item.items():
                key = self.key(name)
                if key in out:
                    raise _bad("a key appears twice")
                if key == "id" and sub == _STATUS_ID:
                    out[key] = _STATUS_ID  # filled in below, once its siblings are read
                else:
                    out[key] = self.build(sub, depth + 1)
            if out.get("id") is _STATUS_ID:
                status_id = _status_id(out)
                if status_id is None:
                    raise _bad("a status entry id without its list and index")
                out["id"] = self.spend(status_id)
            return out
        if isinstance(item, list):
            return [self.build(sub, depth + 1) for sub in item]
        if isinstance(item, cbor2.CBORSimpleValue):
            return self.spend(self.string(item.value))
        if isinstance(item, str):
            return self.spend(item)
        return item

    def text(self) -> str:
        end = self.inner.index(b"\0", self.text_pos)
        raw, self.text_pos = self.inner[self.text_pos : end], end + 1
        try:
            return self.origins.expand(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise _bad("a text that is not UTF-8") from exc

    def binary(self, size: int) -> bytes:
        raw = self.inner[self.binary_pos : self.binary_pos + size]
        self.binary_pos += size
        return raw

    def string(self, number: int) -> str:
        if number == STATUS_ID:
            raise _bad("a status entry id outside a status entry")
        if number == TEXT:
            return self.text()
        if number == TEXT_WITH_DIGEST:
            text = self.text()
            if text.count(DIGEST_MARK) != 1:
                raise _bad("a text with a digest needs exactly one place for it")
            return text.replace(DIGEST_MARK, _render_multihash(self.binary(_DIGEST_SIZE)))
        kind = _KIND.get(number)
        if kind is not None:
            return kind.render(self.binary(kind.size))
        return self.terms.values[number - VALUE_BASE]
