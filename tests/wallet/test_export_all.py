"""export --all: every badge out of the wallet, one file each (or one presentation), and
import FOLDER reading such a folder back."""

from __future__ import annotations

import base64
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from shared.credentials import issue_credential
from shared.formats import verify_stored
from shared.formats.baking import extract
from shared.runtime.sealing import FAST_KDF
from tests.factories import unsigned_badge
from tests.sample_images import badge_png, data_uri
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY, NOW, make_credential
from tests.wallet.test_cli import did_of, run
from tests.wallet.test_export_forms import SVG_PICTURE
from tests.wallet.test_receive_formats import _jwt
from wallet.config import WalletConfig
from wallet.data.cards import Status
from wallet.data.store import WalletStore
from wallet.export_all import export_folder, export_presentation
from wallet.file_names import MAX_STEM_BYTES, NameBook, badge_stem
from wallet.service import WalletService

ISSUED = "2026-06-01"


def _jpeg() -> bytes:
    from PIL import Image

    photo = io.BytesIO()
    Image.effect_noise((60, 40), 50).convert("RGB").save(photo, "JPEG", quality=80)
    return photo.getvalue()


def _pictured(did: str, name: str, uri: str, number: int) -> dict[str, Any]:
    unsigned = unsigned_badge(
        did, ISSUER_KEY, name=name, credential_id=f"urn:uuid:00000000-0000-4000-8000-{number:012d}"
    )
    unsigned["credentialSubject"]["achievement"]["image"] = {"id": uri, "type": "Image"}
    return issue_credential(unsigned, ISSUER_KEY, created=NOW)


def _import(config: WalletConfig, tmp_path: Path, credential: Any, name: str) -> str:
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(credential if isinstance(credential, str) else json.dumps(credential))
    code, out, err = run(config, "import", str(path))
    assert code == 0, err
    return out.rsplit("[", 1)[1].split("]")[0]


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "index.json").read_text("utf-8"))


# ---------------------------------------------------------------- names


def test_names_keep_accents_replace_unsafe_characters_and_stay_short() -> None:
    assert badge_stem("Één keer", "ROC Rivierenland", "2026-06-01T09:00:00Z") == (
        "Één keer - ROC Rivierenland - 2026-06-01"
    )
    # NFD (as macOS may give it) becomes NFC: one name, not two that look alike
    assert badge_stem("E\u0301e\u0301n", "X", None) == "Één - X"
    assert badge_stem('a/b\\c:d*e?f"g<h>i|j\x00k\x1fl', " .Uitgever. ", "2026-01-02") == (
        "a_b_c_d_e_f_g_h_i_j_k_l - Uitgever - 2026-01-02"
    )
    long = badge_stem("Ш" * 300, "Ø" * 300, ISSUED)
    assert len(long.encode("utf-8")) <= MAX_STEM_BYTES
    assert long.endswith("…")
    assert badge_stem("", "", None) == "Badge"
    assert badge_stem("CON", "", None) == "_CON"  # Windows reserves it
    assert badge_stem("...", "x", None) == "Badge - x"


def test_name_collisions_are_numbered_case_insensitively() -> None:
    book = NameBook({"index"})
    assert [book.claim(s) for s in ("Index", "a", "A", "a", "b")] == [
        "Index (2)",
        "a",
        "A (2)",
        "a (3)",
        "b",
    ]


# ---------------------------------------------------------------- the CLI


