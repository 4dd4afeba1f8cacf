"""Open Badges 3.0 data classes as pydantic models.

Python names are snake_case; JSON names are the spec's camelCase (aliases), so
``model.model_dump(by_alias=True, exclude_none=True, mode="json")`` gives spec JSON.
Reading is tolerant where the wire is: unknown fields are kept (other issuers add
extensions), a single object is read where the spec wants an array, and a
``type`` string becomes a one-item list. Writing is strict: datetimes come out as
``YYYY-MM-DDTHH:MM:SSZ`` and :func:`shared.ob.fields.known_fields` drops every
extension.

These models check one credential's *shape*; whether it verifies is the business
of the proof, status and verification modules.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, StrictInt, model_validator

from shared.ob.fields import (
    AchievementTypeName,
    AlignmentTargetTypeName,
    Date,
    DateTime,
    IdentifierTypeName,
    ListOf,
    OBModel,
    ResultTypeName,
    Typed,
    TypeList,
)
from shared.ob.vocab import IdentifierType, ResultStatus
from shared.vocab import (
    CREDENTIALS_V2,
    OB_TYPES,
    OB_V3P0_303,
    OPEN_BADGE_CREDENTIAL,
    VERIFIABLE_CREDENTIAL,
    VERIFIABLE_PRESENTATION,
)

IDENTITY_HASH_PREFIX = "sha256$"


class Image(OBModel):
    """An image by URL or data URI. Its ``type`` is the string ``"Image"``, not an array."""

    id: str
    type: Literal["Image"] = "Image"
    caption: str | None = None


class Profile(Typed):
    """An issuer, creator or source: ``id`` is a URI (for Rugzak issuers, the issuer DID)."""

    class_name: ClassVar[str] = "Profile"

    id: str
    type: TypeList = Field(default_factory=lambda: ["Profile"])
    name: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    image: Image | None = None
    official: str | None = None
    parent_org: Profile | None = None
    given_name: str | None = None
    family_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: Date | None = None


class Criteria(OBModel):
    """How the achievement is earned: a URL (``id``), a Markdown ``narrative``, or both."""

    id: str | None = None
    narrative: str | None = None

    @model_validator(mode="after")
    def _id_or_narrative(self) -> Criteria:
        if self.id is None and self.narrative is None:
            raise ValueError("criteria needs an id or a narrative")
        return self


class Alignment(Typed):
    """A link from an achievement or result to a skills framework node."""

    class_name: ClassVar[str] = "Alignment"

    type: TypeList = Field(default_factory=lambda: ["Alignment"])
    target_name: str
    target_url: str
    target_code: str | None = None
    target_description: str | None = None
    target_framework: str | None = None
    target_type: AlignmentTargetTypeName | None = None


class RubricCriterionLevel(Typed):
    """One level of a rubric (e.g. "level 2 of 4"); a ``Result`` names it by ``id``."""

    class_name: ClassVar[str] = "RubricCriterionLevel"

    id: str
    type: TypeList = Field(default_factory=lambda: ["RubricCriterionLevel"])
    name: str
    description: str | None = None
    level: str | None = None
    points: str | None = None
    alignment: ListOf[Alignment] | None = None


class Related(Typed):
    """Another achievement that is the same in another language or version."""

    class_name: ClassVar[str] = "Related"

    id: str
    type: TypeList = Field(default_factory=lambda: ["Related"])
    in_language: str | None = None
    version: str | None = None


class ResultDescription(Typed):
    """A kind of result the achievement can carry (a grade, a level, a rubric)."""

    class_name: ClassVar[str] = "ResultDescription"

    id: str
    type: TypeList = Field(default_factory=lambda: ["ResultDescription"])
    name: str
    result_type: ResultTypeName
    alignment: ListOf[Alignment] | None = None
    allowed_value: ListOf[str] | None = None
    required_level: str | None = None
    required_value: str | None = None
    rubric_criterion_level: ListOf[RubricCriterionLevel] | None = None
    value_min: str | None = None
    value_max: str | None = None


class Achievement(Typed):
    """What is recognised: name, description, criteria, and optional level, image, alignment."""

    class_name: ClassVar[str] = "Achievement"

    id: str
    type: TypeList = Field(default_factory=lambda: ["Achievement"])
    name: str
    description: str
    criteria: Criteria
    achievement_type: AchievementTypeName | None = None
    alignment: ListOf[Alignment] | None = None
    creator: Profile | None = None
    credits_available: int | float | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | None = None
    in_language: str | None = None
    related: ListOf[Related] | None = None
    result_description: ListOf[ResultDescription] | None = None
    specialization: str | None = None
    tag: ListOf[str] | None = None
    version: str | None = None


class Result(Typed):
    """A result the learner reached, e.g. a level (``achievedLevel``) or a ``value``."""

    class_name: ClassVar[str] = "Result"

    type: TypeList = Field(default_factory=lambda: ["Result"])
    achieved_level: str | None = None
    alignment: ListOf[Alignment] | None = None
    result_description: str | None = None
    status: ResultStatus | None = None
    value: str | None = None


class Evidence(Typed):
    """Work or proof behind the award: a URL (``id``) and/or a narrative.

    ``digestMultibase`` / ``digestSRI`` are the VCDM 2.0 integrity terms (§5.3, defined
    in the credentials v2 context, so they expand inside an OB ``Evidence``): they fix
    the bytes of the evidence file the ``id`` points at.
    """

    class_name: ClassVar[str] = "Evidence"

    type: TypeList = Field(default_factory=lambda: ["Evidence"])
    id: str | None = None
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None
    digest_multibase: str | None = None
    digest_sri: str | None = Field(default=None, alias="digestSRI")


def hash_identity(identity: str, salt: str = "") -> str:
    """``sha256$`` + hex(SHA-256(identity ‖ salt)), the OB hashed-identity form.

    The identity is hashed exactly as given (no case folding): issuer and
    verifier must agree on the string, so normalise before calling if you must.
    """
    digest = hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()
    return IDENTITY_HASH_PREFIX + digest


class IdentityObject(OBModel):
    """An identifier of the learner other than a DID, usually a salted e-mail hash."""

    type: Literal["IdentityObject"] = "IdentityObject"
    hashed: bool
    identity_hash: str
    identity_type: IdentifierTypeName
    salt: str | None = None

    @classmethod
    def hashed_identity(
        cls, identity: str, *, salt: str, identity_type: str = IdentifierType.emailAddress
    ) -> IdentityObject:
        """A hashed IdentityObject; ``salt`` should be random per credential."""
        return cls(
            hashed=True,
            identity_hash=hash_identity(identity, salt),
            identity_type=identity_type,
            salt=salt,
        )

    def matches(self, identity: str) -> bool:
        """True if ``identity`` is the one this object names (constant-time compare)."""
        expected = hash_identity(identity, self.salt or "") if self.hashed else identity
        return hmac.compare_digest(expected.encode("utf-8"), self.identity_hash.encode("utf-8"))


class AchievementSubject(Typed):
    """The learner and what they achieved. Needs an ``id`` (DID) or an ``identifier``."""

    class_name: ClassVar[str] = "AchievementSubject"

    id: str | None = None
    type: TypeList = Field(default_factory=lambda: ["AchievementSubject"])
    achievement: Achievement
    identifier: ListOf[IdentityObject] | None = None
    result: ListOf[Result] | None = None
    activity_start_date: DateTime | None = None
    activity_end_date: DateTime | None = None
    credits_earned: int | float | None = None
    image: Image | None = None
    license_number: str | None = None
    narrative: str | None = None
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    @model_validator(mode="after")
    def _id_or_identifier(self) -> AchievementSubject:
        if not self.id and not self.identifier:
            raise ValueError("credentialSubject needs an id or an identifier")
        return self


class CredentialSchema(OBModel):
    """A pointer to a JSON Schema the credential claims to satisfy."""

    id: str
    type: str


class CredentialStatus(OBModel):
    """A ``credentialStatus`` entry, shaped as a ``BitstringStatusListEntry``.

    Other status types (``1EdTechRevocationList``) read too: their fields are kept.
    ``statusListIndex`` is a string in W3C and an integer in some 1EdTech files.
    """

    id: str | None = None
    type: str
    status_purpose: str | None = None
    status_list_index: str | StrictInt | None = None
    status_list_credential: str | None = None


def _check_credential_type(value: list[str]) -> list[str]:
    if VERIFIABLE_CREDENTIAL not in value or not OB_TYPES & set(value):
        raise ValueError(
            "type must contain 'VerifiableCredential' and "
            "'OpenBadgeCredential' (or its alias 'AchievementCredential')"
        )
    return value


def _default_context() -> list[str | dict[str, Any]]:
    return [CREDENTIALS_V2, OB_V3P0_303]


class OpenBadgeCredential(OBModel):
    """An OB 3.0 ``OpenBadgeCredential`` (VCDM 2.0), signed or not."""

    context: list[str | dict[str, Any]] = Field(default_factory=_default_context, alias="@context")
    id: str
    type: Annotated[TypeList, AfterValidator(_check_credential_type)] = Field(
        default_factory=lambda: [VERIFIABLE_CREDENTIAL, OPEN_BADGE_CREDENTIAL]
    )
    name: str | None = None
    description: str | None = None
    image: Image | None = None
    issuer: Profile | str
    valid_from: DateTime
    valid_until: DateTime | None = None
    awarded_date: DateTime | None = None
    credential_subject: AchievementSubject
    evidence: ListOf[Evidence] | None = None
    credential_schema: ListOf[CredentialSchema] | None = None
    credential_status: CredentialStatus | list[CredentialStatus] | None = None
    proof: dict[str, Any] | list[dict[str, Any]] | None = None

    @model_validator(mode="after")
    def _valid_from_before_until(self) -> OpenBadgeCredential:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("validUntil is before validFrom")
        return self


def _vp_context() -> list[str | dict[str, Any]]:
    return [CREDENTIALS_V2]


def _check_presentation_type(value: list[str]) -> list[str]:
    if VERIFIABLE_PRESENTATION not in value:
        raise ValueError("type must contain 'VerifiablePresentation'")
    return value


class VerifiablePresentation(OBModel):
    """A VCDM 2.0 presentation; the credentials inside stay plain dicts (they are signed)."""

    context: list[str | dict[str, Any]] = Field(default_factory=_vp_context, alias="@context")
    id: str | None = None
    type: Annotated[TypeList, AfterValidator(_check_presentation_type)] = Field(
        default_factory=lambda: ["VerifiablePresentation"]
    )
    holder: str | dict[str, Any] | None = None
    verifiable_credential: ListOf[dict[str, Any]] = Field(default_factory=list)
    proof: dict[str, Any] | list[dict[str, Any]] | None = None
