"""``rugzak-verifier verify --offline --trust-pack``: a pack that does not hold the
issuer's DID document cannot tell (exit 1, amber), it does not call the badge invalid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.keys import SigningKey
from shared.messages import sentence
from tests.verifier.helpers import NOW, badge, signed
from verifier.cli import app
from verifier.service.trust import TrustPack

runner = CliRunner()
DID = "did:web:leerhuis-deventer.example"
WEB_ISSUER = SigningKey.from_seed(b"\x61" * 32).with_controller(DID, "key-1")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path / "data"))


def test_a_trust_pack_without_the_issuer_s_did_cannot_tell(tmp_path: Path) -> None:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed(badge(issuer=WEB_ISSUER, index=None), WEB_ISSUER)))
    pack = tmp_path / "pack.json"
    TrustPack(created=NOW, issuers={DID: "Leerhuis Deventer"}).save(pack)
    args = ["verify", "--offline", "--trust-pack", str(pack)]

    said = runner.invoke(app, [*args, str(path)])
    data = json.loads(runner.invoke(app, [*args, "--json", str(path)]).output)

    assert said.exit_code == 1, said.output
    assert "CANNOT TELL" in said.output
    assert "NOT VALID" not in said.output
    assert "did_not_found" in said.output
    opening = " ".join((sentence("did_not_found") or "").split()[:6])
    assert opening in " ".join(said.output.split())
    assert (data["verdict"], data["display"], data["plain"]["state"]) == (
        "unknown",
        "amber",
        "unknown",
    )
