"""ecdsa-sd-2023 on a real Rugzak Open Badge: issue, disclose a part, verify.

The issuer is a did:web with two keys, as a Rugzak issuer would publish them:
Ed25519 for eddsa-rdfc-2022 and its status lists, P-256 for the selective
disclosure base proof. A second scenario uses a bare P-256 did:key issuer.
"""

from __future__ import annotations

import base64
import copy
import io
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image as PILImage

from shared import qr
from shared.credentials import issue_credential, verify_credential
from shared.did import StaticResolver
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.keys import P256SigningKey, SigningKey
from shared.ob.build import build_credential
from shared.ob.disclosure import can_disclose, disclose, mandatory_pointers, selective_pointers
from shared.ob.models import (
    Achievement,
    Alignment,
    Criteria,
    Evidence,
    IdentityObject,
    Image,
    Profile,
    Result,
    ResultDescription,
)
from shared.proof import verify_proofs
from shared.proof.ecdsa_sd import create_base_proof, derive_proof
from shared.status_cache import LocalStatusSource
from shared.status_list import (
    BitstringStatusList,
    build_status_entry,
    build_status_list_credential,
)
from shared.verification import Verdict

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUER_DID = "did:web:leerhuis-utrecht.example"
ED_KEY = SigningKey.from_seed(b"\x41" * 32).with_controller(ISSUER_DID, "key-1")
SD_KEY = P256SigningKey.from_private_bytes(b"\x42" * 32).with_controller(ISSUER_DID, "sd-1")
LEARNER = SigningKey.from_seed(b"\x43" * 32)
LIST_URL = "https://leerhuis-utrecht.example/status/revocation-1"


def _png(width: int, height: int, seed: int) -> str:
    """A noisy PNG data URI (noise does not compress: a realistic badge-image size)."""
    rng = random.Random(seed)
    image = PILImage.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


BADGE_IMAGE = _png(96, 96, 1)


def _did_document() -> dict[str, Any]:
    methods = [
        {
            "id": f"{ISSUER_DID}#key-1",
            "type": "Multikey",
            "controller": ISSUER_DID,
            "publicKeyMultibase": ED_KEY.public_multibase,
        },
        {
            "id": f"{ISSUER_DID}#sd-1",
            "type": "Multikey",
            "controller": ISSUER_DID,
            "publicKeyMultibase": SD_KEY.public_multibase,
        },
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER_DID,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


RESOLVER = StaticResolver({ISSUER_DID: _did_document()})


def _status_source(revoked: frozenset[int] = frozenset()) -> LocalStatusSource:
    bits = BitstringStatusList(131_072)
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_url=LIST_URL,
        issuer=ISSUER_DID,
        purpose="revocation",
        status_list=bits,
        valid_from=NOW - timedelta(days=1),
    )
    return LocalStatusSource(
        {LIST_URL: issue_credential(unsigned, ED_KEY, created=NOW - timedelta(days=1))}
    )


def _credential(
    issuer_id: str = ISSUER_DID, status: bool = True, allowed_values: bool = True
) -> dict[str, Any]:
    """A full Rugzak badge; ``allowedValue`` is an RDF list (``@list``) in the OB context."""
    rubric = ResultDescription(
        id="urn:uuid:3f7a2c1e-5b7d-4e9a-8c21-9d4e6f1a2b3c",
        name="Niveau",
        result_type="PerformanceLevel",
        allowed_value=["1", "2", "3"] if allowed_values else None,
        required_value="2",
    )
    return build_credential(
        achievement=Achievement(
            id="https://leerhuis-utrecht.example/achievements/lassen-2",
            name="Lassen, niveau 2",
            description="Last veilig met MIG/MAG op plaatstaal tot 6 mm.",
            criteria=Criteria(narrative="Legt drie proefstukken af die de buigproef doorstaan."),
            image=Image(id=BADGE_IMAGE, caption="Lassen 2"),
            alignment=[Alignment(target_name="Lassen", target_url="https://skills.example/lassen")],
            result_description=[rubric],
        ),
        issuer=Profile(id=issuer_id, name="Leerhuis Utrecht", url="https://leerhuis.example"),
        subject_id=LEARNER.did,
        credential_id="urn:uuid:6c0f4e9a-1d2b-4c3e-8f5a-7b9d0e1f2a3b",
        valid_from=NOW - timedelta(days=30),
        valid_until=NOW + timedelta(days=700),
        results=[Result(result_description=rubric.id, value="2", status="Completed")],
        evidence=[
            Evidence(
                id="https://leerhuis-utrecht.example/evidence/8841",
                name="Proefstukken Sanne de Vries",
                narrative="Drie proefstukken, buigproef op 12 oktober.",
            )
        ],
        identifier=[IdentityObject.hashed_identity("sanne.devries@example.nl", salt="c41b")],
        credential_status=[build_status_entry(LIST_URL, 4711, "revocation")] if status else None,
    )


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    cred = _credential()
    assert len(BADGE_IMAGE) > 20_000
    return create_base_proof(
        cred, SD_KEY, created=NOW - timedelta(days=1), mandatory_pointers=mandatory_pointers(cred)
    )


