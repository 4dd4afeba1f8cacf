"""Awards: issue to a known DID, list, show, revoke, suspend, unsuspend.

Issuing, awarding skills and showing one credential (by its id) are for ``issue``
tokens too; listing every credential and changing a status are ``admin`` only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from issuer.api.deps import AdminDep, IssueDep, IssuerDep, Limit, Offset
from issuer.api.models import (
    CredentialOut,
    CredentialSummary,
    ErrorOut,
    IssuedOut,
    IssueIn,
    SkillsAwardedOut,
    SkillsAwardIn,
    StatusChangeIn,
    StatusChangeOut,
)
from issuer.service import AwardRequest
from shared.runtime.web import StrictJSONRoute, error_responses

router = APIRouter(route_class=StrictJSONRoute, prefix="/credentials", tags=["credentials"])
awards_router = APIRouter(route_class=StrictJSONRoute, prefix="/awards", tags=["credentials"])
ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post(
    "",
    status_code=201,
    response_model=IssuedOut,
    operation_id="issue_credential",
    responses={**ERRORS, 400: {"model": ErrorOut}},
)
def issue(body: IssueIn, issuer: IssuerDep, actor: IssueDep) -> Any:
    request = AwardRequest(
        achievement_id=body.achievement_id,
        subject_id=body.recipient,
        award=body.award(),
        email=body.email,
        idempotency_key=body.idempotency_key,
    )
    issued = issuer.issue(request, actor=actor)
    return {"created": issued.created, "credential": issued.credential}


@awards_router.post(
    "",
    status_code=201,
    response_model=SkillsAwardedOut,
    operation_id="award_skills",
    responses={**ERRORS, 400: {"model": ErrorOut}},
)
def award_skills(body: SkillsAwardIn, issuer: IssuerDep, actor: IssueDep) -> Any:
    """One piece of work, several skill levels: one credential each, in one transaction."""
    issued = issuer.award_skills(
        body.recipient,
        body.skills,
        body.award(),
        actor=actor,
        email=body.email,
        key=body.idempotency_key,
    )
    return {
        "created": any(i.created for i in issued),
        "credentials": [i.credential for i in issued],
    }


@router.get(
    "",
    response_model=list[CredentialSummary],
    operation_id="list_credentials",
    responses=ERRORS,
)
def list_credentials(
    issuer: IssuerDep,
    _actor: AdminDep,
    achievement_id: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    return issuer.credentials(achievement_id=achievement_id, limit=limit, offset=offset)


@router.get(
    "/{credential_id}",
    response_model=CredentialOut,
    operation_id="get_credential",
    responses=ERRORS,
)
def get_credential(credential_id: str, issuer: IssuerDep, _actor: IssueDep) -> Any:
    return issuer.credential(credential_id)


@router.get(
    "/{credential_id}/baked",
    operation_id="get_baked_credential",
    responses={**ERRORS, 400: {"model": ErrorOut}},
    response_class=Response,
)
def get_baked(credential_id: str, issuer: IssuerDep, _actor: IssueDep) -> Response:
    """The credential baked into its badge picture (PNG or SVG) for the learner."""
    data, media_type = issuer.baked(credential_id)
    return Response(content=data, media_type=media_type)


@router.post(
    "/{credential_id}/revoke",
    response_model=StatusChangeOut,
    operation_id="revoke_credential",
    responses=ERRORS,
)
def revoke(
    credential_id: str, issuer: IssuerDep, actor: AdminDep, body: StatusChangeIn | None = None
) -> Any:
    return issuer.revoke(credential_id, actor=actor, reason=body.reason if body else None)


@router.post(
    "/{credential_id}/suspend",
    response_model=StatusChangeOut,
    operation_id="suspend_credential",
    responses=ERRORS,
)
def suspend(
    credential_id: str, issuer: IssuerDep, actor: AdminDep, body: StatusChangeIn | None = None
) -> Any:
    return issuer.suspend(credential_id, actor=actor, reason=body.reason if body else None)


@router.post(
    "/{credential_id}/unsuspend",
    response_model=StatusChangeOut,
    operation_id="unsuspend_credential",
    responses=ERRORS,
)
def unsuspend(
    credential_id: str, issuer: IssuerDep, actor: AdminDep, body: StatusChangeIn | None = None
) -> Any:
    return issuer.unsuspend(credential_id, actor=actor, reason=body.reason if body else None)
