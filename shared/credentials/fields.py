"""Reading a credential's fields: issuer, subjects, types, dates and a short summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.vocab import ENDORSEMENT_CREDENTIAL, STATUS_LIST_CREDENTIAL_TYPES, as_list


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        value = issuer.get("id")
        return value if isinstance(value, str) else None
    return issuer if isinstance(issuer, str) else None


def issuer_name(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
        return str(issuer["name"])
    return None


def awarded_on(credential: Mapping[str, Any]) -> str | None:
    """When the badge was awarded, as written: ``awardedDate`` (OB 3.0: when the
    learner earned it), else ``validFrom``, else VCDM 1.1's ``issuanceDate`` (older
    badges have only that)."""
    for key in ("awardedDate", "validFrom", "issuanceDate"):
        value = credential.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def valid_until(credential: Mapping[str, Any]) -> str | None:
    """Until when the badge is valid, as written: ``validUntil``, else VCDM 1.1's
    ``expirationDate``."""
    for key in ("validUntil", "expirationDate"):
        value = credential.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def subject_ids(credential: Mapping[str, Any]) -> list[str | None]:
    subjects = credential.get("credentialSubject")
    return [
        s.get("id") if isinstance(s, dict) and isinstance(s.get("id"), str) else None
        for s in as_list(subjects)
    ]


def types_of(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


def summarize(credential: Mapping[str, Any]) -> dict[str, Any]:
    """What an employer reads: who, what, when, and the badge as shown (image, level...)."""
    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    achievement = first.get("achievement") if isinstance(first, dict) else None
    ach: dict[str, Any] = {}
    if isinstance(achievement, dict):
        for key in ("id", "name", "description", "achievementType"):
            if key in achievement:
                ach[key] = achievement[key]
        criteria = achievement.get("criteria")
        if isinstance(criteria, dict) and isinstance(criteria.get("narrative"), str):
            ach["criteria"] = criteria["narrative"]
    from shared.showing.badge import badge_view, endorsement_view  # levels: shared.skills

    view = badge_view(credential)
    extra: dict[str, Any] = {}
    if ENDORSEMENT_CREDENTIAL in types_of(credential):
        extra["endorsement"] = endorsement_view(credential)
    if STATUS_LIST_CREDENTIAL_TYPES.intersection(types_of(credential)):
        # an issuer's list of revoked (or suspended) badges, checked on its own: no
        # badge, and its subject is the list, not a learner
        view.pop("learner", None)
        said = as_list(first.get("statusPurpose")) if isinstance(first, dict) else []
        purposes = [p for p in said if isinstance(p, str)]
        extra["statusList"] = {"purpose": purposes[0] if len(purposes) == 1 else ""}
    return {
        **view,
        **extra,
        "id": credential.get("id"),
        "type": types_of(credential),
        "name": credential.get("name"),
        "issuer": {"id": issuer_id(credential), "name": issuer_name(credential)},
        "subject": first.get("id") if isinstance(first, dict) else None,
        "achievement": ach or None,
        "validFrom": credential.get("validFrom") or credential.get("issuanceDate"),
        "validUntil": valid_until(credential),
    }