@pytest.fixture(scope="module")
def disclosed(base: dict[str, Any]) -> dict[str, Any]:
    unsecured = {k: v for k, v in base.items() if k != "proof"}
    return derive_proof(base, selective_pointers(unsecured, {"result"}))


def test_mandatory_pointers_cover_what_the_issue_requires() -> None:
    pointers = mandatory_pointers(_credential())
    for wanted in (
        "/issuer",
        "/type",
        "/credentialSubject/achievement/id",
        "/credentialSubject/achievement/name",
        "/validFrom",
        "/validUntil",
        "/credentialStatus",
    ):
        assert wanted in pointers
    assert "/credentialStatus" not in mandatory_pointers(_credential(status=False))


def test_the_disclosed_badge_hides_what_the_learner_hid(
    base: dict[str, Any], disclosed: dict[str, Any]
) -> None:
    subject = disclosed["credentialSubject"]
    assert "evidence" not in disclosed
    assert "identifier" not in subject
    assert "image" not in subject["achievement"]
    assert "alignment" not in subject["achievement"]
    assert "resultDescription" not in subject["achievement"]
    assert subject["result"] == base["credentialSubject"]["result"]
    assert subject["id"] == LEARNER.did
    assert disclosed["issuer"] == base["issuer"]
    assert disclosed["credentialStatus"] == base["credentialStatus"]
    assert subject["achievement"]["name"] == "Lassen, niveau 2"
    # Hiding the image is what makes a one-badge QR code possible.
    assert len(str(disclosed)) < len(str(base)) // 3


def test_the_disclosed_badge_verifies_with_status(disclosed: dict[str, Any]) -> None:
    result = verify_credential(
        disclosed, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW
    )
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.verified
    assert result.codes() == [], "no warning either (proof is an array, for the OB schema)"
    proof = verify_proofs(disclosed, RESOLVER)[0]
    assert proof.ok
    assert proof.cryptosuite == "ecdsa-sd-2023"
    assert proof.controller == ISSUER_DID


def test_a_revoked_disclosed_badge_is_revoked(disclosed: dict[str, Any]) -> None:
    result = verify_credential(
        disclosed,
        resolver=RESOLVER,
        status_fetcher=_status_source(frozenset({4711})),
        now=NOW,
    )
    assert not result.verified
    assert ErrorCode.revoked in result.codes()


