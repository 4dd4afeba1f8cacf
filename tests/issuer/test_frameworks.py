"""Skill frameworks at the issuer: import, edit and publish (service, HTTP API and CLI),
and the round trip from the shipped framework to a verified level credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from issuer.achievements import parse_input, to_ob
from issuer.awards import AwardIn, ResultIn
from issuer.cli import app
from issuer.frameworks import FrameworkEdit, LevelEdit, SkillEdit
from issuer.service import AwardRequest, Issuer
from issuer.settings import IssuerSettings
from shared.errors import Conflict, ErrorCode, InvalidInput, NotFound
from shared.ob import validate_credential_schema
from shared.skills import builtin, parse_json, read_level, to_csv
from shared.skills.catalog import builtin_bytes
from tests.issuer.conftest import BASE_URL, HOLDER, PASSPHRASE, FakeClock, make_issuer
from tests.issuer.helpers import status_source, status_source_http, verify
from tests.issuer.multiprocess import pg_schema

PERSEVERANCE = "levensvaardigheden-doorzettingsvermogen"
LIFE = builtin("levensvaardigheden")


def level_2_behaviours(language: str = "nl") -> tuple[str, ...]:
    level = LIFE.skill("doorzettingsvermogen").level(2)
    return tuple(b[language] for b in level.behaviours)


def award_level(issuer: Issuer, achievement_id: str, level: str) -> dict[str, Any]:
    award = AwardIn(results=[ResultIn(value=level)])
    request = AwardRequest(achievement_id, HOLDER.did, award=award)
    credential: dict[str, Any] = issuer.issue(request, actor="test").credential
    return credential


def shown_level(credential: dict[str, Any]) -> Any:
    subject = credential["credentialSubject"]
    return read_level(subject["achievement"], subject["result"][0])


# ------------------------------------------------------------------ service


@pytest.fixture
def fresh(settings: IssuerSettings, clock: FakeClock) -> Iterator[Issuer]:
    """An issuer with one status purpose (revocation): one credentialStatus object,
    the form the OB 3.0 schema accepts."""
    made, _token = make_issuer(settings, clock, suspension=False)
    yield made
    made.store.dispose()


def test_round_trip_shipped_framework_to_a_verified_level_credential(
    fresh: Issuer, clock: FakeClock
) -> None:
    """Import the life skills into a fresh issuer, award perseverance level 2, verify it."""
    issuer = fresh
    summary = issuer.import_framework(LIFE, actor="test")
    assert (summary["skills"], summary["levels"], summary["behaviours"]) == (25, 100, 500)
    assert summary["achievements"]["created"] == 25
    assert summary["url"] == f"{BASE_URL}/frameworks/levensvaardigheden"
    assert PERSEVERANCE in {a["id"] for a in issuer.achievements()}

    credential = award_level(issuer, PERSEVERANCE, "2")
    clock.advance(seconds=1)
    assert verify(credential, status_source(issuer), clock()).verified
    assert validate_credential_schema(credential) == []
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Competency"
    assert achievement["id"] == f"{BASE_URL}/achievements/{PERSEVERANCE}"
    assert achievement["alignment"][0]["targetUrl"] == (
        f"{BASE_URL}/frameworks/levensvaardigheden#doorzettingsvermogen"
    )
    result = credential["credentialSubject"]["result"][0]
    assert result["achievedLevel"] == f"{BASE_URL}/achievements/{PERSEVERANCE}#level-2"
    view = shown_level(credential)
    assert (view.skill, view.number, view.of, view.name) == (
        "Doorzettingsvermogen",
        2,
        4,
        "Niveau 2: Op weg",
    )
    assert view.behaviours == level_2_behaviours()
    assert len(view.behaviours) == 5


def test_stored_achievement_is_the_shared_mapping(issuer: Issuer) -> None:
    issuer.import_framework(LIFE, actor="test")
    for skill in LIFE.skills[:5]:
        aid = f"levensvaardigheden-{skill.id}"
        stored = issuer.achievement(aid)["achievement"]
        assert stored == issuer.skill_achievement("levensvaardigheden", skill.id)
        # ... and it survives the store: definition -> to_ob is the same document.
        definition = parse_input(issuer.achievement(aid)["definition"])
        assert to_ob(definition, stored["id"]) == stored


def test_levels_are_named_by_number_or_name_and_unknown_levels_refused(issuer: Issuer) -> None:
    issuer.import_framework(builtin("21e-eeuwse-vaardigheden"), actor="test", language="en")
    aid = "21e-eeuwse-vaardigheden-mediawijsheid"
    by_name = award_level(issuer, aid, "Level 4: Role model")
    assert shown_level(by_name).number == 4
    assert by_name["credentialSubject"]["achievement"]["inLanguage"] == "en"
    with pytest.raises(InvalidInput) as exc:
        award_level(issuer, aid, "5")
    assert exc.value.code == ErrorCode.invalid_request


def test_reimport_updates_and_edits_follow_into_new_credentials(issuer: Issuer) -> None:
    issuer.import_framework(LIFE, actor="test")
    before = award_level(issuer, PERSEVERANCE, "2")
    again = issuer.import_framework(LIFE, actor="test")
    assert again["achievements"] == {
        "created": 0,
        "updated": 25,
        "retired": [],
        "ids": again["achievements"]["ids"],
    }
    issuer.edit_skill(
        "levensvaardigheden",
        "doorzettingsvermogen",
        SkillEdit(name={"nl": "Volharding"}),
        actor="test",
    )
    new_behaviours = [{"nl": f"Nieuw gedrag {n}", "en": f"New behaviour {n}"} for n in range(5)]
    issuer.edit_level(
        "levensvaardigheden",
        "doorzettingsvermogen",
        2,
        LevelEdit(behaviours=new_behaviours),
        actor="test",
    )
    framework = issuer.framework("levensvaardigheden")
    renamed = framework.skill("doorzettingsvermogen").name
    assert renamed == {"nl": "Volharding", "en": "Perseverance"}
    after = award_level(issuer, PERSEVERANCE, "2")
    assert shown_level(after).skill == "Volharding"
    assert shown_level(after).behaviours == tuple(f"Nieuw gedrag {n}" for n in range(5))
    # The credential issued before keeps what it was signed with.
    assert shown_level(before).behaviours == level_2_behaviours()
    actions = [row["action"] for row in issuer.audit_log(limit=5)]
    assert actions[:3] == ["issue", "framework_edit", "framework_edit"]


def test_a_new_version_retires_dropped_skills_and_renames_everywhere(issuer: Issuer) -> None:
    issuer.import_framework(LIFE, actor="test")
    document = LIFE.model_dump(mode="json", exclude_none=True)
    document["skills"] = [s for s in document["skills"] if s["id"] != "onderhandelen"]
    document["version"] = "2.0"
    summary = issuer.import_framework(parse_json(document), actor="test")
    assert summary["achievements"]["retired"] == ["levensvaardigheden-onderhandelen"]
    with pytest.raises(Conflict) as exc:
        award_level(issuer, "levensvaardigheden-onderhandelen", "1")
    assert exc.value.code == ErrorCode.achievement_retired
    info = issuer.edit_framework(
        "levensvaardigheden",
        FrameworkEdit(name={"nl": "Vaardigheden voor het leven"}, version="2.1"),
        actor="test",
    )
    assert (info["version"], info["name"]["en"]) == ("2.1", "Life skills")
    achievement = award_level(issuer, PERSEVERANCE, "1")["credentialSubject"]["achievement"]
    assert achievement["version"] == "2.1"
    assert achievement["tag"] == ["Vaardigheden voor het leven"]
    assert achievement["alignment"][0]["targetFramework"] == "Vaardigheden voor het leven"


def test_bad_edits_are_refused_with_stable_codes(issuer: Issuer) -> None:
    issuer.import_framework(LIFE, actor="test")
    with pytest.raises(InvalidInput) as exc:
        issuer.edit_level(
            "levensvaardigheden",
            "luisteren",
            1,
            LevelEdit(behaviours=[{"nl": "Alleen Nederlands"}]),
            actor="test",
        )
    assert exc.value.code == ErrorCode.invalid_framework
    assert {p["reason"] for p in exc.value.detail["problems"]} == {
        "missing_translation",
        "behaviour_count",
    }
    for call, code in (
        (lambda: issuer.framework("nope"), ErrorCode.framework_not_found),
        (
            lambda: issuer.edit_skill("levensvaardigheden", "nope", SkillEdit(), actor="t"),
            ErrorCode.skill_not_found,
        ),
        (
            lambda: issuer.edit_level("levensvaardigheden", "luisteren", 7, LevelEdit(), actor="t"),
            ErrorCode.skill_not_found,
        ),
    ):
        with pytest.raises(NotFound) as exc:
            call()
        assert exc.value.code == code


# ------------------------------------------------------------------ HTTP API


async def test_framework_admin_routes_need_the_admin_token(client: httpx.AsyncClient) -> None:
    csv_headers = {"Content-Type": "text/csv"}
    for method, path, kwargs in (
        ("post", "/frameworks?id=x", {"content": b"a", "headers": csv_headers}),
        ("get", "/frameworks", {}),
        ("patch", "/frameworks/x", {"json": {}}),
        ("patch", "/frameworks/x/skills/y", {"json": {}}),
        ("patch", "/frameworks/x/skills/y/levels/1", {"json": {}}),
    ):
        response = await client.request(method, path, **kwargs)
        assert response.status_code == 401, path
        assert response.json()["code"] == "unauthorized"
        headers = {**kwargs.get("headers", {}), "Authorization": "Bearer wrong"}
        wrong = await client.request(method, path, **{**kwargs, "headers": headers})
        assert wrong.status_code == 403, path


async def test_import_csv_publish_edit_and_issue_over_http(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer, clock: FakeClock
) -> None:
    body = builtin_bytes("levensvaardigheden.csv")
    imported = await client.post(
        "/frameworks?id=levensvaardigheden&name=Levensvaardigheden",
        content=body,
        headers={**admin, "Content-Type": "text/csv; charset=utf-8"},
    )
    assert imported.status_code == 201, imported.text
    assert imported.json()["behaviours"] == 500
    listed = (await client.get("/frameworks", headers=admin)).json()
    assert [(f["id"], f["skills"]) for f in listed] == [("levensvaardigheden", 25)]

    # Public: the framework, its CASE-like form, its CSV, and a skill in English.
    published = await client.get("/frameworks/levensvaardigheden")
    assert published.status_code == 200
    assert published.headers["access-control-allow-origin"] == "*"
    assert len(published.json()["skills"]) == 25
    case = (await client.get("/frameworks/levensvaardigheden/case?lang=en")).json()
    assert case["CFItems"][1]["fullStatement"] == "Perseverance"
    csv = await client.get("/frameworks/levensvaardigheden/csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content == to_csv(issuer.framework("levensvaardigheden"))
    english = (
        await client.get("/frameworks/levensvaardigheden/skills/doorzettingsvermogen?lang=en")
    ).json()
    assert english["name"] == "Perseverance"
    assert english["related"][0] == {
        "id": f"{BASE_URL}/achievements/{PERSEVERANCE}",
        "type": ["Related"],
        "inLanguage": "nl",
        "version": "1.0",
    }
    issued = (await client.get(f"/achievements/{PERSEVERANCE}")).json()["achievement"]
    assert issued["related"][0]["id"] == english["id"]

    # Edit: rename the skill and rewrite level 2's behaviours.
    renamed = await client.patch(
        "/frameworks/levensvaardigheden/skills/doorzettingsvermogen",
        json={"name": {"nl": "Volharding", "en": "Persistence"}},
        headers=admin,
    )
    assert renamed.status_code == 200, renamed.text
    behaviours = [{"nl": f"Doet {n}", "en": f"Does {n}"} for n in range(1, 6)]
    edited = await client.patch(
        "/frameworks/levensvaardigheden/skills/doorzettingsvermogen/levels/2",
        json={"behaviours": behaviours},
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["levels"][1]["behaviours"] == behaviours
    bumped = await client.patch(
        "/frameworks/levensvaardigheden", json={"version": "1.1"}, headers=admin
    )
    assert bumped.json()["version"] == "1.1"
    achievement = (await client.get(f"/achievements/{PERSEVERANCE}")).json()["achievement"]
    assert achievement["name"] == "Volharding"
    assert achievement["version"] == "1.1"

    response = await client.post(
        "/credentials",
        json={
            "achievement_id": PERSEVERANCE,
            "recipient": HOLDER.did,
            "results": [{"value": "2"}],
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    credential = response.json()["credential"]
    clock.advance(seconds=1)
    assert verify(credential, await status_source_http(client), clock()).verified
    view = shown_level(credential)
    assert (view.skill, view.number) == ("Volharding", 2)
    assert view.behaviours == tuple(f"Doet {n}" for n in range(1, 6))


async def test_import_json_and_errors_over_http(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    body = builtin_bytes("21e-eeuwse-vaardigheden.json")
    json_headers = {**admin, "Content-Type": "application/json"}
    ok = await client.post("/frameworks?language=en", content=body, headers=json_headers)
    assert ok.status_code == 201, ok.text
    assert ok.json()["language"] == "en"

    csv_headers = {**admin, "Content-Type": "text/csv"}
    rows = "vaardigheid;niveau;gedrag 1\nLuisteren;1;Kijkt aan\nLuisteren;1;Vat samen\n"
    bad = await client.post("/frameworks?id=proef", content=rows.encode(), headers=csv_headers)
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_framework"
    assert bad.json()["detail"]["problems"][0]["line"] == 3
    latin = await client.post(
        "/frameworks?id=proef", content=rows.replace("Vat", "Zegt één").encode("cp1252"),
        headers=csv_headers,
    )  # fmt: skip
    # Excel's 'CSV' (Windows-1252) is read: what is refused is its duplicate level
    assert latin.json()["code"] == "invalid_framework", latin.text
    no_id = await client.post("/frameworks", content=rows.encode(), headers=csv_headers)
    assert no_id.json()["detail"] == {"field": "id"}
    xml = await client.post(
        "/frameworks", content=b"<x/>", headers={**admin, "Content-Type": "application/xml"}
    )
    assert xml.status_code == 415
    assert (await client.get("/frameworks/nope")).json()["code"] == "framework_not_found"
    missing = await client.get("/frameworks/21e-eeuwse-vaardigheden/skills/nope")
    assert missing.status_code == 404
    assert missing.json()["code"] == "skill_not_found"
    french = await client.get("/frameworks/21e-eeuwse-vaardigheden/case?lang=fr")
    assert french.status_code == 400
    bad_edit = await client.patch(
        "/frameworks/21e-eeuwse-vaardigheden/skills/mediawijsheid/levels/1",
        json={"behaviours": [{"nl": "x", "en": "y"}]},
        headers=admin,
    )
    assert bad_edit.status_code == 400
    assert bad_edit.json()["detail"]["problems"][0]["reason"] == "behaviour_count"


# ------------------------------------------------------------------ CLI


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


def test_cli_import_show_edit_export_and_issue(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "issuer"
    cli(runner, data, "init", "--name", "Hotel De Zwaan", "--base-url", "https://zwaan.example")
    source = tmp_path / "levensvaardigheden.csv"
    source.write_bytes(builtin_bytes("levensvaardigheden.csv"))
    imported = cli(runner, data, "framework", "import", str(source), "--name", "Levensvaardigheden")
    assert "25 skills, 100 levels, 500 behaviours" in imported.output
    assert "https://zwaan.example/frameworks/levensvaardigheden" in imported.output
    listed = json.loads(cli(runner, data, "framework", "list", "--json").output)
    assert listed[0]["name"] == {"nl": "Levensvaardigheden", "en": "Levensvaardigheden"}
    shown = cli(runner, data, "framework", "show", "levensvaardigheden", "--skill", "luisteren")
    assert "Vat in eigen woorden samen wat de ander zei." in shown.output
    english = cli(
        runner, data, "framework", "show", "levensvaardigheden", "--skill", "luisteren",
        "--lang", "en",
    )  # fmt: skip
    assert "Summarises in their own words what the other person said." in english.output

    cli(
        runner, data, "framework", "edit-skill", "levensvaardigheden", "luisteren",
        "--name", "Actief luisteren",
    )  # fmt: skip
    args = ["framework", "edit-level", "levensvaardigheden", "luisteren", "1", "--lang", "en"]
    for n in range(1, 6):
        args += ["--behaviour", f"Listens well {n}"]
    edited = cli(runner, data, *args)
    assert "Listens well 5" in edited.output
    detail = json.loads(
        cli(
            runner, data, "framework", "show", "levensvaardigheden", "--skill", "luisteren",
            "--json",
        ).output
    )  # fmt: skip
    level_1 = detail["levels"][0]["behaviours"]
    assert [b["en"] for b in level_1] == [f"Listens well {n}" for n in range(1, 6)]
    assert level_1[0]["nl"] == LIFE.skill("luisteren").level(1).behaviours[0]["nl"]
    assert detail["name"]["nl"] == "Actief luisteren"
    too_few = cli(runner, data, "framework", "edit-level", "levensvaardigheden", "luisteren",
                  "1", "--behaviour", "Eén", code=2)  # fmt: skip
    assert "invalid_framework" in too_few.output

    for fmt, check in (
        ("json", lambda text: json.loads(text)["skills"][3]["name"]["nl"] == "Actief luisteren"),
        ("case", lambda text: len(json.loads(text)["CFRubrics"]) == 25),
        ("csv", lambda text: text.startswith("id;code;vaardigheid")),
    ):
        target = tmp_path / f"export.{fmt}"
        cli(runner, data, "framework", "export", "levensvaardigheden", "--format", fmt,
            "-o", str(target))  # fmt: skip
        assert check(target.read_bytes().decode("utf-8-sig")), fmt

    out = tmp_path / "credential.json"
    cli(
        runner, data, "issue", "-a", "levensvaardigheden-luisteren", "--recipient", HOLDER.did,
        "--result", "3", "--out", str(out),
    )  # fmt: skip
    credential = json.loads(out.read_text("utf-8"))
    view = shown_level(credential)
    assert (view.skill, view.number, len(view.behaviours)) == ("Actief luisteren", 3, 5)
    assert validate_credential_schema(credential) == []


def test_cli_import_builtin_and_errors(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "issuer"
    cli(runner, data, "init", "--name", "ROC Noord", "--local")
    done = cli(runner, data, "framework", "import", "--builtin", "21e-eeuwse-vaardigheden")
    assert "10 skills, 40 levels, 200 behaviours" in done.output
    bad = tmp_path / "kader.csv"
    bad.write_bytes("vaardigheid;niveau;gedrag 1\nLuisteren;x;Kijkt\n".encode("cp1252"))
    refused = cli(runner, data, "framework", "import", str(bad), code=2)
    assert "invalid_framework" in refused.output
    assert '"line": 2' in refused.output
    latin = tmp_path / "latijn.csv"
    text = "vaardigheid;niveau;gedrag 1\nCreativiteit;1;Bedenkt ideeën\n"
    latin.write_bytes(text.encode("cp1252"))
    read = cli(runner, data, "framework", "import", str(latin))
    assert "Imported latijn: 1 skills" in read.output
    assert "read as Windows-1252" in " ".join(read.output.split())  # said, to check
    named = cli(runner, data, "framework", "import", str(latin), "--encoding", "cp1252",
                "--id", "latijn-2")  # fmt: skip
    assert "Windows-1252" not in named.output
    shown = cli(runner, data, "framework", "show", "latijn", "--skill", "creativiteit")
    assert "Bedenkt ideeën" in shown.output
    edited = cli(runner, data, "framework", "edit", "21e-eeuwse-vaardigheden", "--version", "2")
    assert "version 2" in edited.output
    renamed = cli(runner, data, "framework", "edit", "21e-eeuwse-vaardigheden",
                  "--name", "21st-century skills", "--lang", "en")  # fmt: skip
    assert "Updated 21e-eeuwse-vaardigheden: 21st-century skills, version 2" in renamed.output
    names = {f["id"]: f["name"] for f in json.loads(cli(runner, data, "framework", "list",
                                                        "--json").output)}  # fmt: skip
    assert names["21e-eeuwse-vaardigheden"]["en"] == "21st-century skills"
    assert names["21e-eeuwse-vaardigheden"]["nl"] == "21e-eeuwse vaardigheden"
    listing = tmp_path / "level.json"
    listing.write_text("[]", encoding="utf-8")
    not_an_object = cli(runner, data, "framework", "edit-level", "21e-eeuwse-vaardigheden",
                        "samenwerken", "1", "--from-json", str(listing), code=2)  # fmt: skip
    assert "the JSON file must hold an object" in not_an_object.output
    # Batch: one row per learner and level; a level the skill does not have is a bad row.
    learners = tmp_path / "learners.csv"
    learners.write_text(
        "did,achievement,result\n"
        f"{HOLDER.did},21e-eeuwse-vaardigheden-samenwerken,2\n"
        f"{HOLDER.did},21e-eeuwse-vaardigheden-communiceren,Niveau 3: Zelfstandig\n"
        f"{HOLDER.did},21e-eeuwse-vaardigheden-communiceren,9\n",
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    results = tmp_path / "results.csv"
    cli(runner, data, "batch", str(learners), "--out-dir", str(out_dir), "--results",
        str(results), "--quiet", code=2)  # fmt: skip
    rows = results.read_text("utf-8").splitlines()[1:]
    outcomes = {int(r.split(",")[0]): r.split(",")[5] for r in rows}
    assert outcomes == {2: "issued", 3: "issued", 4: "error"}
    levels = sorted(
        shown_level(json.loads(f.read_text("utf-8"))).number for f in out_dir.glob("*.json")
    )
    assert levels == [2, 3]
    neither = cli(runner, data, "framework", "import", code=2)
    assert "invalid_request" in neither.output
    assert "framework_not_found" in cli(runner, data, "framework", "show", "nope", code=2).output


@pytest.mark.postgres
def test_import_and_reimport_on_postgresql(tmp_path: Path, clock: FakeClock) -> None:
    with pg_schema() as url:
        settings = IssuerSettings(data_dir=tmp_path, database_url=url, kdf="min")
        made, _token = make_issuer(settings, clock, suspension=False)
        try:
            first = made.import_framework(builtin("21e-eeuwse-vaardigheden"), actor="t")
            again = made.import_framework(builtin("21e-eeuwse-vaardigheden"), actor="t")
            assert (first["new"], first["achievements"]["created"]) == (True, 10)
            assert (again["new"], again["achievements"]["updated"]) == (False, 10)
            credential = award_level(made, "21e-eeuwse-vaardigheden-zelfregulering", "3")
            assert shown_level(credential).number == 3
        finally:
            made.store.dispose()