def test_export_all_writes_one_file_per_badge_named_for_people(
    config: WalletConfig, tmp_path: Path
) -> None:
    assert run(config, "init")[0] == 0
    did = did_of(config)
    badges = {
        "Gastvrijheid": make_credential(did, number=1, name="Gastvrijheid"),
        "twin": make_credential(did, number=2, name="Gastvrijheid"),
        "unsafe": make_credential(did, number=3, name='Koken: "à la carte" 1/2?'),
        "accent": make_credential(did, number=4, name="Één zorgcompetentie", status_index=42),
    }
    ids = {key: _import(config, tmp_path, value, f"{key}.json") for key, value in badges.items()}
    jwt = _jwt(did)
    ids["jwt"] = _import(config, tmp_path, jwt, "zorg.jwt")
    folder = tmp_path / "Mijn badges"
    jwt_name = "Zorgtechnologie in de wijk - Hanzehogeschool Groningen - {}.jwt".format(
        next(c["issued"][:10] for c in _list(config) if c["id"] == ids["jwt"])
    )

    code, out, err = run(config, "export", "--all", str(folder))
    assert code == 0, err
    assert "Exported 5 badge(s)" in out
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "Gastvrijheid - ROC Rivierenland - 2026-06-01 (2).json",
        "Gastvrijheid - ROC Rivierenland - 2026-06-01.json",
        "Koken_ _à la carte_ 1_2_ - ROC Rivierenland - 2026-06-01.json",
        "README.txt",
        jwt_name,
        "index.json",
        "Één zorgcompetentie - ROC Rivierenland - 2026-06-01.json",
    ]
    # each file is the credential as kept, and its issuer's proof still checks
    for key in ("Gastvrijheid", "twin", "unsafe", "accent"):
        [entry] = [e for e in _manifest(folder)["badges"] if e["wallet_id"] == ids[key]]
        text = (folder / entry["file"]).read_text("utf-8")
        assert json.loads(text) == badges[key]
        assert "à la carte" in text or key != "unsafe"  # not \u-escaped
        result = verify_stored(json.loads(text), now=NOW)
        assert [c.code for c in result.errors] in ([], ["revoked"]), result.errors
    assert (folder / jwt_name).read_text("ascii") == jwt  # the token exactly as signed

    manifest = _manifest(folder)
    assert (manifest["format"], manifest["version"], manifest["count"]) == ("rugzak-export", 1, 5)
    assert manifest["holder"] == did
    assert manifest["exported"] == NOW.isoformat()
    assert manifest["not_exported"] == []
    accent = next(e for e in manifest["badges"] if e["wallet_id"] == ids["accent"])
    assert accent == {
        "file": "Één zorgcompetentie - ROC Rivierenland - 2026-06-01.json",
        "form": "json",
        "name": "Één zorgcompetentie",
        "issuer": "ROC Rivierenland",
        "issuer_id": ISSUER_KEY.did,
        "issued": "2026-06-01T09:00:00Z",
        "valid_until": None,
        "status": "revoked",
        "status_checked": NOW.isoformat(),
        "credential_id": badges["accent"]["id"],
        "wallet_id": ids["accent"],
    }
    readme = (folder / "README.txt").read_text("utf-8")
    assert "5 badge(s)" in readme
    assert "rugzak-verifier verify FILE" in readme


def test_dutch_wallet_writes_a_dutch_read_me(config: WalletConfig, tmp_path: Path) -> None:
    dutch = replace(config, lang="nl")
    assert run(dutch, "init")[0] == 0
    _import(dutch, tmp_path, make_credential(did_of(dutch)), "b.json")
    code, out, err = run(dutch, "--lang", "nl", "export", "--all", str(tmp_path / "uit"))
    assert code == 0, err
    assert "1 badge(s) geëxporteerd" in out
    assert not (tmp_path / "uit" / "README.txt").exists()
    assert "De controle gebruikt" in (tmp_path / "uit" / "LEESMIJ.txt").read_text("utf-8")


def test_existing_files_are_never_replaced_unasked(config: WalletConfig, tmp_path: Path) -> None:
    assert run(config, "init")[0] == 0
    _import(config, tmp_path, make_credential(did_of(config), name="Gastvrijheid"), "b.json")
    folder = tmp_path / "out"
    folder.mkdir()
    mine = folder / "gastvrijheid - roc rivierenland - 2026-06-01.PNG"  # case differs
    mine.write_bytes(b"the learner's own file")

    code, _, err = run(config, "export", "--all", str(folder), "--as", "image")
    assert code == 2
    assert "There is already a file" in err
    assert sorted(p.name for p in folder.iterdir()) == [mine.name]  # nothing written

    code, _, err = run(config, "export", "--all", str(folder), "--force")
    assert code == 0, err
    assert len(_manifest(folder)["badges"]) == 1
    # a second export to the same folder stops at index.json, unless --force
    code, _, err = run(config, "export", "--all", str(folder))
    assert (code, "There is already a file" in err) == (2, True)
    assert run(config, "export", "--all", str(folder), "--force")[0] == 0
    # a file where the folder should be
    code, _, err = run(config, "export", "--all", str(mine))
    assert code == 2
    assert "is a file" in err


