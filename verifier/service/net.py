"""Outgoing HTTP for status lists and did:web documents, with SSRF rules.

Every fetch resolves the host itself, refuses private, loopback, link-local and
other non-public addresses (unless ``allow_private`` is set for development),
then connects to the checked address (the TLS name check and SNI still use the
host name), so a DNS answer cannot change between the check and the connection.
Redirects are not followed; bodies are read up to a byte limit within a deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import httpx

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.status_cache import HttpReply, is_public_https_url

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
HostResolver = Callable[[str, int], list[str]]
USER_AGENT = "rugzak-verifier/0.1"


def system_resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (both families), via the OS resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            address = embedded
    return address.is_global and not address.is_multicast


def _refused(message: str, url: str) -> ResolutionFailed:
    return ResolutionFailed(message, code=ErrorCode.fetch_refused, detail={"url": url})


class SafeFetcher:
    """GET over HTTPS to public addresses only, with time and size limits.

    Args:
        allow_private: development mode: also http:// and private/loopback hosts.
        timeout: seconds for the whole fetch (connect, headers and body).
        resolve: host name resolver (injected in tests).
        transport: an httpx transport (injected in tests); default: real sockets.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = 5.0,
        resolve: HostResolver = system_resolve,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self._resolve = resolve
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        self._client.close()

    def check_url(self, url: str) -> tuple[str, str, str]:
        """The URL to connect to (host replaced by a checked address), Host header, host name."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise _refused("not a valid URL", url) from exc
        scheme = parts.scheme.lower()
        if self.allow_private:
            if scheme not in ("https", "http") or not parts.hostname or "@" in parts.netloc:
                raise _refused("only http(s) URLs without user info can be fetched", url)
        elif not is_public_https_url(url):
            raise _refused("only https URLs on public hosts can be fetched", url)
        host = parts.hostname or ""
        port = port or (443 if scheme == "https" else 80)
        try:
            literal: Address | None = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            candidates = [str(literal)]
        else:
            try:
                candidates = self._resolve(host, port)
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
        if not self.allow_private and not all(is_public_address(a) for a in addresses):
            raise _refused(f"the host {host} points to a private or local address", url)
        chosen = addresses[0]
        ip_host = f"[{chosen}]" if chosen.version == 6 else str(chosen)
        netloc = ip_host if parts.port is None else f"{ip_host}:{parts.port}"
        shown = f"[{host}]" if ":" in host else host
        host_header = shown if parts.port is None else f"{shown}:{parts.port}"
        target = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
        return target, host_header, host

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
        try:
            request = self._client.build_request(
                "GET", target, headers=headers, timeout=limit, extensions=extensions
            )
            response = self._client.send(request, stream=True)
            try:
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                    raise InvalidInput(
                        f"the document at {url} is larger than {max_bytes} bytes",
                        code=ErrorCode.payload_too_large,
                        detail={"url": url, "max_bytes": max_bytes},
                    )
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise InvalidInput(
                            f"the document at {url} is larger than {max_bytes} bytes",
                            code=ErrorCode.payload_too_large,
                            detail={"url": url, "max_bytes": max_bytes},
                        )
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
        """One image GET (what ``ImageProxy`` expects)."""
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
