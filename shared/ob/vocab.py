"""Open Badges 3.0 controlled vocabularies (the schema's ``EnumExt`` and ``Enum`` types).

Extensible vocabularies take the listed values or an ``ext:`` name. The schema's
own pattern is unanchored; we anchor it, so a value we accept always passes the
schema, never the other way round.
"""

from __future__ import annotations

import re
from enum import StrEnum

_EXT_NAME = re.compile(r"ext:[A-Za-z0-9._-]+")


class AchievementType(StrEnum):
    """``Achievement.achievementType`` values listed by OB 3.0."""

    Achievement = "Achievement"
    ApprenticeshipCertificate = "ApprenticeshipCertificate"
    Assessment = "Assessment"
    Assignment = "Assignment"
    AssociateDegree = "AssociateDegree"
    Award = "Award"
    Badge = "Badge"
    BachelorDegree = "BachelorDegree"
    Certificate = "Certificate"
    CertificateOfCompletion = "CertificateOfCompletion"
    Certification = "Certification"
    CommunityService = "CommunityService"
    Competency = "Competency"
    Course = "Course"
    CoCurricular = "CoCurricular"
    Degree = "Degree"
    Diploma = "Diploma"
    DoctoralDegree = "DoctoralDegree"
    Fieldwork = "Fieldwork"
    GeneralEducationDevelopment = "GeneralEducationDevelopment"
    JourneymanCertificate = "JourneymanCertificate"
    LearningProgram = "LearningProgram"
    License = "License"
    Membership = "Membership"
    ProfessionalDoctorate = "ProfessionalDoctorate"
    QualityAssuranceCredential = "QualityAssuranceCredential"
    MasterCertificate = "MasterCertificate"
    MasterDegree = "MasterDegree"
    MicroCredential = "MicroCredential"
    ResearchDoctorate = "ResearchDoctorate"
    SecondarySchoolDiploma = "SecondarySchoolDiploma"


class ResultType(StrEnum):
    """``ResultDescription.resultType`` values listed by OB 3.0."""

    GradePointAverage = "GradePointAverage"
    LetterGrade = "LetterGrade"
    Percent = "Percent"
    PerformanceLevel = "PerformanceLevel"
    PredictedScore = "PredictedScore"
    RawScore = "RawScore"
    Result = "Result"
    RubricCriterion = "RubricCriterion"
    RubricCriterionLevel = "RubricCriterionLevel"
    RubricScore = "RubricScore"
    ScaledScore = "ScaledScore"
    Status = "Status"


class IdentifierType(StrEnum):
    """``IdentityObject.identityType`` values listed by OB 3.0."""

    name = "name"
    sourcedId = "sourcedId"  # noqa: N815 - spec spelling
    systemId = "systemId"  # noqa: N815
    productId = "productId"  # noqa: N815
    userName = "userName"  # noqa: N815
    accountId = "accountId"  # noqa: N815
    emailAddress = "emailAddress"  # noqa: N815
    nationalIdentityNumber = "nationalIdentityNumber"  # noqa: N815
    isbn = "isbn"
    issn = "issn"
    lisSourcedId = "lisSourcedId"  # noqa: N815
    oneRosterSourcedId = "oneRosterSourcedId"  # noqa: N815
    sisSourcedId = "sisSourcedId"  # noqa: N815
    ltiContextId = "ltiContextId"  # noqa: N815
    ltiDeploymentId = "ltiDeploymentId"  # noqa: N815
    ltiToolId = "ltiToolId"  # noqa: N815
    ltiPlatformId = "ltiPlatformId"  # noqa: N815
    ltiUserId = "ltiUserId"  # noqa: N815
    identifier = "identifier"


class AlignmentTargetType(StrEnum):
    """``Alignment.targetType`` values listed by OB 3.0."""

    ceasn_Competency = "ceasn:Competency"  # noqa: N815
    ceterms_Credential = "ceterms:Credential"  # noqa: N815
    CFItem = "CFItem"
    CFRubric = "CFRubric"
    CFRubricCriterion = "CFRubricCriterion"
    CFRubricCriterionLevel = "CFRubricCriterionLevel"
    CTDL = "CTDL"


class ResultStatus(StrEnum):
    """``Result.status`` values (a closed list: no ``ext:`` names)."""

    Completed = "Completed"
    Enrolled = "Enrolled"
    Failed = "Failed"
    InProgress = "InProgress"
    OnHold = "OnHold"
    Provisional = "Provisional"
    Withdrew = "Withdrew"


def is_ext_name(value: str) -> bool:
    """True for an extension name such as ``ext:Bootcamp``."""
    return _EXT_NAME.fullmatch(value) is not None


def check_extensible(vocabulary: type[StrEnum], value: str) -> str:
    """Return ``value`` if it is in ``vocabulary`` or an ``ext:`` name; ``ValueError`` if not."""
    if value in vocabulary.__members__.values() or is_ext_name(value):
        return value
    raise ValueError(
        f"{value!r} is not a {vocabulary.__name__} value; use a listed value or an 'ext:Name'"
    )