def test_export_all_as_image_bakes_each_badge_into_its_own_picture(
    config: WalletConfig, tmp_path: Path
) -> None:
    assert run(config, "init")[0] == 0
    did = did_of(config)
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(SVG_PICTURE.encode()).decode()
    jpeg_uri = "data:image/jpeg;base64," + base64.b64encode(_jpeg()).decode()
    credentials = {
        "png": _pictured(did, "Gastvrijheid", data_uri(badge_png(3, seed=2)), 1),
        "svg": _pictured(did, "Samenwerken", svg_uri, 2),
        "jpeg": _pictured(did, "Fotografie", jpeg_uri, 3),
        "none": make_credential(did, number=4, name="Zonder plaatje"),
    }
    ids = {
        key: _import(config, tmp_path, value, f"{key}.json") for key, value in credentials.items()
    }
    folder = tmp_path / "images"

    code, out, err = run(config, "export", "--all", str(folder), "--as", "image")
    assert code == 0, err
    assert "Baked into their picture: 2 PNG, 1 SVG. As JSON (no picture): 1." in out
    entries = {e["wallet_id"]: e for e in _manifest(folder)["badges"]}
    forms = {key: entries[ids[key]]["form"] for key in credentials}
    assert forms == {"png": "png", "svg": "svg", "jpeg": "png", "none": "json"}
    for key, credential in credentials.items():
        data = (folder / entries[ids[key]]["file"]).read_bytes()
        assert entries[ids[key]]["file"].endswith("." + forms[key])
        if key == "none":
            assert json.loads(data) == credential
            continue
        baked = extract(data)
        assert baked is not None
        assert json.loads(baked.text) == credential


def test_a_damaged_badge_is_reported_by_id_and_the_rest_are_exported(
    config: WalletConfig, tmp_path: Path
) -> None:
    assert run(config, "init")[0] == 0
    did = did_of(config)
    ids = [
        _import(config, tmp_path, make_credential(did, number=n, name=f"Badge {n}"), f"{n}.json")
        for n in (1, 2, 3)
    ]
    with sqlite3.connect(config.data_dir / "wallet.sqlite3") as conn:
        for column, victim in (("card", ids[0]), ("body", ids[1])):
            blob = bytearray(
                conn.execute(
                    f"SELECT {column} FROM credentials WHERE id = ?", (victim,)
                ).fetchone()[0]
            )
            blob[-1] ^= 1
            conn.execute(f"UPDATE credentials SET {column} = ? WHERE id = ?", (bytes(blob), victim))
    folder = tmp_path / "out"

    code, out, err = run(config, "export", "--all", str(folder))
    assert code == 2
    assert "Exported 1 badge(s)" in out
    said = " ".join(err.split())
    assert f"2 badge(s) could not be read and were not exported: {ids[0]}, {ids[1]}" in said
    assert "Traceback" not in out + err
    manifest = _manifest(folder)
    assert [e["wallet_id"] for e in manifest["badges"]] == [ids[2]]
    assert [(e["wallet_id"], e["code"]) for e in manifest["not_exported"]] == [
        (ids[0], "wallet_corrupt"),
        (ids[1], "wallet_corrupt"),
    ]

    code, out, err = run(
        config, "export", "--all", str(tmp_path / "vp.json"), "--as", "presentation"
    )
    assert code == 2
    assert "Wrote 1 badge(s) into one presentation" in out
    assert ids[0] in err
    assert ids[1] in err


def test_the_usage_is_checked(config: WalletConfig, tmp_path: Path) -> None:
    assert run(config, "init")[0] == 0
    folder = str(tmp_path / "out")
    for args, said in (
        (("export", "abc", "--all", folder), "not both"),
        (("export",), "Give the badge id and the file"),
        (("export", "abc"), "Give the badge id and the file"),
        (("export", "--all", folder, "--as", "vpqr"), "json, image or presentation"),
    ):
        code, _, err = run(config, *args)
        assert code == 2, args
        assert said in " ".join(err.split()), (args, err)
    assert not Path(folder).exists()


