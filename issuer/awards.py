"""One award: who receives which achievement, with what result and evidence.

This module checks the issuer's input; the credential's shape is made by
``shared.ob.build_credential``, the same builder everyone else uses."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from issuer.achievements import AchievementIn, check_url, result_description_url, rubric_result
from shared.did import did_key_document, did_web_url
from shared.digests import digest_multibase, digest_sri
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.ob import Evidence, IdentityObject, Profile
from shared.ob.identity import hash_name, normalise_name
from shared.ob.vocab import IdentifierType

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{1,63}")
MAX_DID_CHARS = 512


class ResultIn(BaseModel):
    """A result of this award; ``description`` names a result description (id or name)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    value: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=200)


_MULTIBASE_DIGEST = re.compile(r"[uzm][A-Za-z0-9_+/=-]{20,200}")
_SRI_DIGEST = re.compile(r"(sha256|sha384|sha512)-[A-Za-z0-9+/=]{40,100}")


class EvidenceIn(BaseModel):
    """Evidence behind the award: a URL and/or a narrative, and the file's digests.

    ``digest_multibase`` / ``digest_sri`` fix the bytes the URL serves (VCDM 2.0 §5.3):
    :func:`evidence_file` computes them from the file itself.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str | None = Field(default=None, max_length=2048)
    narrative: str | None = Field(default=None, max_length=10_000)
    name: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=2000)
    genre: str | None = Field(default=None, max_length=100)
    digest_multibase: str | None = Field(default=None, pattern=_MULTIBASE_DIGEST.pattern)
    digest_sri: str | None = Field(default=None, pattern=_SRI_DIGEST.pattern)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)


class AssessorIn(BaseModel):
    """Who judged the work (OB 3.0 ``AchievementSubject.source``): a person or body."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    id: str | None = Field(
        default=None, max_length=512, description="a URI or DID naming the assessor"
    )


class AwardIn(BaseModel):
    """What varies per award: results, evidence, assessor, date, the learner's name."""

    model_config = ConfigDict(extra="forbid")

    results: list[ResultIn] = Field(default_factory=list, max_length=20)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    assessor: AssessorIn | None = None
    awarded_date: AwareDatetime | None = Field(
        default=None, description="when the level was judged (awardedDate); default now"
    )
    learner_name: str | None = Field(default=None, min_length=1, max_length=256)
    plain_name: bool = Field(
        default=False,
        description="write the name readable instead of salted and hashed (learner's choice)",
    )


