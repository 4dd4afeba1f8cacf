"""The wallet's only door to the network: one httpx client behind the SSRF guard.

Badges, offers and requests come from strangers and name URLs (status lists, DID
documents, OpenID4VCI and OpenID4VP endpoints). Every request goes through
``shared.runtime.fetch``: ``https`` to public addresses only, the host's addresses
checked and pinned, no redirects, bodies capped. ``allow_private`` (the setting
``RUGZAK_WALLET_ALLOW_PRIVATE_NETWORK``) lets a developer reach a local demo issuer or
verifier over ``http`` and private addresses.

Tests pass an ``httpx.MockTransport`` or ``httpx.ASGITransport``-backed sync transport
(an in-process network: URLs are checked, hosts are not resolved); given a ``resolve``
function too, the full guard runs in front of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from shared.did import WebResolver
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.runtime import fetch
from shared.status_cache import CachingStatusFetcher, HttpReply
from shared.strict_json import parse as parse_json

MAX_BODY_BYTES = 5 * 1024 * 1024
TIMEOUT = 15.0
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
USER_AGENT = "rugzak-wallet/0.1"


class Network:
    """HTTP for the wallet: JSON GET/POST, a status list fetcher and a DID resolver."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime],
        timeout: float = TIMEOUT,
        allow_private: bool = False,
        resolve: fetch.HostResolver | None = None,
    ) -> None:
        self._transport = transport
        self._clock = clock
        self._timeout = timeout
        self.allow_private = allow_private
        self._resolve = resolve
        self._status: CachingStatusFetcher | None = None

    def check_url(self, url: str) -> str:
        """The URL if the wallet may fetch it; else ``fetch_refused``."""
        try:
            return fetch.check_url(url, allow_private=self.allow_private)
        except ResolutionFailed:
            raise ResolutionFailed(
                f"The wallet only fetches https:// addresses on the internet: {url}",
                code=ErrorCode.fetch_refused,
                detail=url,
            ) from None

    def client(self) -> httpx.Client:
        transport = self._transport
        if transport is None or self._resolve is not None:
            transport = fetch.GuardedTransport(
                allow_private=self.allow_private,
                resolve=self._resolve or fetch.system_resolve,
                inner=transport,
            )
        return httpx.Client(
            transport=transport,
            timeout=self._timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT},
        )

    def get_bytes(self, url: str, *, accept: str = "application/json") -> bytes:
        self.check_url(url)
        try:
            with (
                self.client() as client,
                client.stream("GET", url, headers={"Accept": accept}) as reply,
            ):
                body = _read_capped(reply, url)
                if reply.status_code != 200:
                    raise ResolutionFailed(
                        f"{url} answered HTTP {reply.status_code}.",
                        code=ErrorCode.fetch_failed,
                        detail={"url": url, "status": reply.status_code},
                    )
                return body
        except httpx.HTTPError as exc:
            raise ResolutionFailed(
                f"Could not reach {url} ({type(exc).__name__}).",
                code=ErrorCode.fetch_failed,
                detail=url,
            ) from None

    def get_json(self, url: str) -> Any:
        return _parse_json(self.get_bytes(url), url)

    def post(
        self,
        url: str,
        *,
        json_body: Any = None,
        form: dict[str, str] | None = None,
        bearer: str | None = None,
    ) -> tuple[int, Any]:
        """POST JSON or a form; returns (HTTP status, parsed JSON body or None)."""
        self.check_url(url)
        headers = {"Accept": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        try:
            with self.client() as client:
                reply = client.post(url, json=json_body, data=form, headers=headers)
        except httpx.HTTPError as exc:
            raise ResolutionFailed(
                f"Could not reach {url} ({type(exc).__name__}).",
                code=ErrorCode.fetch_failed,
                detail=url,
            ) from None
        if len(reply.content) > MAX_BODY_BYTES:
            raise InvalidInput(
                f"The answer from {url} is too large.", code=ErrorCode.payload_too_large, detail=url
            )
        body: Any = None
        if reply.content:
            try:
                body = parse_json(reply.content)
            except ValueError:
                body = None
        return reply.status_code, body

    # -------------------------------------------------- for shared/ verifiers

    def status_get(self, url: str, etag: str | None, timeout: float) -> HttpReply:
        """The transport ``shared.status_cache.CachingStatusFetcher`` asks for."""
        self.check_url(url)
        headers = {"Accept": "application/vc+ld+json, application/json"}
        if etag:
            headers["If-None-Match"] = etag
        try:
            with self.client() as client, client.stream("GET", url, headers=headers) as reply:
                body = _read_capped(reply, url)
                return HttpReply(reply.status_code, body, dict(reply.headers))
        except httpx.HTTPError as exc:
            raise ResolutionFailed(
                f"Could not reach {url} ({type(exc).__name__}).",
                code=ErrorCode.status_list_unavailable,
                detail=url,
            ) from None

    def status_fetcher(self) -> CachingStatusFetcher:
        """One cache for the life of the app, so a refresh of 1,000 cards asks each list once."""
        if self._status is None:
            self._status = CachingStatusFetcher(self.status_get, self._clock)
        return self._status

    def resolver(self) -> WebResolver:
        return WebResolver(lambda url: self.get_bytes(url))


def _read_capped(reply: httpx.Response, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise InvalidInput(
                f"The answer from {url} is too large.", code=ErrorCode.payload_too_large, detail=url
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_json(body: bytes, source: str) -> Any:
    try:
        return parse_json(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(
            f"What {source} gave is not JSON.", code=ErrorCode.invalid_json, detail=source
        ) from None
