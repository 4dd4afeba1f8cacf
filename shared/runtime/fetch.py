"""Outgoing HTTP with the SSRF guard: the one way Rugzak's apps reach other hosts.

A document from a stranger names URLs (status lists, did:web documents, images,
OpenID4VCI and OpenID4VP endpoints); fetching them must not let the stranger reach
this machine or its network. Every request therefore:

* is ``https`` to a host name or a public address (``http`` and private hosts only
  with ``allow_private``, an explicit development switch);
* resolves the host itself, refuses it unless every address is public (not
  private, loopback, link-local, multicast, NAT64...), then connects to the checked
  address (the TLS name check and SNI still use the host name), so a DNS answer
  cannot change between the check and the connection;
* never follows redirects.

``GuardedTransport`` applies this to any httpx request (the wallet's GETs and
POSTs); ``SafeFetcher`` adds byte and time limits for GETs (the verifier).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import httpx

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.status_cache import HttpReply, is_public_address, is_public_https_url

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
HostResolver = Callable[[str, int], list[str]]

__all__ = [
    "GuardedTransport",
    "HostResolver",
    "SafeFetcher",
    "check_url",
    "is_public_address",
    "pin",
    "system_resolve",
]


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (both families), via the OS resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _refused(message: str, url: str) -> ResolutionFailed:
    return ResolutionFailed(message, code=ErrorCode.fetch_refused, detail={"url": url})


def check_url(url: str, *, allow_private: bool = False) -> str:
    """``url`` if its form may be fetched (scheme, no user info, no private literal).

    The host's addresses are checked when connecting (``pin``); this is the early,
    DNS-free half of the rule, for a clear answer before any work is done.
    """
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        raise _refused("not a valid URL", url) from exc
    if allow_private:
        if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
            raise _refused("only http(s) URLs can be fetched", url)
        if "@" in parts.netloc:
            raise _refused("URLs with user info are not fetched", url)
    elif not is_public_https_url(url):
        raise _refused("only https URLs on public hosts can be fetched", url)
    return url


def pin(
    url: str, *, allow_private: bool = False, resolve: HostResolver = system_resolve
) -> tuple[str, str, str]:
    """The URL to connect to (host replaced by a checked address), Host header, host name."""
    check_url(url, allow_private=allow_private)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [str(literal)]
    else:
        try:
            candidates = resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise ResolutionFailed(
                f"the host {host} could not be resolved",
                code=ErrorCode.fetch_failed,
                detail={"url": url},
            ) from exc
    addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in candidates]
    if not addresses:
        raise ResolutionFailed(
            f"the host {host} has no address", code=ErrorCode.fetch_failed, detail={"url": url}
        )
    if not allow_private and not all(is_public_address(a) for a in addresses):
        raise _refused(f"the host {host} points to a private or local address", url)
    chosen = addresses[0]
    ip_host = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = ip_host if parts.port is None else f"{ip_host}:{parts.port}"
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if parts.port is None else f"{shown}:{parts.port}"
    target = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    return target, host_header, host


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that sends each request only to a checked, pinned address.

    Args:
        allow_private: development: also http:// and private or loopback hosts.
        resolve: host name resolver (injected in tests).
        inner: the transport that does the I/O (default: httpx's, real sockets).
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolve: HostResolver = system_resolve,
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self.allow_private = allow_private
        self._resolve = resolve
        self._inner = inner or httpx.HTTPTransport(trust_env=False)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        target, host_header, host = pin(
            url, allow_private=self.allow_private, resolve=self._resolve
        )
        headers = httpx.Headers(request.headers)
        headers["Host"] = host_header
        extensions = dict(request.extensions)
        if target.startswith("https"):
            extensions["sni_hostname"] = host
        pinned = httpx.Request(
            request.method,
            target,
            headers=headers,
            stream=request.stream,
            extensions=extensions,
        )
        return self._inner.handle_request(pinned)

    def close(self) -> None:
        self._inner.close()


class SafeFetcher:
    """GET over HTTPS to public addresses only, with time and size limits.

    Args:
        allow_private: development mode: also http:// and private/loopback hosts.
        timeout: seconds for the whole fetch (connect, headers and body).
        resolve: host name resolver (injected in tests).
        transport: an httpx transport (injected in tests); default: real sockets.
        user_agent: what the requests say they come from.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 5.0,
        resolve: HostResolver = system_resolve,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = "rugzak-verifier/0.1",
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self._resolve = resolve
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def check_url(self, url: str) -> tuple[str, str, str]:
        """The URL to connect to (host replaced by a checked address), Host header, host name."""
        return pin(url, allow_private=self.allow_private, resolve=self._resolve)

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        max_bytes: int,
        timeout: float | None = None,
        accept: str = "application/json, application/*+json",
    ) -> HttpReply:
        """One GET; raises ``ResolutionFailed`` (refused, unreachable) or ``InvalidInput``
        (``payload_too_large``)."""
        target, host_header, host = self.check_url(url)
        limit = min(timeout or self.timeout, self.timeout)
        deadline = time.monotonic() + limit
        headers = {"Host": host_header, "Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        extensions = {"sni_hostname": host} if target.startswith("https") else {}
        too_large = InvalidInput(
            f"the document at {url} is larger than {max_bytes} bytes",
            code=ErrorCode.payload_too_large,
            detail={"url": url, "max_bytes": max_bytes},
        )
        try:
            request = self._client.build_request(
                "GET", target, headers=headers, timeout=limit, extensions=extensions
            )
            response = self._client.send(request, stream=True)
            try:
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                    raise too_large
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise too_large
                    if time.monotonic() > deadline:
                        raise ResolutionFailed(
                            f"fetching {url} took longer than {limit} s",
                            code=ErrorCode.fetch_failed,
                            detail={"url": url},
                        )
                return HttpReply(response.status_code, bytes(body), dict(response.headers))
            finally:
                response.close()
        except httpx.HTTPError as exc:
            raise ResolutionFailed(
                f"{url} could not be reached ({type(exc).__name__})",
                code=ErrorCode.fetch_failed,
                detail={"url": url},
            ) from exc

    def image_fetch(self, url: str, max_bytes: int) -> HttpReply:
        """One image GET (what the verifier's ``ImageProxy`` expects)."""
        return self.get(url, max_bytes=max_bytes, accept="image/*")

    def status_transport(self, max_bytes: int) -> Callable[[str, str | None, float], HttpReply]:
        """The ``Transport`` ``CachingStatusFetcher`` expects."""

        def transport(url: str, etag: str | None, timeout: float) -> HttpReply:
            return self.get(url, etag=etag, max_bytes=max_bytes, timeout=timeout)

        return transport

    def did_fetcher(self, max_bytes: int) -> Callable[[str], bytes]:
        """The ``Callable[[str], bytes]`` ``WebResolver`` expects (non-200 raises)."""

        def fetch(url: str) -> bytes:
            reply = self.get(url, max_bytes=max_bytes)
            if reply.status != 200:
                raise ResolutionFailed(
                    f"{url} answered HTTP {reply.status}",
                    code=ErrorCode.did_not_found,
                    detail={"url": url, "http_status": reply.status},
                )
            return reply.body

        return fetch