def test_presentation_holds_every_badge_and_reads_back(
    config: WalletConfig, tmp_path: Path
) -> None:
    """One unsigned VCDM 2.0 presentation: what the Learner Credential Wallet's "Add from
    file" reads (a JSON object whose type includes VerifiablePresentation)."""
    assert run(config, "init")[0] == 0
    did = did_of(config)
    credentials = [make_credential(did, number=n, name=f"Badge {n}") for n in (1, 2)]
    for n, credential in enumerate(credentials):
        _import(config, tmp_path, credential, f"{n}.json")
    jwt = _jwt(did)
    _import(config, tmp_path, jwt, "z.jwt")
    target = tmp_path / "alle-badges.json"

    code, out, err = run(config, "export", "--all", str(target), "--as", "presentation")
    assert code == 0, err
    assert "Wrote 3 badge(s) into one presentation" in out
    vp = json.loads(target.read_text("utf-8"))
    assert vp["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vp["type"] == ["VerifiablePresentation"]
    assert "proof" not in vp
    assert vp["verifiableCredential"][:2] == credentials
    assert vp["verifiableCredential"][2]["id"] == f"data:application/vc+jwt,{jwt}"
    code, _, err = run(config, "export", "--all", str(target), "--as", "presentation")
    assert (code, "There is already a file" in err) == (2, True)

    # a new wallet with the same key (restored from a backup made before any badge)
    fresh = replace(config, data_dir=tmp_path / "fresh")
    backup = tmp_path / "backup.json"
    assert run(config, "backup", str(backup))[0] == 0
    assert run(fresh, "restore", str(backup))[0] == 0
    code, out, err = run(fresh, "import", str(target))
    assert code == 1  # every badge is there already: said per badge, like any import
    assert err.count("already in your wallet") == 3


# ---------------------------------------------------------------- reading a folder back


def test_round_trip_keeps_every_badge_and_each_still_verifies(
    config: WalletConfig, tmp_path: Path
) -> None:
    """export --all, a wallet restored from an older backup, import FOLDER: the badges
    it had are "already there", the others are kept, and every one checks as before."""
    assert run(config, "init")[0] == 0
    did = did_of(config)
    first = _import(config, tmp_path, make_credential(did, number=1, name="Gastvrijheid"), "1.json")
    backup = tmp_path / "older-backup.json"
    assert run(config, "backup", str(backup))[0] == 0
    svg_uri = "data:image/svg+xml;base64," + base64.b64encode(SVG_PICTURE.encode()).decode()
    _import(config, tmp_path, _pictured(did, "Samenwerken", svg_uri, 2), "2.json")
    _import(config, tmp_path, _pictured(did, "Koken", data_uri(badge_png(2)), 3), "3.json")
    _import(config, tmp_path, make_credential(did, number=4, name="Één", status_index=42), "4.json")
    _import(config, tmp_path, _jwt(did), "5.jwt")
    before = {c["credential_id"] or c["name"]: c["status"] for c in _list(config)}
    assert set(before.values()) == {"valid", "revoked"}

    for form in ("json", "image"):
        folder = tmp_path / form
        assert run(config, "export", "--all", str(folder), "--as", form)[0] == 0
        (folder / ".half-written.json.1234.tmp").write_text("{")  # skipped: hidden
        restored = replace(config, data_dir=tmp_path / f"restored-{form}")
        assert run(restored, "restore", str(backup))[0] == 0

        code, out, err = run(restored, "import", str(folder))
        assert code == 0, err
        assert f"Already in your wallet: Gastvrijheid  [{first}]" in out
        assert f"From {folder}: 4 kept, 1 already in your wallet, 0 refused." in " ".join(
            out.split()
        )
        after = _list(restored)
        assert len(after) == 5
        assert {c["credential_id"] or c["name"]: c["status"] for c in after} == before
        code, out, _ = run(restored, "refresh")
        assert code == 0
        assert sorted(c["status"] for c in _list(restored)) == sorted(before.values())


def _list(config: WalletConfig) -> list[dict[str, Any]]:
    code, out, err = run(config, "list", "--json")
    assert code == 0, err
    return list(json.loads(out))


def test_import_folder_reports_each_file_and_goes_on(config: WalletConfig, tmp_path: Path) -> None:
    assert run(config, "init")[0] == 0
    did = did_of(config)
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(make_credential(did, number=1)))
    (folder / "b.png").write_bytes(badge_png(1))  # a picture with no badge in it
    (folder / "c.json").write_text("{not json")
    (folder / "d.json").write_text(json.dumps(make_credential(did, number=2)))
    (folder / "index.json").write_text(json.dumps({"format": "rugzak-export"}))
    (folder / "README.txt").write_text("read me")
    (folder / "notes.md").write_text("not a badge file")
    (folder / "sub").mkdir()
    (folder / "sub" / "e.json").write_text(json.dumps(make_credential(did, number=3)))

    code, out, err = run(config, "import", str(folder), "--json")
    assert code == 1
    report = json.loads(out)
    assert [(r["file"], r["accepted"], r["code"]) for r in report] == [
        ("a.json", True, "ok"),
        ("b.png", False, "unsupported_format"),
        ("c.json", False, "invalid_json"),
        ("d.json", True, "ok"),
    ]
    assert "2 kept, 0 already in your wallet, 2 refused" in " ".join(err.split())
    code, out, err = run(config, "import", str(folder))
    assert code == 1
    assert "Refused: b.png: " in err
    assert out.count("Already in your wallet") == 2


