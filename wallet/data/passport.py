"""The skills passport: the learner's badges read as routes through skill levels.

Everything comes from the credentials themselves (``shared.skills.routes``): the
level reached, its behaviours (the credential's own rubric), the dates and issuers
of every step, and the evidence each level credential carries. The wallet never
asks an issuer what a level means. Badges that award no rubric level are not part
of the passport; they stay in the badge list.

Revoked and invalid badges do not count towards a route (a withdrawn level is not
reached); expired ones do, since a level once shown stays shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.skills.routes import SkillRoute, skill_routes
from shared.vocab import as_list
from wallet.data.cards import Status
from wallet.data.endorsements import Endorsement, targets_of
from wallet.data.store import StoredCredential

NOT_COUNTED = frozenset({Status.revoked, Status.invalid})


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence a level credential carries."""

    name: str
    narrative: str
    url: str | None
    level: int | None


@dataclass(frozen=True)
class PassportSkill:
    """One skill of the passport: its route, the highest level's meaning, the evidence."""

    route: SkillRoute
    evidence: tuple[Evidence, ...]
    card_ids: tuple[str, ...]  # the wallet ids of the level credentials, lowest level first
    endorsements: tuple[Endorsement, ...] = ()  # of one of its levels or its achievement
    highest_card_id: str | None = None  # the wallet id of the highest level's credential

    @property
    def framework(self) -> str:
        return self.route.framework or ""

    @property
    def issuers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.issuer or "" for a in self.route.awards))

    def dates(self) -> tuple[str, ...]:
        return tuple((a.issued or "")[:10] for a in self.route.awards)


def build_passport(items: Iterable[StoredCredential]) -> list[PassportSkill]:
    """One entry per skill the learner holds a level of, grouped by framework, then by
    skill name (the order a reader looks things up in)."""
    items = list(items)
    kept = [Endorsement.of(item) for item in items if item.card.endorses is not None]
    counted = [
        item for item in items if item.card.status not in NOT_COUNTED and item.card.endorses is None
    ]
    by_key: dict[str, list[StoredCredential]] = {}
    for item in counted:
        found = skill_routes([item.credential])
        if found:
            by_key.setdefault(found[0].key, []).append(item)
    skills = []
    for route in skill_routes(item.credential for item in counted):
        members = by_key.get(route.key, [])
        order = {a.credential_id: i for i, a in enumerate(route.awards)}
        members.sort(key=lambda m: order.get(_text(m.credential.get("id")), len(order)))
        skills.append(
            PassportSkill(
                route=route,
                evidence=tuple(e for m in members for e in _evidence(m.credential)),
                card_ids=tuple(m.id for m in members),
                endorsements=_endorsements(members, kept),
                highest_card_id=_highest_card(route, members),
            )
        )
    skills.sort(key=lambda s: (s.framework.casefold(), s.route.skill.casefold()))
    return skills


def filter_passport(
    skills: Sequence[PassportSkill], *, skill: str = "", issuer: str = "", since: str = ""
) -> list[PassportSkill]:
    """The skills whose name (or framework) holds ``skill``, with a level from an issuer
    whose name holds ``issuer``, awarded on or after ``since`` (``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``; compared as written). Empty filters pass everything."""
    wanted_skill = skill.strip().casefold()
    wanted_issuer = issuer.strip().casefold()
    since = since.strip()
    chosen = []
    for entry in skills:
        name = f"{entry.route.skill} {entry.framework}".casefold()
        if wanted_skill and wanted_skill not in name:
            continue
        awards = [
            a
            for a in entry.route.awards
            if wanted_issuer in (a.issuer or "").casefold() and (a.issued or "")[:10] >= since
        ]
        if awards:
            chosen.append(entry)
    return chosen


def skills_profile(skills: Sequence[PassportSkill]) -> list[str]:
    """ "My skills profile": the wallet ids of the highest level credential of each of
    ``skills`` (what the passport shows after its filters), ready to present."""
    return [s.highest_card_id for s in skills if s.highest_card_id is not None]


def _highest_card(route: SkillRoute, members: Sequence[StoredCredential]) -> str | None:
    highest = route.highest
    if highest is None or not members:
        return None
    for member in members:
        if (
            highest.credential_id is not None
            and member.credential.get("id") == highest.credential_id
        ):
            return member.id
    return members[-1].id


def _endorsements(
    members: Sequence[StoredCredential], kept: Sequence[Endorsement]
) -> tuple[Endorsement, ...]:
    """Endorsements of a level credential or of the skill's achievement (one of the
    issuer speaks of the organisation, not of this skill: the badge's page shows it)."""
    wanted: set[str] = set()
    for member in members:
        issuer = member.credential.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        wanted |= targets_of(member.credential) - {issuer_id}
    return tuple(e for e in kept if e.target in wanted and e.status is not Status.invalid)


def _evidence(credential: dict[str, Any]) -> list[Evidence]:
    routes = skill_routes([credential])
    highest = routes[0].highest if routes else None
    number = highest.level.number if highest else None
    found = []
    for item in as_list(credential.get("evidence")):
        if not isinstance(item, dict):
            continue
        found.append(
            Evidence(
                name=str(item.get("name") or ""),
                narrative=str(item.get("narrative") or ""),
                url=_text(item.get("id")),
                level=number,
            )
        )
    return found


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
