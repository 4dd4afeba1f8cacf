"""The base-URL trap: init wants a public https URL (or an explicit --local), config
moves an issuer for new credentials while old status URLs keep working, serve warns."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from issuer.base_url import is_public, require_public
from issuer.cli.setup import listen_warnings
from shared.credentials import verify_credential
from shared.errors import ErrorCode, InvalidInput
from shared.status_cache import LocalStatusSource
from tests.issuer.conftest import HOLDER
from tests.issuer.test_cli import cli, data, runner  # noqa: F401 - fixtures


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "https://localhost",
        "https://10.0.0.5",
        "https://badges",
        "http://badges.leerhuis.nl",
        "https://[::1]:8443",
    ],
)
def test_a_url_others_cannot_reach_needs_consent(url: str) -> None:
    assert not is_public(url)
    with pytest.raises(InvalidInput) as info:
        require_public(url, local=False)
    assert info.value.code == ErrorCode.invalid_request
    assert "--local" in info.value.message
    assert require_public(url + "/", local=True) == url


def test_public_https_passes_and_junk_is_refused() -> None:
    assert require_public("https://badges.leerhuis.nl/", local=False) == (
        "https://badges.leerhuis.nl"
    )
    for junk in ("ftp://badges.leerhuis.nl", "https://x.nl/?a=1", "badges.leerhuis.nl"):
        with pytest.raises(InvalidInput):
            require_public(junk, local=True)


def test_init_without_a_base_url_refuses_then_local_warns(
    runner: CliRunner,  # noqa: F811
    tmp_path: Path,
) -> None:
    home = tmp_path / "issuer"
    refused = cli(runner, home, "init", "--name", "ROC Noord", code=2)
    assert "--base-url https://" in refused.output
    assert "--local" in refused.output
    assert not (home / "issuer.db").exists()
    plain_http = cli(
        runner, home, "init", "--name", "ROC Noord", "--base-url", "http://badges.roc.nl", code=2
    )
    assert "not a public https address" in plain_http.output
    done = cli(runner, home, "init", "--name", "ROC Noord", "--local")
    assert "Base URL:   http://127.0.0.1:8000" in done.output
    assert "cannot check revocation" in done.output
    assert "rugzak-issuer config --base-url" in done.output


def _issue(runner: CliRunner, home: Path, out: Path) -> dict[str, Any]:  # noqa: F811
    cli(runner, home, "issue", "-a", "cook", "--recipient", HOLDER.did, "--out", str(out))
    credential: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return credential


def _lists(export: Path, base: str) -> dict[str, Any]:
    return {
        f"{base}/status/{p.name}": json.loads(p.read_text("utf-8"))
        for p in (export / "status").iterdir()
    }


def test_config_moves_new_credentials_and_old_ones_keep_checking(
    runner: CliRunner,  # noqa: F811
    data: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    old = _issue(runner, data, tmp_path / "old.json")
    assert old["credentialStatus"]["statusListCredential"].startswith(
        "https://badges.city.example/status/"
    )
    shown = json.loads(cli(runner, data, "config", "--json").output)
    assert shown == {
        "base_url": "https://badges.city.example",
        "suspension": False,
        "checkable_elsewhere": True,
        "lists_kept_at_old_url": [],
    }
    refused = cli(runner, data, "config", "--base-url", "http://127.0.0.1:9000", code=2)
    assert "--local" in refused.output
    moved = cli(runner, data, "config", "--base-url", "https://badges.leerstad.nl", "--suspension")
    assert "1 status list(s) keep their old URL" in moved.output
    assert "Suspension: on" in moved.output
    new = _issue(runner, data, tmp_path / "new.json")
    entries = {e["statusPurpose"]: e for e in new["credentialStatus"]}
    assert set(entries) == {"revocation", "suspension"}
    for entry in entries.values():
        assert entry["statusListCredential"].startswith("https://badges.leerstad.nl/status/")
    assert (
        entries["revocation"]["statusListCredential"]
        != (old["credentialStatus"]["statusListCredential"])
    )
    cli(runner, data, "revoke", old["id"])
    export = tmp_path / "site"
    cli(runner, data, "status", "export", str(export))
    signed = {p.name: json.loads(p.read_text("utf-8")) for p in (export / "status").iterdir()}
    # The old list is still signed under the URL the old credential names.
    assert signed["revocation-1"]["id"] == "https://badges.city.example/status/revocation-1"
    lists = {doc["id"]: doc for doc in signed.values()}
    moment = datetime.now(UTC) + timedelta(seconds=5)
    fetch = LocalStatusSource(lists)
    assert "revoked" in verify_credential(old, status_fetcher=fetch, now=moment).codes()
    assert verify_credential(new, status_fetcher=fetch, now=moment).verified
    off = cli(runner, data, "config", "--no-suspension", code=2)
    assert "cannot be turned off" in off.output
    audit = json.loads(cli(runner, data, "audit", "--json").output)
    assert {"base_url": "https://badges.leerstad.nl", "was": "https://badges.city.example"} in [
        e["detail"] for e in audit if e["action"] == "config"
    ]


def test_serve_warns_when_it_listens_elsewhere_than_credentials_point() -> None:
    assert listen_warnings("https://badges.leerhuis.nl", "127.0.0.1", 8000) == []
    [local] = listen_warnings("http://127.0.0.1:8000", "127.0.0.1", 8000)
    assert "cannot check revocation" in local
    elsewhere = listen_warnings("http://127.0.0.1:8000", "0.0.0.0", 9000)
    assert len(elsewhere) == 2
    assert "listens on 0.0.0.0:9000" in elsewhere[1]
