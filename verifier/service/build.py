"""Assembling a ``Verifier`` from the settings: resolver, status source, trust list.

Used by the API's lifespan (with a nonce store) and by the CLI (without one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared.credentials import VerifyOptions
from shared.did import StaticResolver, WebResolver
from shared.presentation_request import normalize_origin
from shared.status_cache import CachingStatusFetcher, HttpReply, Transport
from verifier.service.trust import StatusSource, TrustPack, load_trust_list
from verifier.service.verifier import Verifier
from verifier.settings import Settings

if TYPE_CHECKING:
    from shared.runtime.fetch import SafeFetcher
    from verifier.store import RequestStore

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Parts:
    """What ``build_verifier`` assembles (the CLI uses it without a store)."""

    verifier: Verifier
    pack: TrustPack | None
    fetcher: SafeFetcher | None


def counted(transport: Transport, report: Callable[[str], None]) -> Transport:
    """``transport`` that reports each fetch's result to ``report``."""

    def fetch(url: str, etag: str | None, timeout: float) -> HttpReply:
        try:
            reply = transport(url, etag, timeout)
        except Exception:
            report("failed")
            raise
        report({200: "ok", 304: "not_modified"}.get(reply.status, "failed"))
        return reply

    return fetch


def build_verifier(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    store: RequestStore | None = None,
    fetcher: SafeFetcher | None = None,
    on_status_fetch: Callable[[str], None] | None = None,
) -> Parts:
    """Resolver, status source and trust list from the settings.

    ``on_status_fetch`` hears of each status list fetched over the network: ``ok``,
    ``not_modified`` (the cached copy still holds) or ``failed`` (metrics).
    """
    pack_path = settings.resolved_trust_pack()
    pack = TrustPack.load(pack_path) if pack_path is not None else None
    trusted: dict[str, str] | None = None
    if settings.trust_list is not None:
        trusted = load_trust_list(settings.trust_list)
    if pack is not None and pack.issuers:
        trusted = {**pack.issuers, **(trusted or {})}
    static = StaticResolver(pack.resolvable if pack is not None else {})
    network = None
    badge_fetcher = None
    if settings.offline:
        resolver: StaticResolver | WebResolver = static
    else:
        from shared.runtime.fetch import SafeFetcher  # HTTP: not imported when offline

        fetcher = fetcher or SafeFetcher(
            allow_private=settings.allow_private_network, timeout=settings.fetch_timeout_seconds
        )
        resolver = WebResolver(
            fetcher.did_fetcher(settings.did_max_bytes), fallback=static, ttl_seconds=3600
        )
        badge_fetcher = fetcher.did_fetcher(settings.status_max_bytes)  # badges embed images
        transport = fetcher.status_transport(settings.status_max_bytes)
        if on_status_fetch is not None:
            transport = counted(transport, on_status_fetch)
        network = CachingStatusFetcher(
            transport,
            clock,
            default_ttl=timedelta(seconds=settings.status_ttl_seconds),
            max_age=timedelta(seconds=settings.status_max_age_seconds),
            max_bytes=settings.status_max_bytes,
            timeout=settings.fetch_timeout_seconds,
        )
    status = StatusSource(
        network=network,
        pack=pack,
        pack_max_age=timedelta(seconds=settings.pack_max_age_seconds),
        clock=clock,
    )
    options = VerifyOptions(
        resolver=resolver,
        status_fetcher=status,
        trusted_issuers=trusted,
        clock=clock,
        min_status_entries=settings.min_status_entries,
        fetcher=badge_fetcher,
        staple_max_age=timedelta(seconds=settings.staple_max_age_seconds),
        max_credentials=settings.max_credentials,
        # The service (with a nonce store) answers strangers: stop at a failed
        # holder proof. The CLI shows a person every credential's result.
        cheap_first=store is not None,
    )
    verifier = Verifier(
        options,
        store=store,
        domain=normalize_origin(settings.public_origin),
        request_ttl=timedelta(seconds=settings.request_ttl_seconds),
        documents=pack.documents if pack is not None else {},
    )
    return Parts(verifier, pack, fetcher)
