"""``rugzak-verifier`` speaks English or Dutch: ``--lang``, else ``RUGZAK_LANG``, else the
locale; every word from the shared catalogue; ``--json`` is the same in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.keys import SigningKey
from shared.messages import sentence
from tests.conftest import VECTORS
from tests.verifier.helpers import DOMAIN, NOW, badge, make_pack, present, signed
from verifier.cli import app
from verifier.service.trust import TrustPack

runner = CliRunner()
OB = VECTORS / "ob3" / "1edtech-validator"
CHALLENGE = "K7QM3XHD9RTPW2B5"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RUGZAK_VERIFIER_PUBLIC_ORIGIN", DOMAIN)
    for name in ("RUGZAK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def words(text: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_a_valid_badge_in_dutch_and_in_english() -> None:
    nl = runner.invoke(app, ["verify", "--lang", "nl", str(OB / "simple.json")])
    en = runner.invoke(app, ["verify", "--lang", "en", str(OB / "simple.json")])

    assert (nl.exit_code, en.exit_code) == (0, 0), nl.output + en.output
    assert "Badge: Teamwork GELDIG" in nl.output
    assert "uitgegeven door Example Corp" in nl.output
    assert "✓ Handtekening: In orde." in nl.output
    assert "Echt, maar de uitgever staat niet op uw lijst" in words(nl.output)
    assert "(issuer_key_unconfirmed)" in nl.output  # the codes stay as they are
    assert "issued by" not in nl.output
    assert "signature" not in nl.output.lower()
    assert "Badge: Teamwork VALID" in en.output
    assert "issued by Example Corp" in en.output
    assert "✓ Signature: Passed." in en.output
    # the check's own message (naming the cryptosuite) is for --details
    assert "eddsa-rdfc-2022" not in en.output
    detailed = runner.invoke(app, ["verify", "--lang", "en", "--details", str(OB / "simple.json")])
    assert "✓ proof: The signature is genuine (eddsa-rdfc-2022)." in detailed.output


# What a person never reads outside --details: the checks' own (developer) messages.
DEVELOPER = ("@context", "VCDM 2.0", "issuanceDate", "JSON-LD", "$.", "$[", "required property")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("columns", ["80", "120"])
def test_each_reason_once_in_plain_words(lang: str, columns: str) -> None:
    """An older badge with endorsements: the same finding in many places is one line,
    no check both passes and has findings, and every sentence is the catalogue's."""
    said = runner.invoke(
        app, ["verify", "--lang", lang, str(OB / "complete_v1.json")], env={"COLUMNS": columns}
    )

    assert said.exit_code == 1, said.output
    text = words(said.output)
    marked = [line.split()[0] for line in said.output.splitlines() if line.startswith("  ")]
    for code in ("did_not_found", "status_unknown", "deprecated_context", "legacy_vcdm",
                 "schema_invalid", "schema_not_checked"):  # fmt: skip
        assert text.count(f"{sentence(code, lang)} ({code})") == 1, code
    assert "(expired)" not in text  # the state line says it
    assert marked.count("✓") == 1  # the start date: the others have findings
    assert sentence("ok", lang) in text
    for word in DEVELOPER:
        assert word not in text, word


def test_a_tampered_badge_in_dutch_says_why() -> None:
    said = runner.invoke(app, ["verify", "--lang", "nl", str(OB / "simple-err-proof-value.json")])

    assert said.exit_code == 1
    assert "NIET GELDIG" in said.output
    assert f"✗ Handtekening: {sentence('proof_invalid', 'nl')}" in words(said.output)


