"""Realistic presentations for the QR tests (not made by the corpus generator).

The credentials come from the issuer's own builder and are really signed; the
presentation around them keeps a fixed stand-in proof. The zstd dictionary was trained
on bench/qr_corpus.py output; these samples use other issuers, wording, frameworks and
identifiers so the size checks measure the dictionary on unseen text. Also wraps real
DCC fixtures in a presentation.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import base58

from shared.credentials import issue_credential
from shared.keys import SigningKey
from shared.ob.build import build_credential
from shared.ob.models import Achievement, Alignment, Criteria, Image, Profile
from shared.status_list import build_status_entry
from tests.conftest import load_vector

V2 = "https://www.w3.org/ns/credentials/v2"
ISSUED = datetime(2026, 9, 14, 8, 30, tzinfo=UTC)
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
    """An OB 3.0 credential as Rugzak's issuer makes it: its builder, a real signature."""
    issuer = SigningKey.from_seed(bytes([40 + index]) * 32)
    name, description, narrative = _BADGES[index % len(_BADGES)]
    status_list = f"https://badges.mboamstelland.example/status/{3 + index}"
    achievement = Achievement(
        id=f"https://badges.mboamstelland.example/achievements/{7 + index}",
        achievement_type="Competency",
        name=name,
        description=description,
        criteria=Criteria(
            id=f"https://badges.mboamstelland.example/criteria/{7 + index}", narrative=narrative
        ),
        image=Image(id=f"https://badges.mboamstelland.example/img/{7 + index}.png", caption=name),
        alignment=[
            Alignment(
                target_name="Werkhouding en beroepshouding",
                target_url="https://kwalificaties.example.nl/generiek/werkhouding",
                target_framework="Generieke onderdelen mbo",
                target_code="GO-B1-K2",
            ),
            Alignment(
                target_name="Persistence",
                target_url="https://skills.example.org/taxonomy/persistence",
                target_type="ext:SoftSkill",
            ),
        ],
        in_language="nl",
    )
    unsigned = build_credential(
        achievement=achievement,
        issuer=Profile(
            id=issuer.did,
            name="MBO College Amstelland",
            url="https://www.mboamstelland.example",
            email="open-badges@mboamstelland.example",
            image=Image(id="https://www.mboamstelland.example/beeldmerk.svg"),
        ),
        subject_id=holder,
        credential_id=f"urn:uuid:6f1c2d3e-4a5b-4c7d-8e9f-0a1b2c3d4e{index:02d}",
        valid_from=ISSUED,
        valid_until=ISSUED.replace(year=2031),
        credential_status=[
            build_status_entry(status_list, 90211 + index, "revocation"),
            build_status_entry(f"{status_list}s", 17 + index, "suspension"),
        ],
    )
    return issue_credential(unsigned, issuer, created=ISSUED)


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
