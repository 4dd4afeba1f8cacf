"""The rugzak-issuer CLI, in-process through typer's runner, on a temporary data dir."""

from __future__ import annotations

import csv
import errno
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from issuer.cli import app, main
from shared.credentials import verify_credential
from shared.did import StaticResolver
from shared.digests import multibase_matches
from shared.oid4vci import CredentialOffer, parse_offer_link
from shared.qr import read_qr_image
from shared.runtime.files import is_disk_full
from shared.status_cache import LocalStatusSource
from tests.issuer.conftest import HOLDER, PASSPHRASE
from tests.sample_images import badge_png

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201b0cd2d8e0000000049454e44ae426082"
)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("RUGZAK_ISSUER_KDF", "min")
    monkeypatch.delenv("RUGZAK_ISSUER_DATABASE_URL", raising=False)
    return CliRunner()


def cli(runner: CliRunner, data: Path, *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["--data-dir", str(data), *args])
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def data(runner: CliRunner, tmp_path: Path) -> Path:
    directory = tmp_path / "issuer"
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1PX)
    result = cli(
        runner,
        directory,
        "init",
        "--name",
        "Learning City",
        "--url",
        "https://city.example",
        "--image",
        str(logo),
        "--base-url",
        "https://badges.city.example",
    )
    assert "Issuer DID: did:key:z6Mk" in result.output
    cli(
        runner,
        directory,
        "achievement",
        "create",
        "--id",
        "cook",
        "--name",
        "Menu design",
        "--description",
        "Designed a new seasonal menu.",
        "--criteria",
        "Plans and costs a menu.",
        "--type",
        "Competency",
        "--tag",
        "kitchen",
        "--tag",
        "planning",
        "--align",
        "Menu planning|https://fw.example/menu|Hospitality|H-12",
        "--result-description",
        "Level=1,2,3,4",
        "--valid-days",
        "730",
        "--image",
        str(logo),
    )
    return directory


def test_init_prints_did_and_token_once_and_refuses_twice(runner: CliRunner, data: Path) -> None:
    again = cli(runner, data, "init", "--name", "Other", "--local", code=2)
    assert "already_initialized" in again.output
    config = json.loads((data / "issuer.json").read_text())
    assert config["database_url"].startswith("sqlite:///")
    db = (data / "issuer.db").read_bytes()
    assert PASSPHRASE.encode() not in db


def test_achievement_commands(runner: CliRunner, data: Path) -> None:
    shown = json.loads(cli(runner, data, "achievement", "show", "cook", "--json").output)
    ob = shown["achievement"]
    assert ob["image"]["id"].startswith("data:image/png;base64,")
    assert ob["alignment"][0]["targetFramework"] == "Hospitality"
    assert ob["tag"] == ["kitchen", "planning"]
    cli(runner, data, "achievement", "update", "cook", "--name", "Seasonal menu design")
    listed = json.loads(cli(runner, data, "achievement", "list", "--json").output)
    assert [a["definition"]["name"] for a in listed] == ["Seasonal menu design"]
    cli(runner, data, "achievement", "retire", "cook")
    assert json.loads(cli(runner, data, "achievement", "list", "--json").output) == []
    assert len(json.loads(cli(runner, data, "achievement", "list", "--all", "--json").output)) == 1


