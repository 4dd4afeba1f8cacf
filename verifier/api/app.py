"""The verifier service: ``create_app(settings)``; the lifespan opens the store and trust data."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from shared.credentials.warm import warm_up as warm_up_verification
from shared.presentation_request import normalize_origin
from shared.runtime.code_cache import install_code_cache
from shared.runtime.docs import install_docs
from shared.runtime.fetch import SafeFetcher
from shared.runtime.heap import settle as settle_heap
from shared.runtime.observe import Observe, ServiceMetrics, by_labels
from shared.runtime.ratelimit import ServiceRateLimit
from shared.runtime.serving import quiet_accept_errors
from shared.runtime.web import NO_TELEMETRY, BodyLimit, install_error_handlers
from verifier.api.fast import FastVerify
from verifier.api.routers import images, oid4vp, operations, page, public, requests, verify
from verifier.service import Clock, build_verifier, system_clock
from verifier.service.images import ImageProxy
from verifier.service.oid4vp import Oid4vpService
from verifier.service.public import PublicPresentations
from verifier.settings import Settings
from verifier.store import RequestStore, make_engine
from verifier.store.oid4vp import Oid4vpStore
from verifier.store.public import PublicStore


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    fetcher: SafeFetcher | None = None,
    rate_clock: Callable[[], float] | None = None,
) -> FastAPI:
    """The verifier app. ``clock``/``fetcher``/``rate_clock`` are injected by tests."""
    settings = settings or Settings()
    normalize_origin(settings.public_origin)  # fail at start, not on the first request
    rate_limit = ServiceRateLimit(settings, _posts_and_public_pages, clock=rate_clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.resolved_database_url()
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url)
        store = RequestStore(engine, prefix=settings.table_prefix)
        store.create_schema()
        parts = build_verifier(
            settings, clock=clock, store=store, fetcher=fetcher, on_status_fetch=status_fetched
        )
        app.state.engine = engine
        # Schemas and JSON-LD plans now, not on the first badge (about a second; the
        # schemas' compiled code from the cache when a worker compiled them before).
        install_code_cache()
        warm_up_verification()
        rate_limit.open(engine, store.metadata.tables[f"{settings.table_prefix}rate_limits"])
        app.state.settings = settings
        app.state.verifier = parts.verifier
        app.state.pack = parts.pack
        transactions = Oid4vpStore(engine, prefix=settings.table_prefix)
        app.state.oid4vp = Oid4vpService(
            parts.verifier, transactions, normalize_origin(settings.public_origin)
        )
        app.state.public = None
        if settings.public_presentations:  # opt-in: off, the routes answer 404
            kept = PublicStore(engine, prefix=settings.table_prefix)
            kept.create_schema()
            app.state.public = PublicPresentations(
                parts.verifier, kept, timedelta(seconds=settings.request_ttl_seconds)
            )
        app.state.images = ImageProxy(
            None if settings.offline or parts.fetcher is None else parts.fetcher.image_fetch,
            packed=getattr(parts.pack, "images", None),
        )
        app.state.limiter = anyio.CapacityLimiter(settings.verify_threads)
        inline = settings.verify_inline
        # Inline only when nothing can wait: no network fetches and a local database.
        local = url.startswith("sqlite")
        app.state.verify_inline = (settings.offline and local) if inline is None else inline
        # What start-up loaded lives as long as the worker: out of the collector's walks.
        settle_heap()
        try:
            yield
        finally:
            if parts.fetcher is not None and fetcher is None:
                parts.fetcher.close()
            engine.dispose()

    app = FastAPI(
        title="Rugzak verifier",
        telemetry=NO_TELEMETRY,
        version="0.1.0",
        summary="Checks Open Badges 3.0 presentations and credentials, offline if need be.",
        lifespan=lifespan,
        docs_url=None,  # served from vendored files (shared.runtime.docs): works offline too
        redoc_url=None,
    )
    install_error_handlers(app, service="verifier")
    quiet_accept_errors()
    metrics = ServiceMetrics("verifier")
    app.state.metrics = metrics
    app.state.verdicts = metrics.counter(
        "rugzak_verifier_verdicts", "Verdicts given, by outcome.", ("outcome",)
    )
    app.state.verdict_count = by_labels(app.state.verdicts)  # .labels(outcome), remembered
    status_fetches = metrics.counter(
        "rugzak_verifier_status_list_fetches",
        "Status lists fetched over the network, by result (ok, not_modified, failed).",
        ("result",),
    )

    def status_fetched(result: str) -> None:
        status_fetches.labels(result).inc()

    app.include_router(requests.router)
    app.include_router(verify.router)
    app.include_router(oid4vp.router)
    app.include_router(page.router)
    app.include_router(images.router)
    app.include_router(operations.router)
    app.include_router(public.router)

    install_docs(app, title="Rugzak verifier API")

    static_dir = Path(__file__).parent.parent / "static"
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    def limit_for(path: str) -> int:
        return (
            settings.max_image_bytes + 64 * 1024
            if path == "/verify/image"
            else settings.max_json_bytes
        )

    # innermost: the two verify routes without FastAPI's routing (verifier.api.fast)
    app.add_middleware(FastVerify)
    app.add_middleware(BodyLimit, limit=limit_for, timeout=settings.body_timeout_seconds)
    rate_limit.install(app)
    # outermost: counts and times what the limits refuse too
    log = logging.getLogger("rugzak.verifier.requests") if settings.log_requests else None
    app.add_middleware(Observe, metrics=metrics, log=log)
    return app


def _posts_and_public_pages(scope: Scope) -> bool:
    """POSTs, and public presentations: each view of ``/p/<id>`` (or its JSON at
    ``/public/<id>``) verifies a presentation again."""
    path = str(scope.get("path", ""))
    return bool(scope["method"] == "POST" or path.startswith(("/p/", "/public/")))
