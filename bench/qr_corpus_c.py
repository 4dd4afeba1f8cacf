"""Synthetic corpus for QR codec ``C`` (term table 1 and its zstd dictionary).

Codec ``C`` (shared/qr/semantic.py) separates a presentation into a skeleton
(structure, term ids), a text stream and a binary stream, and compresses them with
a dictionary trained on that form. The corpus is shaped the way Rugzak's issuer
writes credentials since images moved out of them: images by ``https`` URL under
``/images/<digestMultibase>.<ext>`` with a ``relatedResource`` digest, levels
(``resultDescription`` + ``result``), evidence, a salted e-mail hash, revocation and
suspension entries, a proof list, and the wallet's presentation bound to a
verifier's challenge and domain. A quarter of the samples comes from the older
generator in bench/qr_corpus.py (other producers, VCDM 1.1, endorsements, key
orders other than Rugzak's), so unknown shapes still compress.

Everything is invented and seeded; nothing is taken from the test inputs
(tests/sample_badges.py), so the benchmark measures text the dictionary never saw.
bench/qr_dictionary.py rebuilds the shipped files byte for byte from it.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from typing import Any

import base58
import qr_corpus
from qr_corpus_vocab import ACH_TYPES, CITIES, FIELDS, FRAMEWORKS, ISSUERS, TAGS, VERIFIERS

from shared.keys import SigningKey
from shared.vocab import ACHIEVEMENT_CREDENTIAL_SCHEMA as SCHEMA
from shared.vocab import CREDENTIALS_V2 as V2
from shared.vocab import OB_V3P0_303 as OB

SEED = 20261127

# Invented wording, Dutch first (Rugzak's users), English second.
SKILLS = [
    ("Klantgericht werken", "Customer service"),
    ("Veilig tillen en verplaatsen", "Safe lifting"),
    ("Werken met het elektronisch dossier", "Working with electronic records"),
    ("Begeleiden van vrijwilligers", "Supporting volunteers"),
    ("Hygiënisch werken in de keuken", "Kitchen hygiene"),
    ("Omgaan met agressie", "Handling aggression"),
    ("Plannen van het eigen werk", "Planning your own work"),
    ("Rapporteren en overdragen", "Reporting and handover"),
    ("Heftruck rijden", "Forklift driving"),
    ("Gastheerschap", "Hospitality"),
    ("Zelfstandig werken", "Working independently"),
    ("Conflicten oplossen", "Resolving conflicts"),
    ("Medicatie veilig uitzetten", "Safe medication rounds"),
    ("Onderhoud van installaties", "Maintaining installations"),
    ("Kassa en betalingen", "Till and payments"),
    ("Taalcoach", "Language buddy"),
]
DESCRIPTIONS = [
    "{skill}: de houder heeft dit laten zien in het dagelijkse werk en is daarop beoordeeld.",
    "Toegekend aan deelnemers die {skill_l} beheersen op het niveau van een beginnend "
    "beroepsbeoefenaar.",
    "{skill}. Deze badge hoort bij het leerwerktraject van de regio en telt mee voor het diploma.",
    "De houder kan {skill_l} zelfstandig uitvoeren, ook onder tijdsdruk en bij onverwachte "
    "situaties.",
    "{skill}: behaald na een periode van {weeks} weken werkplekleren met begeleiding.",
    "{skill}: demonstrated at work over {weeks} weeks and assessed by a workplace mentor.",
    "Awarded to learners who can carry out {skill_l} on their own, safely and reliably.",
]
CRITERIA = [
    "De deelnemer toont het gedrag in ten minste {n} situaties, beschreven in het "
    "portfolio en besproken met de begeleider.",
    "Een praktijkbeoordelaar heeft de deelnemer {n} keer geobserveerd met het "
    "beoordelingsformulier van de opleiding.",
    "De deelnemer heeft de theorietoets gehaald en een praktijkopdracht op de werkplek uitgevoerd.",
    "Beoordeeld in een criteriumgericht interview aan de hand van bewijs uit de praktijk.",
    "The learner shows the behaviour in at least {n} situations, recorded in the portfolio.",
    "A workplace assessor observed the learner {n} times using the assessment form.",
]
EVIDENCE = [
    "{first} heeft {n} weken meegedraaid in het team en daarbij zelf de planning gemaakt.",
    "{first} verzorgde de introductie van nieuwe vrijwilligers en hield een logboek bij.",
    "Tijdens de stage bij de thuiszorg heeft {first} de overdracht aan het avondteam gedaan.",
    "{first} organiseerde een open dag voor buurtbewoners en sprak de bezoekers zelf aan.",
    "Verslag van de praktijkbegeleider: {first} werkt nauwkeurig en vraagt op tijd om hulp.",
    "Video van een klantgesprek met feedback van de docent en een reflectie van {first}.",
    "{first} ran the reception desk for {n} weeks and trained two new colleagues.",
    "Mentor's report: {first} handled complaints calmly and followed up every case.",
]
LEARNERS = [
    ("Sem", "Sem de Wit"),
    ("Yara", "Yara Benali"),
    ("Jesse", "Jesse van Dijk"),
    ("Ilse", "Ilse Hoekstra-Kaya"),
    ("Mila", "Mila Verbeek"),
    ("Ayoub", "Ayoub Ouali"),
    ("Noor", "Noor van 't Hof"),
    ("Thijs", "Thijs Mulder"),
    ("Esra", "Esra Demir"),
    ("Bram", "Bram de Graaf"),
]
LEVEL_SETS = [
    ["1", "2", "3"],
    ["1", "2", "3", "4"],
    ["basis", "gevorderd", "expert"],
    ["brons", "zilver", "goud"],
    ["Onvoldoende", "Voldoende", "Goed"],
]
LEVEL_NAMES = ["Niveau", "Beheersing", "Beoordeling", "Level", "Resultaat"]
RESULT_TYPES = ["PerformanceLevel", "RubricCriterionLevel", "Status", "LetterGrade", "Result"]
ISSUER_DESCRIPTIONS = [
    "Opleidingen voor werk in de zorg, de kinderopvang en het welzijnswerk.",
    "Praktijkleren voor volwassenen in de regio, samen met werkgevers.",
    "Vrijwilligerswerk en burgerschap in de gemeente.",
    "Vakopleidingen techniek en logistiek.",
    "Work-based learning for adults, with local employers.",
]
EXTS = ["png", "png", "png", "svg", "jpg", "webp"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(bytes=rng.randbytes(16), version=4))


def _digest(rng: random.Random) -> str:
    data = b"\x12\x20" + hashlib.sha256(rng.randbytes(16)).digest()
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _date(rng: random.Random) -> str:
    return qr_corpus._date(rng, 2024, 3)


def _slug(text: str) -> str:
    return qr_corpus._slug(text)


def _challenge(rng: random.Random) -> str:
    how = rng.random()
    if how < 0.7:  # the verifier's nonce: 16 Crockford base32 characters
        return "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(16))
    if how < 0.85:
        return base64.urlsafe_b64encode(rng.randbytes(16)).rstrip(b"=").decode()
    if how < 0.95:
        return _uuid(rng)
    return rng.randbytes(16).hex()


def _image(url: str, related: list[dict[str, str]], rng: random.Random) -> dict[str, Any]:
    entry = {"id": url, "digestMultibase": url.rsplit("/", 1)[1].split(".")[0]}
    if rng.random() < 0.1:  # an older issuer also wrote an SRI digest
        sri = base64.b64encode(hashlib.sha384(rng.randbytes(8)).digest()).decode()
        entry = {"id": url, "digestSRI": f"sha384-{sri}", **entry}
    related.append(entry)
    return {"id": url, "type": "Image"}


def _profile(
    rng: random.Random, base: str, related: list[dict[str, str]]
) -> tuple[dict[str, Any], str]:
    name, domain = rng.choice(ISSUERS)
    if rng.random() < 0.6:
        did = f"did:web:{domain}"
        vm = f"{did}#key-{rng.choice([1, 1, 1, 2])}"
    else:
        did = SigningKey.from_seed(rng.randbytes(32)).did
        vm = f"{did}#{did.removeprefix('did:key:')}"
    profile: dict[str, Any] = {"id": did, "type": ["Profile"], "name": name}
    if rng.random() < 0.9:
        profile["url"] = f"https://{domain}"
    if rng.random() < 0.6:
        profile["email"] = rng.choice(["badges", "info", "leren", "opleidingen"]) + f"@{domain}"
    if rng.random() < 0.5:
        profile["description"] = rng.choice(ISSUER_DESCRIPTIONS)
    if rng.random() < 0.1:
        city, postcode, street = rng.choice(CITIES)
        profile["address"] = {
            "type": ["Address"],
            "addressCountry": "Nederland",
            "addressLocality": city,
            "postalCode": postcode,
            "streetAddress": street,
        }
    if rng.random() < 0.6:
        profile["image"] = _image(f"{base}/images/{_digest(rng)}.{rng.choice(EXTS)}", related, rng)
    return profile, vm


def _achievement(
    rng: random.Random, base: str, related: list[dict[str, str]]
) -> tuple[dict[str, Any], str | None, list[str]]:
    dutch = rng.random() < 0.75
    nl, en = rng.choice(SKILLS)
    skill = nl if dutch else en
    weeks, n = rng.choice([4, 6, 8, 10, 12, 20, 40]), rng.randint(2, 6)
    fill = {"skill": skill, "skill_l": skill.lower(), "weeks": weeks}
    slug = _slug(skill)
    ach: dict[str, Any] = {
        "id": f"{base}/achievements/{slug}",
        "type": ["Achievement"],
        "name": skill,
        "description": rng.choice(DESCRIPTIONS).format(**fill),
        "criteria": {"narrative": rng.choice(CRITERIA).format(n=n)},
    }
    if rng.random() < 0.8:
        ach["achievementType"] = rng.choice(ACH_TYPES[:5])
    if rng.random() < 0.75:
        ach["image"] = _image(f"{base}/images/{_digest(rng)}.{rng.choice(EXTS)}", related, rng)
    if rng.random() < 0.6:
        ach["inLanguage"] = "nl" if dutch else "en"
    if rng.random() < 0.15:
        fw, url = rng.choice(FRAMEWORKS)
        code = f"{rng.choice('ABKLMS')}{rng.randint(1, 9)}.{rng.randint(1, 20)}"
        ach["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": skill,
                "targetUrl": url.format(uuid=_uuid(rng), code=code),
                "targetFramework": fw,
            }
        ]
    if rng.random() < 0.1:
        ach["tag"] = rng.sample(TAGS, rng.randint(1, 3))
    if rng.random() < 0.05:
        ach["fieldOfStudy"] = rng.choice(FIELDS)
    rd_id, levels = None, []
    if rng.random() < 0.55:
        levels = rng.choice(LEVEL_SETS)
        rd_id = f"{ach['id']}#result-r1"
        rd: dict[str, Any] = {
            "id": rd_id,
            "type": ["ResultDescription"],
            "name": rng.choice(LEVEL_NAMES),
            "resultType": rng.choice(RESULT_TYPES),
            "allowedValue": levels,
        }
        if rng.random() < 0.1:
            rd["rubricCriterionLevel"] = [
                {
                    "id": f"{ach['id']}#level-{i + 1}",
                    "type": ["RubricCriterionLevel"],
                    "name": level,
                    "description": rng.choice(CRITERIA).format(n=i + 2),
                    "level": level,
                }
                for i, level in enumerate(levels)
            ]
        ach["resultDescription"] = [rd]
    return ach, rd_id, levels


def credential(rng: random.Random, holder: str) -> dict[str, Any]:
    """A credential as Rugzak's issuer writes it (random proofValue)."""
    related: list[dict[str, str]] = []
    _name, domain = rng.choice(ISSUERS)
    base = f"https://{rng.choice(['', '', 'badges.'])}{domain}"
    issuer, vm = _profile(rng, base, related)
    ach, rd_id, levels = _achievement(rng, base, related)
    valid_from = _date(rng)
    subject: dict[str, Any] = {"id": holder, "type": ["AchievementSubject"], "achievement": ach}
    if rng.random() < 0.5:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": "sha256$" + rng.randbytes(32).hex(),
                "identityType": "emailAddress",
                "salt": rng.randbytes(8).hex(),
            }
        ]
    if rd_id is not None and rng.random() < 0.9:
        subject["result"] = [
            {"type": ["Result"], "resultDescription": rd_id, "value": rng.choice(levels)}
        ]
    cred: dict[str, Any] = {
        "@context": [V2, OB],
        "id": f"urn:uuid:{_uuid(rng)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": ach["name"],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if rng.random() < 0.15:
        cred["validUntil"] = qr_corpus._date(rng, 2027, 5)
    cred["credentialSubject"] = subject
    if rng.random() < 0.5:
        first, full = rng.choice(LEARNERS)
        item: dict[str, Any] = {"type": ["Evidence"]}
        if rng.random() < 0.8:
            item["id"] = rng.choice(
                [
                    f"https://portfolio.{domain}/{_slug(full)}/{_slug(ach['name'])}",
                    f"{base}/evidence/{_uuid(rng)}",
                ]
            )
        if rng.random() < 0.2:
            item["name"] = rng.choice(["Portfolio", "Praktijkverslag", "Observatie"])
        item["narrative"] = rng.choice(EVIDENCE).format(first=first, n=rng.randint(3, 12))
        cred["evidence"] = [item]
    cred["credentialSchema"] = [{"id": SCHEMA, "type": "JsonSchema"}]
    if rng.random() < 0.9:
        entries = []
        for purpose in ("revocation", "suspension")[: rng.choice([1, 2])]:
            lst = f"{base}/status/{purpose}-{rng.randint(1, 3)}"
            index = str(rng.randrange(131072))
            entries.append(
                {
                    "id": f"{lst}#{index}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": purpose,
                    "statusListIndex": index,
                    "statusListCredential": lst,
                }
            )
        cred["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    if related:
        cred["relatedResource"] = related[::-1] if rng.random() < 0.5 else related
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": valid_from,
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + base58.b58encode(rng.randbytes(64)).decode(),
    }
    cred["proof"] = [proof] if rng.random() < 0.8 else proof
    return cred


def presentation(rng: random.Random, n_credentials: int) -> dict[str, Any]:
    """The wallet's presentation of ``n_credentials`` credentials for one request."""
    key = SigningKey.from_seed(rng.randbytes(32))
    vp: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"]}
    vp["holder"] = key.did
    vp["verifiableCredential"] = [credential(rng, key.did) for _ in range(n_credentials)]
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": qr_corpus._date(rng, 2026, 1),
        "verificationMethod": key.verification_method,
        "proofPurpose": "authentication",
    }
    if rng.random() < 0.9:
        proof["challenge"] = _challenge(rng)
        proof["domain"] = "https://" + rng.choice(VERIFIERS)
    proof["proofValue"] = "z" + base58.b58encode(rng.randbytes(64)).decode()
    vp["proof"] = proof
    return vp


def documents(seed: int, n: int) -> list[dict[str, Any]]:
    """``n`` documents: Rugzak presentations (1-3 badges) and credentials, and a
    quarter from the older, more varied generator."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.25:
            old = qr_corpus.credential(rng) if rng.random() < 0.3 else None
            out.append(old or qr_corpus.presentation(rng, rng.choice([1, 1, 2, 3])))
        elif r < 0.4:
            out.append(credential(rng, SigningKey.from_seed(rng.randbytes(32)).did))
        else:
            out.append(presentation(rng, rng.choice([1, 1, 1, 2, 3])))
    return out
