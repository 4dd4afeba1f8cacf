"""Open Badges 3.0: models, the credential builder, and structure and schema checks.

- :mod:`shared.ob.models`: pydantic models of the OB 3.0 classes.
- :mod:`shared.ob.build`: :func:`build_credential`, the unsigned credential we issue.
- :mod:`shared.ob.schema`: :func:`validate_credential_schema` (bundled 1EdTech JSON
  Schemas) and :func:`check_credential` (everything, in the 1EdTech validator's order).
- :mod:`shared.ob.structure`: :func:`check_structure` and
  :func:`check_presentation_structure` (the validator's structural probes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.lazy import lazy_exports

if TYPE_CHECKING:
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
    from shared.ob.schema import (
        check_credential,
        validate_credential_schema,
        validate_profile_schema,
    )
    from shared.ob.schema_engine import warm_up
    from shared.ob.structure import check_presentation_structure, check_structure

# Imported on first use (PEP 562): the issuer's commands that read achievements need
# the models, not the builder and the schema checks (the OB schemas, jsonschema).
_HOMES = {
    "build_credential": "shared.ob.build",
    "known_fields": "shared.ob.fields",
    "Issue": "shared.ob.issues",
    "SchemaIssue": "shared.ob.issues",
    "StructureIssue": "shared.ob.issues",
    "has_errors": "shared.ob.issues",
    "Achievement": "shared.ob.models",
    "AchievementSubject": "shared.ob.models",
    "Alignment": "shared.ob.models",
    "CredentialSchema": "shared.ob.models",
    "CredentialStatus": "shared.ob.models",
    "Criteria": "shared.ob.models",
    "Evidence": "shared.ob.models",
    "IdentityObject": "shared.ob.models",
    "Image": "shared.ob.models",
    "OpenBadgeCredential": "shared.ob.models",
    "Profile": "shared.ob.models",
    "Related": "shared.ob.models",
    "Result": "shared.ob.models",
    "ResultDescription": "shared.ob.models",
    "RubricCriterionLevel": "shared.ob.models",
    "VerifiablePresentation": "shared.ob.models",
    "hash_identity": "shared.ob.models",
    "check_credential": "shared.ob.schema",
    "validate_credential_schema": "shared.ob.schema",
    "validate_profile_schema": "shared.ob.schema",
    "warm_up": "shared.ob.schema_engine",
    "check_presentation_structure": "shared.ob.structure",
    "check_structure": "shared.ob.structure",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())


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