def test_achievement_from_json_and_errors(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    definition = tmp_path / "a.json"
    definition.write_text(
        json.dumps({"name": "Grit", "description": "d", "criteria_narrative": "c"})
    )
    cli(runner, data, "achievement", "create", "--from-json", str(definition), "--id", "grit")
    missing = cli(runner, data, "achievement", "show", "nope", code=2)
    assert "achievement_not_found" in missing.output
    no_criteria = cli(
        runner, data, "achievement", "create", "--name", "x", "--description", "y", code=2
    )
    assert "invalid_request" in no_criteria.output
    big = tmp_path / "big.svg"  # an SVG is text: never rewritten, refused when too large
    big.write_text('<svg xmlns="http://www.w3.org/2000/svg">' + " " * 300_000 + "</svg>")
    too_big = cli(
        runner,
        data,
        "achievement",
        "create",
        "--name",
        "x",
        "--description",
        "y",
        "--criteria",
        "z",
        "--image",
        str(big),
        code=2,
    )
    assert "image_too_large" in too_big.output
    assert "(294 KB; the limit is 256 KB)" in too_big.output


def _designer_png(side: int) -> bytes:
    """A badge as a designer exports it: large, a gradient disc with fine grain."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for r in range(side // 2, 0, -4):
        draw.ellipse(
            (side // 2 - r, side // 2 - r, side // 2 + r, side // 2 + r),
            fill=(30 + r * 200 // side, 90, 160 - r * 100 // side, 255),
        )
    grain = Image.effect_noise((side, side), 20).convert("L")
    rgb = Image.merge("RGB", [Image.blend(c, grain, 0.1) for c in image.convert("RGB").split()])
    rgb.putalpha(image.getchannel("A"))
    out = io.BytesIO()
    rgb.save(out, "PNG")
    return out.getvalue()


def _phone_photo(width: int, height: int) -> bytes:
    """A JPEG as a phone writes it: landscape pixels, EXIF saying 'turn me upright'."""
    from PIL import Image

    image = Image.effect_noise((width, height), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to view
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def test_a_large_picture_is_made_badge_sized_not_refused(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    import base64

    from PIL import Image

    png = tmp_path / "Badge Doorzetten (definitief).png"
    png.write_bytes(_designer_png(2000))
    assert png.stat().st_size > 1024 * 1024
    made = cli(runner, data, "achievement", "create", "--id", "groot", "--name", "Groot",
               "--description", "d", "--criteria", "c", "--image", str(png))  # fmt: skip
    assert "2000 x 2000 -> 512 x 512 pixels" in " ".join(made.output.split())
    # the human view names the image by type and size instead of screens of base64
    assert "data:image/png;base64,... (" in made.output
    assert len(made.output) < 3000
    shown = json.loads(cli(runner, data, "achievement", "show", "groot", "--json").output)
    uri = shown["achievement"]["image"]["id"]
    assert uri.startswith("data:image/png;base64,")
    stored = base64.b64decode(uri.split(",", 1)[1])
    assert len(stored) <= 256 * 1024
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (512, 512)
        assert image.mode == "RGBA"  # transparency kept

    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(_phone_photo(4000, 3000))
    cli(runner, data, "achievement", "create", "--id", "foto", "--name", "Foto",
        "--description", "d", "--criteria", "c", "--image", str(photo))  # fmt: skip
    shown = json.loads(cli(runner, data, "achievement", "show", "foto", "--json").output)
    uri = shown["achievement"]["image"]["id"]
    assert uri.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as image:
        assert max(image.size) <= 512
        assert image.height > image.width  # stood upright
        assert not image.getexif()  # no camera or place data in every badge


def test_issue_revoke_and_export(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "credential.json"
    cli(
        runner,
        data,
        "issue",
        "-a",
        "cook",
        "--recipient",
        HOLDER.did,
        "--result",
        "Level=3",
        "--evidence",
        "https://city.example/menus/autumn",
        "--out",
        str(out),
    )
    credential = json.loads(out.read_text())
    assert credential["credentialSubject"]["result"][0]["value"] == "3"
    # the logo given as a file is served by URL, its digest signed with the badge
    logo = credential["issuer"]["image"]["id"]
    assert logo.startswith("https://badges.city.example/images/")
    assert credential["relatedResource"][0]["id"] == logo
    export = tmp_path / "site"
    cli(runner, data, "status", "export", str(export))
    files = sorted(p.relative_to(export).as_posix() for p in export.rglob("*") if p.is_file())
    assert files == ["images/" + logo.rsplit("/", 1)[1], "status/revocation-1"]
    # public files: a web server running as another user must be able to read them
    assert {(export / f).stat().st_mode & 0o777 for f in files} == {0o644}
    assert multibase_matches(
        (export / files[0]).read_bytes(), credential["relatedResource"][0]["digestMultibase"]
    )
    lists = {
        "https://badges.city.example/status/revocation-1": json.loads(
            (export / "status" / "revocation-1").read_text()
        )
    }
    moment = datetime.now(UTC) + timedelta(seconds=5)  # after the list was signed
    assert verify_credential(
        credential, status_fetcher=LocalStatusSource(lists), now=moment
    ).verified
    revoked = cli(runner, data, "revoke", credential["id"], "--reason", "mistake")
    assert "revoked" in revoked.output
    cli(runner, data, "status", "export", str(export))
    lists = {
        "https://badges.city.example/status/revocation-1": json.loads(
            (export / "status" / "revocation-1").read_text()
        )
    }
    result = verify_credential(credential, status_fetcher=LocalStatusSource(lists), now=moment)
    assert "revoked" in result.codes()
    no_suspension = cli(runner, data, "suspend", credential["id"], code=2)
    assert "conflict" in no_suspension.output
    audit = json.loads(cli(runner, data, "audit", "--json").output)
    assert [e["action"] for e in audit[:2]] == ["revoke", "issue"]
    assert audit[0]["detail"] == {"reason": "mistake"}


def test_bad_issue_inputs_exit_2(runner: CliRunner, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    for args, code in (
        (["--recipient", "did:example:1", "-a", "cook"], "unsupported_did_method"),
        (["--recipient", HOLDER.did, "-a", "nope"], "achievement_not_found"),
        (["--recipient", HOLDER.did, "-a", "cook", "--result", "9"], "invalid_request"),
    ):
        result = cli(runner, data, "issue", *args, "--out", str(out), code=2)
        assert code in result.output
    assert not out.exists()


def test_offer_prints_link_code_and_writes_qr(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    png = tmp_path / "offer.png"
    result = cli(
        runner,
        data,
        "offer",
        "-a",
        "cook",
        "--email",
        "sam@example.org",
        "--tx-code",
        "--qr",
        str(png),
        "--expires-in",
        "2",
    )
    link = result.output.splitlines()[0]
    offer = parse_offer_link(link)
    assert isinstance(offer, CredentialOffer)
    assert offer.credential_issuer == "https://badges.city.example"
    assert "transaction code:" in result.output
    assert read_qr_image(png.read_bytes()) == [link]


def test_wrong_passphrase_is_refused(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", "not the passphrase")
    result = cli(
        runner,
        data,
        "issue",
        "-a",
        "cook",
        "--recipient",
        HOLDER.did,
        "--out",
        str(tmp_path / "c.json"),
        code=2,
    )
    assert "wrong_passphrase" in result.output
    assert "not the passphrase" not in result.output


def test_commands_before_init_say_so(runner: CliRunner, tmp_path: Path) -> None:
    result = cli(runner, tmp_path / "empty", "achievement", "list", code=2)
    assert "not_initialized" in result.output


def test_did_web_issuer_rotates_keys(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "web"
    cli(runner, data, "init", "--name", "Academy", "--did-web", "academy.example:8443/badges")
    cli(
        runner,
        data,
        "achievement",
        "create",
        "--id",
        "a",
        "--name",
        "A",
        "--description",
        "d",
        "--criteria",
        "c",
    )
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    cli(runner, data, "issue", "-a", "a", "--recipient", HOLDER.did, "--out", str(first))
    rotated = cli(runner, data, "rotate-key")
    assert "#key-2" in rotated.output
    cli(runner, data, "issue", "-a", "a", "--recipient", HOLDER.did, "--out", str(second))
    site = tmp_path / "site"
    cli(runner, data, "status", "export", str(site))
    did_doc = json.loads((site / "did.json").read_text())
    assert did_doc["id"] == "did:web:academy.example%3A8443:badges"
    assert did_doc["assertionMethod"] == [f"{did_doc['id']}#key-1", f"{did_doc['id']}#key-2"]
    assert did_doc["authentication"] == [f"{did_doc['id']}#key-2"]
    resolver = StaticResolver({did_doc["id"]: did_doc})
    status = {
        "https://academy.example:8443/badges/status/revocation-1": json.loads(
            (site / "status" / "revocation-1").read_text()
        )
    }
    for path, fragment in ((first, "#key-1"), (second, "#key-2")):
        credential = json.loads(path.read_text())
        assert credential["proof"][0]["verificationMethod"].endswith(fragment)
        moment = datetime.now(UTC) + timedelta(seconds=5)
        result = verify_credential(
            credential, resolver=resolver, status_fetcher=LocalStatusSource(status), now=moment
        )
        assert result.verified, result.to_dict()


def test_new_admin_token_replaces_the_old_one(runner: CliRunner, data: Path) -> None:
    from issuer.api_tokens import authenticate
    from issuer.store import Store

    first = cli(runner, data, "admin-token").output.split("safely):")[1].split()[0]
    output = cli(runner, data, "admin-token").output
    token = output.split("safely):")[1].split()[0]
    store = Store(f"sqlite:///{data / 'issuer.db'}")
    now = datetime.now(UTC)
    found = authenticate(store, token, now=now)
    assert found is not None
    assert (found.name, found.scope, found.actor) == ("admin", "admin", "api:admin")
    assert authenticate(store, first, now=now) is None
    assert authenticate(store, "anything else", now=now) is None
    store.dispose()
    listed = json.loads(cli(runner, data, "token", "list", "--json").output)
    assert [(t["name"], t["state"]) for t in listed] == [
        ("admin", "revoked"),
        ("admin", "revoked"),
        ("admin", "active"),
    ]


def test_offers_list_shows_state(runner: CliRunner, data: Path) -> None:
    cli(runner, data, "offer", "-a", "cook", "--email", "sam@example.org")
    listed = json.loads(cli(runner, data, "offers", "list", "--json").output)
    assert [(o["achievement_id"], o["state"], o["recipient_email"]) for o in listed] == [
        ("cook", "open", "sam@example.org")
    ]


def test_offer_by_reference_writes_a_small_qr(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    png = tmp_path / "small.png"
    result = cli(runner, data, "offer", "-a", "cook", "--by-reference", "--qr", str(png))
    link = result.output.splitlines()[0]
    assert link.startswith("openid-credential-offer://?credential_offer_uri=https%3A%2F%2F")
    assert read_qr_image(png.read_bytes()) == [link]


def test_a_full_disk_is_a_plain_message_not_a_traceback(
    runner: CliRunner,
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    issued = str(tmp_path / "c.json")
    cli(runner, data, "issue", "-a", "cook", "--recipient", HOLDER.did, "--out", issued)
    monkeypatch.setattr("issuer.publish.atomic_write", full)
    monkeypatch.setattr(
        "sys.argv", ["rugzak-issuer", "--data-dir", str(data), "status", "export", str(tmp_path)]
    )
    with pytest.raises(SystemExit) as exit_:
        main()
    printed = capsys.readouterr()
    assert exit_.value.code == 2, printed
    assert "disk_full" in printed.err
    assert "the disk is full" in printed.err
    assert "Traceback" not in printed.err + printed.out


def test_a_full_database_disk_is_recognised() -> None:
    full = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database or disk is full"))
    assert is_disk_full(full)
    assert not is_disk_full(OperationalError("INSERT ...", {}, sqlite3.OperationalError("locked")))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))


def test_batch_cli_offers_expire_when_asked_and_a_wrong_passphrase_touches_nothing(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "klas.csv"
    source.write_text(
        "naam,e-mail,ontvanger,vaardigheid\n"
        "Fleur van der Berg-Özdemir,fleur@example.org,,cook\n"
        f"Sem,,{HOLDER.did},cook\n"
        "Broken,,did:example:x\n",
        encoding="utf-8",
    )
    done = cli(runner, data, "batch", str(source), "--expires-in", "2", "--quiet", code=2)
    assert "3 lines: 1 issued, 1 offered, 0 already done, 1 failed" in done.output
    results = source.with_suffix(".results.csv")
    rows = list(csv.DictReader(io.StringIO(results.read_text("utf-8-sig"))))
    assert [r["line"] for r in rows] == ["2", "3", "4"]
    offers = json.loads(cli(runner, data, "offers", "list", "--json").output)
    (offer,) = offers
    expires = datetime.fromisoformat(offer["expires_at"])
    assert timedelta(hours=1.9) < expires - datetime.now(UTC) <= timedelta(hours=2)
    kept = results.read_bytes()
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", "not the passphrase")
    wrong = cli(runner, data, "batch", str(source), code=2)
    assert "wrong_passphrase" in wrong.output
    assert results.read_bytes() == kept
    assert not source.with_name("klas.results-2.csv").exists()


def test_batch_results_open_in_the_spreadsheet_the_file_came_from(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    """Excel in a Dutch locale saves semicolons (here with its byte order mark and CRLF);
    the results must come back the same way, or Excel shows one column of mangled names."""
    source = tmp_path / "klas.csv"
    source.write_bytes(
        "\ufeffNaam;E-mail;Vaardigheid\r\n"
        "Joël de Vriës;joel@example.nl;cook\r\n"
        "Anaïs Bakker;anais@example.nl;cook\r\n"
        '"=HYPERLINK(""http://evil.example"";""Klik"")";hyper@example.nl;cook\r\n'.encode()
    )
    done = cli(runner, data, "batch", str(source), "--tx-code", "--quiet")
    raw = source.with_suffix(".results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfline;name;email;")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    # a name from a sign-up form is never run as a formula (CSV injection)
    assert [r["name"] for r in rows] == [
        "Joël de Vriës",
        "Anaïs Bakker",
        '\'=HYPERLINK("http://evil.example";"Klik")',
    ]
    assert all(r["offer_uri"].startswith("openid-credential-offer://") for r in rows)
    # a spreadsheet reads the code as a number: it must not start with 0
    assert all(len(r["tx_code"]) == 6 and r["tx_code"][0] != "0" for r in rows)
    assert "Windows-1252" not in done.output

    # Excel's plain 'CSV' on a Dutch Windows: Windows-1252, read, and said so
    latin = tmp_path / "klas-latin.csv"
    latin.write_bytes(
        "Naam;E-mail;Vaardigheid\r\nJoël de Vriës;j2@example.nl;cook\r\n".encode("cp1252")
    )
    said = cli(runner, data, "batch", str(latin), "--quiet")
    assert "read as Windows-1252" in " ".join(said.output.split())
    raw = latin.with_suffix(".results.csv").read_bytes().decode("utf-8-sig")
    assert [r["name"] for r in csv.DictReader(io.StringIO(raw), delimiter=";")] == ["Joël de Vriës"]


def test_transaction_codes_never_start_with_zero() -> None:
    from issuer.vault import new_tx_code

    codes = [new_tx_code() for _ in range(3000)]
    assert all(len(c) == 6 and c.isdigit() and c[0] != "0" for c in codes)
    assert {c[0] for c in codes} == set("123456789")  # every other first digit occurs


def test_lists_show_whole_ids_in_an_80_column_terminal(
    runner: CliRunner, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id is what the next command needs (issue -a ID): a list that cuts it off with
    '…' at 80 columns cannot be used; names fold instead."""
    monkeypatch.setenv("COLUMNS", "80")
    cli(runner, data, "framework", "import", "--builtin", "levensvaardigheden")
    listed = cli(runner, data, "achievement", "list").output
    assert "…" not in listed
    for skill in ("probleemoplossend-vermogen", "samenwerken", "doorzettingsvermogen"):
        assert f"levensvaardigheden-{skill}" in listed
    assert max(len(line) for line in listed.splitlines()) <= 80
    skills = cli(runner, data, "framework", "show", "levensvaardigheden").output
    assert "probleemoplossend-vermogen" in skills
    assert "…" not in skills


def test_text_from_people_and_files_is_printed_as_it_is(
    runner: CliRunner, data: Path, tmp_path: Path
) -> None:
    """Rich markup in a learner's name or a file name is text: '[/x]' ended the command
    with a traceback (MarkupError), '[definitief]' vanished from a file name."""
    picture = tmp_path / "Badge [definitief].png"
    picture.write_bytes(badge_png(300, seed=4))  # over the limit: its name is printed
    made = cli(runner, data, "achievement", "create", "--id", "vorm", "--name", "Vorm [/x]",
               "--description", "d", "--criteria", "c", "--image", str(picture))  # fmt: skip
    assert "Badge [definitief].png" in made.output
    assert '"name": "Vorm [/x]"' in made.output
    source = tmp_path / "klas.csv"
    source.write_text("naam;e-mail;vaardigheid\nJan [/x] [bold]Smit;jan@example.nl;vorm\n")
    cli(runner, data, "batch", str(source), "--quiet")
    audit = cli(runner, data, "audit").output
    assert "Jan [/x] [bold]Smit" in audit
    listed = cli(runner, data, "offers", "list").output
    assert "Traceback" not in listed
