"""Skill frameworks: skills with levels and behaviours, and how they become OB 3.0.

- :mod:`shared.skills.model`: the typed framework (:class:`Framework`, :class:`Skill`,
  :class:`Level`) and :func:`check_framework`.
- :mod:`shared.skills.tabular`: CSV import (Excel-made files) and export.
- :mod:`shared.skills.documents`: Rugzak JSON and a CASE-like package.
- :mod:`shared.skills.ob`: :func:`to_achievement`, :func:`to_result`, :func:`read_level`.
- :mod:`shared.skills.routes`: :func:`skill_routes`, a learner's levels per skill.
- :mod:`shared.skills.catalog`: the frameworks Rugzak ships.
"""

from shared.skills.catalog import BUILTIN, builtin, load_file
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
from shared.skills.tabular import parse_csv, to_csv

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
