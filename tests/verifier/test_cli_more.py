"""``rugzak-verifier verify --qr-text/--qr-image``, ``request`` and ``pack build|load|show``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared import qr
from shared.presentation_request import parse
from tests.verifier.helpers import (
    DOMAIN,
    ISSUER,
    ISSUER_NAME,
    LIST_URL,
    REVOKED_INDEX,
    badge,
    make_pack,
    present,
    signed,
    status_list_credentials,
)
from verifier.cli import app
from verifier.service.trust import TrustPack

runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RUGZAK_VERIFIER_PUBLIC_ORIGIN", DOMAIN)


def test_verify_qr_text_with_challenge(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack.json")
    vp = present([signed(badge())], "K7QM3XHD9RTPW2B5")
    texts = qr.encode(vp, max_version=12)
    args = ["verify", "--offline", "--trust-pack", str(pack), "--challenge", "K7QM3XHD9RTPW2B5"]
    args += ["--domain", DOMAIN]
    for text in texts:
        args += ["--qr-text", text]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert ISSUER_NAME in result.output
    wrong = runner.invoke(app, [*args[:4], "--challenge", "OTHER", *args[6:]])
    assert wrong.exit_code == 1
    # the binding line says it; the check itself is in the details
    assert "This answers a different request" in wrong.output
    assert "challenge_mismatch" not in wrong.output
    detailed = runner.invoke(app, [*args[:4], "--challenge", "OTHER", *args[6:], "--details"])
    assert detailed.exit_code == 1
    assert "challenge_mismatch" in detailed.output


def test_verify_qr_image_revoked_exits_1(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack.json")
    (text,) = qr.encode(signed(badge(index=REVOKED_INDEX)), max_version=40)
    png = tmp_path / "code.png"
    png.write_bytes(qr.render_png(text, scale=3))
    result = runner.invoke(
        app, ["verify", "--json", "--offline", "--trust-pack", str(pack), "--qr-image", str(png)]
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["display"] == "red"
    assert "revoked" in {c["code"] for c in data["checks"]}


def test_verify_without_status_source_is_cannot_tell(tmp_path: Path) -> None:
    path = tmp_path / "cred.json"
    path.write_text(json.dumps(signed(badge())))
    result = runner.invoke(app, ["verify", "--offline", str(path)])
    assert result.exit_code == 1
    assert "CANNOT TELL" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["verify"],
        ["verify", "--qr-text", "RZ1:Z!!!"],
        ["verify", "--qr-text", "hello"],
        ["verify", "--qr-image", "/nonexistent.png"],
    ],
)
def test_verify_bad_input_exits_2(args: list[str]) -> None:
    assert runner.invoke(app, args).exit_code == 2


def test_request_creates_a_stored_nonce(tmp_path: Path) -> None:
    png = tmp_path / "req.png"
    result = runner.invoke(app, ["request", "--json", "--type", "Badge", "--qr-png", str(png)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    req = parse(data["text"])
    assert req.domain == DOMAIN
    assert req.types == ("Badge",)
    assert qr.read_qr_image(png.read_bytes()) == [data["text"]]
    assert (tmp_path / "data" / "verifier.db").exists()
    plain = runner.invoke(app, ["request"])
    assert "Code for the wallet" in plain.output


def test_request_to_unreachable_server_exits_2() -> None:
    result = runner.invoke(app, ["request", "--server", "http://127.0.0.1:9"])
    assert result.exit_code == 2


def test_pack_build_from_files_then_load_and_show(tmp_path: Path) -> None:
    lists = status_list_credentials()
    files = []
    for i, credential in enumerate(lists.values()):
        path = tmp_path / f"list{i}.json"
        path.write_text(json.dumps(credential))
        files += ["--status-list-file", str(path)]
    trust = tmp_path / "trust.json"
    # markup in a name is text: "[/x]" ended 'pack show' with a traceback
    name = f"{ISSUER_NAME} [/x] [link=https://evil.example]klik[/link]"
    trust.write_text(json.dumps({"issuers": [{"id": ISSUER.did, "name": name}]}))
    web_doc = {"id": "did:web:school.example", "verificationMethod": []}
    doc_path = tmp_path / "did.json"
    doc_path.write_text(json.dumps(web_doc))
    out = tmp_path / "pack.json"
    result = runner.invoke(
        app,
        [
            "pack",
            "build",
            "-o",
            str(out),
            "--trust-list",
            str(trust),
            "--did-document",
            str(doc_path),
            *files,
        ],
    )
    assert result.exit_code == 0, result.output
    pack = TrustPack.load(out)
    assert pack.issuers == {ISSUER.did: name}
    assert set(pack.status_lists) == {f"{LIST_URL}/revocation", f"{LIST_URL}/suspension"}
    assert "did:web:school.example" in pack.dids
    loaded = runner.invoke(app, ["pack", "load", str(out)])
    assert loaded.exit_code == 0, loaded.output
    assert (tmp_path / "data" / "trust-pack.json").exists()
    shown = runner.invoke(app, ["pack", "show"])
    assert shown.exit_code == 0, shown.output
    assert f"{LIST_URL}/revocation" in shown.output
    assert name in shown.output
    # the loaded pack is used by default: the revoked badge is found revoked offline
    cred = tmp_path / "revoked.json"
    cred.write_text(json.dumps(signed(badge(index=REVOKED_INDEX))))
    verdict = runner.invoke(app, ["verify", "--offline", "--json", str(cred)])
    assert verdict.exit_code == 1
    assert "revoked" in verdict.output


def test_pack_load_refuses_garbage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something-else"}))
    result = runner.invoke(app, ["pack", "load", str(bad)])
    assert result.exit_code == 2
    assert "invalid_trust_pack" in result.output
    wrong_doc = tmp_path / "wrong.json"
    pack = TrustPack.load(make_pack(tmp_path / "p.json")).to_dict()
    pack["dids"] = {"did:web:a.example": {"id": "did:web:b.example"}}
    wrong_doc.write_text(json.dumps(pack))
    assert runner.invoke(app, ["pack", "load", str(wrong_doc)]).exit_code == 2


def test_a_presentation_prints_the_headline_skills_and_endorsements(tmp_path: Path) -> None:
    """Over the QR path: what HR reads first, a skill line per badge, the endorsement on
    the badge it endorses (not a badge of its own)."""
    from tests.verifier.helpers import REVOKED_INDEX
    from tests.verifier.page_badges import endorsement, level_badge

    pack = make_pack(tmp_path / "pack.json")
    vp = present(
        [
            level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:1"),
            level_badge("creativiteit", 2, credential_id="urn:uuid:2"),
            level_badge("luisteren", 1, index=REVOKED_INDEX, credential_id="urn:uuid:3"),
            endorsement("urn:uuid:2"),
        ],
        "K7QM3XHD9RTPW2B5",
    )
    args = ["verify", "--offline", "--trust-pack", str(pack), "--challenge", "K7QM3XHD9RTPW2B5"]
    args += ["--domain", DOMAIN]
    for text in qr.encode(vp, max_version=25):
        args += ["--qr-text", text]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    said = " ".join(result.output.split())
    assert result.exit_code == 1, result.output  # one badge is revoked
    assert "3 badges checked: 2 valid, 1 revoked" in said
    assert "Sent by the learner's wallet for this request." in said
    assert "Creativiteit: level 2 of 4" in said
    assert "Luisteren: level 1 of 4 (revoked)" in said
    assert 'endorsed by Hotel De Zwaan: "Sanne hield de nieuwe kaart' in said
    assert "(from an unknown issuer)" in said  # the endorser is not in the trust pack
    assert "The issuer has revoked this badge." in said
    assert "Badge 3:" in said
    assert "Badge 4:" not in said
