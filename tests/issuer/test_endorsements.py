"""Endorsements: the issuer endorses with its DID (service, HTTP, CLI); the result is an
OB 3.0 EndorsementCredential that shared verification accepts and that names its target."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from issuer.awards import AwardIn, ResultIn
from issuer.cli import app
from issuer.service import AwardRequest, Issuer
from shared.credentials import issue_credential, verify_credential
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.ob import validate_credential_schema
from shared.ob.endorsement import build_endorsement, endorsed_target
from tests.issuer.conftest import HOLDER, PASSPHRASE, FakeClock

COACH = SigningKey.from_seed(b"\x0c" * 32)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def badge(issuer: Issuer, achievement_id: str) -> dict[str, Any]:
    award = AwardIn(results=[ResultIn(value="2")])
    credential: dict[str, Any] = issuer.issue(
        AwardRequest(achievement_id, HOLDER.did, award=award), actor="test"
    ).credential
    return credential


def test_issuer_endorses_a_badge_and_it_verifies(
    issuer: Issuer, achievement_id: str, clock: FakeClock
) -> None:
    target = badge(issuer, achievement_id)
    endorsement = issuer.endorse(
        target["id"], "Sanne leidde de keuken een week lang zelfstandig.", actor="test"
    )
    assert endorsement["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert endorsement["issuer"]["id"] == issuer.identity.did
    subject = endorsement["credentialSubject"]
    assert subject["type"] == ["EndorsementSubject"]
    assert endorsed_target(endorsement) == target["id"]
    assert validate_credential_schema(endorsement) == []
    clock.advance(seconds=1)
    assert verify_credential(endorsement, now=clock()).verified
    assert issuer.audit_log(subject=endorsement["id"])[0]["detail"] == {"target": target["id"]}


def test_another_did_endorses_and_tampering_fails() -> None:
    """A coach's own DID signs; the result verifies, names its target, and a changed
    comment or target no longer verifies."""
    target = "https://academy.example/achievements/levensvaardigheden-creativiteit"
    unsigned = build_endorsement(
        endorser_id=COACH.did,
        endorser_name="Joost Bakker",
        target_id=target,
        comment="Een sterk, eerlijk niveau 2: ik heb het zien gebeuren.",
        credential_id="urn:uuid:0a4d9c1e-2b7f-4c1a-9d3e-5f6a7b8c9d01",
        valid_from=NOW,
    )
    signed = issue_credential(unsigned, COACH, created=NOW)
    assert isinstance(signed["proof"], list)  # the OB plain JSON schema's form
    assert validate_credential_schema(signed) == []
    result = verify_credential(signed, now=NOW)
    assert result.verified
    assert endorsed_target(signed) == target
    assert signed["issuer"] == {"id": COACH.did, "type": ["Profile"], "name": "Joost Bakker"}
    for field, value in (("endorsementComment", "Niveau 4!"), ("id", "urn:uuid:other")):
        forged = json.loads(json.dumps(signed))
        forged["credentialSubject"][field] = value
        assert not verify_credential(forged, now=NOW).verified


@pytest.mark.parametrize(
    ("target", "comment"),
    [("not a uri", "goed"), ("urn:uuid:x", "   "), ("urn:uuid:x", "x" * 5001)],
)
def test_bad_endorsements_are_refused(target: str, comment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        build_endorsement(
            endorser_id=COACH.did,
            target_id=target,
            comment=comment,
            credential_id="urn:uuid:1",
            valid_from=NOW,
        )
    assert caught.value.code == ErrorCode.invalid_request


async def test_endorse_over_http(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer, clock: FakeClock
) -> None:
    body = {"target": "did:web:hotel-de-zwaan.example", "comment": "Een goede leerplek."}
    assert (await client.post("/endorsements", json=body)).status_code == 401
    made = await client.post("/endorsements", json=body, headers=admin)
    assert made.status_code == 201, made.text
    endorsement = made.json()["credential"]
    assert endorsed_target(endorsement) == "did:web:hotel-de-zwaan.example"
    clock.advance(seconds=1)
    assert verify_credential(endorsement, now=clock()).verified
    empty = await client.post(
        "/endorsements", json={"target": "urn:uuid:x", "comment": "  "}, headers=admin
    )
    assert (empty.status_code, empty.json()["code"]) == (400, "invalid_request")


def test_cli_endorse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("RUGZAK_ISSUER_KDF", "min")
    monkeypatch.delenv("RUGZAK_ISSUER_DATABASE_URL", raising=False)
    runner = CliRunner()
    data = tmp_path / "issuer"
    done = runner.invoke(
        app, ["--data-dir", str(data), "init", "--name", "Hotel De Zwaan", "--local"]
    )
    assert done.exit_code == 0, done.output
    out = tmp_path / "endorsement.json"
    target = "urn:uuid:7d1e4f2a-3b5c-4d6e-8f90-a1b2c3d4e5f6"
    done = runner.invoke(
        app,
        ["--data-dir", str(data), "endorse", target, "--comment", "Betrouwbaar.", "--out",
         str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    endorsement = json.loads(out.read_text("utf-8"))
    assert endorsed_target(endorsement) == target
    assert endorsement["issuer"]["name"] == "Hotel De Zwaan"
    assert verify_credential(endorsement).verified
