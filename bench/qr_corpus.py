"""Synthetic Open Badges 3.0 corpus for the QR zstd dictionary.

The dictionary behind codec ``Z`` of the QR text format (see docs/qr-format.md) is
trained on presentations and credentials shaped the way Rugzak builds them:
VCDM 2.0 + OB context-3.0.3, a did:key or did:web issuer Profile, a did:key holder,
DataIntegrityProof eddsa-rdfc-2022 fields with random proofValues, Bitstring
Status List entries, and varied Dutch and English names, descriptions, criteria
and alignments. Nothing here is copied from the test inputs, so measurements on
those inputs are not measurements on the training set.

Everything is seeded, so bench/qr_dictionary.py rebuilds the shipped dictionary
byte for byte from it.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from pathlib import Path
from typing import Any

import base58

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qr_corpus_vocab import (  # noqa: E402
    ACH_TYPES,
    CITIES,
    CRIT_EN,
    CRIT_NL,
    DESC_EN,
    DESC_NL,
    ENDORSEMENTS,
    EVIDENCE_EN,
    EVIDENCE_NL,
    FIELDS,
    FRAMEWORKS,
    ISSUERS,
    LEVELS_EN,
    LEVELS_NL,
    NAMES,
    SKILLS_EN,
    SKILLS_NL,
    TAGS,
    VERIFIERS,
)

from shared.keys import SigningKey  # noqa: E402
from shared.vocab import ACHIEVEMENT_CREDENTIAL_SCHEMA as SCHEMA  # noqa: E402
from shared.vocab import CREDENTIALS_V1 as V1  # noqa: E402
from shared.vocab import CREDENTIALS_V2 as V2  # noqa: E402
from shared.vocab import ED25519_2020_V1 as ED2020  # noqa: E402
from shared.vocab import OB_V3P0_303 as OB  # noqa: E402
from shared.vocab import OB_V3P0_LEGACY as OB_LEGACY  # noqa: E402


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
    """One signed-looking OpenBadgeCredential (random proofValue).

    Written field by field on purpose, not with shared.ob.build: the shipped dictionary
    is pinned by its SHA-256 and must be rebuilt byte for byte from this generator, and
    its random choices (optional fields, several shapes) are part of that recipe.
    """
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
    _extras(rng, cred, dutch)
    return cred


def _extras(rng: random.Random, cred: dict[str, Any], dutch: bool) -> None:
    """Rarer OB 3.0 features seen in the field: richer profiles, evidence, results,
    hashed identifiers, endorsements, Ed25519Signature2020 proof sets, VCDM 1.1."""
    issuer, subject = cred["issuer"], cred["credentialSubject"]
    ach, domain = subject["achievement"], str(issuer.get("url", "https://x.nl"))[8:]
    if rng.random() < 0.15:
        issuer["phone"] = f"+31 {rng.randint(10, 99)} {rng.randint(1000000, 9999999)}"
    if rng.random() < 0.1:
        city, postcode, street = rng.choice(CITIES)
        issuer["address"] = {
            "type": ["Address"],
            "addressCountry": "Nederland",
            "addressCountryCode": "NL",
            "addressLocality": city,
            "streetAddress": street,
            "postalCode": postcode,
        }
    if rng.random() < 0.1:
        issuer["otherIdentifier"] = [
            {
                "type": ["IdentifierEntry"],
                "identifier": str(rng.randint(10**7, 10**8)),
                "identifierType": rng.choice(["sourcedId", "ext:KvK"]),
            }
        ]
    if rng.random() < 0.1:
        issuer["parentOrg"] = {
            "id": f"https://{domain}/org",
            "type": ["Profile"],
            "name": rng.choice(ISSUERS)[0],
        }
    if rng.random() < 0.1:
        salt = rng.randbytes(8).hex()
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": "sha256$" + rng.randbytes(32).hex(),
                "identityType": "emailAddress",
                "salt": salt,
            }
        ]
    if rng.random() < 0.2:
        cred["awardedDate"] = cred["validFrom"]
    if rng.random() < 0.1:
        ach["creditsAvailable"] = rng.choice([1, 2.5, 3, 5])
    if rng.random() < 0.1:
        ach["fieldOfStudy"] = rng.choice(FIELDS)
    if rng.random() < 0.1:
        rd_id = f"https://{domain}/results/{rng.randint(1, 99)}"
        levels = rng.choice([LEVELS_NL, LEVELS_EN])[:3]
        ach["resultDescription"] = [
            {
                "id": rd_id,
                "type": ["ResultDescription"],
                "name": rng.choice(["Beoordeling", "Assessment"]),
                "resultType": rng.choice(["RubricCriterionLevel", "Status", "LetterGrade"]),
                "allowedValue": levels,
            }
        ]
        subject["result"] = [
            {"type": ["Result"], "resultDescription": rd_id, "value": rng.choice(levels)}
        ]
    if rng.random() < 0.15:
        name, text = rng.choice(EVIDENCE_NL if dutch else EVIDENCE_EN)
        cred["evidence"] = [
            {
                "id": f"https://{domain}/evidence/{_uuid(rng)}",
                "type": ["Evidence"],
                "name": name,
                "narrative": text,
                "genre": rng.choice(["Portfolio", "Assessment", "Report"]),
            }
        ]
    if rng.random() < 0.05:
        issuer["endorsement"] = [_endorsement(rng, issuer["id"])]
    if rng.random() < 0.1:
        # DCC-style proof set: eddsa-rdfc-2022 beside Ed25519Signature2020
        cred["@context"].append(ED2020)
        legacy = {k: v for k, v in cred["proof"].items() if k != "cryptosuite"}
        cred["proof"] = [
            cred["proof"],
            {**legacy, "type": "Ed25519Signature2020", "proofValue": _z58(rng, 64)},
        ]
    elif rng.random() < 0.08:
        # a VCDM 1.1 credential as older wallets hold them
        cred["@context"] = [V1, OB_LEGACY, ED2020]
        cred["issuanceDate"] = cred.pop("validFrom")
        if "validUntil" in cred:
            cred["expirationDate"] = cred.pop("validUntil")
        cred.pop("credentialStatus", None)
        cred["proof"] = {k: v for k, v in cred["proof"].items() if k != "cryptosuite"}
        cred["proof"]["type"] = "Ed25519Signature2020"


def _endorsement(rng: random.Random, endorsed: str) -> dict[str, Any]:
    endorser = _did_key(rng)
    created = _date(rng)
    return {
        "@context": [V2, OB],
        "id": f"urn:uuid:{_uuid(rng)}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": rng.choice(["Erkenning", "Endorsement"]),
        "issuer": {"id": endorser, "type": ["Profile"], "name": rng.choice(ISSUERS)[0]},
        "validFrom": created,
        "credentialSubject": {
            "id": endorsed,
            "type": ["EndorsementSubject"],
            "endorsementComment": rng.choice(ENDORSEMENTS),
        },
        "proof": {
            "type": "DataIntegrityProof",
            "created": created,
            "verificationMethod": f"{endorser}#{endorser[8:]}",
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "proofValue": _z58(rng, 64),
        },
    }


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
