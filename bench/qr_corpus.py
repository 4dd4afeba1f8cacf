"""Synthetic Open Badges 3.0 corpus for the QR zstd dictionary, and its trainer.

The dictionary behind codec ``Z`` of the QR text format (see docs/qr-format.md) is
trained on presentations and credentials shaped the way Rugzak builds them:
VCDM 2.0 + OB context-3.0.3, a did:key or did:web issuer Profile, a did:key holder,
DataIntegrityProof eddsa-rdfc-2022 fields with random proofValues, Bitstring
Status List entries, and varied Dutch and English names, descriptions, criteria
and alignments. Nothing here is copied from the test inputs, so measurements on
those inputs are not measurements on the training set.

Everything is seeded: ``python bench/qr_corpus.py --train`` rebuilds the shipped
dictionary byte for byte (and says so), ``--check`` only compares.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import uuid
from pathlib import Path
from typing import Any

import base58
import zstandard

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared.keys import SigningKey  # noqa: E402

DICT_PATH = ROOT / "shared" / "qr" / "zstd-dict-1.zst"
TRAIN_SEED = 20261123
DICT_SIZE = 16384
DICT_ID = 0x525A0001  # "RZ" 0001: outside the zstd registered range (< 32768)
TRAIN_PARAMS = {"k": 1024, "d": 8, "f": 20, "split_point": 1.0, "accel": 1}
N_SAMPLES = 3000

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

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


def _z58(rng: random.Random, n: int) -> str:
    return "z" + base58.b58encode(rng.randbytes(n)).decode()


def _did_key(rng: random.Random) -> str:
    return SigningKey.from_seed(rng.randbytes(32)).did


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(bytes=rng.randbytes(16), version=4))


def _date(rng: random.Random, year0: int = 2023, years: int = 4) -> str:
    y = year0 + rng.randrange(years)
    return (
        f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _issuer(rng: random.Random) -> tuple[dict[str, Any], str]:
    name, domain = rng.choice(ISSUERS)
    if rng.random() < 0.7:
        did = _did_key(rng)
        vm = f"{did}#{did.removeprefix('did:key:')}"
    else:
        did = f"did:web:{domain}" + rng.choice(["", ":issuer", ":badges"])
        vm = f"{did}#key-{rng.randint(1, 3)}"
    profile: dict[str, Any] = {"id": did, "type": ["Profile"], "name": name}
    if rng.random() < 0.8:
        profile["url"] = f"https://{domain}"
    if rng.random() < 0.5:
        profile["email"] = rng.choice(["badges", "info", "opleidingen", "support"]) + f"@{domain}"
    if rng.random() < 0.4:
        profile["image"] = {"id": f"https://{domain}/logo.png", "type": "Image"}
    if rng.random() < 0.2:
        profile["description"] = rng.choice(
            ["Opleider in de regio.", "Community education provider.", "Erkend leerbedrijf."]
        )
    return profile, vm


def _achievement(rng: random.Random, domain: str, dutch: bool) -> dict[str, Any]:
    i = rng.randrange(len(SKILLS_NL))
    skill = (SKILLS_NL if dutch else SKILLS_EN)[i]
    level = rng.choice(LEVELS_NL if dutch else LEVELS_EN)
    name = f"{skill}, {level}" if rng.random() < 0.6 else skill
    fill = {"skill": skill.lower(), "level": level, "hours": rng.choice([8, 16, 24, 40, 80])}
    desc = rng.choice(DESC_NL if dutch else DESC_EN).format(**fill)
    if rng.random() < 0.5:
        desc += " " + rng.choice(DESC_NL if dutch else DESC_EN).format(**fill)
    crit_fill = {"n": rng.randint(2, 12), "pct": rng.choice([55, 60, 70, 75, 80])}
    criteria: dict[str, Any] = {
        "narrative": rng.choice(CRIT_NL if dutch else CRIT_EN).format(**crit_fill)
    }
    if rng.random() < 0.3:
        criteria["id"] = f"https://{domain}/criteria/{_slug(skill)}"
    ach: dict[str, Any] = {
        "id": f"https://{domain}/achievements/{_slug(name)}"
        if rng.random() < 0.8
        else f"urn:uuid:{_uuid(rng)}",
        "type": ["Achievement"],
        "name": name,
        "description": desc,
        "criteria": criteria,
    }
    if rng.random() < 0.7:
        ach["achievementType"] = rng.choice(ACH_TYPES)
    if rng.random() < 0.7:
        ach["image"] = {"id": f"https://{domain}/badges/{_slug(skill)}.png", "type": "Image"}
        if rng.random() < 0.3:
            ach["image"]["caption"] = name
    if rng.random() < 0.65:
        aligns = []
        for _ in range(rng.randint(1, 3)):
            fw, url = rng.choice(FRAMEWORKS)
            code = f"{rng.choice('ABCDEFGHKLMPRS')}{rng.randint(1, 9)}.{rng.randint(1, 20)}"
            al: dict[str, Any] = {
                "type": ["Alignment"],
                "targetName": rng.choice(SKILLS_NL + SKILLS_EN),
                "targetUrl": url.format(uuid=_uuid(rng), code=code),
            }
            if rng.random() < 0.6:
                al["targetFramework"] = fw
            if rng.random() < 0.5:
                al["targetCode"] = code
            if rng.random() < 0.4:
                al["targetType"] = rng.choice(["ceasn:Competency", "CFItem", "ext:Skill"])
            if rng.random() < 0.3:
                al["targetDescription"] = rng.choice(DESC_NL + DESC_EN).format(**fill)
            aligns.append(al)
        ach["alignment"] = aligns
    if rng.random() < 0.4:
        ach["tag"] = rng.sample(TAGS, rng.randint(1, 4))
    if rng.random() < 0.4:
        ach["inLanguage"] = "nl" if dutch else "en"
    if rng.random() < 0.3:
        ach["creator"] = {"id": f"https://{domain}", "type": ["Profile"], "name": domain}
    if rng.random() < 0.2:
        ach["humanCode"] = f"{_slug(skill)[:6].upper()}-{rng.randint(1, 3)}"
    if rng.random() < 0.3:
        ach["version"] = rng.choice(["1.0", "2", "2024.1"])
    return ach


def credential(rng: random.Random, holder: str | None = None) -> dict[str, Any]:
    """One signed-looking OpenBadgeCredential (random proofValue)."""
    issuer, vm = _issuer(rng)
    domain = str(issuer.get("url", "https://example.nl")).removeprefix("https://")
    dutch = rng.random() < 0.6
    ach = _achievement(rng, domain, dutch)
    subject: dict[str, Any] = {
        "id": holder or _did_key(rng),
        "type": ["AchievementSubject"],
        "achievement": ach,
    }
    if rng.random() < 0.2:
        subject["name"] = rng.choice(NAMES)
    if rng.random() < 0.25:
        subject["result"] = [{"type": ["Result"], "status": rng.choice(["Completed", "Passed"])}]
    if rng.random() < 0.2:
        subject["activityEndDate"] = _date(rng)
    valid_from = _date(rng)
    cred: dict[str, Any] = {
        "@context": [V2, OB],
        "id": f"urn:uuid:{_uuid(rng)}"
        if rng.random() < 0.7
        else f"https://{domain}/credentials/{_uuid(rng)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": ach["name"],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if rng.random() < 0.4:
        cred["validUntil"] = _date(rng, 2027, 5)
    if rng.random() < 0.3:
        cred["description"] = ach["description"]
    cred["credentialSubject"] = subject
    if rng.random() < 0.8:
        statuses = []
        for purpose in ("revocation", "suspension")[: rng.randint(1, 2)]:
            lst = f"https://{domain}/status/{purpose[:3]}-{rng.randint(1, 9)}"
            if rng.random() < 0.3:
                lst = f"https://{domain}/status/{_uuid(rng)}"
            index = str(rng.randrange(131072 * rng.choice([1, 1, 2, 8])))
            statuses.append(
                {
                    "id": f"{lst}#{index}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": purpose,
                    "statusListIndex": index,
                    "statusListCredential": lst,
                }
            )
        cred["credentialStatus"] = (
            statuses[0] if len(statuses) == 1 and rng.random() < 0.5 else statuses
        )
    if rng.random() < 0.7:
        cred["credentialSchema"] = [
            {"id": SCHEMA, "type": rng.choice(["1EdTechJsonSchemaValidator2019", "JsonSchema"])}
        ]
    cred["proof"] = {
        "type": "DataIntegrityProof",
        "created": valid_from,
        "verificationMethod": vm,
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "proofValue": _z58(rng, 64),
    }
    return cred


def presentation(rng: random.Random, n_credentials: int = 1) -> dict[str, Any]:
    """A VerifiablePresentation of ``n_credentials`` credentials bound to a nonce."""
    holder_key = SigningKey.from_seed(rng.randbytes(32))
    challenge = rng.choice(
        [
            rng.randbytes(16).hex(),
            base58.b58encode(rng.randbytes(16)).decode(),
            _uuid(rng),
            "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8)),
        ]
    )
    vp: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"]}
    if rng.random() < 0.5:
        vp["id"] = f"urn:uuid:{_uuid(rng)}"
    vp["holder"] = holder_key.did
    vp["verifiableCredential"] = [credential(rng, holder_key.did) for _ in range(n_credentials)]
    vp["proof"] = {
        "type": "DataIntegrityProof",
        "created": _date(rng, 2026, 1),
        "verificationMethod": holder_key.verification_method,
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "authentication",
        "challenge": challenge,
        "domain": "https://" + rng.choice(VERIFIERS),
        "proofValue": _z58(rng, 64),
    }
    return vp


def _reorder(rng: random.Random, value: Any, how: str) -> Any:
    if isinstance(value, dict):
        items = [(k, _reorder(rng, v, how)) for k, v in value.items()]
        if how == "sorted":
            items.sort()
        elif how == "shuffled":
            rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [_reorder(rng, v, how) for v in value]
    return value


def compact(value: Any) -> bytes:
    """The exact bytes the QR format compresses: compact UTF-8 JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def samples(seed: int, n: int) -> list[bytes]:
    """``n`` training samples: mostly presentations (1-3 credentials), some bare credentials.

    Key order varies (as built, sorted like JCS, shuffled) because other producers
    and re-serializers do not keep ours.
    """
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        r = rng.random()
        doc = credential(rng) if r < 0.25 else presentation(rng, rng.choice([1, 1, 1, 2, 3]))
        how = rng.choices(["built", "sorted", "shuffled"], [0.6, 0.3, 0.1])[0]
        out.append(compact(_reorder(rng, doc, how)))
    return out


def train() -> bytes:
    """Train the dictionary deterministically (fixed parameters, one thread)."""
    d = zstandard.train_dictionary(
        DICT_SIZE,
        samples(TRAIN_SEED, N_SAMPLES),
        dict_id=DICT_ID,
        threads=1,
        **TRAIN_PARAMS,
    )
    return d.as_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--train", action="store_true", help="rebuild the shipped dictionary")
    group.add_argument("--check", action="store_true", help="compare with the shipped dictionary")
    args = parser.parse_args()
    data = train()
    digest = hashlib.sha256(data).hexdigest()
    print(f"dictionary: {len(data)} bytes, id {DICT_ID:#x}, sha256 {digest}")
    if args.train:
        DICT_PATH.write_bytes(data)
        print(f"wrote {DICT_PATH.relative_to(ROOT)}")
        return 0
    same = DICT_PATH.exists() and DICT_PATH.read_bytes() == data
    print("matches the shipped dictionary" if same else "DIFFERS from the shipped dictionary")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
