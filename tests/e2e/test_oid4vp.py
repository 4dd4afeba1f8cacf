"""End to end over OpenID4VP 1.0: a real verifier (uvicorn on loopback) and the wallet CLI.

request -> the wallet fetches it, presents over OpenID4VP -> the verifier's verdict
is valid -> a replay is refused; the typed short code works the same way; and with
the verifier unreachable the wallet falls back to QR codes bound to the short code,
which the verifier accepts once it is back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from typer.testing import CliRunner

from shared import qr
from shared.messages import sentence
from shared.oid4vp import FORM_MEDIA_TYPE, decode_request_object, encode_response
from shared.runtime.sealing import FAST_KDF
from shared.status_cache import LocalStatusSource
from tests.verifier.browser_support import free_port, live_server
from tests.verifier.helpers import (
    ISSUER,
    ISSUER_NAME,
    LEARNER,
    REVOKED_INDEX,
    badge,
    signed,
    status_list_credentials,
)
from verifier.service.trust import TrustPack
from verifier.settings import Settings
from wallet.cli import make_cli
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.service import WalletService

PASSPHRASE = "interview day"
ENV = {"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}


@dataclass
class Verifier:
    base: str
    settings: Settings
    port: int


@pytest.fixture
def verifier_settings(tmp_path: Path) -> tuple[Settings, int]:
    port = free_port()
    pack = TrustPack(
        created=datetime.now(UTC).replace(microsecond=0),
        issuers={ISSUER.did: ISSUER_NAME},
        status_lists=status_list_credentials(),
    )
    pack.save(tmp_path / "pack.json")
    settings = Settings(
        public_origin=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{tmp_path / 'verifier.db'}",
        data_dir=tmp_path,
        offline=True,
        trust_pack=tmp_path / "pack.json",
        rate_limit_per_minute=0,
    )
    return settings, port


@pytest.fixture
def verifier(verifier_settings: tuple[Settings, int]) -> Iterator[Verifier]:
    settings, port = verifier_settings
    with live_server(settings, port) as base:
        yield Verifier(base, settings, port)


@pytest.fixture
def wallet(tmp_path: Path) -> tuple[WalletConfig, list[str]]:
    """A wallet holding the learner's key and two badges (one revoked)."""
    config = WalletConfig(
        data_dir=tmp_path / "wallet",
        lang="en",
        kdf=FAST_KDF,
        status_fetcher=LocalStatusSource(status_list_credentials()),
        animate=False,
        allow_private_network=True,  # the verifier runs on this machine (http://127.0.0.1)
    )
    store = WalletStore.create(config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=LEARNER)
    try:
        service = WalletService(config, store)
        good = service.import_document(signed(badge()))[0]
        revoked_badge = signed(
            badge(
                index=REVOKED_INDEX, name="Samenwerken", credential_id="urn:uuid:7c1a3f60-revoked"
            )
        )
        revoked = service.import_document(revoked_badge)[0]
        assert good.card is not None, good.refusal
        assert revoked.card is not None, revoked.refusal
        ids = [good.card.id, revoked.card.id]
    finally:
        store.close()
    return config, ids


def run(config: WalletConfig, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_cli(config), list(args), env=ENV)
    return result.exit_code, result.stdout, result.stderr


def new_request(base: str) -> dict[str, Any]:
    reply = httpx.post(f"{base}/requests", json={})
    assert reply.status_code == 201
    data: dict[str, Any] = reply.json()
    return data


def verdict(base: str, data: dict[str, Any]) -> dict[str, Any]:
    reply = httpx.get(
        f"{base}/requests/{data['challenge']}",
        params={"transaction_id": data["oid4vp"]["transaction_id"]},
    )
    out: dict[str, Any] = reply.json()
    return out


