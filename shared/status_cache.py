"""Getting status list credentials: from a trust pack, or over HTTPS with a bounded cache.

``shared/`` does no I/O, so the HTTPS transport and the clock are injected: the verifier
and the wallet own the sockets (and refuse private addresses; ``is_public_https_url``
helps). The cache never turns "could not ask" into "not revoked": past ``max_age`` with
the source unreachable, ``fetch`` raises ``status_list_unavailable`` and the caller
reports the status as unknown.
"""

from __future__ import annotations

import copy
import ipaddress
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from shared.dates import read_datetime
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, RugzakError
from shared.strict_json import parse as parse_json

MAX_STATUS_BODY_BYTES = 2 * 1024 * 1024
"""A 1,000,000-entry list with 1% set is ~30 KB; a random-looking 10M-entry list ~1.7 MB."""
DEFAULT_TTL = timedelta(minutes=5)
DEFAULT_MAX_AGE = timedelta(hours=24)
DEFAULT_TIMEOUT = 10.0

_MAX_AGE = re.compile(r"""(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)""", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|=|$)", re.IGNORECASE)
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*", re.IGNORECASE)


@dataclass(frozen=True)
class HttpReply:
    """What the injected transport got back: status code, body bytes, response headers."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """A response header, looked up case-insensitively."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


Transport = Callable[[str, str | None, float], HttpReply]
"""``get(url, etag, timeout)``: a GET with ``If-None-Match: etag`` when etag is given.

It returns any HTTP answer as an ``HttpReply`` and raises ``ResolutionFailed`` (or
``OSError``) when the source cannot be reached at all. It should stop reading a body
past the fetcher's ``max_bytes``; the fetcher checks again.
"""
Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""


class StatusFetcher(Protocol):
    """Anything that returns the parsed status list credential published at a URL.

    A fetcher may also offer ``fetch_shared(url)``: the same list without the copy,
    an object shared by every caller, which none may change. Verification uses it
    when it is there (``shared.credentials.status``): it only reads the list, and a
    shared object lets the verdict on the list be remembered by identity instead of
    by hashing its content for every badge.
    """

    def fetch(self, url: str) -> dict[str, Any]:
        """The status list credential, or raise ``ResolutionFailed(status_list_unavailable)``."""
        ...


class LocalStatusSource:
    """Status lists held in memory: an offline trust pack, or a test's fixtures."""

    def __init__(self, lists: Mapping[str, Mapping[str, Any]]) -> None:
        self._lists = {url: copy.deepcopy(dict(credential)) for url, credential in lists.items()}

    def fetch(self, url: str) -> dict[str, Any]:
        """A copy of the list for ``url``; an unknown URL is ``status_list_unavailable``."""
        return copy.deepcopy(self.fetch_shared(url))

    def fetch_shared(self, url: str) -> dict[str, Any]:
        """The list for ``url`` itself (see ``StatusFetcher``): read it, never change it."""
        if url not in self._lists:
            raise ResolutionFailed(
                f"no local copy of the status list {url}",
                code=ErrorCode.status_list_unavailable,
                detail={"url": url},
            )
        return self._lists[url]


@dataclass
class _Cached:
    credential: dict[str, Any]
    etag: str | None
    ttl: timedelta
    validated_at: datetime  # last time the source confirmed this copy (200 or 304)
    fresh_until: datetime


