"""Every badge form through the verifier: ``verify FILE`` and ``POST /verify/any``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.conftest import VECTORS
from tests.shared.formats import makers as mk
from verifier.cli import app

runner = CliRunner()
OB3 = VECTORS / "ob3" / "1edtech-validator"


def _jwt_file(tmp_path: Path, *, tampered: bool = False) -> Path:
    issuer = mk.ed25519_did(mk.ed25519_key())
    token = mk.pyjwt_sign(
        mk.claims(mk.credential(issuer)), mk.ed25519_key(), "EdDSA", {"kid": issuer}
    )
    if tampered:
        token = mk.tamper(token, {"name": "Ander diploma"})
    path = tmp_path / "badge.jwt"
    path.write_text(token + "\n")
    return path


def test_cli_reads_a_jwt_and_baked_images(tmp_path: Path) -> None:
    for path in (_jwt_file(tmp_path), OB3 / "simple-jwt.png", OB3 / "simple-json.svg"):
        result = runner.invoke(app, ["verify", "--offline", "--json", str(path)])
        assert result.exit_code == 0, (path.name, result.output)
        assert json.loads(result.output)["verdict"] == "valid"


def test_cli_names_the_form(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", "--offline", str(OB3 / "simple-jwt.svg")])
    assert result.exit_code == 0, result.output
    assert "form: VC-JWT in an SVG image" in result.output


def test_cli_tampered_jwt_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", "--offline", str(_jwt_file(tmp_path, tampered=True))])
    assert result.exit_code == 1
    assert "proof_invalid" in result.output


def test_cli_unknown_format_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_text("Beste werkgever, hierbij mijn diploma.")
    result = runner.invoke(app, ["verify", "--offline", "--json", str(path)])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "unsupported_format"


def test_cli_ob2_hosted_offline_is_not_valid() -> None:
    path = VECTORS / "ob2" / "basic-assertion.json"
    result = runner.invoke(app, ["verify", "--offline", "--json", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["verdict"] == "unknown"
    assert data["summary"]["format"] == "OB 2.0"


async def test_api_verify_any_upload(client: httpx.AsyncClient) -> None:
    png = (OB3 / "simple-jwt.png").read_bytes()
    reply = await client.post("/verify/any", files={"file": ("badge.png", png, "image/png")})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["verdict"] == "valid"
    assert body["summary"]["source"] == "VC-JWT in a PNG image"
    proof = next(c for c in body["checks"] if c["name"] == "proof")
    assert proof["message"] == "The signature is genuine (JWT (RS256))."


async def test_api_verify_any_refuses_unknown_and_empty(client: httpx.AsyncClient) -> None:
    reply = await client.post("/verify/any", files={"file": ("x.bin", b"\x00\x01\x02 binair")})
    assert reply.status_code == 400
    assert reply.json()["code"] == "unsupported_format"
    empty = await client.post("/verify/any", files={"file": ("x.bin", b"")})
    assert empty.status_code == 400
    assert empty.json()["code"] == "unsupported_format"


async def test_api_verify_image_reads_a_baked_badge(client: httpx.AsyncClient) -> None:
    """The page uploads every picture to /verify/image: a baked badge is read, not scanned."""
    svg = (OB3 / "simple-jwt.svg").read_bytes()
    reply = await client.post("/verify/image", files={"file": ("b.svg", svg, "image/svg+xml")})
    assert reply.status_code == 200, reply.text
    assert reply.json()["summary"]["source"] == "VC-JWT in an SVG image"


def test_pack_with_a_jwt_status_list_finds_a_jwt_badge_revoked(tmp_path: Path) -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    kid = {"kid": issuer}
    listing = mk.status_list(issuer, [mk.REVOKED_INDEX])
    list_jwt = mk.pyjwt_sign(
        {**listing, "iss": issuer, "jti": listing["id"]}, mk.ed25519_key(), "EdDSA", kid
    )
    list_file = tmp_path / "status.jwt"
    list_file.write_text(list_jwt)
    out = tmp_path / "pack.json"
    built = runner.invoke(
        app, ["pack", "build", "-o", str(out), "--status-list-file", str(list_file)]
    )
    assert built.exit_code == 0, built.output
    for index, code, verdict in ((mk.REVOKED_INDEX, 1, "invalid"), (mk.VALID_INDEX, 0, "valid")):
        cred = mk.credential(issuer, status_index=index)
        badge = tmp_path / f"badge-{index}.jwt"
        badge.write_text(mk.pyjwt_sign(mk.claims(cred), mk.ed25519_key(), "EdDSA", kid))
        args = ["verify", "--offline", "--json", "--trust-pack", str(out), str(badge)]
        result = runner.invoke(app, args)
        assert result.exit_code == code, result.output
        assert json.loads(result.output)["verdict"] == verdict


def test_pack_carries_ob2_documents_for_offline_signed_badges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pack build --credential BADGE gathers an OB 2.0 badge's documents; verify offline."""
    from tests.shared.formats.test_ob2 import _documents, _signed
    from verifier.service.trust import TrustPack

    revoked_id = "urn:uuid:5b0c1a7e-2f0d-4a8e-8a53-0b1d2c3e4f50"
    pages = _documents(mk.rsa_key())
    asked: list[str] = []

    class FakeFetcher:
        def __init__(self, **_: object) -> None:
            pass

        def did_fetcher(self, max_bytes: int) -> Callable[[str], bytes]:
            def fetch(url: str) -> bytes:
                asked.append(url)
                return json.dumps(pages[url]).encode()

            return fetch

        def close(self) -> None:
            pass

    # pack build imports its fetcher when it runs
    monkeypatch.setattr("shared.runtime.fetch.SafeFetcher", FakeFetcher)
    badge = tmp_path / "ehbo.jws"
    badge.write_text(_signed("RS256", mk.rsa_key()))
    out = tmp_path / "pack.json"
    built = runner.invoke(app, ["pack", "build", "-o", str(out), "--credential", str(badge)])
    assert built.exit_code == 0, built.output
    assert set(TrustPack.load(out).documents) == set(pages) == set(asked)
    args = ["verify", "--offline", "--json", "--trust-pack", str(out), str(badge)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["label"] == "OB 2.0 signed (RS256)"
    # what was read is said in the reader's language, not in English on a Dutch screen
    dutch = runner.invoke(app, ["verify", "--offline", "--lang", "nl", *args[3:5], str(badge)])
    assert "vorm: Open Badges 2.0-badge · OB 2.0, ondertekend (RS256)" in " ".join(
        dutch.output.split()
    )
    no_pack = runner.invoke(app, ["verify", "--offline", "--json", str(badge)])
    assert json.loads(no_pack.output)["verdict"] == "unknown"
    # the list in the pack says revoked: red offline
    pages = _documents(mk.rsa_key(), revoked=[revoked_id])
    asked.clear()
    built = runner.invoke(app, ["pack", "build", "-o", str(out), "--credential", str(badge)])
    assert built.exit_code == 0, built.output
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert json.loads(result.output)["verdict"] == "invalid"
