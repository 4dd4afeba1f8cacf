"""Badges signed for selective disclosure, as a Rugzak did:web issuer signs them.

The issuer holds an Ed25519 key (eddsa-rdfc-2022, its status lists) and a P-256
key (the ecdsa-sd-2023 base proof the learner derives disclosures from), both in
its DID document. The badge carries a 30 KB picture, evidence, a result and the
learner's hashed e-mail: every part a learner may hide.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.credentials import issue_credential
from shared.did import StaticResolver
from shared.keys import P256SigningKey, SigningKey
from shared.ob.build import build_credential
from shared.ob.disclosure import mandatory_pointers
from shared.ob.models import (
    Achievement,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    Result,
)
from shared.proof.ecdsa_sd import create_base_proof
from shared.status_cache import LocalStatusSource
from shared.status_list import BitstringStatusList, build_status_entry
from shared.status_list import build_status_list_credential as build_list
from tests.sample_images import badge_png, data_uri
from tests.wallet.helpers import NOW

SD_ISSUER = "did:web:leerhuis-utrecht.example"
SD_ED_KEY = SigningKey.from_seed(b"\x51" * 32).with_controller(SD_ISSUER, "key-1")
SD_P256_KEY = P256SigningKey.from_private_bytes(b"\x52" * 32).with_controller(SD_ISSUER, "sd-1")
SD_LIST_URL = "https://leerhuis-utrecht.example/status/revocation-1"
SD_INDEX = 4711
BADGE_IMAGE = data_uri(badge_png(30, seed=5))


def did_document() -> dict[str, Any]:
    methods = [
        {"id": f"{SD_ISSUER}#{fragment}", "type": "Multikey", "controller": SD_ISSUER,
         "publicKeyMultibase": key.public_multibase}
        for fragment, key in (("key-1", SD_ED_KEY), ("sd-1", SD_P256_KEY))
    ]  # fmt: skip
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": SD_ISSUER,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def sd_resolver() -> StaticResolver:
    return StaticResolver({SD_ISSUER: did_document()})


def sd_status_list(revoked: frozenset[int] = frozenset()) -> dict[str, Any]:
    bits = BitstringStatusList(131_072)
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_list(
        list_url=SD_LIST_URL,
        issuer=SD_ISSUER,
        purpose="revocation",
        status_list=bits,
        valid_from=NOW - timedelta(days=1),
    )
    return issue_credential(unsigned, SD_ED_KEY, created=NOW - timedelta(days=1))


def sd_status(revoked: frozenset[int] = frozenset()) -> LocalStatusSource:
    return LocalStatusSource({SD_LIST_URL: sd_status_list(revoked)})


def sd_badge(
    subject: str, *, number: int = 1, sd_proof: bool = True, eddsa: bool = True
) -> dict[str, Any]:
    """An OB 3.0 badge for ``subject`` with eddsa-rdfc-2022 and an ecdsa-sd-2023 base proof
    (without ``eddsa``: the base proof alone, as an issuer that signs only for selective
    disclosure sends it)."""
    unsigned = build_credential(
        achievement=Achievement(
            id=f"https://leerhuis-utrecht.example/achievements/lassen-{number}",
            name="Lassen, niveau 2",
            description="Last veilig met MIG/MAG op plaatstaal tot 6 mm.",
            criteria=Criteria(narrative="Legt drie proefstukken af die de buigproef doorstaan."),
            image=Image(id=BADGE_IMAGE, caption="Lassen 2"),
            alignment=[Alignment(target_name="Lassen", target_url="https://skills.example/lassen")],
        ),
        issuer=Profile(id=SD_ISSUER, name="Leerhuis Utrecht", url="https://leerhuis.example"),
        subject_id=subject,
        credential_id=f"urn:uuid:6c0f4e9a-1d2b-4c3e-8f5a-{number:012d}",
        valid_from=NOW - timedelta(days=30),
        valid_until=NOW + timedelta(days=700),
        results=[Result(value="2", status="Completed")],
        evidence=[
            Evidence(
                id="https://leerhuis-utrecht.example/evidence/8841",
                name="Proefstukken Fleur van der Berg-Özdemir",
                narrative="Drie proefstukken, buigproef op 12 oktober.",
            )
        ],
        identifier=[IdentityObject.hashed_identity("fleur.vdberg@example.nl", salt="c41b")],
        credential_status=[build_status_entry(SD_LIST_URL, SD_INDEX, "revocation")],
    )
    signed = (
        issue_credential(unsigned, SD_ED_KEY, created=NOW - timedelta(days=30))
        if eddsa
        else unsigned
    )
    if not sd_proof:
        return signed
    return create_base_proof(
        signed,
        SD_P256_KEY,
        created=NOW - timedelta(days=30),
        mandatory_pointers=mandatory_pointers(signed),
    )
