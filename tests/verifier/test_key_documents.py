"""A badge whose proof names its key in an https key document (Controlled Identifiers):
verified by the real app online (through the SSRF-guarded fetcher), offline from a
trust pack that 'pack build' filled, and explained in plain words when the document
cannot be had."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shared.errors import ErrorCode, InvalidInput
from shared.messages import sentence
from tests.verifier.conftest import MakeClient
from tests.verifier.key_document_site import (
    DOC_URL,
    HOST,
    credential,
    key_document,
    key_site,
    offline_settings,
    serve_key_site,
)
from tests.verifier.test_net import PUBLIC_IP, fetcher_for, online_settings
from verifier.cli import app
from verifier.service.trust import TrustPack

runner = CliRunner()


def proof_check(result: dict[str, Any]) -> dict[str, Any]:
    checks = [c for c in result["checks"] if c["name"] == "proof"]
    assert len(checks) == 1, result
    return dict(checks[0])


async def test_online_the_key_document_is_fetched_once_and_the_badge_is_valid(
    make_client: MakeClient, tmp_path: Path
) -> None:
    fetcher, recorder = fetcher_for(key_site, {HOST: [PUBLIC_IP]})
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)
    for _ in range(2):
        result = (await client.post("/verify/credential", json=credential())).json()
        assert result["verdict"] == "valid", result["errors"]
        assert result["display"] == "green"
    assert [r.url.path for r in recorder.requests] == ["/issuers/leerhuis"]  # then cached
    assert recorder.requests[0].headers["host"] == HOST


async def test_online_an_unreachable_key_document_is_amber_in_plain_words(
    make_client: MakeClient, tmp_path: Path
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down")

    fetcher, _ = fetcher_for(down, {HOST: [PUBLIC_IP]})
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)
    result = (await client.post("/verify/credential", json=credential())).json()
    assert (result["verdict"], result["display"]) == ("unknown", "amber")
    check = proof_check(result)
    assert check["code"] == ErrorCode.did_not_found
    assert check["message"] == sentence(ErrorCode.did_not_found)
    assert "ConnectError" not in check["message"]


async def test_online_a_key_document_on_a_private_address_is_not_fetched(
    make_client: MakeClient, tmp_path: Path
) -> None:
    fetcher, recorder = fetcher_for(key_site, {HOST: ["10.0.0.5"]})
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)
    result = (await client.post("/verify/credential", json=credential())).json()
    assert result["verdict"] == "invalid"
    check = proof_check(result)
    assert (check["code"], check["message"]) == (
        ErrorCode.fetch_refused,
        sentence(ErrorCode.fetch_refused),
    )
    assert recorder.requests == []


@pytest.fixture
def packing(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    return serve_key_site(monkeypatch)


async def test_offline_the_trust_pack_holds_the_key_document(
    packing: list[httpx.Request], make_client: MakeClient, tmp_path: Path
) -> None:
    badge_file = tmp_path / "badge.json"
    badge_file.write_text(json.dumps(credential()))
    out = tmp_path / "pack.json"
    built = runner.invoke(app, ["pack", "build", "-o", str(out), "--credential", str(badge_file)])
    assert built.exit_code == 0, built.output
    assert f"Key document  {DOC_URL}" in built.output
    assert [r.url.path for r in packing] == ["/issuers/leerhuis"]
    pack = TrustPack.load(out)
    assert pack.key_documents == {DOC_URL: key_document()}
    shown = runner.invoke(app, ["pack", "show", str(out)])
    assert f"key document {DOC_URL}" in shown.output

    client = await make_client(offline_settings(tmp_path, out))
    result = (await client.post("/verify/credential", json=credential())).json()
    assert result["verdict"] == "valid", result["errors"]
    assert len(packing) == 1  # offline: nothing more was asked

    cli = runner.invoke(app, ["verify", "--offline", "--trust-pack", str(out), str(badge_file)])
    assert cli.exit_code == 0, cli.output
    assert "VALID" in cli.output


async def test_offline_without_the_key_document_the_reason_is_plain(
    make_client: MakeClient, tmp_path: Path
) -> None:
    client = await make_client(offline_settings(tmp_path, None))
    result = (await client.post("/verify/credential", json=credential())).json()
    assert (result["verdict"], result["display"]) == ("unknown", "amber")
    assert proof_check(result)["message"] == sentence(ErrorCode.did_not_found)

    badge_file = tmp_path / "badge.json"
    badge_file.write_text(json.dumps(credential()))
    cli = runner.invoke(app, ["verify", "--offline", str(badge_file)])
    words = " ".join(cli.output.split())
    assert " ".join(str(sentence(ErrorCode.did_not_found)).split()) in words
    assert "ResolutionFailed" not in cli.output
    assert "Traceback" not in cli.output


def test_a_pack_key_document_must_name_itself_by_its_url() -> None:
    raw = {
        "format": "rugzak-trust-pack",
        "version": 1,
        "created": "2026-11-23T12:00:00Z",
        "issuers": [],
        "key_documents": {"https://elsewhere.example/keys": key_document()},
    }
    with pytest.raises(InvalidInput) as info:
        TrustPack.from_dict(raw)
    assert info.value.code == ErrorCode.invalid_trust_pack
    raw["key_documents"] = {DOC_URL: key_document()}
    assert TrustPack.from_dict(raw).key_documents == {DOC_URL: key_document()}
