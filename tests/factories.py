"""The one way tests make Open Badges credentials: Rugzak's own builder and signer.

Every credential here is built by ``shared.ob.build.build_credential`` (what the issuer
signs), signed by ``shared.credentials.issue_credential`` and given its status entries
by ``shared.status_list.build_status_entry``, so the tests check the shapes users
receive. Each test area keeps its own keys and names and calls these functions.

Hand-written credential documents remain only where a test needs a malformed or
foreign shape on purpose (spec vectors, tampering, VCDM 1.1 for the legacy engine,
JSON-LD edge cases); each says so where it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from shared.credentials import issue_credential
from shared.keys import SigningKey
from shared.ob.build import build_credential
from shared.ob.models import Achievement, Alignment, Criteria, Evidence, Profile, Result
from shared.status_list import build_status_entry

VALID_FROM = datetime(2026, 1, 1, tzinfo=UTC)
CREDENTIAL_ID = "urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"
ACHIEVEMENT_ID = "urn:uuid:0a8e4b6c-1111-4c1e-9d47-3c1f1c9a1a01"
ISSUER_NAME = "Leerhuis Utrecht"


def status_entry(
    list_url: str, index: int, purpose: Literal["revocation", "suspension"] = "revocation"
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` at ``index`` of the list at ``list_url``."""
    return build_status_entry(list_url, index, purpose)


def alignment(
    name: str, url: str, *, code: str | None = None, framework: str | None = None
) -> Alignment:
    return Alignment(target_name=name, target_url=url, target_code=code, target_framework=framework)


def evidence(
    *, url: str | None = None, name: str | None = None, narrative: str | None = None
) -> Evidence:
    return Evidence(id=url, name=name, narrative=narrative)


def unsigned_badge(
    subject: str,
    issuer: SigningKey | str,
    *,
    name: str = "Doorzettingsvermogen",
    credential_name: str | None = None,
    description: str = "Keeps going when things get hard.",
    criteria: str = "Shows five behaviours of perseverance.",
    achievement_id: str = ACHIEVEMENT_ID,
    achievement_type: str | None = "Badge",
    alignments: Sequence[Alignment] = (),
    tags: Sequence[str] = (),
    issuer_name: str = ISSUER_NAME,
    issuer_url: str | None = None,
    issuer_email: str | None = None,
    credential_id: str = CREDENTIAL_ID,
    valid_from: datetime = VALID_FROM,
    valid_until: datetime | None = None,
    results: Sequence[str] = (),
    evidence: Sequence[Evidence] = (),
    status: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential awarding ``name`` to ``subject``, as the issuer
    builds it. ``issuer`` is the issuer's key or DID; ``credential_name`` defaults to
    the achievement's name; ``results`` are result values (levels, grades)."""
    did = issuer if isinstance(issuer, str) else issuer.did
    achievement = Achievement.model_validate(
        {
            "id": achievement_id,
            "name": name,
            "description": description,
            "criteria": Criteria(narrative=criteria),
            "achievementType": achievement_type,
            "alignment": list(alignments) or None,
            "tag": list(tags) or None,
        }
    )
    return build_credential(
        achievement=achievement,
        issuer=Profile(id=did, name=issuer_name, url=issuer_url, email=issuer_email),
        subject_id=subject,
        credential_id=credential_id,
        valid_from=valid_from,
        valid_until=valid_until,
        results=[Result(value=value) for value in results] or None,
        evidence=list(evidence) or None,
        credential_status=[dict(entry) for entry in status] or None,
        name=credential_name,
    )


def signed_badge(
    subject: str,
    key: SigningKey,
    *,
    created: datetime,
    cryptosuite: str = "eddsa-rdfc-2022",
    **options: Any,
) -> dict[str, Any]:
    """``unsigned_badge(subject, key, **options)`` signed by ``key`` at ``created``."""
    return issue_credential(
        unsigned_badge(subject, key, **options), key, cryptosuite=cryptosuite, created=created
    )


def level_badge(
    subject: str,
    key: SigningKey,
    *,
    skill: str = "doorzettingsvermogen",
    level: int = 2,
    framework: str = "levensvaardigheden",
    language: str = "nl",
    issuer_name: str = ISSUER_NAME,
    issuer_base: str = "https://leerhuis-utrecht.example",
    credential_id: str = CREDENTIAL_ID,
    awarded: datetime = VALID_FROM,
    evidence: Sequence[Evidence] = (),
    sign: bool = True,
) -> dict[str, Any]:
    """A credential awarding ``level`` of a shipped framework's ``skill``, as the issuer
    awards it (``shared.skills``: the skill as a Competency with its rubric levels, the
    level as ``Result.achievedLevel``), signed by ``key`` unless ``sign`` is False."""
    from shared.skills import builtin, to_achievement, to_result

    chosen = builtin(framework)
    achievement = to_achievement(
        chosen,
        chosen.skill(skill),
        achievement_id=f"{issuer_base}/achievements/{framework}-{skill}-{language}",
        framework_url=f"{issuer_base}/frameworks/{framework}",
        language=language,
    )
    unsigned = build_credential(
        achievement=Achievement.model_validate(achievement),
        issuer=Profile(id=key.did, name=issuer_name),
        subject_id=subject,
        credential_id=credential_id,
        valid_from=awarded,
        awarded_date=awarded,
        results=[Result.model_validate(to_result(achievement, level))],
        evidence=list(evidence) or None,
    )
    if not sign:
        return unsigned
    return issue_credential(unsigned, key, created=awarded)
