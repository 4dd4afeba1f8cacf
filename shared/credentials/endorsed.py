"""Endorsements presented beside the badges they endorse.

An Open Badges 3.0 ``EndorsementCredential`` (OB 3.0 data model, EndorsementCredential
and EndorsementSubject) is issued *about* something, not *to* someone: its subject's ``id``
names a badge credential, an achievement or an issuer profile. When a learner presents
it beside the badge it endorses, no holder binding applies to it (the learner is not
its subject); it is verified like any credential (proof, issuer, dates, status) and it
must name something in the same presentation, else it says nothing about what is shown
and is reported as unrelated (``endorsement_unrelated``, a warning). Its own state is
shown with the badge it endorses; like an endorsement embedded in a badge, it does not
decide the presentation's verdict (``VerificationResult.verdict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.errors import ErrorCode
from shared.verification import Check, CheckName, VerificationResult


def is_endorsement_result(result: VerificationResult) -> bool:
    """The result of an endorsement (its summary says so; see ``fields.summarize``)."""
    return result.is_endorsement


def endorsement_target(result: VerificationResult) -> str | None:
    view = result.summary.get("endorsement")
    target = view.get("target") if isinstance(view, Mapping) else None
    return target if isinstance(target, str) else None


def badge_targets(result: VerificationResult) -> set[str]:
    """The ids an endorsement of this badge may name: the credential, its achievement,
    its issuer."""
    summary = result.summary
    found: set[str] = set()
    for value in (
        summary.get("id"),
        (summary.get("issuer") or {}).get("id"),
        (summary.get("achievement") or {}).get("id"),
    ):
        if isinstance(value, str) and value:
            found.add(value)
    return found


def endorsed_badges(presentation: VerificationResult) -> dict[int, list[int]]:
    """For each endorsement (by position in ``presentation.credentials``), the positions
    of the badges it names."""
    badges = [
        (i, badge_targets(inner))
        for i, inner in enumerate(presentation.credentials)
        if not is_endorsement_result(inner)
    ]
    out: dict[int, list[int]] = {}
    for i, inner in enumerate(presentation.credentials):
        if is_endorsement_result(inner):
            target = endorsement_target(inner)
            out[i] = [j for j, targets in badges if target is not None and target in targets]
    return out


def relate_endorsements(presentation: VerificationResult) -> None:
    """Give every presented endorsement its ``endorsement`` check and ``endorses`` list.

    Safe to run again on a combined result (OpenID4VP answers one presentation per
    credential): the check is replaced, not added twice.
    """
    for index, badges in endorsed_badges(presentation).items():
        inner = presentation.credentials[index]
        inner.summary["endorses"] = badges
        names = [_badge_name(presentation.credentials[j]) for j in badges]
        if badges:
            check = Check.passed(
                CheckName.endorsement,
                "It endorses a badge in this presentation: " + ", ".join(names) + ".",
                {"target": endorsement_target(inner)},
            )
        else:
            check = Check.warned(
                CheckName.endorsement,
                ErrorCode.endorsement_unrelated,
                "It endorses something that is not in this presentation, so it says "
                "nothing about the badges shown.",
                {"target": endorsement_target(inner)},
            )
        inner.replace(check)


def _badge_name(result: VerificationResult) -> str:
    summary: Mapping[str, Any] = result.summary
    achievement = summary.get("achievement") or {}
    name = achievement.get("name") or summary.get("name") or summary.get("id") or "?"
    return f"'{name}'"
