"""Skill frameworks: admin import and edit; the list is for ``issue`` tokens too (to
choose skill levels to award); the published framework is public.

``POST /frameworks`` takes the file itself as the body (``text/csv`` or
``application/json``), so a 25 x 4 x 5 framework imports in one request, e.g.
``curl --data-binary @levensvaardigheden.csv -H 'Content-Type: text/csv'``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from issuer.api.deps import AdminDep, IssueDep, IssuerDep
from issuer.api.models import ErrorOut
from issuer.frameworks import FrameworkEdit, LevelEdit, SkillEdit
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.runtime.web import StrictJSONRoute
from shared.skills import load_file

router = APIRouter(route_class=StrictJSONRoute, prefix="/frameworks", tags=["frameworks"])
ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
    422: {"model": ErrorOut},
}
PUBLIC_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut},
    404: {"model": ErrorOut},
}
_PUBLIC_HEADERS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"}
FrameworkId = Annotated[str, Path(max_length=24, pattern=r"^[a-z0-9][a-z0-9-]*$")]
SkillId = Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Lang = Annotated[str | None, Query(max_length=3, pattern=r"^[a-z]{2,3}$")]


@router.post(
    "",
    status_code=201,
    operation_id="import_framework",
    response_model=dict[str, Any],
    responses={**ADMIN_ERRORS, 413: {"model": ErrorOut}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
)
async def import_framework(
    request: Request,
    issuer: IssuerDep,
    actor: AdminDep,
    id: Annotated[
        str | None, Query(max_length=24, description="framework id (CSV: required)")
    ] = None,
    name: Annotated[str | None, Query(max_length=300)] = None,
    version: Annotated[str | None, Query(max_length=50)] = None,
    encoding: Annotated[str | None, Query(max_length=20, description="e.g. cp1252")] = None,
    language: Lang = None,
) -> Any:
    """Import (or re-import) a framework; creates or updates an achievement per skill."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("text/csv", "text/plain", "application/csv"):
        filename = "framework.csv"
        if id is None:
            raise InvalidInput(
                "a CSV import needs the framework id (?id=...)",
                code=ErrorCode.invalid_request,
                detail={"field": "id"},
            )
    elif content_type == "application/json":
        filename = "framework.json"
    else:
        raise Unsupported(
            "send the framework as text/csv or application/json",
            code=ErrorCode.unsupported_media_type,
            detail=content_type,
        )
    body = await request.body()
    framework = load_file(
        filename, body, framework_id=id, name=name, version=version, encoding=encoding
    )
    return issuer.import_framework(framework, actor=actor, language=language)


@router.get(
    "",
    operation_id="list_frameworks",
    response_model=list[dict[str, Any]],
    responses=ADMIN_ERRORS,
)
def list_frameworks(issuer: IssuerDep, _actor: IssueDep) -> Any:
    return issuer.frameworks()


@router.get(
    "/{framework_id}",
    operation_id="get_framework",
    response_model=dict[str, Any],
    responses=PUBLIC_ERRORS,
)
def get_framework(framework_id: FrameworkId, issuer: IssuerDep, response: Response) -> Any:
    """The framework as Rugzak JSON: what the achievements' alignments point into."""
    response.headers.update(_PUBLIC_HEADERS)
    return issuer.framework_json(framework_id)


@router.patch(
    "/{framework_id}",
    operation_id="edit_framework",
    response_model=dict[str, Any],
    responses={**ADMIN_ERRORS, 404: {"model": ErrorOut}},
)
def edit_framework(
    framework_id: FrameworkId, body: FrameworkEdit, issuer: IssuerDep, actor: AdminDep
) -> Any:
    """Change the framework's name, description or version; every achievement follows."""
    return issuer.edit_framework(framework_id, body, actor=actor)


@router.get(
    "/{framework_id}/case",
    operation_id="get_framework_case",
    response_model=dict[str, Any],
    responses=PUBLIC_ERRORS,
)
def get_framework_case(
    framework_id: FrameworkId, issuer: IssuerDep, response: Response, lang: Lang = None
) -> Any:
    """The framework as a CASE-like package (CFDocument, CFItems, CFRubrics) in one language."""
    response.headers.update(_PUBLIC_HEADERS)
    return issuer.framework_case(framework_id, lang)


@router.get(
    "/{framework_id}/csv",
    operation_id="get_framework_csv",
    responses={**PUBLIC_ERRORS, 200: {"content": {"text/csv": {}}}},
)
def get_framework_csv(framework_id: FrameworkId, issuer: IssuerDep) -> Response:
    """The framework as the CSV the import reads (UTF-8 with BOM, ``;``)."""
    headers = {
        **_PUBLIC_HEADERS,
        "Content-Disposition": f'attachment; filename="{framework_id}.csv"',
    }
    return Response(
        issuer.framework_csv(framework_id), media_type="text/csv; charset=utf-8", headers=headers
    )


@router.get(
    "/{framework_id}/skills/{skill_id}",
    operation_id="get_framework_skill",
    response_model=dict[str, Any],
    responses=PUBLIC_ERRORS,
)
def get_skill(
    framework_id: FrameworkId,
    skill_id: SkillId,
    issuer: IssuerDep,
    response: Response,
    lang: Lang = None,
) -> Any:
    """The skill's OB 3.0 Achievement in a language (what ``related`` points at)."""
    response.headers.update(_PUBLIC_HEADERS)
    return issuer.skill_achievement(framework_id, skill_id, lang)


@router.patch(
    "/{framework_id}/skills/{skill_id}",
    operation_id="edit_framework_skill",
    response_model=dict[str, Any],
    responses={**ADMIN_ERRORS, 404: {"model": ErrorOut}},
)
def edit_skill(
    framework_id: FrameworkId,
    skill_id: SkillId,
    body: SkillEdit,
    issuer: IssuerDep,
    actor: AdminDep,
) -> Any:
    """Rename a skill or change its description; its achievement follows."""
    return issuer.edit_skill(framework_id, skill_id, body, actor=actor)


@router.patch(
    "/{framework_id}/skills/{skill_id}/levels/{number}",
    operation_id="edit_framework_level",
    response_model=dict[str, Any],
    responses={**ADMIN_ERRORS, 404: {"model": ErrorOut}},
)
def edit_level(
    framework_id: FrameworkId,
    skill_id: SkillId,
    number: Annotated[int, Path(ge=1, le=10)],
    body: LevelEdit,
    issuer: IssuerDep,
    actor: AdminDep,
) -> Any:
    """Change a level's name, description or behaviours; the achievement follows."""
    return issuer.edit_level(framework_id, skill_id, number, body, actor=actor)
