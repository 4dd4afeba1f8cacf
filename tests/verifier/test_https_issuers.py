"""Issuers named by an https URL (their keys in a key document) on the list of known
issuers: the list file and the trust pack accept them (and refuse what is not an
absolute https URL), 'pack build' fetches their key documents, and the real app and
the CLI show such a badge as "on your list", in English and Dutch, as for a DID."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shared.errors import ErrorCode, InvalidInput
from tests.verifier.conftest import MakeClient
from tests.verifier.helpers import ISSUER, ISSUER_NAME
from tests.verifier.key_document_site import (
    DOC_URL,
    HOST,
    credential,
    key_document,
    offline_settings,
    serve_key_site,
)
from verifier.cli import app
from verifier.service.trust import TrustPack, load_trust_list, parse_issuers

runner = CliRunner()
LISTED_AS = "Leerhuis Utrecht, afdeling badges"

GOOD_IDS = [
    DOC_URL,
    "https://badges.example.nl/issuers/7",
    "https://badges.example.nl",
    "https://badges.example.nl:8443/issuers/7?tenant=leerhuis",
    "https://xn--bdges-ira.example/issuers/7",  # an international name, as a URL writes it
    "https://badges.example.nl/issuers/caf%C3%A9",
]
BAD_IDS = [
    "http://badges.example.nl/issuers/7",  # not https
    "HTTPS://badges.example.nl/issuers/7",  # the key document code reads https:// only
    "https://hr:secret@badges.example.nl/issuers/7",  # user name and password
    "https://badges.example.nl@evil.example/issuers/7",  # a host disguised as a user
    "https://badges.example.nl/issuers/7#key-1",  # a key, not the issuer
    "https://badges.example.nl/issuers/7#",
    "/issuers/7",  # relative
    "badges.example.nl/issuers/7",
    "//badges.example.nl/issuers/7",
    "https:///issuers/7",  # no host
    "https://badges.example.nl:99999/issuers/7",
    "https://bаdges.example.nl/issuers/7",  # a Cyrillic 'а': a look-alike host
    "https://badges.example.nl/issuers/7 ",
    "https://badges.example.nl/issuers/%zz",
    "urn:uuid:5b0c1a7e-2f0d-4a8e-8a53-0b1d2c3e4f50",
    "",
    "https://badges.example.nl/" + "x" * 2048,
]


def listing(issuer_id: Any, name: str = LISTED_AS) -> dict[str, Any]:
    return {"issuers": [{"id": ISSUER.did, "name": ISSUER_NAME}, {"id": issuer_id, "name": name}]}


def pack_with(issuers: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {
        "format": "rugzak-trust-pack",
        "version": 1,
        "created": "2026-11-23T12:00:00Z",
        "issuers": issuers,
        **more,
    }


@pytest.mark.parametrize("issuer_id", GOOD_IDS)
def test_the_list_and_the_pack_accept_an_absolute_https_id_as_written(
    issuer_id: str, tmp_path: Path
) -> None:
    path = tmp_path / "known.json"
    path.write_text(json.dumps(listing(issuer_id)))
    assert load_trust_list(path) == {ISSUER.did: ISSUER_NAME, issuer_id: LISTED_AS}
    pack = TrustPack.from_dict(pack_with(listing(issuer_id)["issuers"]))
    assert pack.issuers[issuer_id] == LISTED_AS
    assert TrustPack.from_dict(pack.to_dict()).issuers == pack.issuers  # saved as written


@pytest.mark.parametrize("issuer_id", BAD_IDS)
def test_the_list_and_the_pack_refuse_what_is_not_an_absolute_https_url(
    issuer_id: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput) as listed:
        parse_issuers(listing(issuer_id))
    assert listed.value.code == ErrorCode.invalid_trust_list
    assert listed.value.message.startswith("issuer 1 ")
    with pytest.raises(InvalidInput) as packed:
        TrustPack.from_dict(pack_with(listing(issuer_id)["issuers"]))
    assert packed.value.code == ErrorCode.invalid_trust_pack


def test_the_refusal_says_what_is_wrong() -> None:
    def why(issuer_id: str) -> str:
        with pytest.raises(InvalidInput) as info:
            parse_issuers(listing(issuer_id))
        return info.value.message

    assert "neither a DID nor an https URL" in why("http://badges.example.nl/issuers/7")
    assert "user name or password" in why("https://hr:secret@badges.example.nl/issuers/7")
    assert "fragment" in why(f"{DOC_URL}#key-1")
    assert "xn--" in why("https://bаdges.example.nl/issuers/7")


@pytest.fixture
def packing(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    return serve_key_site(monkeypatch)


def build_pack(tmp_path: Path, name: str = LISTED_AS) -> tuple[Path, Path]:
    """'pack build --trust-list' with the https issuer on it; the pack and the badge."""
    known = tmp_path / "known.json"
    known.write_text(json.dumps(listing(DOC_URL, name)))
    out = tmp_path / "pack.json"
    built = runner.invoke(app, ["pack", "build", "-o", str(out), "--trust-list", str(known)])
    assert built.exit_code == 0, built.output
    assert f"Key document  {DOC_URL}" in built.output
    badge_file = tmp_path / "badge.json"
    badge_file.write_text(json.dumps(credential()))
    return out, badge_file


def test_pack_build_fetches_the_key_document_of_an_https_issuer_on_the_list(
    packing: list[httpx.Request], tmp_path: Path
) -> None:
    out, _ = build_pack(tmp_path)
    assert [(r.headers["host"], r.url.path) for r in packing] == [(HOST, "/issuers/leerhuis")]
    pack = TrustPack.load(out)
    assert pack.issuers == {ISSUER.did: ISSUER_NAME, DOC_URL: LISTED_AS}
    assert pack.key_documents == {DOC_URL: key_document()}
    shown = " ".join(runner.invoke(app, ["pack", "show", str(out)]).output.split())
    assert f"issuer {LISTED_AS} {DOC_URL}" in shown
    assert f"key document {DOC_URL}" in shown


async def test_offline_the_app_shows_the_https_issuer_as_known(
    packing: list[httpx.Request], make_client: MakeClient, tmp_path: Path
) -> None:
    out, _ = build_pack(tmp_path)
    client = await make_client(offline_settings(tmp_path, out))
    result = (await client.post("/verify/credential", json=credential())).json()
    assert (result["verdict"], result["display"]) == ("valid", "green"), result["errors"]
    assert result["summary"]["issuer"]["trustedName"] == LISTED_AS
    assert result["plain"]["state"] == "valid"
    (trust,) = [c for c in result["checks"] if c["name"] == "trust"]
    assert trust["code"] == "ok"
    assert result["warnings"] == []
    info = (await client.get("/info")).json()
    assert {"id": DOC_URL, "name": LISTED_AS} in info["issuers"]
    # the https issuer's key document, counted apart from the DID documents (none here)
    assert (info["pack_key_documents"], info["pack_dids"]) == (1, 0)
    spec = (await client.get("/openapi.json")).json()
    shape = spec["components"]["schemas"]["InfoOut"]
    assert shape["properties"]["pack_key_documents"]["type"] == "integer"
    assert "pack_key_documents" in shape["required"]
    assert len(packing) == 1  # offline: nothing more was asked


async def test_a_pack_without_the_https_issuer_leaves_it_unknown(
    packing: list[httpx.Request], make_client: MakeClient, tmp_path: Path
) -> None:
    badge_file = tmp_path / "badge.json"
    badge_file.write_text(json.dumps(credential()))
    known = tmp_path / "known.json"  # the DID issuer only
    known.write_text(json.dumps({"issuers": listing(DOC_URL)["issuers"][:1]}))
    out = tmp_path / "pack.json"
    args = ["-o", str(out), "--credential", str(badge_file), "--trust-list", str(known)]
    built = runner.invoke(app, ["pack", "build", *args])
    assert built.exit_code == 0, built.output
    client = await make_client(offline_settings(tmp_path, out))
    result = (await client.post("/verify/credential", json=credential())).json()
    assert result["plain"]["state"] == "unknown_issuer"
    assert "trustedName" not in result["summary"]["issuer"]


@pytest.mark.parametrize(
    ("lang", "name", "said"),
    [
        ("en", LISTED_AS, f"Leerhuis Utrecht (on your list as {LISTED_AS})"),
        ("nl", LISTED_AS, f"Leerhuis Utrecht (op uw lijst als {LISTED_AS})"),
        ("en", ISSUER_NAME, "Leerhuis Utrecht (on your list of known issuers)"),
        ("nl", ISSUER_NAME, "Leerhuis Utrecht (op uw lijst met bekende uitgevers)"),
    ],
)
def test_the_cli_says_the_https_issuer_is_on_your_list(
    packing: list[httpx.Request], tmp_path: Path, lang: str, name: str, said: str
) -> None:
    out, badge_file = build_pack(tmp_path, name)
    args = ["verify", "--offline", "--trust-pack", str(out), "--lang", lang, str(badge_file)]
    cli = runner.invoke(app, args)
    assert cli.exit_code == 0, cli.output
    assert said in " ".join(cli.output.split())


def test_the_cli_takes_an_https_issuer_from_a_trust_list_file(
    packing: list[httpx.Request], tmp_path: Path
) -> None:
    """--trust-list beside a pack that has the key document but lists no issuers."""
    badge_file = tmp_path / "badge.json"
    badge_file.write_text(json.dumps(credential()))
    out = tmp_path / "pack.json"
    built = runner.invoke(app, ["pack", "build", "-o", str(out), "--credential", str(badge_file)])
    assert built.exit_code == 0, built.output
    known = tmp_path / "known.json"
    known.write_text(json.dumps(listing(DOC_URL)))
    base = ["verify", "--offline", "--trust-pack", str(out), "--lang", "en"]
    cli = runner.invoke(app, [*base, "--trust-list", str(known), str(badge_file)])
    assert cli.exit_code == 0, cli.output
    assert f"(on your list as {LISTED_AS})" in " ".join(cli.output.split())
    known.write_text(json.dumps(listing(f"{DOC_URL}#key-1")))
    refused = runner.invoke(app, [*base, "--trust-list", str(known), str(badge_file)])
    assert refused.exit_code == 2
    assert "invalid_trust_list" in refused.output
