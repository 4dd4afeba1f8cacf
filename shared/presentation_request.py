"""Presentation requests: the nonce and domain a verifier asks a wallet to sign.

A verifier shows a request as a QR code and as a short code a learner can type.
The wallet signs a Verifiable Presentation whose proof carries
``challenge`` = :attr:`PresentationRequest.challenge` and
``domain`` = :attr:`PresentationRequest.domain`.

Two text forms, both read by :func:`parse`:

Full form (QR code, copy and paste)::

    rugzak-request:?challenge=K7QM3XHD9RTPW2B5&domain=https://verify.example.nl
        &expires=2026-11-23T12:10:00Z&type=Badge&type=Certificate

- ``challenge``: the nonce (required), 16 characters of Crockford base32.
- ``domain``: the verifier's origin, ``https://host[:port]`` (required).
- ``expires``: when the verifier stops accepting it, RFC 3339 UTC (optional).
- ``type``: wanted achievement types, repeatable (optional).
- Unknown parameters are ignored so the format can grow.

Short form (typed by a person from the verifier's screen)::

    K7QM-3XHD-9RTP-W2B5@verify.example.nl

The code is case-insensitive; dashes and spaces are ignored; ``O`` reads as ``0``,
``I`` and ``L`` as ``1``. A bare host means ``https://host``; write the scheme for a
development verifier (``...@http://localhost:8000``). A space may stand for the ``@``.

The nonce: 15 random characters (75 bits) plus one check character (a hash of the
other 15, so a typo is caught before the wallet signs). A nonce must be
unpredictable and unique; it lives for minutes (10 by default), is single-use and
the verifier rate-limits guesses, so 75 bits leave no practical room for guessing
or collisions while staying typeable. (OpenID4VP asks for 128 bits for its own,
longer-lived and untyped nonces; this format is not OpenID4VP.)
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from shared.dates import NoTimezoneError, format_datetime, parse_datetime, to_utc
from shared.errors import ErrorCode, InvalidInput

__all__ = [
    "ALPHABET",
    "DEFAULT_TTL",
    "NONCE_BITS",
    "SCHEME",
    "PresentationRequest",
    "check_character",
    "format_code",
    "new_nonce",
    "normalize_code",
    "normalize_origin",
    "parse",
]

SCHEME = "rugzak-request"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
NONCE_CHARS = 15
NONCE_BITS = NONCE_CHARS * 5
CODE_LENGTH = NONCE_CHARS + 1
DEFAULT_TTL = timedelta(minutes=10)
MAX_TEXT = 2048
MAX_TYPES = 16
MAX_TYPE_LENGTH = 200

_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
_IPV6 = re.compile(r"^\[[0-9a-f:.]+\]$")


def _bad(message: str, detail: Any = None) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.invalid_request, detail=detail)


def check_character(data: str) -> str:
    """The check character for 15 nonce characters: 5 bits of SHA-256."""
    return ALPHABET[hashlib.sha256(data.encode("ascii")).digest()[0] >> 3]


def new_nonce(token_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh canonical nonce: 15 random Crockford characters and a check character.

    Args:
        token_bytes: source of randomness (inject a fixed one in tests).
    """
    raw = int.from_bytes(token_bytes(10), "big") >> (80 - NONCE_BITS)
    data = "".join(ALPHABET[(raw >> (5 * i)) & 31] for i in reversed(range(NONCE_CHARS)))
    return data + check_character(data)


def normalize_code(text: str) -> str:
    """The canonical nonce from a typed code, or ``InvalidInput(invalid_request)``."""
    if not isinstance(text, str):
        raise _bad("The code must be text.")
    cleaned = re.sub(r"[\s\-]", "", text).upper().translate(_READ_AS)
    if len(cleaned) != CODE_LENGTH:
        raise _bad(
            f"The code must have {CODE_LENGTH} characters; this one has {len(cleaned)}.",
            {"length": len(cleaned)},
        )
    wrong = sorted({c for c in cleaned if c not in ALPHABET})
    if wrong:
        raise _bad(
            "The code contains characters that are not used in codes: " + " ".join(wrong) + ".",
            {"characters": wrong},
        )
    if check_character(cleaned[:NONCE_CHARS]) != cleaned[NONCE_CHARS]:
        raise _bad("The code has a typing error; check it against the verifier's screen.")
    return cleaned


