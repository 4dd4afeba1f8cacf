"""The scripting verbs: init, did, import, list, show, present, export, backup, restore."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from typer.testing import CliRunner

from shared import qr
from shared.credentials import verify_presentation
from shared.messages import sentence
from shared.presentation_request import PresentationRequest
from shared.status_cache import LocalStatusSource
from tests.wallet.helpers import NOW, OTHER_KEY, FakeIssuer, make_credential
from wallet.cli import make_cli
from wallet.config import WalletConfig

ENV = {"RUGZAK_PASSPHRASE": "cli passphrase", "LANG": "en_GB.UTF-8"}


def run(
    config: WalletConfig, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    result = CliRunner().invoke(make_cli(config), list(args), env=env or ENV)
    return result.exit_code, result.stdout, result.stderr


def did_of(config: WalletConfig) -> str:
    code, out, _ = run(config, "did")
    assert code == 0
    return out.strip()


def wallet_with_a_badge(config: WalletConfig, tmp_path: Path) -> str:
    """A new wallet holding one badge of its own; the badge's id."""
    assert run(config, "init")[0] == 0
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(did_of(config), status_index=7)))
    assert run(config, "import", str(badge))[0] == 0
    return str(json.loads(run(config, "list", "--json")[1])[0]["id"])


def test_full_cli_journey(
    config: WalletConfig, tmp_path: Path, issuer: FakeIssuer, local_status: LocalStatusSource
) -> None:
    code, out, err = run(config, "init")
    assert code == 0, err
    assert "did:key:z6Mk" in out
    did = did_of(config)

    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(did, status_index=7)))
    code, out, _ = run(config, "import", str(badge))
    assert code == 0
    assert "Kept" in out
    code, out, _ = run(config, "import", issuer.offer(4), "--json")
    assert code == 0
    assert json.loads(out)[0]["accepted"] is True

    code, out, _ = run(config, "list", "--json")
    cards = json.loads(out)
    assert [c["status"] for c in cards] == ["valid", "valid"]
    local_id = cards[0]["id"]
    code, out, _ = run(config, "show", local_id[:6])
    assert code == 0
    assert "Doorzettingsvermogen" in out
    # what the badge says, as the app's detail screen shows it, not only its name and dates
    for said in ("Blijft doorgaan als het moeilijk wordt", "Drie reflectieverslagen",
                 "Persoonlijke effectiviteit (PE-2)", "ROC Rivierenland"):  # fmt: skip
        assert said in out, out
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80  # wrapped to the terminal
    code, out, _ = run(config, "show", local_id, "--json")
    assert json.loads(out)["credentialSubject"]["id"] == did

    request = PresentationRequest.create(
        "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x22" * n
    )
    png, vp_file, svg = tmp_path / "vp.png", tmp_path / "vp.json", tmp_path / "vp.svg"
    code, _, err = run(
        config,
        "present",
        "--request",
        request.to_text(),
        "--credential",
        local_id,
        "--credential",
        cards[1]["id"],
        "--qr-png",
        str(png),
        "--qr-svg",
        str(svg),
        "--out",
        str(vp_file),
        "--max-version",
        "10",
    )
    assert code == 0, err
    vp = qr.decode(qr.read_qr_image(png.read_bytes()))
    assert vp == json.loads(vp_file.read_text())
    assert svg.read_text().startswith("<?xml")
    result = verify_presentation(
        vp, challenge=request.challenge, domain=request.domain, now=NOW, status_fetcher=local_status
    )
    assert result.verdict == "valid", result.codes()
    assert len(result.credentials) == 2

    exported = tmp_path / "one.json"
    assert run(config, "export", local_id, str(exported))[0] == 0
    assert json.loads(exported.read_text())["credentialSubject"]["id"] == did

    backup = tmp_path / "backup.json"
    assert run(config, "backup", str(backup))[0] == 0
    # An earlier backup is never replaced unasked; --force replaces it.
    sealed = backup.read_bytes()
    code, _, err = run(config, "backup", str(backup))
    assert code == 2
    assert "There is already a file" in err
    assert "--force" in err
    assert backup.read_bytes() == sealed
    assert run(config, "backup", str(backup), "--force")[0] == 0
    assert backup.read_bytes() != sealed
    fresh = replace(config, data_dir=tmp_path / "fresh")
    code, out, _ = run(fresh, "restore", str(backup))
    assert code == 0
    assert "2" in out
    assert did_of(fresh) == did


