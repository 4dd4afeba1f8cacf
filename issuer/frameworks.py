"""Skill frameworks at the issuer: URLs, the achievement per skill, and edits.

The OB 3.0 achievement of a skill is made by ``shared.skills.to_achievement``, the
one definition of the mapping (docs/frameworks.md). The issuer stores achievements
as :class:`~issuer.achievements.AchievementIn` definitions, so
:func:`achievement_input` turns that OB achievement into one; ``to_ob`` of the
result gives the same OB achievement back (a test holds the two together).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from issuer.achievements import AchievementIn, parse_input
from shared.errors import ErrorCode, InvalidInput
from shared.skills import Framework, Skill, to_achievement
from shared.skills.model import LangText, validate

MAX_ACHIEVEMENT_ID = 64


def framework_url(base_url: str, framework_id: str) -> str:
    return f"{base_url}/frameworks/{framework_id}"


def skill_achievement_id(framework_id: str, skill_id: str) -> str:
    """The issuer's achievement id for a skill: ``{framework}-{skill}`` (at most 64)."""
    aid = f"{framework_id}-{skill_id}"
    if len(aid) > MAX_ACHIEVEMENT_ID:
        raise InvalidInput(
            f"'{aid}' is too long for an achievement id; shorten the framework or skill id",
            code=ErrorCode.invalid_framework,
            detail={"framework": framework_id, "skill": skill_id},
        )
    return aid


def language_url(base_url: str, framework_id: str, skill_id: str, language: str) -> str:
    """Where the skill's achievement in ``language`` is served (OB ``related``)."""
    return f"{framework_url(base_url, framework_id)}/skills/{skill_id}?lang={language}"


def skill_achievement(
    framework: Framework,
    skill: Skill,
    *,
    base_url: str,
    issued_url: str,
    issued_language: str,
    language: str | None = None,
) -> dict[str, Any]:
    """The OB achievement of ``skill`` in ``language``, listing the other languages.

    The issued achievement (``issued_language``) lives at ``issued_url``; the same
    achievement in the framework's other languages is served under the framework
    and each version names the others in ``related``.
    """
    lang = language or issued_language

    def url(of: str) -> str:
        if of == issued_language:
            return issued_url
        return language_url(base_url, framework.id, skill.id, of)

    return to_achievement(
        framework,
        skill,
        achievement_id=url(lang),
        framework_url=framework_url(base_url, framework.id),
        language=lang,
        related=[(url(other), other) for other in framework.languages if other != lang],
    )


def achievement_input(ob: dict[str, Any]) -> AchievementIn:
    """The stored definition that ``to_ob`` turns back into ``ob``."""
    rubric = ob["resultDescription"][0]
    data: dict[str, Any] = {
        "name": ob["name"],
        "description": ob["description"],
        "criteria_narrative": ob["criteria"]["narrative"],
        "achievement_type": ob["achievementType"],
        "tags": ob.get("tag", []),
        "alignments": [_alignment(a) for a in ob.get("alignment", [])],
        "result_descriptions": [
            {
                "id": rubric["id"].rsplit("#result-", 1)[1],
                "name": rubric["name"],
                "result_type": rubric["resultType"],
                "levels": [
                    {
                        "level": level["level"],
                        "name": level["name"],
                        "description": level.get("description"),
                        "alignments": [_alignment(a) for a in level.get("alignment", [])],
                    }
                    for level in rubric["rubricCriterionLevel"]
                ],
            }
        ],
        "human_code": ob.get("humanCode"),
        "in_language": ob.get("inLanguage"),
        "version": ob.get("version"),
        "related": [
            {"url": r["id"], "in_language": r.get("inLanguage"), "version": r.get("version")}
            for r in ob.get("related", [])
        ],
    }
    return parse_input(data)


def _alignment(item: dict[str, Any]) -> dict[str, Any]:
    keys = {
        "targetName": "target_name",
        "targetUrl": "target_url",
        "targetFramework": "target_framework",
        "targetCode": "target_code",
        "targetDescription": "target_description",
        "targetType": "target_type",
    }
    return {ours: item[theirs] for theirs, ours in keys.items() if theirs in item}


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FrameworkEdit(_Edit):
    """Change the framework's name or description (merged per language) or version.

    Bump the version after changing behaviours: every achievement carries it, so a
    reader can tell credentials signed under the old texts from the new ones."""

    name: LangText | None = None
    description: LangText | None = None
    version: str | None = Field(default=None, min_length=1, max_length=50)


class SkillEdit(_Edit):
    """Rename a skill or change its description or code; texts merge per language."""

    name: LangText | None = None
    description: LangText | None = None
    code: str | None = Field(default=None, max_length=40)


class LevelEdit(_Edit):
    """Change a level: name and description merge per language; ``behaviours``
    replaces the list (each behaviour with its text in every language)."""

    name: LangText | None = None
    description: LangText | None = None
    behaviours: list[LangText] | None = Field(default=None, min_length=1, max_length=12)


def edit_framework(framework: Framework, change: FrameworkEdit) -> Framework:
    """The framework with its own fields changed (checked as a whole)."""
    document = framework.model_dump(mode="json", exclude_none=True)
    for key in ("name", "description"):
        value = getattr(change, key)
        if value is not None:
            document[key] = {**document.get(key, {}), **value}
    if change.version is not None:
        document["version"] = change.version
    return validate(document)


def edit_skill(framework: Framework, skill_id: str, change: SkillEdit) -> Framework:
    """The framework with one skill changed (checked as a whole)."""
    framework.skill(skill_id)  # skill_not_found before anything else
    document = framework.model_dump(mode="json", exclude_none=True)
    for skill in document["skills"]:
        if skill["id"] == skill_id:
            for key in ("name", "description"):
                value = getattr(change, key)
                if value is not None:
                    skill[key] = {**skill[key], **value}
            if change.code is not None:
                skill["code"] = change.code
    return validate(document)


def edit_level(framework: Framework, skill_id: str, number: int, change: LevelEdit) -> Framework:
    """The framework with one level of one skill changed (checked as a whole)."""
    framework.skill(skill_id).level(number)
    document = framework.model_dump(mode="json", exclude_none=True)
    for skill in document["skills"]:
        if skill["id"] != skill_id:
            continue
        for level in skill["levels"]:
            if level["number"] != number:
                continue
            for key in ("name", "description"):
                value = getattr(change, key)
                if value is not None:
                    level[key] = {**level.get(key, {}), **value}
            if change.behaviours is not None:
                level["behaviours"] = [dict(b) for b in change.behaviours]
    return validate(document)
