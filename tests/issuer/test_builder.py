"""The issuer signs exactly what the shared builder makes: there is one credential shape."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from issuer.achievements import parse_input
from issuer.awards import AwardIn, EvidenceIn, ResultIn
from issuer.service import Issuer
from issuer.service.base import AwardRequest
from issuer.settings import IssuerSettings
from shared.credentials import issue_credential
from shared.ob import Achievement, Evidence, IdentityObject, Profile, Result, build_credential
from tests.issuer.conftest import ACHIEVEMENT, HOLDER, FakeClock, make_issuer

AWARD = AwardIn(
    results=[ResultIn(value="3")],
    evidence=[
        EvidenceIn(
            url="https://portfolio.example/sanne/stage-verslag",
            name="Stageverslag",
            narrative="Sanne de Vries rondde haar stage bij Bakkerij Jansen af.",
        )
    ],
)


def _issue(issuer: Issuer, achievement_id: str, email: str | None) -> dict[str, Any]:
    request = AwardRequest(achievement_id, HOLDER.did, award=AWARD, email=email)
    return issuer.issue(request, actor="test").credential


def _rebuilt(issuer: Issuer, achievement_id: str, signed: dict[str, Any], clock: FakeClock) -> Any:
    """The same award through shared.ob.build_credential, signed with the issuer's key."""
    achievement, valid_days, results = issuer.check_award(achievement_id, AWARD)
    status = signed["credentialStatus"]
    identifier = None
    for item in signed["credentialSubject"].get("identifier", []):
        # The salt is random per credential: take it from what was issued.
        identifier = [IdentityObject.hashed_identity("sanne@example.nl", salt=item["salt"])]
    assert valid_days is not None
    unsigned = build_credential(
        achievement=Achievement.model_validate(achievement),
        issuer=Profile.model_validate(issuer.identity.profile),
        subject_id=HOLDER.did,
        credential_id=signed["id"],
        valid_from=clock(),
        valid_until=clock() + timedelta(days=valid_days),
        results=[Result.model_validate(r) for r in results],
        evidence=[
            Evidence(
                id="https://portfolio.example/sanne/stage-verslag",
                name="Stageverslag",
                narrative="Sanne de Vries rondde haar stage bij Bakkerij Jansen af.",
            )
        ],
        credential_status=status if isinstance(status, list) else [status],
        identifier=identifier,
    )
    return issue_credential(unsigned, issuer.signer, created=clock())


@pytest.mark.parametrize("suspension", [True, False])
@pytest.mark.parametrize("email", ["Sanne@Example.nl", None])
def test_issued_credential_is_the_shared_builders(
    settings: IssuerSettings, clock: FakeClock, suspension: bool, email: str | None
) -> None:
    issuer, _ = make_issuer(settings, clock, suspension=suspension)
    try:
        achievement_id = str(
            issuer.create_achievement(parse_input(ACHIEVEMENT), actor="test")["id"]
        )
        signed = _issue(issuer, achievement_id, email)
        assert signed == _rebuilt(issuer, achievement_id, signed, clock)
        status = signed["credentialStatus"]
        if suspension:
            assert [s["statusPurpose"] for s in status] == ["revocation", "suspension"]
        else:
            assert status["statusPurpose"] == "revocation"
        subject = signed["credentialSubject"]
        assert ("identifier" in subject) == (email is not None)
        assert subject["result"][0]["value"] == "3"
        assert signed["evidence"][0]["id"] == "https://portfolio.example/sanne/stage-verslag"
        assert signed["validUntil"] == "2027-11-23T12:00:00Z"
    finally:
        issuer.store.dispose()