def test_unbound_presentation_is_marked(config: WalletConfig, tmp_path: Path) -> None:
    run(config, "init")
    did = did_of(config)
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(did)))
    run(config, "import", str(badge))
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]
    code, out, err = run(config, "present", "-c", local_id)
    assert code == 0
    assert "not bound" in err
    vp = json.loads(out)
    assert "challenge" not in vp["proof"]
    result = verify_presentation(vp, challenge=None, domain=None, now=NOW)
    assert "challenge_mismatch" in [w.code for w in result.warnings]


def test_refused_import_exits_1_with_the_reason(config: WalletConfig, tmp_path: Path) -> None:
    run(config, "init")
    badge = tmp_path / "someone-else.json"
    badge.write_text(json.dumps(make_credential(OTHER_KEY.did)))
    code, _, err = run(config, "import", str(badge))
    assert code == 1
    assert sentence("holder_mismatch") in err
    assert "holder_mismatch" not in err  # the code is for --json, not for people


def test_wrong_passphrase_exits_2(config: WalletConfig) -> None:
    run(config, "init")
    code, _, err = run(config, "list", env={**ENV, "RUGZAK_PASSPHRASE": "wrong"})
    assert code == 2
    assert err.strip() == sentence("wrong_passphrase")


def test_dutch_messages(config: WalletConfig) -> None:
    run(config, "init")
    code, _, err = run(config, "--lang", "nl", "list", env={**ENV, "RUGZAK_PASSPHRASE": "x"})
    assert code == 2
    assert "Met die wachtzin" in err
    code, out, _ = run(config, "--lang", "nl", "list")
    assert "Nog geen badges" in out


def test_language_follows_the_locale(config: WalletConfig) -> None:
    run(config, "init")
    _, out, _ = run(config, "list", env={**ENV, "LANG": "nl_NL.UTF-8"})
    assert "Nog geen badges" in out


def test_init_twice_is_refused(config: WalletConfig) -> None:
    assert run(config, "init")[0] == 0
    code, _, err = run(config, "init")
    assert code == 2
    assert err.strip() == sentence("already_initialized")


def test_unknown_badge_exits_2(config: WalletConfig) -> None:
    run(config, "init")
    code, _, err = run(config, "show", "nope")
    assert code == 2
    assert err.strip() == sentence("credential_not_found")


def test_prompted_passphrase(config: WalletConfig) -> None:
    result = CliRunner().invoke(
        make_cli(config), ["init"], input="prompted pass\nprompted pass\n", env={"LANG": "C"}
    )
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(
        make_cli(config), ["did"], input="prompted pass\n", env={"LANG": "C"}
    )
    assert "did:key:" in result.stdout


def test_cli_default_qr_size_matches_the_presenting_module() -> None:
    from wallet import presenting
    from wallet.cli import present

    assert present.FILE_MAX_VERSION == presenting.FILE_MAX_VERSION


def test_short_passphrase_is_refused(config: WalletConfig) -> None:
    code, _, err = run(config, "init", env={**ENV, "RUGZAK_PASSPHRASE": "short"})
    assert code == 2
    assert "8" in err


def test_unwritable_export_is_a_plain_error(config: WalletConfig, tmp_path: Path) -> None:
    run(config, "init")
    did = did_of(config)
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(did)))
    run(config, "import", str(badge))
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]
    code, _, err = run(config, "export", local_id, str(tmp_path / "missing" / "dir" / "x.json"))
    assert code == 2
    assert f"The folder {tmp_path / 'missing' / 'dir'} does not exist" in err
    assert "No such file or directory" not in err
    assert "(code" not in err


