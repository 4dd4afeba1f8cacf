"""Value codecs: how a JSON value of a given type is written in CBOR-LD, and read back.

Mirrors ``ValueEncoder.js``/``ValueDecoder.js`` and the codecs of
``@digitalbazaar/cborld`` 8.x. Where the reference would corrupt or crash on odd
input (an invalid UUID, a second ``#`` in a did:key URL, non-canonical base64),
the value is written as a plain string instead: every reader passes strings
through, so nothing is lost.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from typing import Any, Final

import base58

from shared.vpqr import dates
from shared.vpqr.tables import (
    LEGACY,
    LEGACY_STRINGS,
    MULTIBASE_TYPE,
    SCHEME_BY_CODE,
    URL_SCHEMES,
    XSD_DATE,
    XSD_DATETIME,
    Profile,
)
from shared.vpqr.terms import ContextLoader, Def, cborld_error

#: Returned by ``decode_value`` when the value is an array to walk into.
RECURSE: Final = object()
_PASS: Final = object()

_MAX_SAFE = 2**53 - 1
_LEGACY_URL_NUMBERS: Final = frozenset(LEGACY_STRINGS.values())
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_FORBIDDEN_HOST = set(" #%/:<>?@[\\]^|\x7f") | {chr(c) for c in range(0x21)}
_DATA = re.compile(r"data:(?P<m>[^\n\r\u2028\u2029]*);base64,(?P<d>[^\n\r\u2028\u2029]*)")
_UUID_FORMS = {
    version: re.compile(
        rf"[0-9a-f]{{8}}-[0-9a-f]{{4}}-[{version}][0-9a-f]{{3}}-[89ab][0-9a-f]{{3}}-[0-9a-f]{{12}}"
        r"|00000000-0000-0000-0000-000000000000"
        + (r"|ffffffff-ffff-ffff-ffff-ffffffffffff" if "8" in version else "")
    )
    for version in ("12345", "12345678")
}


def table_type(term: str, definition: Def, term_type: Any) -> str:
    """Which table a value belongs to: ``url``, a JSON-LD type IRI, or ``none``."""
    if (
        term in ("@id", "@type")
        or definition.get("@id") in ("@id", "@type")
        or term_type in ("@id", "@vocab")
    ):
        return "url"
    return term_type if isinstance(term_type, str) else "none"


def _bytes_from_uint(n: int) -> bytes:
    for limit, size in ((0xFF, 1), (0xFFFF, 2), (0xFFFFFFFF, 4), (_MAX_SAFE, 8)):
        if n < limit:
            return n.to_bytes(size, "big")
    raise cborld_error("table value too large", detail=n)


def _bytes_from_int(n: int) -> bytes:
    if abs(n) < _MAX_SAFE:
        for size in (1, 2, 4, 8):
            if -(2 ** (8 * size - 1)) <= n < 2 ** (8 * size - 1) - 1:
                return n.to_bytes(size, "big", signed=True)
    raise cborld_error("integer too large", detail=n)


def _uint_from_bytes(data: bytes) -> int:
    if len(data) not in (1, 2, 4):
        raise cborld_error("malformed table value bytes", detail=data.hex())
    return int.from_bytes(data, "big")


def _int_from_bytes(data: bytes) -> int:
    if len(data) not in (1, 2, 4, 8):
        raise cborld_error("malformed integer bytes", detail=data.hex())
    n = int.from_bytes(data, "big", signed=True)
    if n > _MAX_SAFE:
        raise cborld_error("integer too large", detail=n)
    return n


# ---------------------------------------------------------------- encoding


def encode_value(value: Any, ttype: str, profile: Profile, loader: ContextLoader) -> Any:
    """The CBOR-LD form of a scalar JSON value of table type ``ttype``."""
    if ttype == "url" and not isinstance(value, str):
        raise cborld_error("a URL value must be a string", detail=repr(value)[:80])
    table = profile.type_table.get(ttype)
    tid = table.get(value) if table is not None and isinstance(value, str) else None
    if tid is not None:
        return _bytes_from_uint(tid) if ttype in profile.as_bytes else tid
    # A reader with a table for this type reads integers as table ids: write
    # native integers as bytes (as the reference does when it has the table).
    reader_has_table = table is not None or (profile.legacy and ttype in LEGACY.type_table)
    if reader_has_table and ttype != "none" and type(value) is int:
        return _bytes_from_int(value)
    out: Any = _PASS
    if ttype == "url":
        out = _encode_url(value, profile, loader)
    elif ttype == MULTIBASE_TYPE:
        out = _encode_multibase(value, profile)
    elif ttype in (XSD_DATE, XSD_DATETIME):
        out = _encode_date(value, ttype, profile)
    return value if out is _PASS else out


def _encode_date(value: Any, ttype: str, profile: Profile) -> Any:
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            # A reader would turn the number into a date: refuse instead.
            raise cborld_error("a number where a date is expected", detail=value)
        return _PASS
    out = dates.encode_datetime(value) if ttype == XSD_DATETIME else dates.encode_date(value)
    if out is None:
        return _PASS
    seconds = out[0] if isinstance(out, list) else out
    if seconds < 0 and not profile.negative_dates:
        return _PASS
    return out


def _encode_multibase(value: Any, profile: Profile) -> Any:
    if not isinstance(value, str) or not value or value[0] not in profile.multibase_prefixes:
        return _PASS
    body = value[1:]
    try:
        if value[0] == "z":
            raw = base58.b58decode(body)
            ok = base58.b58encode(raw).decode("ascii") == body
        elif value[0] == "u":
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            ok = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") == body
        else:
            raw = base64.b64decode(body, validate=True)
            ok = base64.b64encode(raw).decode("ascii") == body
    except (ValueError, binascii.Error):
        return _PASS
    return bytes([ord(value[0])]) + raw if ok else _PASS


def url_parses(value: str) -> bool:
    """Whether ``new URL(value)`` succeeds, closely enough for the schemes CBOR-LD codes."""
    value = value.strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f "
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"
    )
    value = value.replace("\t", "").replace("\n", "").replace("\r", "")
    match = _SCHEME.match(value)
    if match is None:
        return False
    scheme = match.group(0)[:-1].lower()
    if scheme not in ("http", "https"):
        return True
    rest = value[match.end() :].lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    host = authority.rsplit("@", 1)[-1]
    if ":" in host and not host.startswith("["):
        host, _, port = host.partition(":")
        if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
            return False
    if not host or any(ch in _FORBIDDEN_HOST for ch in host):
        return False
    if not host.isascii():
        try:
            host.encode("idna")
        except UnicodeError:
            return False
    return _ipv4_ok(host)


def _ipv4_ok(host: str) -> bool:
    """A host whose last label is numeric must be a valid IPv4 address (WHATWG)."""
    labels = host.rstrip(".").split(".") if host.rstrip(".") else [host]
    last = labels[-1]
    if not (last.isascii() and (last.isdigit() or last.lower().startswith("0x"))):
        return True
    try:
        numbers = [
            int(p, 16)
            if p.lower().startswith("0x")
            else int(p, 8)
            if len(p) > 1 and p.startswith("0")
            else int(p)
            for p in labels
        ]
    except ValueError:
        return False
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]):
        return False
    return bool(numbers[-1] < 256 ** (5 - len(numbers)))


def _encode_url(value: str, profile: Profile, loader: ContextLoader) -> Any:
    tid = loader.id_for_term(value)
    if isinstance(tid, int) and not (profile.legacy and tid in _LEGACY_URL_NUMBERS):
        # (A keyword such as "@reverse" as a value would collide with the legacy
        # table and be read back as a context URL; it is written as text instead.)
        return tid
    if not url_parses(value):
        return _PASS
    scheme = value.rsplit(":", 1)[0] if ":" in value else ""
    if scheme in ("http", "https"):
        for prefix in ("https://", "http://"):
            if value.startswith(prefix):
                return [URL_SCHEMES[prefix], value[len(prefix) :]]
        return _PASS
    if scheme == "urn:uuid":
        rest = value[len("urn:uuid:") :]
        if rest.lower() == rest and _UUID_FORMS[_versions(profile)].fullmatch(rest):
            return [URL_SCHEMES["urn:uuid:"], uuid.UUID(rest).bytes]
        return [URL_SCHEMES["urn:uuid:"], rest]
    if scheme == "data":
        return _encode_data_url(value) if profile.data_urls else _PASS
    if scheme in ("did:v1:nym", "did:key"):
        prefix = scheme + ":"
        parts = value[len(prefix) :].split("#")
        if len(parts) > 2:
            return _PASS
        return [URL_SCHEMES[prefix], *(_base58_part(p) for p in parts)]
    return _PASS


def _versions(profile: Profile) -> str:
    return "12345" if profile.uuid_versions == "12345" else "12345678"


def _encode_data_url(value: str) -> list[Any]:
    match = _DATA.fullmatch(value)
    if match is not None:
        data = match.group("d")
        try:
            raw = base64.b64decode(data, validate=True)
        except (ValueError, binascii.Error):
            raw = None
        if raw is not None and base64.b64encode(raw).decode("ascii") == data:
            return [URL_SCHEMES["data:"], match.group("m"), raw]
    return [URL_SCHEMES["data:"], value[len("data:") :]]


def _base58_part(part: str) -> str | bytes:
    if part.startswith("z"):
        try:
            raw = base58.b58decode(part[1:])
        except ValueError:
            return part
        if base58.b58encode(raw).decode("ascii") == part[1:]:
            return raw
    return part


# ---------------------------------------------------------------- decoding


def decode_value(value: Any, ttype: str, profile: Profile, loader: ContextLoader) -> Any:
    """The JSON value for a CBOR-LD scalar, or ``RECURSE`` for an array to walk into."""
    table = profile.type_table.get(ttype)
    if table is not None:
        is_bytes = isinstance(value, bytes)
        as_bytes = ttype in profile.as_bytes
        number: int | None = None
        if is_bytes and as_bytes:
            number = _uint_from_bytes(value)
        elif type(value) is int and not as_bytes:
            number = value
        if number is not None:
            for text, tid in table.items():
                if tid == number:
                    return text
            if not (profile.legacy and ttype == "url" and loader.has_term_id(number)):
                raise cborld_error(f"compressed value {number} is not in the table", number)
        elif is_bytes and ttype != "none":
            return _int_from_bytes(value)
    out: Any = _PASS
    if ttype == "url":
        out = _decode_url(value, loader)
    elif ttype == MULTIBASE_TYPE and isinstance(value, bytes) and value[:1] in (b"z", b"u", b"M"):
        out = _decode_multibase(value)
    elif ttype in (XSD_DATE, XSD_DATETIME):
        out = _decode_date(value, ttype)
    if out is not _PASS:
        return out
    if isinstance(value, list):
        return RECURSE
    if isinstance(value, bytes):
        raise cborld_error("bytes where a JSON value is expected", detail=value[:16].hex())
    return value


def _decode_url(value: Any, loader: ContextLoader) -> Any:
    if isinstance(value, str):
        return _PASS
    if isinstance(value, list):
        scheme = SCHEME_BY_CODE.get(value[0]) if value and type(value[0]) is int else None
        decoded = None if scheme is None else _decode_scheme(scheme, value)
        if decoded is None:
            raise cborld_error("unknown compressed URL", detail=repr(value)[:80])
        return decoded
    if type(value) is int:
        return loader.term_for_id(value)[0]
    raise cborld_error("unknown compressed URL", detail=repr(value)[:80])


def _decode_scheme(scheme: str, value: list[Any]) -> str | None:
    if scheme in ("http://", "https://"):
        if len(value) == 2 and isinstance(value[1], str):
            return scheme + value[1]
        return None
    if scheme == "urn:uuid:":
        if len(value) == 2 and isinstance(value[1], str):
            return scheme + value[1]
        if len(value) == 2 and isinstance(value[1], bytes) and len(value[1]) == 16:
            return scheme + str(uuid.UUID(bytes=value[1]))
        return None
    if scheme == "data:":
        if len(value) == 3 and isinstance(value[1], str) and isinstance(value[2], bytes):
            return f"data:{value[1]};base64,{base64.b64encode(value[2]).decode('ascii')}"
        if len(value) == 2 and isinstance(value[1], str):
            return f"data:{value[1]}"
        return None
    if 1 < len(value) <= 3:
        parts = [_base58_text(p) for p in value[1:]]
        if None in parts:
            return None
        return scheme + "#".join(p for p in parts if p is not None)
    return None


def _base58_text(part: Any) -> str | None:
    if isinstance(part, str):
        return part
    if isinstance(part, bytes):
        return "z" + base58.b58encode(part).decode("ascii")
    return None


def _decode_multibase(value: bytes) -> str:
    body = value[1:]
    if value[:1] == b"z":
        return "z" + base58.b58encode(body).decode("ascii")
    if value[:1] == b"u":
        return "u" + base64.urlsafe_b64encode(body).rstrip(b"=").decode("ascii")
    return "M" + base64.b64encode(body).decode("ascii")


def _decode_date(value: Any, ttype: str) -> Any:
    if ttype == XSD_DATE:
        if type(value) is int:
            text = dates.decode_date(value)
            if text is None:
                raise cborld_error("date out of range", detail=value)
            return text
        return _PASS
    if type(value) is int or (
        isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
    ):
        text = dates.decode_datetime(value)
        if text is None:
            raise cborld_error("date out of range", detail=repr(value))
        return text
    return _PASS
