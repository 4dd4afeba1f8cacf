"""Realistic presentations for the QR tests, written by hand (not by the corpus generator).

The zstd dictionary was trained on bench/qr_corpus.py output; these samples use
other issuers, wording, frameworks and identifiers so the size checks measure
the dictionary on unseen text. Also wraps real DCC fixtures in a presentation.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import base58

from shared.keys import SigningKey
from shared.vocab import OB_V3P0_303 as OB
from tests.conftest import load_vector

V2 = "https://www.w3.org/ns/credentials/v2"
DCC_COMPLEX = (
    "dcc/vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "oidf-noStatus-notExpired-complexIssuer.json"
)

_BADGES = [
    (
        "Doorzettingsvermogen, niveau 2",
        "Wie deze badge draagt, heeft tijdens een leerwerktraject van zes maanden laten zien "
        "dat hij of zij taken afmaakt, ook als het tegenzit, en hulp vraagt op het juiste moment.",
        "Beoordeeld door de praktijkopleider aan de hand van drie observaties op de werkvloer "
        "en een eindgesprek met de student. Alle observaties moeten minstens voldoende zijn.",
    ),
    (
        "Veilig werken met gereedschap",
        "The holder handled power tools and hand tools safely during a workshop week, "
        "following the site rules for protective equipment and tidy workplaces.",
        "Practical exam observed by two instructors; no safety violations allowed.",
    ),
    (
        "Gastvrijheid in de horeca",
        "Laat zien dat de houder gasten ontvangt, bestellingen opneemt en klachten vriendelijk "
        "afhandelt, in het Nederlands en in het Engels.",
        "Twee diensten in het leerrestaurant, beoordeeld met het gastvrijheidsprotocol.",
    ),
]


def _proof_value(seed: int) -> str:
    return "z" + base58.b58encode(bytes((seed * 7 + i) % 256 for i in range(64))).decode()


def credential(holder: str, index: int = 0) -> dict[str, Any]:
    """An OB 3.0 credential as Rugzak's issuer makes it (fake but well-formed proof)."""
    issuer = SigningKey.from_seed(bytes([40 + index]) * 32)
    name, description, narrative = _BADGES[index % len(_BADGES)]
    status_list = f"https://badges.mboamstelland.example/status/{3 + index}"
    return {
        "@context": [V2, OB],
        "id": f"urn:uuid:6f1c2d3e-4a5b-4c7d-8e9f-0a1b2c3d4e{index:02d}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": {
            "id": issuer.did,
            "type": ["Profile"],
            "name": "MBO College Amstelland",
            "url": "https://www.mboamstelland.example",
            "email": "open-badges@mboamstelland.example",
            "image": {"id": "https://www.mboamstelland.example/beeldmerk.svg", "type": "Image"},
        },
        "validFrom": "2026-09-14T08:30:00Z",
        "validUntil": "2031-09-14T08:30:00Z",
        "credentialSubject": {
            "id": holder,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"https://badges.mboamstelland.example/achievements/{7 + index}",
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": name,
                "description": description,
                "criteria": {
                    "id": f"https://badges.mboamstelland.example/criteria/{7 + index}",
                    "narrative": narrative,
                },
                "image": {
                    "id": f"https://badges.mboamstelland.example/img/{7 + index}.png",
                    "type": "Image",
                    "caption": name,
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Werkhouding en beroepshouding",
                        "targetUrl": "https://kwalificaties.example.nl/generiek/werkhouding",
                        "targetFramework": "Generieke onderdelen mbo",
                        "targetCode": "GO-B1-K2",
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "Persistence",
                        "targetUrl": "https://skills.example.org/taxonomy/persistence",
                        "targetType": "ext:SoftSkill",
                    },
                ],
                "inLanguage": "nl",
            },
        },
        "credentialStatus": [
            {
                "id": f"{status_list}#{90211 + index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(90211 + index),
                "statusListCredential": status_list,
            },
            {
                "id": f"{status_list}s#{17 + index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": str(17 + index),
                "statusListCredential": f"{status_list}s",
            },
        ],
        "credentialSchema": [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
        "proof": {
            "type": "DataIntegrityProof",
            "created": "2026-09-14T08:30:00Z",
            "verificationMethod": issuer.verification_method,
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "proofValue": _proof_value(index),
        },
    }


def wrap(credentials: list[dict[str, Any]], holder: SigningKey) -> dict[str, Any]:
    """A VerifiablePresentation bound to a verifier nonce and origin."""
    return {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": credentials,
        "proof": {
            "type": "DataIntegrityProof",
            "created": "2026-11-23T12:00:00Z",
            "verificationMethod": holder.verification_method,
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "authentication",
            "challenge": "b3e1f0c4a9d24c7f8e2a6d1b5c9f0e37",
            "domain": "https://sollicitatie.zorgpunt.example",
            "proofValue": _proof_value(99),
        },
    }


def presentation(n_credentials: int = 1) -> dict[str, Any]:
    """A presentation of ``n_credentials`` Rugzak-style credentials."""
    holder = SigningKey.from_seed(b"\x07" * 32)
    return wrap([credential(holder.did, i) for i in range(n_credentials)], holder)


def dcc_presentation() -> dict[str, Any]:
    """A real DCC fixture (3 KB, complex issuer) in a presentation."""
    holder = SigningKey.from_seed(b"\x08" * 32)
    cred = copy.deepcopy(load_vector(DCC_COMPLEX))
    cred["credentialSubject"]["id"] = holder.did
    return wrap([cred], holder)


def json_size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())


def test_one_credential_presentation_is_the_size_the_design_names() -> None:
    """The fit-in-one-code check below is only meaningful for a ~3.4 KB presentation."""
    assert 3200 <= json_size(presentation(1)) <= 3700


def test_dcc_presentation_is_at_least_as_big() -> None:
    assert json_size(dcc_presentation()) >= 3400