class CachingStatusFetcher:
    """HTTPS status lists through an injected transport, cached with TTL and ETag.

    Freshness comes from the list's own ``ttl`` (ms), else ``Cache-Control: max-age``,
    else ``default_ttl``, never beyond ``max_age`` or the list's ``validUntil``. When a
    copy goes stale it is revalidated with ``If-None-Match`` (a 304 keeps it). If the
    source is down (transport error, 5xx, 408, 429) a copy confirmed within ``max_age``
    is still served; past that, ``status_list_unavailable``. A 404 or other client
    error drops the copy: the publisher has answered, and the answer is "no list".
    """

    def __init__(
        self,
        transport: Transport,
        clock: Clock,
        *,
        default_ttl: timedelta = DEFAULT_TTL,
        max_age: timedelta = DEFAULT_MAX_AGE,
        max_bytes: int = MAX_STATUS_BODY_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        max_entries: int = 256,
    ) -> None:
        if default_ttl < timedelta(0) or max_age < timedelta(0):
            raise ValueError("default_ttl and max_age must not be negative")
        if max_bytes <= 0 or timeout <= 0 or max_entries <= 0:
            raise ValueError("max_bytes, timeout and max_entries must be positive")
        self._transport = transport
        self._clock = clock
        self._default_ttl = default_ttl
        self._max_age = max_age
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._max_entries = max_entries
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def max_bytes(self) -> int:
        """Largest body accepted; transports should stop reading past it."""
        return self._max_bytes

    def fetch(self, url: str) -> dict[str, Any]:
        """The status list credential at ``url`` (a copy: callers may change it)."""
        return copy.deepcopy(self.fetch_shared(url))

    def fetch_shared(self, url: str) -> dict[str, Any]:
        """The cached list itself (see ``StatusFetcher``): read it, never change it."""
        now = self._now()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None:
                self._cache.move_to_end(url)
        if cached is not None and now < cached.fresh_until:
            return cached.credential
        etag = cached.etag if cached is not None else None
        try:
            reply = self._transport(url, etag, self._timeout)
        except (RugzakError, OSError) as exc:
            return self._stale_or_fail(url, cached, now, f"the source is unreachable ({exc})")
        if reply.status == 304 and cached is not None:
            ttl = self._ttl(cached.credential, reply, fallback=cached.ttl)
            refreshed = _Cached(
                cached.credential, reply.header("etag") or cached.etag, ttl, now, now
            )
            return self._store(url, refreshed, now)
        if reply.status == 200:
            credential = self._parse(url, reply)
            ttl = self._ttl(credential, reply, fallback=self._default_ttl)
            return self._store(url, _Cached(credential, reply.header("etag"), ttl, now, now), now)
        if reply.status >= 500 or reply.status in (408, 429):
            return self._stale_or_fail(url, cached, now, f"the source answered {reply.status}")
        self.invalidate(url)
        raise ResolutionFailed(
            f"the status list {url} could not be fetched (HTTP {reply.status})",
            code=ErrorCode.status_list_unavailable,
            detail={"url": url, "http_status": reply.status},
        )

    def invalidate(self, url: str) -> None:
        """Forget the cached copy of one list (an operator's "refresh now")."""
        with self._lock:
            self._cache.pop(url, None)

    def clear(self) -> None:
        """Forget every cached list."""
        with self._lock:
            self._cache.clear()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return now.astimezone(UTC)

    def _store(self, url: str, entry: _Cached, now: datetime) -> dict[str, Any]:
        entry.fresh_until = now + min(entry.ttl, self._max_age)
        valid_until = _valid_until(entry.credential)
        if valid_until is not None:
            entry.fresh_until = min(entry.fresh_until, max(valid_until, now))
        with self._lock:
            self._cache[url] = entry
            self._cache.move_to_end(url)
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return entry.credential

    def _stale_or_fail(
        self, url: str, cached: _Cached | None, now: datetime, reason: str
    ) -> dict[str, Any]:
        if cached is not None and now - cached.validated_at <= self._max_age:
            return cached.credential
        raise ResolutionFailed(
            f"status list unavailable: {reason}",
            code=ErrorCode.status_list_unavailable,
            detail={"url": url},
        )

    def _parse(self, url: str, reply: HttpReply) -> dict[str, Any]:
        if len(reply.body) > self._max_bytes:
            raise InvalidInput(
                f"the status list at {url} is larger than {self._max_bytes} bytes",
                code=ErrorCode.payload_too_large,
                detail={"url": url, "max_bytes": self._max_bytes},
            )
        jwt = _jwt_body(reply.body)
        if jwt is not None:
            # A list published as a VC-JWT: handed on enveloped, verified by the status check.
            return {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiableCredential",
                "id": f"data:application/vc+jwt,{jwt}",
            }
        try:
            credential = parse_json(reply.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                f"the status list at {url} is not JSON",
                code=ErrorCode.invalid_json,
                detail={"url": url},
            ) from exc
        if not isinstance(credential, dict):
            raise InvalidInput(
                f"the status list at {url} is not a JSON object",
                code=ErrorCode.status_list_invalid,
                detail={"url": url},
            )
        return credential

    def _ttl(
        self, credential: Mapping[str, Any], reply: HttpReply, *, fallback: timedelta
    ) -> timedelta:
        subject = credential.get("credentialSubject")
        list_ttl = subject.get("ttl") if isinstance(subject, Mapping) else None
        if isinstance(list_ttl, int) and not isinstance(list_ttl, bool) and list_ttl >= 0:
            return timedelta(milliseconds=list_ttl)
        cache_control = reply.header("cache-control")
        if cache_control:
            if _NO_CACHE.search(cache_control):
                return timedelta(0)
            max_age = _MAX_AGE.search(cache_control)
            if max_age:
                return timedelta(seconds=int(max_age.group(1)))
        return fallback


