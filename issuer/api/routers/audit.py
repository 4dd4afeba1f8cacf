"""The audit log (admin): who issued, revoked, suspended what, and when."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from issuer.api.deps import AdminDep, IssuerDep, Limit, Offset
from issuer.api.models import AuditEntry, ErrorOut
from shared.runtime.web import StrictJSONRoute

router = APIRouter(route_class=StrictJSONRoute, prefix="/audit", tags=["audit"])


@router.get(
    "",
    response_model=list[AuditEntry],
    operation_id="list_audit",
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}},
)
def list_audit(
    issuer: IssuerDep,
    _actor: AdminDep,
    limit: Limit = 100,
    offset: Offset = 0,
    subject: str | None = None,
) -> Any:
    return issuer.audit_log(limit=limit, offset=offset, subject=subject)