def format_code(nonce: str) -> str:
    """The nonce in groups of four for display: ``K7QM-3XHD-9RTP-W2B5``."""
    return "-".join(nonce[i : i + 4] for i in range(0, len(nonce), 4))


def normalize_origin(text: str) -> str:
    """A verifier origin ``scheme://host[:port]`` in lower case.

    A bare host (``verify.example.nl``) means ``https://``. Paths, queries, user
    info and schemes other than http/https are refused with ``invalid_request``.
    """
    if not isinstance(text, str) or not text.strip():
        raise _bad("The verifier's address (domain) is missing.")
    value = text.strip()
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise _bad("The verifier's address is not a valid web address.", {"domain": text}) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise _bad("The verifier's address must start with https:// or http://.", {"domain": text})
    if parts.username is not None or parts.password is not None:
        raise _bad("The verifier's address must not contain a user name.", {"domain": text})
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _bad("The verifier's address must be an origin, without a path.", {"domain": text})
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    if port is not None:
        host = host[: host.rfind(":")]
    if not (_HOST.match(host) or _IPV6.match(host)):
        raise _bad("The verifier's address has an invalid host name.", {"domain": text})
    default = 443 if scheme == "https" else 80
    suffix = f":{port}" if port is not None and port != default else ""
    return f"{scheme}://{host}{suffix}"


def _short_host(origin: str) -> str:
    return origin[len("https://") :] if origin.startswith("https://") else origin


def _utc(value: datetime) -> datetime:
    return to_utc(value).replace(microsecond=0)


