"""Vocabulary of the synthetic Open Badges corpus (bench/qr_corpus.py).

Dutch and English wording, issuers, frameworks and verifiers. Invented for the
corpus; none of it comes from the test inputs.
"""

ISSUERS = [
    ("ROC Midden Nederland", "rocmn.nl"),
    ("Gemeente Utrecht", "utrecht.nl"),
    ("Hogeschool van Amsterdam", "hva.nl"),
    ("Stichting Leerwerkloket Twente", "leerwerklokettwente.nl"),
    ("Bibliotheek Rotterdam", "bibliotheek.rotterdam.nl"),
    ("Vrijwilligerscentrale Zwolle", "vrijwilligerszwolle.nl"),
    ("Da Vinci College", "davinci.nl"),
    ("Scouting Nederland", "scouting.nl"),
    ("Techniek Pact Brabant", "techniekpactbrabant.nl"),
    ("Open University of the Netherlands", "ou.nl"),
    ("Northfield Community College", "northfield.edu"),
    ("Greenway Skills Academy", "greenwayskills.org"),
    ("City of Leeds Youth Service", "leeds.gov.uk"),
    ("Harbor Tech Bootcamp", "harbortech.io"),
    ("Red Cross Training Centre", "redcross-training.org"),
    ("Stichting Jongerenwerk Groningen", "jongerenwerkgroningen.nl"),
]

SKILLS_NL = [
    "Doorzettingsvermogen",
    "Samenwerken",
    "Klantgericht werken",
    "Plannen en organiseren",
    "Digitale vaardigheden",
    "Communiceren",
    "Probleemoplossend denken",
    "Veilig werken",
    "Leidinggeven",
    "Zelfstandig werken",
    "Creatief denken",
    "Omgaan met feedback",
    "Basis Excel",
    "Presenteren",
    "Eerste hulp",
    "Mediawijsheid",
]
SKILLS_EN = [
    "Perseverance",
    "Teamwork",
    "Customer focus",
    "Planning and organising",
    "Digital literacy",
    "Communication",
    "Problem solving",
    "Working safely",
    "Leadership",
    "Working independently",
    "Creative thinking",
    "Handling feedback",
    "Spreadsheet basics",
    "Public speaking",
    "First aid",
    "Media literacy",
]
LEVELS_NL = ["niveau 1", "niveau 2", "niveau 3", "brons", "zilver", "goud", "basis", "gevorderd"]
LEVELS_EN = ["level 1", "level 2", "level 3", "bronze", "silver", "gold", "foundation", "advanced"]
DESC_NL = [
    "Deze badge laat zien dat de houder {skill} in de praktijk heeft toegepast.",
    "De houder heeft aangetoond {skill} zelfstandig en in een team te beheersen.",
    "Toegekend na een praktijkopdracht van {hours} uur waarin {skill} centraal stond.",
    "Erkenning voor het ontwikkelen van {skill} tijdens een stage of vrijwilligerswerk.",
    "Deze microcredential bevestigt {skill} op {level}.",
    "De deelnemer heeft de training {skill} afgerond en een eindopdracht gemaakt.",
]
DESC_EN = [
    "This badge shows that the holder has applied {skill} in practice.",
    "The earner demonstrated {skill} both independently and as part of a team.",
    "Awarded after a {hours}-hour work placement focused on {skill}.",
    "Recognises the development of {skill} during an internship or volunteering.",
    "This micro-credential confirms {skill} at {level}.",
    "The participant completed the {skill} course and a final assignment.",
]
CRIT_NL = [
    "De kandidaat heeft minimaal {n} opdrachten afgerond en is beoordeeld door een "
    "praktijkbegeleider.",
    "Beoordeling op basis van een portfolio met bewijsstukken en een reflectieverslag.",
    "De deelnemer was {n} weken aanwezig en heeft een eindgesprek gevoerd.",
    "Een assessor heeft het gedrag in de praktijk geobserveerd aan de hand van de "
    "beoordelingsrubric.",
    "Toets met een score van minimaal {pct}% en een praktijkopdracht.",
]
CRIT_EN = [
    "The candidate completed at least {n} assignments, assessed by a workplace mentor.",
    "Assessment of a portfolio of evidence and a written reflection.",
    "The participant attended for {n} weeks and completed an exit interview.",
    "An assessor observed the behaviour at work using the assessment rubric.",
    "A test with a score of at least {pct}% and a practical assignment.",
]
FRAMEWORKS = [
    ("ESCO", "http://data.europa.eu/esco/skill/{uuid}"),
    ("SBB kwalificatiedossier", "https://www.s-bb.nl/kwalificatiedossiers/{code}"),
    ("Skills Framework 21st Century", "https://skills21.example.org/framework/{code}"),
    ("O*NET", "https://www.onetonline.org/find/descriptor/result/{code}"),
    ("Loopbaanoriëntatie en -begeleiding", "https://lob.example.nl/competenties/{code}"),
    ("European Digital Competence Framework", "https://digcomp.example.eu/{code}"),
]
ACH_TYPES = ["Badge", "MicroCredential", "Competency", "Course", "Certificate", "ext:Vrijwilliger"]
TAGS = [
    "vmbo",
    "mbo",
    "hbo",
    "soft skills",
    "21e eeuw",
    "werk",
    "stage",
    "digital",
    "zorg",
    "techniek",
]
NAMES = ["Sanne de Vries", "Mohammed El Amrani", "Lotte Jansen", "Daan Bakker", "Emma Smith",
         "Noah Visser", "Fatima Yilmaz", "Liam O'Brien", "Sophie van den Berg",
         "Jayden Kok"]  # fmt: skip
VERIFIERS = ["werkgever.example.nl", "jobs.example.com", "verifier.rugzak.example",
             "hr.zorggroep.example.nl", "recruit.example.org", "localhost:8002"]  # fmt: skip
CITIES = [("Utrecht", "3511 AB", "Oudegracht 12"), ("Enschede", "7511 JM", "Stationsplein 3"),
          ("Groningen", "9712 HW", "Vismarkt 21"), ("Leeds", "LS1 4AP", "12 Park Row"),
          ("Zwolle", "8011 PK", "Melkmarkt 40"), ("Breda", "4811 XJ", "Ginnekenweg 5")]  # fmt: skip
EVIDENCE_NL = [
    ("Portfolio", "Verzameling van werkstukken en foto's uit de praktijk."),
    ("Observatieverslag", "Verslag van de praktijkbegeleider na drie observaties."),
    ("Reflectie", "Schriftelijke reflectie van de student op de eigen ontwikkeling."),
]
EVIDENCE_EN = [
    ("Portfolio", "Collection of work samples and photos from the workplace."),
    ("Observation report", "Report written by the mentor after three observations."),
    ("Reflection", "Written reflection by the learner on their own progress."),
]
ENDORSEMENTS = [
    "Deze opleider voldoet aan de kwaliteitseisen van het regionale leerwerkakkoord.",
    "Recognised provider of work-based learning.",
    "Goedgekeurd door de branchevereniging.",
]
FIELDS = ["Zorg en welzijn", "Techniek", "Horeca", "Logistics", "ICT", "Hospitality", "Retail"]
