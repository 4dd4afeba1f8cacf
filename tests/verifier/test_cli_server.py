"""``rugzak-verifier request|verify --server URL`` against a running verifier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared import qr
from tests.verifier.browser_support import free_port, live_server
from tests.verifier.helpers import (
    ISSUER,
    ISSUER_NAME,
    REVOKED_INDEX,
    badge,
    present,
    signed,
    status_list_credentials,
)
from verifier.cli import app
from verifier.service.trust import TrustPack
from verifier.settings import Settings

runner = CliRunner()
pytestmark = pytest.mark.slow


@pytest.fixture
def base(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    TrustPack(
        created=datetime.now(UTC).replace(microsecond=0),
        issuers={ISSUER.did: ISSUER_NAME},
        status_lists=status_list_credentials(),
    ).save(tmp_path / "pack.json")
    settings = Settings(
        public_origin=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{tmp_path / 'v.db'}",
        data_dir=tmp_path,
        offline=True,
        trust_pack=tmp_path / "pack.json",
    )
    with live_server(settings, port) as url:
        yield url


def test_request_then_verify_through_the_server(base: str, tmp_path: Path) -> None:
    made = runner.invoke(app, ["request", "--server", base, "--json"])
    assert made.exit_code == 0, made.output
    request = json.loads(made.output)
    vp = tmp_path / "vp.json"
    vp.write_text(json.dumps(present([signed(badge())], request["challenge"], domain=base)))
    first = runner.invoke(app, ["verify", "--server", base, str(vp)])
    assert first.exit_code == 0, first.output
    assert ISSUER_NAME in first.output
    again = runner.invoke(app, ["verify", "--server", base, "--json", str(vp)])
    assert again.exit_code == 1
    assert "nonce_reused" in again.output


def test_verify_image_and_errors_through_the_server(base: str, tmp_path: Path) -> None:
    (text,) = qr.encode(signed(badge(index=REVOKED_INDEX)), max_version=40)
    png = tmp_path / "code.png"
    png.write_bytes(qr.render_png(text, scale=3))
    result = runner.invoke(app, ["verify", "--server", base, "--qr-image", str(png)])
    assert result.exit_code == 1
    assert "revoked" in result.output
    bad = runner.invoke(app, ["verify", "--server", base, "--json", "--qr-text", "RZ1:Z!!!"])
    assert bad.exit_code == 2
    assert json.loads(bad.output)["error"]["code"] == "invalid_base45"
    down = runner.invoke(app, ["verify", "--server", "http://127.0.0.1:9", "--qr-text", text])
    assert down.exit_code == 2
