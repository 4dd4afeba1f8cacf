"""Skill frameworks: skills with levels and behaviours, and how they become OB 3.0.

- :mod:`shared.skills.model`: the typed framework (:class:`Framework`, :class:`Skill`,
  :class:`Level`) and :func:`check_framework`.
- :mod:`shared.skills.tabular`: CSV import (Excel-made files) and export.
- :mod:`shared.skills.documents`: Rugzak JSON and a CASE-like package.
- :mod:`shared.skills.ob`: :func:`to_achievement`, :func:`to_result`, :func:`read_level`.
- :mod:`shared.skills.routes`: :func:`skill_routes`, a learner's levels per skill.
- :mod:`shared.skills.catalog`: the frameworks Rugzak ships.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.lazy import lazy_exports

if TYPE_CHECKING:
    from shared.skills.catalog import builtin, load_file
    from shared.skills.documents import level_url, parse_json, skill_url, to_case, to_json
    from shared.skills.model import (
        AlignmentTarget,
        Framework,
        Level,
        Problem,
        Skill,
        check_framework,
        slug,
    )
    from shared.skills.ob import (
        COMPETENCY,
        RUBRIC_LEVEL,
        LevelView,
        find_level,
        level_id,
        read_level,
        result_description_id,
        to_achievement,
        to_result,
    )
    from shared.skills.routes import LevelAward, SkillRoute, level_of, skill_routes
    from shared.skills.shipped import BUILTIN
    from shared.skills.tabular import parse_csv, to_csv

# Where each name lives; imported on first use (PEP 562), so a command line that only
# names the shipped frameworks (``BUILTIN``, in ``--help``) does not import the models.
_HOMES = {
    "BUILTIN": "shared.skills.shipped",
    "builtin": "shared.skills.catalog",
    "load_file": "shared.skills.catalog",
    "level_url": "shared.skills.documents",
    "parse_json": "shared.skills.documents",
    "skill_url": "shared.skills.documents",
    "to_case": "shared.skills.documents",
    "to_json": "shared.skills.documents",
    "AlignmentTarget": "shared.skills.model",
    "Framework": "shared.skills.model",
    "Level": "shared.skills.model",
    "Problem": "shared.skills.model",
    "Skill": "shared.skills.model",
    "check_framework": "shared.skills.model",
    "slug": "shared.skills.model",
    "COMPETENCY": "shared.skills.ob",
    "RUBRIC_LEVEL": "shared.skills.ob",
    "LevelView": "shared.skills.ob",
    "find_level": "shared.skills.ob",
    "level_id": "shared.skills.ob",
    "read_level": "shared.skills.ob",
    "result_description_id": "shared.skills.ob",
    "to_achievement": "shared.skills.ob",
    "to_result": "shared.skills.ob",
    "LevelAward": "shared.skills.routes",
    "SkillRoute": "shared.skills.routes",
    "level_of": "shared.skills.routes",
    "skill_routes": "shared.skills.routes",
    "parse_csv": "shared.skills.tabular",
    "to_csv": "shared.skills.tabular",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())


__all__ = [
    "BUILTIN",
    "COMPETENCY",
    "RUBRIC_LEVEL",
    "AlignmentTarget",
    "Framework",
    "Level",
    "LevelAward",
    "LevelView",
    "Problem",
    "Skill",
    "SkillRoute",
    "builtin",
    "check_framework",
    "find_level",
    "level_id",
    "level_of",
    "level_url",
    "load_file",
    "parse_csv",
    "parse_json",
    "read_level",
    "result_description_id",
    "skill_routes",
    "skill_url",
    "slug",
    "to_achievement",
    "to_case",
    "to_csv",
    "to_json",
    "to_result",
]
