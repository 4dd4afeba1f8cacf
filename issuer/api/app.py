"""The FastAPI app factory. No module-level state: everything hangs off ``app.state``,
set up by the lifespan (or injected by tests)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from issuer.api.deps import describe_scopes
from issuer.api.routers import (
    achievements,
    audit,
    credentials,
    endorsements,
    frameworks,
    offers,
    oid4vci,
    operations,
    public,
)
from issuer.offers import OfferService
from issuer.service import Clock, Issuer, utc_now
from issuer.settings import IssuerSettings
from issuer.store import tables
from shared.credentials.warm import warm_up_issuing
from shared.runtime.code_cache import install_code_cache
from shared.runtime.docs import install_docs
from shared.runtime.observe import Observe, ServiceMetrics
from shared.runtime.ratelimit import ServiceRateLimit
from shared.runtime.serving import quiet_accept_errors
from shared.runtime.web import NO_TELEMETRY, BodyLimit, Scope, install_error_handlers


def _public_oid4vci(scope: Scope) -> bool:
    return str(scope["path"]).startswith("/oid4vci/")


def create_app(
    settings: IssuerSettings,
    *,
    issuer: Issuer | None = None,
    clock: Clock = utc_now,
    rate_clock: Callable[[], float] | None = None,
) -> FastAPI:
    """The issuer's HTTP API.

    The lifespan opens the store and unlocks the signing key with
    ``settings.passphrase``; without one the API serves public documents that are
    already signed and refuses to sign (503 ``passphrase_required``). ``issuer`` lets
    tests pass a ready one (and its store is then theirs to close).
    """

    # The wallet-facing OpenID4VCI endpoints are public: each call writes a row
    # (a nonce, an attempt) or signs, so one client must not be able to flood them.
    rate_limit = ServiceRateLimit(settings, _public_oid4vci, clock=rate_clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = issuer is None
        current = issuer
        if current is None:
            passphrase = settings.passphrase.get_secret_value() if settings.passphrase else None
            current = Issuer.open(settings, passphrase=passphrase, clock=clock)
            # Schemas, models and JSON-LD plans now, not on the first award (about
            # half a second; the schemas' compiled code from the cache when a worker
            # compiled them before); a test's injected issuer is left to the test.
            install_code_cache()
            warm_up_issuing()
        app.state.issuer = current
        app.state.settings = settings
        app.state.offers = OfferService(current)
        rate_limit.open(current.store.engine, tables.rate_limits)
        try:
            yield
        finally:
            if own:
                current.store.dispose()

    app = FastAPI(
        title="Rugzak issuer",
        telemetry=NO_TELEMETRY,
        version="0.1.0",
        description=(
            "Define achievements, award Open Badges 3.0 credentials (directly or through "
            "OpenID4VCI offers), revoke and suspend them, and publish status lists. "
            "Other endpoints need a bearer API token: the admin token printed by "
            "`rugzak-issuer init`, or a named token made by `rugzak-issuer token create` "
            "with scope `admin` (everything) or `issue` (awarding only: issue, award, offers, "
            "and reading achievements, frameworks and the credentials and offers made). "
            "Each operation says which scope it needs; the audit log names the token."
        ),
        lifespan=lifespan,
        docs_url=None,  # served from vendored files (shared.runtime.docs): works offline too
        redoc_url=None,
    )
    install_error_handlers(app, service="issuer")
    install_docs(app, title="Rugzak issuer API")
    quiet_accept_errors()
    metrics = ServiceMetrics("issuer")
    app.state.metrics = metrics
    for router in (
        public.router,
        oid4vci.router,
        achievements.router,
        frameworks.router,
        credentials.router,
        credentials.awards_router,
        endorsements.router,
        offers.router,
        audit.router,
        operations.router,
    ):
        describe_scopes(router)
        app.include_router(router)
    app.add_middleware(
        BodyLimit, limit=settings.max_request_bytes, timeout=settings.body_timeout_seconds
    )
    rate_limit.install(app)
    # outermost: counts and times what the body limit refuses too
    log = logging.getLogger("rugzak.issuer.requests") if settings.log_requests else None
    app.add_middleware(Observe, metrics=metrics, log=log)
    return app