class SkillLevelIn(BaseModel):
    """One skill level of a multi-skill award: the skill's achievement and the level."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    achievement_id: str = Field(min_length=1, max_length=200)
    level: str = Field(min_length=1, max_length=100)


def evidence_file(
    data: bytes,
    *,
    url: str | None = None,
    name: str | None = None,
    narrative: str | None = None,
) -> EvidenceIn:
    """Evidence for a file: its digests (sha2-256 multihash and SHA-384 SRI) fix its bytes."""
    if not data:
        raise InvalidInput("the evidence file is empty", code=ErrorCode.invalid_request)
    return EvidenceIn(
        url=url,
        name=name,
        narrative=narrative,
        digest_multibase=digest_multibase(data),
        digest_sri=digest_sri(data),
    )


def parse_assessor(text: str) -> AssessorIn:
    """``NAME`` or ``NAME|ROLE`` (the CLI and batch form)."""
    name, _, role = text.partition("|")
    return AssessorIn(name=name, role=role.strip() or None)


def check_recipient_did(did: str) -> str:
    """A learner DID we can bind a credential to: did:key (Ed25519) or did:web."""
    if not isinstance(did, str) or not did.startswith("did:") or len(did) > MAX_DID_CHARS:
        raise InvalidInput("the recipient must be a DID", code=ErrorCode.malformed_did, detail=did)
    if did.startswith("did:key:"):
        did_key_document(did)
    elif did.startswith("did:web:"):
        did_web_url(did)
    else:
        raise Unsupported(
            "the recipient DID must be did:key or did:web",
            code=ErrorCode.unsupported_did_method,
            detail=did,
        )
    return did


def check_email(email: str) -> str:
    """A plausible e-mail address, lower-cased (the form that is hashed)."""
    value = email.strip().lower()
    if not _EMAIL.fullmatch(value):
        raise InvalidInput(
            "not a valid e-mail address", code=ErrorCode.invalid_request, detail=email
        )
    return value


def resolve_results(
    award: AwardIn, achievement: AchievementIn, achievement_url: str
) -> list[dict[str, Any]]:
    """OB ``Result`` objects; each value must fit its result description."""
    descriptions = achievement.result_descriptions
    out: list[dict[str, Any]] = []
    for result in award.results:
        if result.description is None:
            if len(descriptions) != 1:
                raise InvalidInput(
                    "say which result description this result is for",
                    code=ErrorCode.invalid_request,
                    detail={"choices": [d.name for d in descriptions]},
                )
            rd = descriptions[0]
        else:
            wanted = result.description.lower()
            match = [d for d in descriptions if wanted in ((d.id or "").lower(), d.name.lower())]
            if not match:
                raise InvalidInput(
                    f"the achievement has no result description '{result.description}'",
                    code=ErrorCode.invalid_request,
                    detail={"choices": [d.name for d in descriptions]},
                )
            rd = match[0]
        if rd.levels:  # a rubric (skill framework level): the Result names the level reached
            out.append(rubric_result(rd, achievement_url, result.value))
            continue
        if rd.allowed_values and result.value not in rd.allowed_values:
            raise InvalidInput(
                f"'{result.value}' is not an allowed value for {rd.name}",
                code=ErrorCode.invalid_request,
                detail={"allowed": rd.allowed_values},
            )
        out.append(
            {
                "type": ["Result"],
                "resultDescription": result_description_url(achievement_url, rd.id or "r"),
                "value": result.value,
            }
        )
    return out


def idempotency_key(*parts: Any) -> str:
    """A stable key for one award (same achievement, learner, result, evidence)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_evidence(item: EvidenceIn) -> Evidence:
    """The OB ``Evidence`` of one evidence input."""
    return Evidence(
        id=item.url or None,
        narrative=item.narrative or None,
        name=item.name or None,
        description=item.description or None,
        genre=item.genre or None,
        digest_multibase=item.digest_multibase,
        digest_sri=item.digest_sri,
    )


def assessor_profile(assessor: AssessorIn) -> Profile:
    """The assessor as an OB ``Profile`` (``source``): a given URI, else a stable urn:uuid.

    OB 3.0 requires a Profile ``id``; a person without a DID gets a name-based UUID
    (RFC 9562 v5) so the same assessor has the same id on every credential.
    """
    ident = assessor.id or (
        "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"rugzak-assessor:{assessor.name}"))
    )
    if ":" not in ident:
        raise InvalidInput(
            "the assessor id must be a URI or DID", code=ErrorCode.invalid_request, detail=ident
        )
    return Profile(id=ident, name=assessor.name, description=assessor.role)


def name_identity(name: str, *, plain: bool = False) -> IdentityObject:
    """The learner's name as an OB ``IdentityObject`` (identityType ``name``).

    Hashed by default with a fresh salt, as :func:`shared.ob.identity.hash_name`
    (the same normalisation the verifier's name check uses); plain only when the
    learner and organisation chose it, then written in its normalised-space form.
    """
    if not normalise_name(name):
        raise InvalidInput("the learner's name is empty", code=ErrorCode.invalid_request)
    if plain:
        return IdentityObject(
            hashed=False, identity_hash=" ".join(name.split()), identity_type=IdentifierType.name
        )
    salt = secrets.token_hex(8)
    return IdentityObject(
        hashed=True,
        identity_hash=hash_name(name, salt),
        identity_type=IdentifierType.name,
        salt=salt,
    )


def learner_identifiers(email: str | None, award: AwardIn) -> list[IdentityObject] | None:
    """The learner's identifiers beside the DID: hashed e-mail, name (hashed unless plain)."""
    out = [hashed_email(email)] if email else []
    if award.learner_name:
        out.append(name_identity(award.learner_name, plain=award.plain_name))
    return out or None


def awarded_at(award: AwardIn, now: datetime) -> datetime | None:
    """The ``awardedDate`` to write: the judged date when given and not in the future."""
    if award.awarded_date is None:
        return None
    if award.awarded_date > now:
        raise InvalidInput(
            "the award date is in the future",
            code=ErrorCode.invalid_request,
            detail=award.awarded_date.isoformat(),
        )
    return award.awarded_date


def hashed_email(email: str) -> IdentityObject:
    """The learner's e-mail as a salted hash: a verifier can match it, nobody can read it."""
    return IdentityObject.hashed_identity(check_email(email), salt=secrets.token_hex(8))
