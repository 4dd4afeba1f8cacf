"""Achievements (badge classes): admin CRUD; the list is for ``issue`` tokens too (to
choose what to award); a single achievement is public."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from issuer.achievements import AchievementUpdate, parse_input
from issuer.api.deps import AdminDep, IssueDep, IssuerDep
from issuer.api.models import AchievementCreate, AchievementOut, ErrorOut
from shared.runtime.web import StrictJSONRoute

router = APIRouter(route_class=StrictJSONRoute, prefix="/achievements", tags=["achievements"])
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    422: {"model": ErrorOut},
}


@router.post(
    "",
    status_code=201,
    response_model=AchievementOut,
    operation_id="create_achievement",
    responses={**ADMIN_ERRORS, 409: {"model": ErrorOut}, 413: {"model": ErrorOut}},
)
def create_achievement(body: AchievementCreate, issuer: IssuerDep, actor: AdminDep) -> Any:
    data = body.model_dump(exclude={"id"})

    return issuer.create_achievement(parse_input(data), actor=actor, achievement_id=body.id)


@router.get(
    "",
    response_model=list[AchievementOut],
    operation_id="list_achievements",
    responses=ADMIN_ERRORS,
)
def list_achievements(issuer: IssuerDep, _actor: IssueDep, include_retired: bool = False) -> Any:
    return issuer.achievements(include_retired=include_retired)


@router.get(
    "/{achievement_id}",
    response_model=AchievementOut,
    operation_id="get_achievement",
    responses={404: {"model": ErrorOut}},
)
def get_achievement(achievement_id: str, issuer: IssuerDep) -> Any:
    return issuer.achievement(achievement_id)


@router.patch(
    "/{achievement_id}",
    response_model=AchievementOut,
    operation_id="update_achievement",
    responses={**ADMIN_ERRORS, 404: {"model": ErrorOut}},
)
def update_achievement(
    achievement_id: str, body: AchievementUpdate, issuer: IssuerDep, actor: AdminDep
) -> Any:
    return issuer.update_achievement(achievement_id, body, actor=actor)


@router.post(
    "/{achievement_id}/retire",
    response_model=AchievementOut,
    operation_id="retire_achievement",
    responses={**ADMIN_ERRORS, 404: {"model": ErrorOut}},
)
def retire_achievement(achievement_id: str, issuer: IssuerDep, actor: AdminDep) -> Any:
    return issuer.retire_achievement(achievement_id, actor=actor)