def test_endorse_with_the_wallets_key(config: WalletConfig, tmp_path: Path) -> None:
    """A person endorses a badge with the wallet's DID; anyone verifies it."""
    from shared.credentials import verify_credential
    from shared.ob.endorsement import endorsed_target

    code, _, err = run(config, "init")
    assert code == 0, err
    did = did_of(config)
    out_file = tmp_path / "aanbeveling.json"
    target = "urn:uuid:7d1e4f2a-3b5c-4d6e-8f90-a1b2c3d4e5f6"
    code, out, err = run(
        config, "endorse", target, "--comment", "Ik werkte een jaar met haar.",
        "--as", "Fatima el Amrani", "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert did in out
    endorsement = json.loads(out_file.read_text("utf-8"))
    assert endorsement["issuer"] == {"id": did, "type": ["Profile"], "name": "Fatima el Amrani"}
    assert endorsed_target(endorsement) == target
    assert verify_credential(endorsement, now=NOW).verified
    code, _, err = run(config, "endorse", "no uri", "--comment", "x", "--out", str(out_file))
    assert code == 2
    assert "URI" in err


def test_format_rz1_z_writes_codec_z_for_older_verifiers(
    config: WalletConfig, tmp_path: Path
) -> None:
    run(config, "init")
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(make_credential(did_of(config))))
    run(config, "import", str(badge))
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]
    codecs = {}
    for form in ("rz1", "rz1-z"):
        png = tmp_path / f"{form}.png"
        code, _, err = run(
            config, "present", "-c", local_id, "--qr-png", str(png), "--format", form
        )
        assert code == 0, err
        texts = qr.read_qr_image(png.read_bytes())
        first = next(part for part in map(qr.parse, texts) if part.index == 1)
        codecs[form] = first.chunk[0]
        assert qr.decode(texts)["holder"] == did_of(config)
    assert codecs == {"rz1": "C", "rz1-z": "Z"}


def test_a_damaged_badge_does_not_lock_list_present_or_backup(
    config: WalletConfig, tmp_path: Path
) -> None:
    import sqlite3

    run(config, "init")
    did = did_of(config)
    for n in (1, 2, 3):
        badge = tmp_path / f"badge-{n}.json"
        badge.write_text(json.dumps(make_credential(did, number=n)))
        assert run(config, "import", str(badge))[0] == 0
    listed = json.loads(run(config, "list", "--json")[1])
    damaged_id = listed[1]["id"]
    with sqlite3.connect(config.data_dir / "wallet.sqlite3") as conn:
        blob = bytearray(
            conn.execute("SELECT card FROM credentials WHERE id = ?", (damaged_id,)).fetchone()[0]
        )
        blob[-1] ^= 1
        conn.execute("UPDATE credentials SET card = ? WHERE id = ?", (bytes(blob), damaged_id))

    code, out, err = run(config, "list")
    assert code == 0, err
    assert listed[0]["id"] in out
    assert listed[2]["id"] in out
    assert "Traceback" not in out + err
    assert f"1 badge(s) in the wallet are damaged and cannot be shown ({damaged_id})" in " ".join(
        err.split()
    )
    vp = tmp_path / "vp.json"
    code, _out, err = run(config, "present", "-c", listed[2]["id"], "--out", str(vp))
    assert code == 0, err
    assert len(json.loads(vp.read_text())["verifiableCredential"]) == 1
    backup = tmp_path / "backup.json"
    code, out, err = run(config, "backup", str(backup))
    assert code == 0, err
    fresh = replace(config, data_dir=tmp_path / "fresh")
    assert run(fresh, "restore", str(backup))[0] == 0
    assert len(json.loads(run(fresh, "list", "--json")[1])) == 2


def test_the_help_lists_each_command_in_whole_lines(config: WalletConfig) -> None:
    """A command's summary is one sentence in the help's list, not broken where its
    docstring was wrapped ("... status (or" / "its raw JSON)")."""
    result = CliRunner().invoke(make_cli(config), ["--help"], env={**ENV, "COLUMNS": "200"})
    summary = next(line for line in result.output.splitlines() if "│ show " in line)
    assert summary.rstrip(" │").endswith("(or its JSON)."), summary