def is_public_https_url(url: str) -> bool:
    """True for an ``https`` URL with no userinfo whose host is a name or a public IP.

    IP literals are read the way browsers read them (``127.1``, ``0x7f.0.0.1`` and
    ``2130706433`` are all loopback). A DNS name passes: the transport must still check
    the addresses it resolves to (and redirects), which this pure helper cannot.
    """
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() != "https" or "@" in parts.netloc or not parts.hostname:
        return False
    host = unquote(parts.hostname).rstrip(".").lower()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return False
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if ":" in host or "%" in host:
            return False
        if not _NUMERIC_LABEL.fullmatch(host.rsplit(".", 1)[-1]):
            return True  # a DNS name
        address = _legacy_ipv4(host)
    if address is None:
        return False
    return is_public_address(address)


#: Global by IANA's registry, yet they reach other networks: NAT64 prefixes translate
#: to any IPv4 address (127.0.0.1 and 10/8 included) on networks that run NAT64.
NON_PUBLIC_NETWORKS = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
)


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a unicast address on the public internet (the SSRF rule of every fetch).

    IPv4 embedded in IPv6 (mapped, 6to4) is judged as the IPv4 address it carries;
    NAT64 prefixes are never public.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in NON_PUBLIC_NETWORKS):
            return False
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            address = embedded
    return address.is_global and not address.is_multicast


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The WHATWG URL IPv4 parser: 1 to 4 dot parts, decimal, octal (0...) or hex (0x...)."""
    labels = host.split(".")
    if len(labels) > 4 or "" in labels:
        return None
    numbers: list[int] = []
    for label in labels:
        try:
            if label[:2] == "0x":
                numbers.append(int(label[2:] or "0", 16))
            elif len(label) > 1 and label.startswith("0"):
                numbers.append(int(label[1:], 8))
            else:
                numbers.append(int(label, 10))
        except ValueError:
            return None
    *head, last = numbers
    if any(part > 255 for part in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for position, part in enumerate(head):
        value += part << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


_JWT_BODY = re.compile(rb"\s*(eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*")


def _jwt_body(body: bytes) -> str | None:
    """The compact JWS a body consists of (``application/vc+jwt``), or None."""
    match = _JWT_BODY.fullmatch(body)
    return match.group(1).decode("ascii") if match else None


def _valid_until(credential: Mapping[str, Any]) -> datetime | None:
    value = credential.get("validUntil", credential.get("expirationDate"))
    return read_datetime(value)
