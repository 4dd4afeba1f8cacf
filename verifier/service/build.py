"""Assembling a ``Verifier`` from the settings: resolver, status source, trust list.

Used by the API's lifespan (with a nonce store) and by the CLI (without one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.credentials import VerifyOptions
from shared.did import StaticResolver, WebResolver
from shared.presentation_request import normalize_origin
from shared.runtime.fetch import SafeFetcher
from shared.status_cache import CachingStatusFetcher
from verifier.service.trust import StatusSource, TrustPack, load_trust_list
from verifier.service.verifier import Verifier
from verifier.settings import Settings
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


def build_verifier(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    store: RequestStore | None = None,
    fetcher: SafeFetcher | None = None,
) -> Parts:
    """Resolver, status source and trust list from the settings."""
    pack_path = settings.resolved_trust_pack()
    pack = TrustPack.load(pack_path) if pack_path is not None else None
    trusted: dict[str, str] | None = None
    if settings.trust_list is not None:
        trusted = load_trust_list(settings.trust_list)
    if pack is not None and pack.issuers:
        trusted = {**pack.issuers, **(trusted or {})}
    static = StaticResolver(pack.dids if pack is not None else {})
    network = None
    badge_fetcher = None
    if settings.offline:
        resolver: StaticResolver | WebResolver = static
    else:
        fetcher = fetcher or SafeFetcher(
            allow_private=settings.allow_private_network, timeout=settings.fetch_timeout_seconds
        )
        resolver = WebResolver(
            fetcher.did_fetcher(settings.did_max_bytes), fallback=static, ttl_seconds=3600
        )
        badge_fetcher = fetcher.did_fetcher(settings.status_max_bytes)  # badges embed images
        network = CachingStatusFetcher(
            fetcher.status_transport(settings.status_max_bytes),
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
    )
    verifier = Verifier(
        options,
        store=store,
        domain=normalize_origin(settings.public_origin),
        request_ttl=timedelta(seconds=settings.request_ttl_seconds),
        documents=pack.documents if pack is not None else {},
    )
    return Parts(verifier, pack, fetcher)
