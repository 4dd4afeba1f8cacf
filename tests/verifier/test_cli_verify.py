"""``rugzak-verifier verify FILE``: verdicts and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from shared.verification import VerificationResult
from tests.conftest import VECTORS
from verifier.cli import app
from verifier.cli.output import print_credential

runner = CliRunner()
OB = VECTORS / "ob3" / "1edtech-validator"


def test_valid_credential_exits_0() -> None:
    result = runner.invoke(app, ["verify", str(OB / "simple.json")])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output


def test_tampered_credential_exits_1_with_code() -> None:
    result = runner.invoke(app, ["verify", str(OB / "simple-err-proof-value.json")])
    assert result.exit_code == 1
    assert "proof_invalid" in result.output


def test_json_output_is_the_full_result() -> None:
    result = runner.invoke(app, ["verify", "--json", str(OB / "simple.json")])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verified"] is True
    assert data["kind"] == "credential"
    assert {c["name"] for c in data["checks"]} >= {"structure", "proof", "issuer"}


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["verify", "--json", str(bad)])
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["code"] == "invalid_json"
    missing = runner.invoke(app, ["verify", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2
    array = tmp_path / "array.json"
    array.write_text("[]")
    assert runner.invoke(app, ["verify", str(array)]).exit_code == 2


def test_markup_in_a_credential_is_printed_not_interpreted(tmp_path: Path) -> None:
    """Names come from strangers: '[/]' or ':key:' must print as text, not crash or change."""
    from datetime import UTC, datetime

    from shared.keys import SigningKey
    from tests.factories import signed_badge

    key = SigningKey.from_seed(b"\x05" * 32)
    name = "[/][bold red]Fake :key: badge"
    cred = signed_badge(
        key.did,
        key,
        created=datetime.now(UTC),
        name=name,
        issuer_name=name,
        credential_id="urn:uuid:11111111-2222-4333-8444-555555555555",
        achievement_id="urn:uuid:11111111-2222-4333-8444-555555555556",
    )
    path = tmp_path / "cred.json"
    path.write_text(json.dumps(cred))
    result = runner.invoke(app, ["verify", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert name in result.output
    assert "did:key:" in result.output


@pytest.mark.parametrize(
    ("issuer", "said"),
    [
        ({"id": "did:key:z6MkA", "name": "ROC Zwolle"}, "issued by ROC Zwolle"),
        (
            {"id": "did:key:z6MkA", "name": "ROC Zwolle", "trustedName": "ROC Zwolle"},
            "issued by ROC Zwolle (on your list of known issuers)",
        ),
        (
            {"id": "did:key:z6MkA", "name": "Roc Zwolle", "trustedName": "ROC Zwolle (mbo)"},
            "issued by Roc Zwolle (on your list as ROC Zwolle (mbo))",
        ),
        ({"id": "did:key:z6MkA"}, "issued by (unknown issuer)"),
    ],
)
def test_a_badge_names_its_issuer_first_and_its_ids_last(issuer: dict[str, str], said: str) -> None:
    """HR reads names, as on the page: the DIDs come after the checks, for whoever
    needs them, and the trust list says whether it knows the issuer."""
    console = Console(record=True, width=200, emoji=False, highlight=False)  # as the CLI
    summary = {"issuer": issuer, "subject": "did:key:z6MkB", "id": "urn:uuid:1", "name": "B"}
    print_credential(console, VerificationResult("credential", [], summary), "Badge 1")
    lines = console.export_text().splitlines()
    assert lines[1].strip() == said
    assert "did:key" not in "\n".join(lines[:-3])
    assert [line.strip() for line in lines[-3:]] == [
        "issuer id: did:key:z6MkA",
        "learner id: did:key:z6MkB",
        "badge id: urn:uuid:1",
    ]


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "en",
            [
                "Final Project Grade: A (scale D to A)",
                "Final Project Grade: Mastery (level: Mastered; points: 4)",
                "Final Project Grade: completed",
                "evidence: Final Project Report",
                "Final Project Report",
                "This project was ...",
            ],
        ),
        ("nl", ["Final Project Grade: afgerond", "bewijs: Final Project Report"]),
    ],
)
def test_another_tools_results_and_evidence_narrative_are_printed_for_people(
    lang: str, lines: list[str]
) -> None:
    """1EdTech's sample: a grade, a rubric level without order numbers and a status are
    each said (no "level ?"), and the evidence's Markdown heading is not printed raw."""
    result = runner.invoke(
        app,
        ["verify", "--offline", "--lang", lang, str(OB / "complete_v1.json")],
        env={"COLUMNS": "200"},
    )
    printed = [line.strip() for line in result.output.splitlines()]
    for line in lines:
        assert line in printed, line
    assert not [line for line in printed if line.startswith("#")]
    assert "level ?" not in result.output.lower()
    assert "niveau ?" not in result.output.lower()


STATUS_LIST = VECTORS / "ob3" / "1edtech-validator" / "bit-string-list" / "testlist"


@pytest.mark.parametrize(
    ("lang", "title", "said"),
    [
        ("en", "Status list:", "the issuer's list of revoked badges"),
        ("nl", "Statuslijst:", "de lijst van de uitgever met ingetrokken badges"),
    ],
)
def test_a_status_list_on_its_own_is_said_to_be_one(lang: str, title: str, said: str) -> None:
    """An issuer's list of revoked badges checked alone is no badge: the CLI says what
    it is, as the page does, and names no learner (its subject is the list)."""
    result = runner.invoke(
        app, ["verify", "--lang", lang, str(STATUS_LIST)], env={"COLUMNS": "200"}
    )
    printed = [line.strip() for line in result.output.splitlines()]
    assert printed[0].startswith(title), result.output
    assert said in result.output
    assert not [line for line in printed if line.startswith("Badge")]
    assert "#list" not in result.output  # the list's own subject, no learner's id


def _unknown_vocabulary(tmp_path: Path) -> Path:
    from datetime import UTC, datetime

    from shared.keys import SigningKey
    from tests.factories import signed_badge

    key = SigningKey.from_seed(b"\x07" * 32)
    cred = signed_badge(key.did, key, created=datetime.now(UTC))
    cred["@context"] = [*cred["@context"], "https://vocab.example/context.json"]
    path = tmp_path / "unknown-vocabulary.json"
    path.write_text(json.dumps(cred))
    return path


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_unknown_vocabulary_is_said_plainly_and_named_in_the_details(
    tmp_path: Path, lang: str
) -> None:
    """HR reads that the badge uses a vocabulary this verifier does not know; the term
    of the trade and the context's address are for ``--details``."""
    path = _unknown_vocabulary(tmp_path)
    plain = runner.invoke(app, ["verify", "--lang", lang, str(path)], env={"COLUMNS": "200"})
    assert plain.exit_code == 1, plain.output
    assert "(unknown_context)" in plain.output
    assert "JSON-LD" not in plain.output
    assert ("vocabulary" if lang == "en" else "woordenlijst") in plain.output
    details = runner.invoke(
        app, ["verify", "--details", "--lang", lang, str(path)], env={"COLUMNS": "200"}
    )
    assert "JSON-LD context" in details.output, details.output
    assert "https://vocab.example/context.json" in details.output
