"""Compiling what verification needs before the first badge arrives.

A process that has verified nothing yet compiles the Open Badges JSON Schemas into
Python (about a second) and builds the JSON-LD plans of each context it meets on
the first badge that needs them: the first employer after a restart waited one to
two seconds for an answer that takes a few milliseconds. Services call
:func:`warm_up` at start-up instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.canonical import canonize
from shared.ob.schema import warm_up as compile_schemas
from shared.vocab import CREDENTIALS_V1, CREDENTIALS_V2, OB_V3P0_303

_SUBJECT: dict[str, Any] = {
    "id": "did:example:learner",
    "type": ["AchievementSubject"],
    "achievement": {
        "id": "https://issuer.example/achievements/1",
        "type": ["Achievement"],
        "name": "Samenwerken",
        "criteria": {"narrative": "Laat het gedrag zien."},
    },
    "result": [{"type": ["Result"], "value": "3"}],
}
_PROOF: dict[str, Any] = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2026-01-01T00:00:00Z",
    "verificationMethod": "did:example:issuer#key-1",
    "proofPurpose": "assertionMethod",
}


def _badge(contexts: list[str], dates: dict[str, str]) -> dict[str, Any]:
    return {
        "@context": contexts,
        "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Leerhuis"},
        "credentialSubject": _SUBJECT,
        "credentialStatus": [
            {
                "id": "https://issuer.example/status/1#5",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "5",
                "statusListCredential": "https://issuer.example/status/1",
            }
        ],
        **dates,
    }


def _samples() -> list[dict[str, Any]]:
    """Small documents in the shapes a verifier meets: badges of VCDM 2.0 and 1.1, a
    presentation, a status list, and the proof options of each."""
    badge = _badge([CREDENTIALS_V2, OB_V3P0_303], {"validFrom": "2026-01-01T00:00:00Z"})
    old = _badge([CREDENTIALS_V1, OB_V3P0_303], {"issuanceDate": "2026-01-01T00:00:00Z"})
    del old["credentialStatus"]  # VCDM 1.1 names no Bitstring Status List terms
    presentation = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:learner",
        "verifiableCredential": [{**badge, "proof": [_PROOF]}],
    }
    status_list = {
        "@context": [CREDENTIALS_V2],
        "id": "https://issuer.example/status/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://issuer.example/status/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        },
    }
    documents: list[dict[str, Any]] = [badge, old, presentation, status_list]
    options = [{**_PROOF, "@context": document["@context"]} for document in (badge, presentation)]
    return documents + options


def warm_up() -> None:
    """Compile the schema validators and build the JSON-LD plans now (about a second)."""
    compile_schemas()
    for document in _samples():
        canonize(document)


def warm_up_issuing() -> None:
    """``warm_up``, and one credential built and signed as an issuer builds them (with
    a throwaway key): the builder's own schema checks and models are compiled too. The
    first award after a start took about half a second, the next ones milliseconds."""
    from shared.credentials.issuing import issue_credential
    from shared.keys import SigningKey
    from shared.ob.build import Prebuilt, build_credential
    from shared.ob.models import (
        Achievement,
        Criteria,
        Evidence,
        IdentityObject,
        Image,
        Profile,
        Result,
        ResultDescription,
    )
    from shared.status_list import build_status_entry

    warm_up()
    key = SigningKey.generate()
    level = ResultDescription(
        id="urn:uuid:00000000-0000-4000-8000-000000000001",
        name="Niveau",
        result_type="PerformanceLevel",
        allowed_value=["1", "2", "3", "4"],
    )
    achievement = Achievement(
        id="https://issuer.example/achievements/1",
        name="Samenwerken",
        description="Werkt samen in een team.",
        criteria=Criteria(narrative="Laat het gedrag zien."),
        image=Image(id="https://issuer.example/images/1.png"),
        result_description=[level],
    )
    issuer = Profile(id=key.did, name="Leerhuis", image=Image(id="https://issuer.example/l.png"))
    now = datetime.now(UTC).replace(microsecond=0)
    for parts in ((achievement, issuer), (Prebuilt.of(achievement), Prebuilt.of(issuer))):
        unsigned = build_credential(
            achievement=parts[0],
            issuer=parts[1],
            subject_id=key.did,
            credential_id="urn:uuid:00000000-0000-4000-8000-000000000002",
            valid_from=now,
            results=[Result(result_description=level.id, value="3")],
            evidence=[Evidence(id="https://portfolio.example/1", narrative="Begeleidde een team.")],
            identifier=[IdentityObject.hashed_identity("leerling@example.nl", salt="0" * 16)],
            credential_status=[
                build_status_entry("https://issuer.example/status/1", 5, "revocation"),
                build_status_entry("https://issuer.example/status/2", 5, "suspension"),
            ],
        )
        issue_credential(unsigned, key, created=now)
