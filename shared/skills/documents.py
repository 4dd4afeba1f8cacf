"""Frameworks as JSON: Rugzak's own document, and a CASE-like package for alignment.

Rugzak's JSON is the :class:`~shared.skills.model.Framework` model as it is
(snake_case keys, every text per language): what ``export`` writes, ``import``
reads and the issuer publishes at ``/frameworks/{id}``.

The CASE-like package follows the 1EdTech Competencies and Academic Standards
Exchange (CASE) 1.0 ``CFPackage`` layout: a ``CFDocument`` (the framework), one
``CFItem`` per skill, ``CFAssociations`` tying them to the document, and one
``CFRubric`` per skill whose ``CFRubricCriterionLevels`` are the levels. We make
it because OB 3.0's ``Alignment.targetType`` names exactly these node kinds
(``CFItem``, ``CFRubricCriterionLevel``): an achievement's alignment then points
at a node a CASE-aware tool can read. Identifiers are UUIDv5 of the node's URI,
so the same framework at the same URL always gets the same identifiers.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.skills.model import Framework, Skill, validate
from shared.strict_json import parse as strict_parse

MAX_JSON_BYTES = 4 * 1024 * 1024


def parse_json(data: bytes | str | dict[str, Any]) -> Framework:
    """A checked framework from Rugzak JSON; ``invalid_framework`` names the bad paths."""
    if isinstance(data, dict):
        return validate(data)
    if len(data) > MAX_JSON_BYTES:
        raise InvalidInput(
            f"the framework file is larger than {MAX_JSON_BYTES} bytes",
            code=ErrorCode.payload_too_large,
            detail={"bytes": len(data), "limit": MAX_JSON_BYTES},
        )
    if isinstance(data, bytes):
        try:
            data = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                "a JSON framework must be UTF-8",
                code=ErrorCode.framework_encoding,
                detail={"byte": exc.start},
            ) from exc
    try:
        loaded = strict_parse(data)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"not JSON: {exc.msg} (line {exc.lineno})",
            code=ErrorCode.invalid_json,
            detail={"line": exc.lineno, "column": exc.colno},
        ) from exc
    if not isinstance(loaded, dict):
        raise InvalidInput("a framework is a JSON object", code=ErrorCode.invalid_json)
    return validate(loaded)


def to_json(framework: Framework) -> dict[str, Any]:
    """The framework as Rugzak JSON (what :func:`parse_json` reads back unchanged)."""
    return framework.model_dump(mode="json", exclude_none=True)


def skill_url(framework_url: str, skill_id: str) -> str:
    """The URI of a skill node: the framework URL with the skill id as fragment."""
    return f"{framework_url}#{skill_id}"


def level_url(framework_url: str, skill_id: str, number: int) -> str:
    """The URI of a level node (a CASE ``CFRubricCriterionLevel``)."""
    return f"{framework_url}#{skill_id}-{number}"


def _node(uri: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, uri))


def _link(title: str, uri: str) -> dict[str, str]:
    return {"title": title, "identifier": _node(uri), "uri": uri}


def to_case(
    framework: Framework, framework_url: str, *, language: str | None = None
) -> dict[str, Any]:
    """A CASE 1.0 ``CFPackage``-shaped document of the framework in one language."""
    lang = language or framework.language
    title = framework.text(framework.name, lang)
    document: dict[str, Any] = {
        "identifier": _node(framework_url),
        "uri": framework_url,
        "title": title,
        "creator": framework.publisher or title,
        "version": framework.version,
        "language": lang,
        "adoptionStatus": "Adopted",
    }
    if framework.description:
        document["description"] = framework.text(framework.description, lang)
    if framework.license:
        document["licenseURI"] = {"title": framework.license}
    doc_link = _link(title, framework_url)
    items, associations, rubrics = [], [], []
    for position, skill in enumerate(framework.skills, start=1):
        uri = skill_url(framework_url, skill.id)
        name = framework.text(skill.name, lang)
        item: dict[str, Any] = {
            "identifier": _node(uri),
            "uri": uri,
            "fullStatement": name,
            "abbreviatedStatement": name,
            "notes": framework.text(skill.description, lang),
            "CFItemType": "Skill",
            "language": lang,
            "listEnumeration": str(position),
            "CFDocumentURI": doc_link,
        }
        if skill.code:
            item["humanCodingScheme"] = skill.code
        items.append(item)
        association_uri = f"{uri}/isChildOf"
        associations.append(
            {
                "identifier": _node(association_uri),
                "uri": association_uri,
                "associationType": "isChildOf",
                "sequenceNumber": position,
                "originNodeURI": _link(name, uri),
                "destinationNodeURI": doc_link,
                "CFDocumentURI": doc_link,
            }
        )
        rubrics.append(_rubric(framework, skill, framework_url, lang))
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFRubrics": rubrics,
    }


def _rubric(framework: Framework, skill: Skill, framework_url: str, lang: str) -> dict[str, Any]:
    uri = skill_url(framework_url, skill.id)
    name = framework.text(skill.name, lang)
    rubric_uri = f"{uri}/rubric"
    criterion_uri = f"{uri}/criterion"
    levels = []
    for level in skill.levels:
        level_uri = level_url(framework_url, skill.id, level.number)
        behaviours = "\n".join(f"- {framework.text(b, lang)}" for b in level.behaviours)
        intro = framework.text(level.description, lang)
        levels.append(
            {
                "identifier": _node(level_uri),
                "uri": level_uri,
                "quality": framework.text(level.name, lang),
                "score": level.number,
                "position": level.number,
                "description": f"{intro}\n\n{behaviours}" if intro else behaviours,
            }
        )
    return {
        "identifier": _node(rubric_uri),
        "uri": rubric_uri,
        "title": name,
        "description": framework.text(skill.description, lang),
        "CFRubricCriteria": [
            {
                "identifier": _node(criterion_uri),
                "uri": criterion_uri,
                "category": name,
                "description": framework.text(skill.description, lang),
                "CFItemURI": _link(name, uri),
                "position": 1,
                "rubricId": _node(rubric_uri),
                "CFRubricCriterionLevels": levels,
            }
        ],
    }
