"""Request and response models of the HTTP API (separate from the store's rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from issuer.achievements import AchievementIn
from issuer.awards import AssessorIn, AwardIn, EvidenceIn, ResultIn, SkillLevelIn
from shared.runtime.web import ErrorOut as ErrorOut  # the one error shape


class IssuerInfo(BaseModel):
    did: str
    name: str | None
    base_url: str
    profile: dict[str, Any]
    suspension: bool
    links: dict[str, str]


class AchievementCreate(AchievementIn):
    id: str | None = Field(default=None, description="optional id; made from the name if absent")


class AchievementOut(BaseModel):
    id: str
    url: str
    retired: bool
    created_at: datetime
    updated_at: datetime
    definition: dict[str, Any]
    achievement: dict[str, Any] = Field(description="the OB 3.0 Achievement as issued")


class AwardDetails(BaseModel):
    """Assessor, date and the learner's name, shared by issue, award and offer bodies."""

    assessor: AssessorIn | None = None
    awarded_date: AwareDatetime | None = Field(
        default=None, description="when the work was judged (awardedDate)"
    )
    plain_name: bool = Field(
        default=False, description="write the learner's name readable, not hashed"
    )


class IssueIn(AwardDetails):
    model_config = ConfigDict(extra="forbid")

    achievement_id: str
    recipient: str = Field(description="the learner's DID (did:key or did:web)")
    email: str | None = None
    results: list[ResultIn] = Field(default_factory=list, max_length=20)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    name: str | None = Field(
        default=None, max_length=256, description="the learner's name (hashed unless plain_name)"
    )
    idempotency_key: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="retrying with the same key returns the first credential (409 if the "
        "award differs)",
    )

    def award(self) -> AwardIn:
        return AwardIn(
            results=self.results,
            evidence=self.evidence,
            assessor=self.assessor,
            awarded_date=self.awarded_date,
            learner_name=self.name,
            plain_name=self.plain_name,
        )


class SkillsAwardIn(AwardDetails):
    """One piece of work as evidence for several skills: one credential per skill level."""

    model_config = ConfigDict(extra="forbid")

    recipient: str = Field(description="the learner's DID (did:key or did:web)")
    skills: list[SkillLevelIn] = Field(min_length=1, max_length=50)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    email: str | None = None
    name: str | None = Field(
        default=None, max_length=256, description="the learner's name (hashed unless plain_name)"
    )
    idempotency_key: str | None = Field(default=None, max_length=200)

    def award(self) -> AwardIn:
        return AwardIn(
            evidence=self.evidence,
            assessor=self.assessor,
            awarded_date=self.awarded_date,
            learner_name=self.name,
            plain_name=self.plain_name,
        )


class SkillsAwardedOut(BaseModel):
    created: bool = Field(description="false when the idempotency key matched an earlier award")
    credentials: list[dict[str, Any]]


class StatusEntryOut(BaseModel):
    purpose: str
    list: str
    index: int
    value: int


class CredentialSummary(BaseModel):
    id: str
    achievement_id: str
    subject_id: str
    state: str
    issued_at: datetime
    valid_until: datetime | None
    offer_id: str | None
    status: list[StatusEntryOut] = Field(default_factory=list)


class CredentialOut(CredentialSummary):
    credential: dict[str, Any]


class IssuedOut(BaseModel):
    created: bool = Field(description="false when the idempotency key matched an earlier award")
    credential: dict[str, Any]


class StatusChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=1000)


class StatusChangeOut(CredentialSummary):
    changed: bool


class OfferCreate(AwardDetails):
    """An offer of one achievement, or of several skill levels for one piece of work
    (``skills``: one credential per level, all delivered by one credential request)."""

    model_config = ConfigDict(extra="forbid")

    achievement_id: str | None = Field(default=None, description="one achievement, or:")
    skills: list[SkillLevelIn] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="several skill levels: one credential each, in the one offer",
    )
    name: str | None = Field(default=None, max_length=256)
    email: str | None = Field(default=None, max_length=320)
    results: list[ResultIn] = Field(default_factory=list, max_length=20)
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=20)
    tx_code: bool = Field(default=False, description="require a numeric transaction code")
    expires_in_seconds: int | None = Field(default=None, ge=60, le=90 * 24 * 3600)
    qr: bool = Field(
        default=False, description="include a QR code (PNG data URI) of the by-reference link"
    )


class OfferCreatedOut(BaseModel):
    id: str
    offer_uri: str = Field(description="the offer by value")
    offer_uri_by_reference: str = Field(description="the same offer by reference (shorter)")
    tx_code: str | None = Field(description="shown once: give it to the learner separately")
    expires_at: datetime
    qr_png: str | None = None


class OfferOut(BaseModel):
    id: str
    achievement_id: str
    skills: list[SkillLevelIn] | None = None
    recipient_name: str | None
    recipient_email: str | None
    state: str
    tx_code_required: bool
    created_at: datetime
    expires_at: datetime | None
    credential_id: str | None
    holder_did: str | None


class StatusListInfo(BaseModel):
    id: str
    purpose: str
    size: int
    allocated: int
    version: int
    url: str


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: Any = None