@dataclass(frozen=True)
class PresentationRequest:
    """What a verifier asks a wallet to sign.

    Attributes:
        challenge: the canonical nonce (16 Crockford base32 characters).
        domain: the verifier's origin (``https://host[:port]``).
        expires_at: when the verifier stops accepting it (UTC), if known.
        types: wanted achievement types (empty: any badge).
    """

    challenge: str
    domain: str
    expires_at: datetime | None = None
    types: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "challenge", normalize_code(self.challenge))
        object.__setattr__(self, "domain", normalize_origin(self.domain))
        if self.expires_at is not None:
            object.__setattr__(self, "expires_at", _utc(self.expires_at))
        object.__setattr__(self, "types", _check_types(self.types))

    @classmethod
    def stored(
        cls, challenge: str, domain: str, expires_at: datetime | None, types: tuple[str, ...]
    ) -> PresentationRequest:
        """A request read back from the verifier's own store, as ``create`` wrote it.

        Its fields were normalized and checked when it was made, so they are not
        checked again: that re-check cost more than the database lookup itself, once
        per presentation.
        """
        request = object.__new__(cls)
        object.__setattr__(request, "challenge", challenge)
        object.__setattr__(request, "domain", domain)
        object.__setattr__(request, "expires_at", expires_at)
        object.__setattr__(request, "types", types)
        return request

    @classmethod
    def create(
        cls,
        domain: str,
        *,
        now: datetime,
        ttl: timedelta = DEFAULT_TTL,
        types: Sequence[str] = (),
        token_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> PresentationRequest:
        """A new request with a fresh nonce that expires ``ttl`` after ``now``."""
        if ttl <= timedelta(0):
            raise ValueError("ttl must be positive")
        return cls(new_nonce(token_bytes), domain, _utc(now) + ttl, tuple(types))

    @property
    def short_code(self) -> str:
        """The nonce grouped for display: ``K7QM-3XHD-9RTP-W2B5``."""
        return format_code(self.challenge)

    def is_expired(self, now: datetime) -> bool:
        """True when ``now`` is at or past :attr:`expires_at`."""
        return self.expires_at is not None and now >= self.expires_at

    def to_text(self) -> str:
        """The full form for a QR code or for pasting."""
        params = [("challenge", self.challenge), ("domain", self.domain)]
        if self.expires_at is not None:
            params.append(("expires", format_datetime(self.expires_at)))
        params.extend(("type", t) for t in self.types)
        query = "&".join(f"{k}={quote(v, safe=':/@')}" for k, v in params)
        return f"{SCHEME}:?{query}"

    def to_short_text(self) -> str:
        """The short form a person types: ``K7QM-3XHD-9RTP-W2B5@verify.example.nl``."""
        return f"{self.short_code}@{_short_host(self.domain)}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view (used by the verifier's API)."""
        return {
            "challenge": self.challenge,
            "domain": self.domain,
            "expires_at": None if self.expires_at is None else format_datetime(self.expires_at),
            "types": list(self.types),
            "short_code": self.short_code,
            "short_text": self.to_short_text(),
            "text": self.to_text(),
        }


def _check_types(types: Sequence[str]) -> tuple[str, ...]:
    if isinstance(types, str):
        raise ValueError("types must be a sequence of strings, not a string")
    out = tuple(types)
    if len(out) > MAX_TYPES:
        raise _bad(f"At most {MAX_TYPES} achievement types may be requested.")
    for t in out:
        if not isinstance(t, str) or not t.strip() or len(t) > MAX_TYPE_LENGTH:
            raise _bad("An achievement type must be a short, non-empty text.", {"type": t})
    return out


def _parse_expires(value: str) -> datetime:
    try:
        return parse_datetime(value)
    except NoTimezoneError as exc:
        raise _bad("The request's expiry time has no time zone.", {"expires": value}) from exc
    except ValueError as exc:
        raise _bad("The request's expiry time is not a valid date.", {"expires": value}) from exc


def _parse_uri(text: str) -> PresentationRequest:
    rest = text[len(SCHEME) + 1 :]
    rest = rest.removeprefix("//")
    if not rest.startswith("?"):
        rest = rest[rest.find("?") :] if "?" in rest else ""
    try:
        params = parse_qs(rest[1:], keep_blank_values=True, strict_parsing=False)
    except ValueError as exc:
        raise _bad("The request text is not a valid request link.") from exc
    for name in ("challenge", "domain", "expires"):
        if len(params.get(name, [])) > 1:
            raise _bad(f"The request link has '{name}' more than once.")
    if "challenge" not in params:
        raise _bad("The request link has no challenge.")
    if "domain" not in params:
        raise _bad("The request link has no domain.")
    expires = _parse_expires(params["expires"][0]) if "expires" in params else None
    return PresentationRequest(
        params["challenge"][0], params["domain"][0], expires, tuple(params.get("type", []))
    )


def _parse_short(text: str) -> PresentationRequest:
    if "@" in text:
        code, _, host = text.rpartition("@")
    else:
        pieces = text.split()
        if len(pieces) < 2:
            raise _bad(
                "Type the code and the verifier's address, "
                "like K7QM-3XHD-9RTP-W2B5@verify.example.nl."
            )
        code, host = " ".join(pieces[:-1]), pieces[-1]
    return PresentationRequest(code, host)


def parse(text: str) -> PresentationRequest:
    """Read a request from its full or short text form.

    Raises:
        InvalidInput: code ``invalid_request``, with a plain sentence saying what is wrong.
    """
    if not isinstance(text, str):
        raise _bad("A presentation request must be text.")
    value = text.strip()
    if not value:
        raise _bad("The presentation request is empty.")
    if len(value) > MAX_TEXT:
        raise _bad("The presentation request is too long.", {"length": len(value)})
    if value.lower().startswith(SCHEME + ":"):
        return _parse_uri(value)
    if "://" in value.split("@", 1)[0] or "?" in value:
        raise _bad("This is not a Rugzak presentation request.")
    return _parse_short(value)
