"""Open Badges 3.0: models, the credential builder, and structure and schema checks.

- :mod:`shared.ob.models`: pydantic models of the OB 3.0 classes.
- :mod:`shared.ob.build`: :func:`build_credential`, the unsigned credential we issue.
- :mod:`shared.ob.schema`: :func:`validate_credential_schema` (bundled 1EdTech JSON
  Schemas) and :func:`check_credential` (everything, in the 1EdTech validator's order).
- :mod:`shared.ob.structure`: :func:`check_structure` and
  :func:`check_presentation_structure` (the validator's structural probes).
"""

from shared.ob.build import build_credential
from shared.ob.fields import known_fields
from shared.ob.issues import Issue, SchemaIssue, StructureIssue, has_errors
from shared.ob.models import (
    Achievement,
    AchievementSubject,
    Alignment,
    CredentialSchema,
    CredentialStatus,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    VerifiablePresentation,
    hash_identity,
)
from shared.ob.schema import check_credential, validate_credential_schema, validate_profile_schema
from shared.ob.schema_engine import warm_up
from shared.ob.structure import check_presentation_structure, check_structure

__all__ = [
    "Achievement",
    "AchievementSubject",
    "Alignment",
    "CredentialSchema",
    "CredentialStatus",
    "Criteria",
    "Evidence",
    "IdentityObject",
    "Image",
    "Issue",
    "OpenBadgeCredential",
    "Profile",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "SchemaIssue",
    "StructureIssue",
    "VerifiablePresentation",
    "build_credential",
    "check_credential",
    "check_presentation_structure",
    "check_structure",
    "has_errors",
    "hash_identity",
    "known_fields",
    "validate_credential_schema",
    "validate_profile_schema",
    "warm_up",
]
