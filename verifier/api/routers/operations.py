"""For operators: liveness, readiness and Prometheus metrics (docs/operations.md)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from shared.errors import ErrorCode, NotFound
from shared.runtime.migrations import SchemaState
from shared.runtime.observe import ReadyOut, metrics_response, readiness
from verifier.api.deps import SettingsDep
from verifier.store.schema import migrations

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
def readyz(request: Request, settings: SettingsDep) -> Any:
    """Readiness: the database answers and is at this version's schema. (Trust list and
    pack are loaded at start: a service whose lifespan finished has them.)"""
    engine: sa.Engine = request.app.state.engine
    try:
        state = migrations(settings.table_prefix).status(engine).state
        database, schema = True, state is SchemaState.current
    except sa.exc.SQLAlchemyError:
        database = schema = False
    return readiness({"database": database, "migrations": schema})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, settings: SettingsDep) -> Response:
    """Prometheus metrics, when ``RUGZAK_VERIFIER_METRICS`` is on (else 404)."""
    if not settings.metrics:
        raise NotFound("Metrics are off on this verifier.", code=ErrorCode.not_found)
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    return metrics_response(request, request.app.state.metrics, token)
