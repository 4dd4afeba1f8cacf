"""A framework skill as an Open Badges 3.0 ``Achievement``, a level as a ``Result``.

The shape (docs/frameworks.md says why): one ``Achievement`` per skill, of
``achievementType`` ``Competency``, with one ``ResultDescription`` of
``resultType`` ``RubricCriterionLevel`` whose ``rubricCriterionLevel`` entries
are the levels. Each level's ``description`` ends with its behaviours, one per
``- `` line, so any OB 3.0 reader shows them and :func:`read_level` can take them
apart again. A credential awards one level: its ``Result.achievedLevel`` is that
level's ``id``, inside the achievement the credential itself carries; nothing
needs to be fetched from Rugzak to know what the level means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.ob.fields import known_fields
from shared.ob.models import Achievement, Result
from shared.skills.documents import level_url, skill_url
from shared.skills.model import Framework, Level, Skill
from shared.vocab import as_list

COMPETENCY = "Competency"
RUBRIC_LEVEL = "RubricCriterionLevel"
RESULT_FRAGMENT = "result-level"
_WORDS = {
    "nl": {
        "level": "Niveau",
        "of": "van",
        "intro": "Deze vaardigheid kent {n} niveaus. Het resultaat in de badge noemt het "
        "bereikte niveau; elk niveau wordt aangetoond met dit gedrag:",
    },
    "en": {
        "level": "Level",
        "of": "of",
        "intro": "This skill has {n} levels. The result in the badge names the level "
        "reached; each level is shown by this behaviour:",
    },
}


def words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


def result_description_id(achievement_id: str) -> str:
    return f"{achievement_id}#{RESULT_FRAGMENT}"


def level_id(achievement_id: str, number: int) -> str:
    return f"{achievement_id}#level-{number}"


def level_title(framework: Framework, level: Level, language: str) -> str:
    """``"Niveau 2: Op weg"``: the level says its number even where only its name shows."""
    name = framework.text(level.name, language)
    prefix = f"{words(language)['level']} {level.number}"
    return prefix if name in (str(level.number), prefix) else f"{prefix}: {name}"


def level_text(framework: Framework, level: Level, language: str) -> str:
    """The level's description followed by its behaviours, one per ``- `` line."""
    intro = framework.text(level.description, language)
    behaviours = "\n".join(f"- {framework.text(b, language)}" for b in level.behaviours)
    return f"{intro}\n\n{behaviours}" if intro else behaviours


def criteria_narrative(framework: Framework, skill: Skill, language: str) -> str:
    """All levels and behaviours in Markdown, for readers that show only the criteria."""
    parts = [words(language)["intro"].format(n=len(skill.levels))]
    for level in skill.levels:
        parts.append(f"**{level_title(framework, level, language)}**")
        parts.append(level_text(framework, level, language))
    return "\n\n".join(parts)