# ---------------------------------------------------------------- the service, at scale


def test_three_hundred_badges_export_and_read_back(
    service: WalletService, config: WalletConfig, tmp_path: Path
) -> None:
    """A realistic wallet: 300 badges, several with one name; every one out and back."""
    cards = []
    for n in range(300):
        credential = make_credential(HOLDER_KEY.did, number=n, name=f"Module {n % 40}")
        outcome = service.import_document(credential)[0]
        assert outcome.accepted, outcome.refusal
        cards.append(outcome.card)
    ticks: list[tuple[int, int]] = []
    report = export_folder(service, tmp_path / "out", progress=lambda d, t: ticks.append((d, t)))
    assert (len(report.exported), report.failed) == (300, [])
    assert ticks[-1] == (300, 300)
    assert len({item.file.casefold() for item in report.exported}) == 300
    assert len(list((tmp_path / "out").iterdir())) == 302

    other = WalletStore.create(tmp_path / "other", PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY)
    try:
        again = WalletService(replace(config, data_dir=tmp_path / "other"), other)
        outcomes = again.import_folder(tmp_path / "out")
        assert [o.accepted for o in outcomes].count(True) == 300
        assert {c.status for c in again.cards()} == {Status.valid}
        vp = export_presentation(again, tmp_path / "vp.json")
        assert len(vp.included) == 300
    finally:
        other.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_read_me_names_follow_the_language(
    service: WalletService, tmp_path: Path, lang: str
) -> None:
    service.config = replace(service.config, lang=lang)
    report = export_folder(service, tmp_path / lang)
    assert report.readme == {"en": "README.txt", "nl": "LEESMIJ.txt"}[lang]
    assert (tmp_path / lang / report.readme).exists()


def test_exported_files_verify_under_each_proof_suite(
    sd_service: WalletService, tmp_path: Path
) -> None:
    """The file is the kept data re-serialised, not the issuer's bytes: the proofs sign
    the canonical form (RDFC, JCS; ecdsa-sd-2023 its derived parts), so it still checks.
    Here the issuer's file spells 2.50 and escapes é; the export writes 2.5 and é."""
    unsigned = unsigned_badge(HOLDER_KEY.did, ISSUER_KEY, name="Crédits", credential_id="urn:x:1")
    unsigned["credentialSubject"]["achievement"]["creditsAvailable"] = 2.50
    jcs = issue_credential(unsigned, ISSUER_KEY, cryptosuite="eddsa-jcs-2022", created=NOW)
    issuer_file = tmp_path / "issuer.json"
    issuer_file.write_text(json.dumps(jcs).replace("2.5", "2.50"))
    assert '"creditsAvailable": 2.50' in issuer_file.read_text()
    [outcome] = sd_service.import_text(str(issuer_file))
    assert outcome.accepted, outcome.refusal
    report = export_folder(sd_service, tmp_path / "out")
    assert len(report.exported) == 2  # the ecdsa-sd-2023 badge and the JCS one
    for item in report.exported:
        text = (tmp_path / "out" / item.file).read_text("utf-8")
        result = sd_service.checker.verify(json.loads(text), HOLDER_KEY.did)
        assert result.errors == [], (item.file, result.errors)
    [jcs_file] = [item.file for item in report.exported if item.file.startswith("Crédits - ")]
    jcs_text = (tmp_path / "out" / jcs_file).read_text("utf-8")
    assert '"creditsAvailable": 2.5' in jcs_text
    assert '"creditsAvailable": 2.50' not in jcs_text
    assert "Crédits" in jcs_text
