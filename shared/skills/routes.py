"""A learner's route per skill, read from the level credentials they hold.

The wallet's skills passport and the verifier's skills summary both need the same
answer: for each skill, which levels were reached, when, from whom, and the
highest. This module reads it from plain OB 3.0 credentials (no Rugzak-only
fields), so it works for any issuer that uses a rubric result description.

Credentials for the same skill are grouped by the framework node they align to
(the ``CFItem`` alignment's ``targetFramework`` and ``targetCode``), so level 1
from one employer and level 2 from the next form one route; a credential without
such an alignment is grouped by its achievement ``id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.credentials.fields import awarded_on
from shared.skills.ob import LevelView, read_level
from shared.vocab import as_list


@dataclass(frozen=True)
class LevelAward:
    """One level credential: the level, and who awarded it when."""

    level: LevelView
    credential_id: str | None
    issuer: str | None  # the issuer's name, else its id
    issued: str | None  # when it was awarded, as written (``awarded_on``)


@dataclass(frozen=True)
class SkillRoute:
    """The levels of one skill a learner holds, lowest first."""

    key: str
    skill: str
    framework: str | None
    framework_url: str | None
    of: int
    awards: tuple[LevelAward, ...]

    @property
    def highest(self) -> LevelAward | None:
        numbered = [a for a in self.awards if a.level.number is not None]
        return max(numbered, key=lambda a: a.level.number or 0) if numbered else None


def level_of(credential: Mapping[str, Any]) -> LevelView | None:
    """The rubric level a credential awards, or None (not a level credential).

    Only a level whose place is known counts (``number`` and ``of`` set, see
    :func:`shared.skills.ob.read_level`): a route orders levels and names the highest,
    which levels without an order cannot give. Their badges are shown with their
    other results (:mod:`shared.showing.results`)."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    if not isinstance(subject, Mapping):
        return None
    achievement = subject.get("achievement")
    results = as_list(subject.get("result") or [])
    if not isinstance(achievement, dict):
        return None
    for result in results:
        if isinstance(result, dict):
            view = read_level(achievement, result)
            if view is not None and view.number is not None:
                return view
    return None


def skill_routes(credentials: Iterable[Mapping[str, Any]]) -> list[SkillRoute]:
    """One route per skill, in the order skills first appear; awards by level, then date."""
    groups: dict[str, list[tuple[LevelAward, Mapping[str, Any]]]] = {}
    for credential in credentials:
        view = level_of(credential)
        if view is None:
            continue
        achievement = credential["credentialSubject"]
        achievement = (achievement[0] if isinstance(achievement, list) else achievement)[
            "achievement"
        ]
        key = _key(achievement)
        award = LevelAward(
            level=view,
            credential_id=_text(credential.get("id")),
            issuer=_issuer(credential.get("issuer")),
            issued=awarded_on(credential),
        )
        groups.setdefault(key, []).append((award, achievement))
    routes = []
    for key, items in groups.items():
        awards = sorted(
            (award for award, _ in items),
            key=lambda a: (a.level.number or 0, a.issued or ""),
        )
        latest = max(items, key=lambda item: item[0].issued or "")[1]
        node = _node(latest)
        routes.append(
            SkillRoute(
                key=key,
                skill=awards[-1].level.skill,
                framework=_text(node.get("targetFramework")) if node else None,
                framework_url=_text(node.get("targetUrl")) if node else None,
                of=max(a.level.of or 0 for a in awards),
                awards=tuple(awards),
            )
        )
    return routes


def _node(achievement: Mapping[str, Any]) -> Mapping[str, Any] | None:
    alignments = as_list(achievement.get("alignment") or [])
    for alignment in alignments:
        if isinstance(alignment, Mapping) and alignment.get("targetType") == "CFItem":
            return alignment
    return None


def _key(achievement: Mapping[str, Any]) -> str:
    node = _node(achievement)
    if node is not None and node.get("targetFramework") and node.get("targetCode"):
        return f"{node['targetFramework']}#{node['targetCode']}"
    return str(achievement.get("id") or achievement.get("name") or "")


def _issuer(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return _text(value.get("name") or value.get("id"))
    return _text(value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
