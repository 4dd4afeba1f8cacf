"""The verifier reads ``VP1-`` codes (VPQR: Learner Credential Wallet, VerifierPlus)
as well as ``RZ1:``: QR text, image upload and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from shared import qr, vpqr
from tests.shared.test_vpqr_interop import node_dir  # noqa: F401
from tests.shared.test_vpqr_interop import run as run_node
from tests.verifier.helpers import (
    DOMAIN,
    ISSUER_NAME,
    REVOKED_INDEX,
    badge,
    make_pack,
    present,
    signed,
)
from tests.verifier.test_api_verify import new_request
from verifier.cli import app

runner = CliRunner()


async def test_vp1_text_answering_a_request_is_valid(client: httpx.AsyncClient) -> None:
    request = await new_request(client)
    text = vpqr.encode(present([signed(badge())], request["challenge"]))
    reply = await client.post("/verify/qr", json={"texts": [text + "\r\n"]})
    assert reply.status_code == 200, reply.text
    assert reply.json()["verdict"] == "valid"
    replay = await client.post("/verify/qr", json={"texts": [text]})
    assert "nonce_reused" in [c["code"] for c in replay.json()["checks"]]


async def test_vp1_image_upload_is_read(client: httpx.AsyncClient) -> None:
    request = await new_request(client)
    text = vpqr.encode(present([signed(badge())], request["challenge"]))
    png = qr.render_png(text, scale=3, ecc="L")
    reply = await client.post("/verify/image", files={"file": ("vp1.png", png, "image/png")})
    assert reply.status_code == 200, reply.text
    assert reply.json()["verdict"] == "valid"


@pytest.mark.parametrize(
    ("texts", "code"),
    [
        (["VP1-B1189"], "invalid_base32"),
        (["VP1-XAAAA"], "unsupported_codec"),
        (["VP1-BAAAA"], "invalid_cborld"),
        (["VP1-BAAAA", "RZ1:ZAAA"], "qr_decode_failed"),
    ],
)
async def test_bad_vp1_texts_are_400(
    client: httpx.AsyncClient, texts: list[str], code: str
) -> None:
    reply = await client.post("/verify/qr", json={"texts": texts})
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == code


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RUGZAK_VERIFIER_PUBLIC_ORIGIN", DOMAIN)
    return make_pack(tmp_path / "pack.json")


def test_cli_reads_vp1_text_and_image(cli_env: Path, tmp_path: Path) -> None:
    vp = present([signed(badge())], "K7QM3XHD9RTPW2B5")
    text = vpqr.encode(vp)
    base = ["verify", "--offline", "--trust-pack", str(cli_env)]
    bound = [*base, "--challenge", "K7QM3XHD9RTPW2B5", "--domain", DOMAIN]
    result = runner.invoke(app, [*bound, "--qr-text", text])
    assert result.exit_code == 0, result.output
    assert ISSUER_NAME in result.output
    png = tmp_path / "vp1.png"
    png.write_bytes(qr.render_png(text, scale=3, ecc="L"))
    result = runner.invoke(app, [*bound, "--qr-image", str(png)])
    assert result.exit_code == 0, result.output
    revoked = vpqr.encode(signed(badge(index=REVOKED_INDEX)), profile="legacy")
    result = runner.invoke(app, [*base, "--json", "--qr-text", revoked])
    assert result.exit_code == 1
    assert '"revoked"' in result.output


@pytest.mark.slow
def test_cli_verifies_a_code_made_by_the_dcc_library(
    cli_env: Path,
    node_dir: Path,  # noqa: F811
) -> None:
    """The VP1- code comes from @digitalcredentials/vpqr (the Learner Credential Wallet's
    library), not from Rugzak; installed from npm, skipped without node."""
    vp = present([signed(badge())], "K7QM3XHD9RTPW2B5")
    [made] = run_node(node_dir, [{"op": "encode", "lib": "dcc", "doc": vp}])
    assert made["text"].startswith("VP1-B"), made
    args = ["verify", "--offline", "--trust-pack", str(cli_env), "--json"]
    args += ["--challenge", "K7QM3XHD9RTPW2B5", "--domain", DOMAIN, "--qr-text", made["text"]]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verdict"] == "valid"
    revoked = {**vp, "verifiableCredential": [signed(badge(index=REVOKED_INDEX))]}
    [made] = run_node(node_dir, [{"op": "encode", "lib": "dcc", "doc": revoked}])
    result = runner.invoke(app, [*args[:-1], made["text"]])
    assert result.exit_code == 1
    assert '"revoked"' in result.output