def test_a_presentation_in_dutch(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack.json")
    vp = tmp_path / "vp.json"
    vp.write_text(json.dumps(present([signed(badge())], CHALLENGE)))
    args = ["verify", "--offline", "--trust-pack", str(pack), "--challenge", CHALLENGE]

    said = runner.invoke(app, [*args, "--domain", DOMAIN, "--lang", "nl", str(vp)])

    assert said.exit_code == 0, said.output
    text = words(said.output)
    assert "1 badge gecontroleerd: 1 geldig" in text
    assert "Presentatie: GELDIG" in text
    assert "id leerling: did:key:" in text
    assert "Door de wallet van de leerling verstuurd, voor dit verzoek." in text
    assert "Badge 1: Doorzettingsvermogen GELDIG uitgegeven door Leerhuis Utrecht (op uw" in text
    assert "id uitgever: did:key:" in text
    assert "Echt en geldig." in text
    assert "Status: Niet ingetrokken." in text
    assert "checked" not in text
    assert "Presentation" not in text


def test_json_output_does_not_change_with_the_language() -> None:
    runs = [
        runner.invoke(app, ["verify", "--json", "--lang", lang, str(OB / "simple.json")])
        for lang in ("en", "nl")
    ]
    assert runs[0].exit_code == runs[1].exit_code == 0
    assert json.loads(runs[0].output) == json.loads(runs[1].output)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "VALID"),
        ({"RUGZAK_LANG": "nl"}, "GELDIG"),
        ({"LC_ALL": "nl_NL.UTF-8"}, "GELDIG"),
        ({"LC_MESSAGES": "nl_BE.UTF-8", "LANG": "en_GB.UTF-8"}, "GELDIG"),
        ({"LANG": "nl_NL.UTF-8"}, "GELDIG"),
        ({"LC_ALL": "C", "LANG": "nl_NL.UTF-8"}, "VALID"),  # LC_ALL wins
        ({"RUGZAK_LANG": "en", "LC_ALL": "nl_NL.UTF-8"}, "VALID"),
    ],
)
def test_the_language_comes_from_the_environment(
    environ: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    said = runner.invoke(app, ["verify", str(OB / "simple.json")])
    assert said.exit_code == 0, said.output
    assert f"Teamwork {expected}" in said.output


def test_the_option_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUGZAK_LANG", "nl")
    said = runner.invoke(app, ["verify", "--lang", "en", str(OB / "simple.json")])
    assert "Teamwork VALID" in said.output


@pytest.mark.parametrize("how", ["option", "environment"])
def test_an_unknown_language_is_a_clear_error(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["verify", str(OB / "simple.json")]
    if how == "option":
        args[1:1] = ["--lang", "fr"]
    else:
        monkeypatch.setenv("RUGZAK_LANG", "fr")
    said = runner.invoke(app, args)
    assert said.exit_code == 2
    assert "unknown language 'fr'; use one of en, nl" in said.output
    assert "kies --lang en of --lang nl" in said.output
    assert "Teamwork" not in said.output  # nothing was checked


def test_bad_input_in_dutch(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    said = runner.invoke(app, ["verify", "--lang", "nl", str(bad)])
    neither = runner.invoke(app, ["verify", "--lang", "nl"])

    assert said.exit_code == neither.exit_code == 2
    assert f"Ongeldige invoer (invalid_json): {sentence('invalid_json', 'nl')}" in said.output
    assert "Geef precies één van BESTAND, --qr-text of --qr-image." in words(neither.output)


def test_request_in_dutch() -> None:
    said = runner.invoke(app, ["request", "--lang", "nl"])
    assert said.exit_code == 0, said.output
    assert "Code voor de wallet:" in said.output
    assert "Verloopt:" in said.output
    english = runner.invoke(app, ["request"])
    assert "Code for the wallet: " in english.output
    assert "Type in the wallet:  " in english.output  # the labels line up as before


def test_an_issuer_that_cannot_be_looked_up_in_dutch(tmp_path: Path) -> None:
    did = "did:web:leerhuis-deventer.example"
    key = SigningKey.from_seed(b"\x61" * 32).with_controller(did, "key-1")
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(signed(badge(issuer=key, index=None), key)))
    pack = tmp_path / "pack.json"
    TrustPack(created=NOW, issuers={did: "Leerhuis Deventer"}).save(pack)

    said = runner.invoke(
        app, ["verify", "--offline", "--trust-pack", str(pack), "--lang", "nl", str(path)]
    )

    assert said.exit_code == 1
    assert "ONZEKER" in said.output
    assert f"Handtekening: {sentence('did_not_found', 'nl')}" in words(said.output)
