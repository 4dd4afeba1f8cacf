"""Realistic level badges for the verifier page tests: a skill from the life-skills
framework at a level with its five behaviours, evidence (a URL, a narrative, a file by
digest), the learner's name (hashed or plain), a badge image of some 30 KB, and the
issuer's revocation and suspension entries, built by the production builder.
"""

from __future__ import annotations

import base64
import io
import random
from datetime import UTC, datetime
from typing import Any

from PIL import Image

from shared.credentials import issue_credential
from shared.keys import SigningKey
from shared.ob.build import build_credential
from shared.ob.identity import hash_name
from shared.ob.models import Achievement, Evidence, IdentityObject, Profile, Result
from shared.skills import builtin, to_achievement, to_result
from shared.status_list import build_status_entry
from shared.vocab import CREDENTIALS_V2, OB_V3P0_303
from tests.verifier.helpers import GOOD_INDEX, ISSUER, ISSUER_NAME, LEARNER, LIST_URL, OTHER, signed

BASE = "https://leerhuis-utrecht.example"
LEARNER_NAME = "Sanne de Vries"
AWARDED = datetime(2026, 10, 14, 9, 0, tzinfo=UTC)


def badge_png(seed: int = 7, side: int = 160) -> bytes:
    """A deterministic round badge PNG of some 30-60 KB (a fine grain keeps it from
    compressing to nothing, as a photo-like badge would)."""
    from PIL import ImageDraw

    rng = random.Random(seed)
    hue = [(29, 78, 216), (11, 107, 46), (164, 22, 26), (122, 74, 0)][seed % 4]
    image = Image.new("RGB", (side, side), (250, 250, 247))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, side - 4, side - 4), fill=hue)
    draw.ellipse((18, 18, side - 18, side - 18), fill=(255, 255, 255))
    draw.ellipse((30, 30, side - 30, side - 30), fill=hue)
    draw.polygon(
        [
            (side / 2, 44),
            (side / 2 + 14, side / 2),
            (side / 2, side - 44),
            (side / 2 - 14, side / 2),
        ],
        fill=(255, 215, 0),
    )
    pixels = image.load()
    for y in range(side):
        for x in range(side):
            r, g, b = pixels[x, y]
            d = rng.randrange(-14, 15)
            pixels[x, y] = (
                max(0, min(255, r + d)),
                max(0, min(255, g + d)),
                max(0, min(255, b + d)),
            )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def level_badge(
    skill_id: str = "doorzettingsvermogen",
    level: int = 3,
    *,
    language: str = "nl",
    index: int = GOOD_INDEX,
    suspension_index: int | None = GOOD_INDEX,
    name: str | None = LEARNER_NAME,
    hashed: bool = True,
    image: str | None = None,
    credential_id: str = "urn:uuid:5f0c7e1a-3b2d-4c8e-9a7f-1d2e3f4a5b6c",
    endorsements: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A signed level credential (``suspension_index`` None: only a revocation entry)."""
    framework = builtin("levensvaardigheden")
    skill = framework.skill(skill_id)
    achievement = to_achievement(
        framework,
        skill,
        achievement_id=f"{BASE}/achievements/levensvaardigheden-{skill_id}-{language}",
        framework_url=f"{BASE}/frameworks/levensvaardigheden",
        language=language,
    )
    achievement["image"] = {
        "id": image or data_uri(badge_png(seed=sum(map(ord, skill_id)))),
        "type": "Image",
        "caption": skill_id,
    }
    identifier = None
    if name is not None:
        salt = "9f86d081884c7d65"
        identifier = [
            IdentityObject(
                hashed=hashed,
                identity_hash=hash_name(name, salt) if hashed else name,
                identity_type="name",
                salt=salt if hashed else None,
            )
        ]
    unsigned = build_credential(
        achievement=Achievement.model_validate(achievement),
        issuer=Profile(id=ISSUER.did, name=ISSUER_NAME),
        subject_id=LEARNER.did,
        credential_id=credential_id,
        valid_from=AWARDED,
        awarded_date=AWARDED,
        results=[Result.model_validate(to_result(achievement, level))],
        evidence=[
            Evidence(
                id=f"{BASE}/bewijs/menukaart-najaar",
                name="De nieuwe menukaart",
                narrative="Sanne ontwierp de najaarskaart en hield vol na twee mislukte "
                "proefavonden.",
            )
        ],
        identifier=identifier,
        credential_status=[build_status_entry(f"{LIST_URL}/revocation", index, "revocation")],
    )
    if suspension_index is not None:
        unsigned["credentialStatus"] = [
            unsigned["credentialStatus"],
            build_status_entry(f"{LIST_URL}/suspension", suspension_index, "suspension"),
        ]
    if endorsements:
        unsigned["endorsement"] = endorsements
    return signed(unsigned)


def endorsement(
    badge_id: str,
    *,
    key: SigningKey = OTHER,
    name: str = "Hotel De Zwaan",
    comment: str = "Sanne hield de nieuwe kaart overeind toen twee proefavonden mislukten.",
) -> dict[str, Any]:
    """An OB 3.0 ``EndorsementCredential`` of ``badge_id`` signed by ``key``."""
    unsigned = {
        "@context": [CREDENTIALS_V2, OB_V3P0_303],
        "id": "urn:uuid:7d3c2b1a-0e4f-4c8e-9a7f-1d2e3f4a5b6c",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": f"Aanbeveling van {name}",
        "issuer": {"id": key.did, "type": ["Profile"], "name": name},
        "validFrom": "2026-10-20T10:00:00Z",
        "credentialSubject": {
            "id": badge_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": comment,
        },
    }
    return issue_credential(unsigned, key, created=AWARDED)