def test_present_over_openid4vp_then_replay_is_refused(
    verifier: Verifier, wallet: tuple[WalletConfig, list[str]], tmp_path: Path
) -> None:
    config, (good, _revoked) = wallet
    data = new_request(verifier.base)
    link = data["oid4vp"]["link"]

    # without --credential: who asks for what, and which badges fit
    code, out, err = run(config, "present", "--request", link)
    assert code == 2
    assert f"{verifier.base} asks for:" in err
    assert (
        "open_badge: ldp_vc (VerifiableCredential + OpenBadgeCredential | EndorsementCredential)"
        in err
    )
    assert good in out
    assert verdict(verifier.base, data)["state"] == "pending"
    served = httpx.get(data["oid4vp"]["request_uri"])
    request = decode_request_object(served.text, expected_client_id=None, allow_http_local=True)

    sent = tmp_path / "vp_token.json"
    code, _out, err = run(config, "present", "--request", link, "-c", good, "--out", str(sent))
    assert code == 0, err
    assert "Sent 1 badge(s)" in err
    assert "The verifier says: valid" in err
    polled = verdict(verifier.base, data)
    assert polled["state"] == "used"
    assert polled["result"]["verdict"] == "valid"
    assert polled["result"]["credentials"][0]["summary"]["achievement"]["name"] == (
        "Doorzettingsvermogen"
    )

    # the same answer again is refused, and the verdict stays
    vp_token = json.loads(sent.read_text())
    assert vp_token["open_badge"][0]["proof"]["challenge"] == request.nonce
    assert vp_token["open_badge"][0]["proof"]["domain"] == request.client_id
    replay = httpx.post(
        request.response_uri,
        content=encode_response(vp_token, request.state),
        headers={"Content-Type": FORM_MEDIA_TYPE},
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_request"
    assert verdict(verifier.base, data)["result"]["verdict"] == "valid"
    # and the wallet cannot answer the used request a second time
    code, _out, err = run(config, "present", "--request", link, "-c", good)
    assert code == 2
    assert "already answered" in err


def test_short_code_and_a_revoked_badge(
    verifier: Verifier, wallet: tuple[WalletConfig, list[str]]
) -> None:
    config, (_good, revoked) = wallet
    data = new_request(verifier.base)
    typed = f"{data['short_code'].lower()}@{verifier.base}"
    code, _out, err = run(config, "present", "--request", typed, "-c", revoked)
    assert code == 0, err
    assert "The verifier says: invalid" in err
    result = verdict(verifier.base, data)["result"]
    assert result["verdict"] == "invalid"
    assert "revoked" in {c["code"] for c in result["credentials"][0]["errors"]}


def test_a_photo_of_the_pages_qr_code_works_too(
    verifier: Verifier, wallet: tuple[WalletConfig, list[str]], tmp_path: Path
) -> None:
    config, (good, _revoked) = wallet
    data = new_request(verifier.base)
    svg = httpx.get(f"{verifier.base}/requests/{data['challenge']}/oid4vp.svg")
    assert svg.status_code == 200
    photo = tmp_path / "qr.png"
    photo.write_bytes(qr.render_png(data["oid4vp"]["link"], scale=4))
    code, _out, err = run(config, "present", "--request", str(photo), "-c", good)
    assert code == 0, err
    assert "The verifier says: valid" in err
    assert verdict(verifier.base, data)["result"]["verdict"] == "valid"
    blank = tmp_path / "blank.png"
    blank.write_bytes(qr.render_png("RZ1:not a request", scale=4))
    code, _out, err = run(config, "present", "--request", str(blank), "-c", good)
    assert code == 2
    assert sentence("invalid_image") in err


def test_declining_tells_the_verifier(
    verifier: Verifier, wallet: tuple[WalletConfig, list[str]]
) -> None:
    config, _ids = wallet
    data = new_request(verifier.base)
    code, _out, err = run(config, "present", "--request", data["oid4vp"]["link"], "--decline")
    assert code == 0, err
    assert verdict(verifier.base, data)["wallet_error"]["error"] == "access_denied"


def test_unreachable_verifier_falls_back_to_qr_codes_within_its_limit(
    verifier_settings: tuple[Settings, int],
    wallet: tuple[WalletConfig, list[str]],
    tmp_path: Path,
) -> None:
    settings, port = verifier_settings
    config, (good, _revoked) = wallet
    with live_server(settings, port) as base:
        data = new_request(base)
    # the verifier is gone: the link's code binds the QR codes instead
    link = data["oid4vp"]["link"].replace("rugzak_max_qr_parts=64", "rugzak_max_qr_parts=2")
    png = tmp_path / "vp.png"
    code, _out, err = run(
        config,
        "present",
        "--request",
        link,
        "-c",
        good,
        "--qr-png",
        str(png),
        "--out",
        str(tmp_path / "vp.json"),
        "--max-version",
        "5",
    )
    assert code == 0, err
    assert "Could not reach the verifier" in err
    assert "at most 2 codes" in err
    vp = json.loads((tmp_path / "vp.json").read_text())
    assert vp["proof"]["challenge"] == data["challenge"]
    assert vp["proof"]["domain"] == settings.public_origin
    texts = qr.read_qr_image(png.read_bytes())
    assert 1 <= len(texts) <= 2
    first = next(part for part in map(qr.parse, texts) if part.index == 1)
    assert first.chunk[0] == qr.SEMANTIC_1  # the wallet writes codec C
    with live_server(settings, port) as base:
        reply = httpx.post(
            f"{base}/verify/qr", json={"texts": texts, "challenge": data["challenge"]}
        )
        assert reply.status_code == 200, reply.text
        assert reply.json()["verdict"] == "valid"
    # a link without a code cannot fall back
    bare = f"openid4vp://?client_id={quote(data['oid4vp']['client_id'], safe='')}" + (
        f"&request_uri={quote(data['oid4vp']['request_uri'], safe='')}"
    )
    code, _out, err = run(config, "present", "--request", bare, "-c", good)
    assert code == 2
    assert "Could not reach the verifier" in err
