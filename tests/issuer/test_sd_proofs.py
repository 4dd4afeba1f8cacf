"""The issuer's selective-disclosure option: an ecdsa-sd-2023 base proof beside eddsa.

CLI end to end: a did:web issuer adds its P-256 key, issues with
RUGZAK_ISSUER_SD_PROOFS=true, publishes its DID document and status list; the
learner's copy verifies as a whole (eddsa) and a disclosure derived from it
verifies with status, hiding the evidence.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.credentials import verify_credential
from shared.did import StaticResolver
from shared.ob.disclosure import selective_pointers
from shared.proof.ecdsa_sd import derive_proof
from shared.status_cache import LocalStatusSource
from tests.issuer.conftest import HOLDER
from tests.issuer.test_cli import cli, runner  # noqa: F401 (the fixture)


def _achievement(runner: CliRunner, data: Path) -> None:  # noqa: F811
    cli(
        runner,
        data,
        "achievement",
        "create",
        "--id",
        "lassen",
        "--name",
        "Lassen, niveau 2",
        "--description",
        "Last veilig met MIG/MAG op plaatstaal tot 6 mm.",
        "--criteria",
        "Drie proefstukken die de buigproef doorstaan.",
    )


def test_did_web_issuer_adds_sd_base_proofs(
    runner: CliRunner,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "web"
    cli(runner, data, "init", "--name", "Leerhuis Utrecht", "--did-web", "leerhuis.example")
    _achievement(runner, data)
    added = cli(runner, data, "selective-disclosure")
    assert "#sd-1" in added.output
    again = cli(runner, data, "selective-disclosure", code=2)
    assert "conflict" in again.output

    monkeypatch.setenv("RUGZAK_ISSUER_SD_PROOFS", "true")
    out = tmp_path / "badge.json"
    cli(
        runner,
        data,
        "issue",
        "-a",
        "lassen",
        "--recipient",
        HOLDER.did,
        "--evidence",
        "https://leerhuis.example/evidence/8841",
        "--out",
        str(out),
    )
    site = tmp_path / "site"
    cli(runner, data, "status", "export", str(site))
    did_doc = json.loads((site / ".well-known" / "did.json").read_text())
    sd_id = "did:web:leerhuis.example#sd-1"
    assert sd_id in did_doc["assertionMethod"]
    assert sd_id not in did_doc["authentication"]
    resolver = StaticResolver({did_doc["id"]: did_doc})
    lists = {
        "https://leerhuis.example/status/revocation-1": json.loads(
            (site / "status" / "revocation-1").read_text()
        )
    }
    badge = json.loads(out.read_text())
    assert [p["cryptosuite"] for p in badge["proof"]] == ["eddsa-rdfc-2022", "ecdsa-sd-2023"]
    assert badge["proof"][1]["verificationMethod"] == sd_id
    moment = datetime.now(UTC) + timedelta(seconds=5)
    whole = verify_credential(
        badge, resolver=resolver, status_fetcher=LocalStatusSource(lists), now=moment
    )
    assert whole.verified, whole.to_dict()

    unsecured = {k: v for k, v in badge.items() if k != "proof"}
    assert "evidence" in unsecured
    disclosed = derive_proof(badge, selective_pointers(unsecured, set()))
    assert "evidence" not in disclosed
    assert disclosed["credentialStatus"] == badge["credentialStatus"]
    result = verify_credential(
        disclosed, resolver=resolver, status_fetcher=LocalStatusSource(lists), now=moment
    )
    assert result.verified, result.to_dict()


def test_a_did_key_issuer_cannot_add_an_sd_key(
    runner: CliRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    data = tmp_path / "key"
    cli(runner, data, "init", "--name", "Leerhuis Utrecht", "--local")
    result = cli(runner, data, "selective-disclosure", code=2)
    assert "unsupported_did_method" in result.output


def test_sd_proofs_without_the_key_is_a_clear_error(
    runner: CliRunner,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = tmp_path / "web"
    cli(runner, data, "init", "--name", "Leerhuis Utrecht", "--did-web", "leerhuis.example")
    _achievement(runner, data)
    monkeypatch.setenv("RUGZAK_ISSUER_SD_PROOFS", "true")
    out = str(tmp_path / "badge.json")
    result = cli(
        runner, data, "issue", "-a", "lassen", "--recipient", HOLDER.did, "--out", out, code=2
    )
    assert "selective-disclosure" in result.output
