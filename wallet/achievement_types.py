"""What kind of achievement a badge is, in the reader's words: Open Badges names its
kinds in English CamelCase ("CertificateOfCompletion"); the detail screen says
"Certificaat van afronding" to a Dutch learner. A kind outside the standard's list (an
issuer's own, "ext:...") is shown as the issuer wrote it."""

from __future__ import annotations

from shared.ob.vocab import AchievementType

K = AchievementType

WORDS: dict[AchievementType, tuple[str, str]] = {
    K.Achievement: ("Achievement", "Prestatie"),
    K.ApprenticeshipCertificate: ("Apprenticeship certificate", "Leerlingcertificaat"),
    K.Assessment: ("Assessment", "Toets"),
    K.Assignment: ("Assignment", "Opdracht"),
    K.AssociateDegree: ("Associate degree", "Associate degree"),
    K.Award: ("Award", "Prijs"),
    K.Badge: ("Badge", "Badge"),
    K.BachelorDegree: ("Bachelor's degree", "Bachelorgraad"),
    K.Certificate: ("Certificate", "Certificaat"),
    K.CertificateOfCompletion: ("Certificate of completion", "Certificaat van afronding"),
    K.Certification: ("Certification", "Certificering"),
    K.CommunityService: ("Community service", "Vrijwilligerswerk"),
    K.Competency: ("Competency", "Competentie"),
    K.Course: ("Course", "Cursus"),
    K.CoCurricular: ("Extracurricular activity", "Buitenschoolse activiteit"),
    K.Degree: ("Degree", "Graad"),
    K.Diploma: ("Diploma", "Diploma"),
    K.DoctoralDegree: ("Doctoral degree", "Doctorsgraad"),
    K.Fieldwork: ("Fieldwork", "Veldwerk"),
    K.GeneralEducationDevelopment: ("General education diploma (GED)", "Algemeen diploma (GED)"),
    K.JourneymanCertificate: ("Journeyman certificate", "Gezellendiploma"),
    K.LearningProgram: ("Learning programme", "Leertraject"),
    K.License: ("Licence", "Licentie"),
    K.Membership: ("Membership", "Lidmaatschap"),
    K.ProfessionalDoctorate: ("Professional doctorate", "Professioneel doctoraat"),
    K.QualityAssuranceCredential: ("Quality assurance credential", "Keurmerk"),
    K.MasterCertificate: ("Master certificate", "Meestercertificaat"),
    K.MasterDegree: ("Master's degree", "Mastergraad"),
    K.MicroCredential: ("Microcredential", "Microcredential"),
    K.ResearchDoctorate: ("Research doctorate", "Promotie (doctoraat)"),
    K.SecondarySchoolDiploma: ("Secondary school diploma", "Middelbareschooldiploma"),
}  # fmt: skip


def achievement_type_text(value: str, lang: str) -> str:
    """The kind ``value`` in ``lang`` ("en" or "nl"); an unknown kind as it is."""
    try:
        english, dutch = WORDS[AchievementType(value)]
    except ValueError:
        return value
    return dutch if lang == "nl" else english
