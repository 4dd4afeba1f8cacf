"""Stapled status end to end: the wallet keeps the issuer's list when it checks a badge,
staples it to the QR codes, and an offline verifier with no trust pack checks status with it
(and refuses a stale or a foreign list)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shared import qr
from shared.credentials import issue_credential
from shared.keys import SigningKey
from shared.presentation_request import PresentationRequest
from shared.runtime.sealing import FAST_KDF
from shared.status_list import BitstringStatusList, build_status_list_credential
from tests.wallet.conftest import SyncASGI
from tests.wallet.helpers import (
    ISSUER_KEY,
    NOW,
    OTHER_KEY,
    STATUS_URL,
    FakeIssuer,
    fixed_clock,
    make_credential,
)
from verifier.cli import app as verifier_cli
from wallet.cli import make_cli
from wallet.config import WalletConfig

ENV = {"RUGZAK_PASSPHRASE": "Fleur van der Berg-Özdemir 2026", "LANG": "en_GB.UTF-8"}
INDEX = 7


def signed_list(
    *,
    revoked: tuple[int, ...] = (),
    age: timedelta = timedelta(hours=1),
    key: SigningKey = ISSUER_KEY,
) -> dict[str, Any]:
    """The issuer's list as served now (the verifier CLI judges with the real clock)."""
    made = datetime.now(UTC).replace(microsecond=0) - age
    bits = BitstringStatusList()
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_url=STATUS_URL, issuer=key.did, purpose="revocation", status_list=bits, valid_from=made
    )
    return issue_credential(unsigned, key, created=made)


class Learner:
    """A wallet driven through its CLI, with the issuer's status list served at STATUS_URL."""

    def __init__(self, tmp_path: Path) -> None:
        self.routes: dict[str, Any] = {STATUS_URL: signed_list()}
        self.config = WalletConfig(
            data_dir=tmp_path / "wallet",
            lang="en",
            kdf=FAST_KDF,
            clock=fixed_clock,
            transport=SyncASGI(FakeIssuer().app, routes=self.routes),
            animate=False,
        )
        self.tmp = tmp_path
        assert self.run("init")[0] == 0
        did = self.run("did")[1].strip()
        badge = tmp_path / "badge.json"
        badge.write_text(json.dumps(make_credential(did, status_index=INDEX)), "utf-8")
        code, _, err = self.run("import", str(badge))
        assert code == 0, err
        self.badge_id = json.loads(self.run("list", "--json")[1])[0]["id"]

    def run(self, *args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(make_cli(self.config), list(args), env=ENV)
        return result.exit_code, result.stdout, result.stderr

    def present(self, request: PresentationRequest, *extra: str) -> tuple[list[str], str]:
        png = self.tmp / "vp.png"
        code, _, err = self.run(
            *extra, "present", "-r", request.to_text(), "-c", self.badge_id, "--qr-png", str(png),
            "--force",  # each presentation replaces the last one's picture
        )  # fmt: skip
        assert code == 0, err
        return qr.read_qr_image(png.read_bytes()), err


def verify_offline(texts: list[str], request: PresentationRequest, *extra: str) -> tuple[int, Any]:
    """``rugzak-verifier verify --offline`` with no trust pack (an empty data dir)."""
    args = ["verify", "--offline", "--json", "--challenge", request.challenge]
    args += ["--domain", request.domain, *extra]
    for text in texts:
        args += ["--qr-text", text]
    result = CliRunner().invoke(verifier_cli, args)
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def request_() -> PresentationRequest:
    return PresentationRequest.create(
        "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x31" * n
    )


@pytest.fixture(autouse=True)
def _no_trust_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path / "verifier"))


def status_of(result: dict[str, Any]) -> dict[str, Any]:
    (check,) = [c for c in result["credentials"][0]["checks"] if c["name"] == "status"]
    return dict(check)


def test_an_offline_verifier_without_a_trust_pack_checks_a_stapled_status(
    tmp_path: Path, request_: PresentationRequest
) -> None:
    learner = Learner(tmp_path)
    texts, said = learner.present(request_)
    assert "With the issuers' status list(s) (1)" in said
    assert len(texts) == 1  # one badge stays one code
    code, result = verify_offline(texts, request_)
    assert code == 0, result
    assert status_of(result)["detail"]["stapled"] is True
    assert "Status checked against the issuer's list of" in status_of(result)["message"]
    assert result["plain"]["badges"][0]["status_checked_at"]

    # the same codes without the staple: the status is unknown, as before
    bare, said = learner.present(request_, "--staple", "never")
    assert "status list" not in said
    code, result = verify_offline(bare, request_)
    assert code == 1
    assert status_of(result)["code"] == "status_unknown"


def test_a_revocation_reaches_the_offline_verifier_through_the_wallets_refresh(
    tmp_path: Path, request_: PresentationRequest
) -> None:
    learner = Learner(tmp_path)
    learner.routes[STATUS_URL] = signed_list(revoked=(INDEX,))
    assert learner.run("refresh")[0] == 0
    texts, _ = learner.present(request_)
    code, result = verify_offline(texts, request_)
    assert code == 1
    assert status_of(result)["code"] == "revoked"
    assert result["plain"]["badges"][0]["state"] == "revoked"
    # HR reading the CLI learns how old the list was that said so, in either language
    args = ["verify", "--offline", "--challenge", request_.challenge, "--domain", request_.domain]
    args += [a for text in texts for a in ("--qr-text", text)]
    for lang, said in (("en", "issuer's list of 20"), ("nl", "lijst van de uitgever van 20")):
        shown = CliRunner().invoke(verifier_cli, [*args, "--lang", lang]).output
        assert said in " ".join(shown.split()), shown


def test_a_stale_list_is_refused_unless_the_verifier_accepts_its_age(
    tmp_path: Path, request_: PresentationRequest
) -> None:
    learner = Learner(tmp_path)
    learner.routes[STATUS_URL] = signed_list(age=timedelta(hours=30))
    assert learner.run("refresh")[0] == 0
    texts, _ = learner.present(request_)
    code, result = verify_offline(texts, request_)
    assert code == 1
    assert status_of(result)["code"] == "status_staple_stale"
    code, result = verify_offline(texts, request_, "--staple-max-age", "48")
    assert code == 0, result


def test_a_list_signed_by_someone_else_is_refused_as_foreign(
    tmp_path: Path, request_: PresentationRequest
) -> None:
    learner = Learner(tmp_path)
    learner.routes[STATUS_URL] = signed_list(key=OTHER_KEY)
    learner.run("refresh")
    texts, _ = learner.present(request_, "--staple", "always")
    code, result = verify_offline(texts, request_)
    assert code == 1
    assert status_of(result)["code"] == "status_staple_foreign"
    assert "not made by this badge's issuer" in status_of(result)["message"]
