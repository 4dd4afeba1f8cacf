"""One award: who receives which achievement, with what result and evidence.

This module checks the issuer's input; the credential's shape is made by
``shared.ob.build_credential``, the same builder everyone else uses."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from issuer.achievements import AchievementIn, check_url, result_description_url, rubric_result
from shared.did import did_key_document, did_web_url
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.ob import Evidence, IdentityObject

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s.]{1,63}")
MAX_DID_CHARS = 512


class ResultIn(BaseModel):
    """A result of this award; ``description`` names a result description (id or name)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    value: str = Field(min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=200)


class EvidenceIn(BaseModel):
    """Evidence behind the award: a URL and/or a narrative."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str | None = Field(default=None, max_length=2048)
    narrative: str | None = Field(default=None, max_length=10_000)
    name: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=2000)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)


class AwardIn(BaseModel):
    """What varies per award: results and evidence (both optional)."""

    model_config = ConfigDict(extra="forbid")

    results: list[ResultIn] = Field(default_factory=list, max_length=20)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)


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
    )


def hashed_email(email: str) -> IdentityObject:
    """The learner's e-mail as a salted hash: a verifier can match it, nobody can read it."""
    return IdentityObject.hashed_identity(check_email(email), salt=secrets.token_hex(8))
