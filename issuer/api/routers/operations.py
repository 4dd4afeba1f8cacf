"""For operators: liveness, readiness and Prometheus metrics (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError

from issuer.api.deps import IssuerDep
from issuer.settings import IssuerSettings
from shared.errors import ErrorCode, NotFound, RugzakError
from shared.runtime.migrations import SchemaState
from shared.runtime.observe import ReadyOut, metrics_response, readiness

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers (nothing else is checked)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="readyz",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "a check failed"}},
)
def readyz(issuer: IssuerDep) -> Any:
    """Readiness: the database answers and is at this version's schema, and the signing
    key is unlocked (a service started without the passphrase cannot sign)."""
    try:
        state = issuer.store.schema_status().state
        database, schema = True, state is SchemaState.current
    except (SQLAlchemyError, RugzakError):
        database = schema = False
    return readiness({"database": database, "migrations": schema, "keys": issuer.has_key})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics, when ``RUGZAK_ISSUER_METRICS`` is on (else 404)."""
    settings: IssuerSettings = request.app.state.settings
    if not settings.metrics:
        raise NotFound("Metrics are off on this issuer.", code=ErrorCode.not_found)
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    return metrics_response(request, request.app.state.metrics, token)