def test_a_tampered_disclosed_badge_fails(disclosed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(disclosed)
    tampered["credentialSubject"]["result"][0]["value"] = "3"
    result = verify_credential(
        tampered, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW
    )
    assert result.verdict == Verdict.invalid
    assert ErrorCode.proof_invalid in result.codes()


def test_an_over_disclosed_badge_fails(base: dict[str, Any], disclosed: dict[str, Any]) -> None:
    """Putting the hidden evidence back, even unchanged, is not what the holder derived."""
    over = copy.deepcopy(disclosed)
    over["evidence"] = base["evidence"]
    result = verify_credential(over, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW)
    assert ErrorCode.proof_invalid in result.codes()


def test_the_base_proof_is_refused_by_verifiers(base: dict[str, Any]) -> None:
    result = verify_credential(base, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW)
    assert not result.verified
    assert ErrorCode.base_proof_presented in result.codes()


def test_a_base_proof_beside_an_eddsa_proof_is_an_unchecked_extra() -> None:
    """The holder's copy from an issuer that signs both ways stays verifiable as a whole
    by a verifier, which does not check the base proof (the holder does:
    ``test_ecdsa_sd_confirm``)."""
    cred = _credential()
    both = create_base_proof(
        issue_credential(cred, ED_KEY, created=NOW - timedelta(days=1)),
        SD_KEY,
        created=NOW - timedelta(days=1),
        mandatory_pointers=mandatory_pointers(cred),
    )
    assert [p["cryptosuite"] for p in both["proof"]] == ["eddsa-rdfc-2022", "ecdsa-sd-2023"]
    result = verify_credential(both, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW)
    assert result.verified, result.to_dict()
    outcomes = verify_proofs(both, RESOLVER)
    assert [o.ok for o in outcomes] == [True, False]
    assert outcomes[1].code == ErrorCode.base_proof_presented
    disclosed = derive_proof(both, [])
    assert [p["cryptosuite"] for p in disclosed["proof"]] == ["ecdsa-sd-2023"]
    assert verify_credential(
        disclosed, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW
    ).verified


def test_disclosing_everything_selectable_verifies(base: dict[str, Any]) -> None:
    unsecured = {k: v for k, v in base.items() if k != "proof"}
    everything = selective_pointers(
        unsecured, {"result", "identifier", "evidence", "image", "alignment"}
    )
    full = derive_proof(base, everything)
    assert full["credentialSubject"]["identifier"] == base["credentialSubject"]["identifier"]
    assert full["evidence"] == base["evidence"]
    result = verify_credential(full, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW)
    assert result.verified, result.to_dict()


def test_a_p256_did_key_issuer_verifies() -> None:
    key = P256SigningKey.from_private_bytes(b"\x44" * 32)
    cred = _credential(issuer_id=key.did, status=False)
    base = create_base_proof(
        cred, key, created=NOW - timedelta(days=1), mandatory_pointers=mandatory_pointers(cred)
    )
    disclosed = derive_proof(base, [])
    assert key.did.startswith("did:key:zDn")
    result = verify_credential(disclosed, now=NOW)
    assert result.verified, result.to_dict()
    assert "result" not in disclosed["credentialSubject"]


def test_an_ed25519_key_cannot_carry_an_sd_proof(disclosed: dict[str, Any]) -> None:
    forged = copy.deepcopy(disclosed)
    forged["proof"][0]["verificationMethod"] = f"{ISSUER_DID}#key-1"
    assert verify_proofs(forged, RESOLVER)[0].code == ErrorCode.unsupported_key_type


def test_a_p384_did_key_stays_unsupported() -> None:
    p384 = "did:key:z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ"
    with pytest.raises(Unsupported) as info:
        StaticResolver().resolve(p384)
    assert info.value.code == ErrorCode.unsupported_key_type


def test_a_garbled_p256_did_key_is_malformed() -> None:
    with pytest.raises(InvalidInput) as info:
        StaticResolver().resolve("did:key:zDnaeTHfhmSaQKBc7CmdL3K7oYg")
    assert info.value.code == ErrorCode.malformed_did
    did = P256SigningKey.from_private_bytes(b"\x45" * 32).did
    document = StaticResolver().resolve(did)
    assert document["verificationMethod"][0]["publicKeyMultibase"].startswith("zDn")


def test_hiding_the_image_makes_a_one_code_qr(
    base: dict[str, Any], disclosed: dict[str, Any]
) -> None:
    """The full badge (30 KB image) needs dozens of QR codes; the disclosure needs one."""
    assert len(qr.encode(base)) > 20
    texts = qr.encode(disclosed)
    assert len(texts) == 1
    back = qr.decode(texts)
    assert back == disclosed
    result = verify_credential(back, resolver=RESOLVER, status_fetcher=_status_source(), now=NOW)
    assert result.verified, result.to_dict()


def test_the_wallet_helpers(base: dict[str, Any], disclosed: dict[str, Any]) -> None:
    assert can_disclose(base)
    assert not can_disclose(disclosed)
    assert not can_disclose(issue_credential(_credential(), ED_KEY, created=NOW))
    assert disclose(base, {"result"}) == disclosed
    with pytest.raises(ValueError, match="not a selectable part"):
        disclose(base, {"name"})