def to_achievement(
    framework: Framework,
    skill: Skill,
    *,
    achievement_id: str,
    framework_url: str,
    language: str | None = None,
    related: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The OB 3.0 ``Achievement`` for ``skill`` (checked by the shared OB models).

    Args:
        achievement_id: the achievement's URL at the issuer.
        framework_url: where the framework is published; alignments point into it.
        language: the language of the texts (default: the framework's first).
        related: ``(url, language)`` of the same achievement in other languages.
    """
    lang = language or framework.language
    name = framework.text(skill.name, lang)
    framework_name = framework.text(framework.name, lang)
    alignment: list[dict[str, Any]] = [
        {
            "type": ["Alignment"],
            "targetName": name,
            "targetUrl": skill_url(framework_url, skill.id),
            "targetFramework": framework_name,
            "targetCode": skill.code or skill.id,
            "targetType": "CFItem",
        }
    ]
    for target in skill.alignments:
        extra: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": target.name,
            "targetUrl": target.url,
        }
        for key, value in (("targetFramework", target.framework), ("targetCode", target.code),
                           ("targetType", target.type)):  # fmt: skip
            if value:
                extra[key] = value
        alignment.append(extra)
    levels = [
        {
            "id": level_id(achievement_id, level.number),
            "type": [RUBRIC_LEVEL],
            "name": level_title(framework, level, lang),
            "level": str(level.number),
            "description": level_text(framework, level, lang),
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": f"{name}: {level_title(framework, level, lang)}",
                    "targetUrl": level_url(framework_url, skill.id, level.number),
                    "targetFramework": framework_name,
                    "targetCode": f"{skill.code or skill.id}-{level.number}",
                    "targetType": "CFRubricCriterionLevel",
                }
            ],
        }
        for level in skill.levels
    ]
    document: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "name": name,
        "description": framework.text(skill.description, lang),
        "criteria": {"narrative": criteria_narrative(framework, skill, lang)},
        "achievementType": COMPETENCY,
        "alignment": alignment,
        "inLanguage": lang,
        "version": framework.version,
        "tag": [framework_name],
        "resultDescription": [
            {
                "id": result_description_id(achievement_id),
                "type": ["ResultDescription"],
                "name": words(lang)["level"],
                "resultType": RUBRIC_LEVEL,
                "rubricCriterionLevel": levels,
            }
        ],
    }
    if skill.code:
        document["humanCode"] = skill.code
    if related:
        document["related"] = [
            {"id": url, "type": ["Related"], "inLanguage": rel_lang, "version": framework.version}
            for url, rel_lang in related
        ]
    return known_fields(Achievement.model_validate(document))


def to_result(achievement: dict[str, Any], level: int | str) -> dict[str, Any]:
    """The OB 3.0 ``Result`` saying the learner reached ``level`` of this achievement.

    ``level`` is the number (``2`` or ``"2"``), the level's ``id``, or its name.
    """
    description, chosen = find_level(achievement, level)
    result: dict[str, Any] = {
        "type": ["Result"],
        "resultDescription": description["id"],
        "achievedLevel": chosen["id"],
        "value": chosen["name"],
    }
    if chosen.get("alignment"):
        result["alignment"] = chosen["alignment"]
    return known_fields(Result.model_validate(result))


def find_level(
    achievement: dict[str, Any], level: int | str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rubric result description and the level in it that ``level`` names."""
    wanted = str(level).strip().lower()
    for description in _rubrics(achievement):
        for entry in description.get("rubricCriterionLevel") or []:
            names = {str(entry.get(k, "")).strip().lower() for k in ("id", "level", "name")}
            if wanted in names:
                return description, entry
    choices = [
        entry.get("level") or entry.get("name")
        for description in _rubrics(achievement)
        for entry in description.get("rubricCriterionLevel") or []
    ]
    raise InvalidInput(
        f"the achievement has no level '{level}'",
        code=ErrorCode.invalid_request,
        detail={"choices": choices},
    )


def _rubrics(achievement: dict[str, Any]) -> list[dict[str, Any]]:
    found = as_list(achievement.get("resultDescription"))
    return [d for d in found if isinstance(d, dict) and d.get("resultType") == RUBRIC_LEVEL]


@dataclass(frozen=True)
class LevelView:
    """What a wallet or verifier shows for one awarded level, read from the credential.

    ``number`` and ``of`` (its place among the levels) are both set or both None: see
    :func:`read_level` for when a place is known. ``level`` and ``points`` are the
    level's own ``level`` and ``points`` texts ("" when absent).
    """

    skill: str
    number: int | None
    of: int | None
    name: str
    description: str
    behaviours: tuple[str, ...]
    level: str = ""
    points: str = ""


def read_level(achievement: dict[str, Any], result: dict[str, Any]) -> LevelView | None:
    """The level ``result`` names (its ``achievedLevel``) inside ``achievement``, or None.

    Works on any OB 3.0 credential with rubric levels (not only Rugzak's): behaviours
    are the level description's ``- `` lines, if it has any. The level is looked up in
    the result description the result links first, then in every other one: OB 3.0
    puts it in the linked one, but badges in the wild (1EdTech's own sample among
    them) link the result to one description and hold the level in another.

    The level's place ("3 of 4") is given only when the levels number themselves: every
    level's ``level`` is a whole number and together they are 1..m (Rugzak's levels,
    and anyone's that are numbered so). The order of ``rubricCriterionLevel`` cannot
    give it: the OB 3.0 context declares that property a ``@set``, so the signed data
    keeps no order (1EdTech's sample lists "Mastered" before "Basic"), and ``level``
    is free text ("Mastered"). Without numbers a level is shown by its name, ``level``
    and ``points``, never by a made-up place.
    """
    target = result.get("achievedLevel")
    if not isinstance(target, str):
        return None
    linked = result.get("resultDescription")
    descriptions = [d for d in as_list(achievement.get("resultDescription")) if isinstance(d, dict)]
    descriptions.sort(key=lambda d: d.get("id") != linked)  # stable: the linked one first
    for description in descriptions:
        entries = [e for e in description.get("rubricCriterionLevel") or [] if isinstance(e, dict)]
        for entry in entries:
            if entry.get("id") != target:
                continue
            text = str(entry.get("description") or "")
            lines = text.splitlines()
            behaviours = tuple(line[2:].strip() for line in lines if line.startswith("- "))
            intro = "\n".join(line for line in lines if not line.startswith("- ")).strip()
            level = str(entry.get("level") or "").strip()
            placed = _numbered(entries)
            return LevelView(
                skill=str(achievement.get("name") or ""),
                number=int(level) if placed else None,
                of=len(entries) if placed else None,
                name=str(entry.get("name") or ""),
                description=intro,
                behaviours=behaviours,
                level=level,
                points=str(entry.get("points") or "").strip(),
            )
    return None


def _numbered(entries: list[dict[str, Any]]) -> bool:
    """True when the levels' ``level`` texts are exactly "1".."m", once each."""
    found = {str(e.get("level") or "").strip() for e in entries}
    return len(found) == len(entries) and found == {str(n) for n in range(1, len(entries) + 1)}
