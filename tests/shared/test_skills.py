"""Skill frameworks: CSV and JSON import, errors by line, exports, and the OB 3.0 mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.credentials import issue_credential, verify_credential
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.ob.build import build_credential
from shared.ob.models import Achievement, Profile, Result
from shared.ob.schema import check_credential, validate_credential_schema
from shared.skills import (
    BUILTIN,
    builtin,
    level_of,
    level_url,
    load_file,
    parse_csv,
    parse_json,
    read_level,
    skill_routes,
    skill_url,
    to_achievement,
    to_case,
    to_csv,
    to_json,
    to_result,
)
from shared.skills.catalog import builtin_bytes
from shared.skills.ob import find_level

ISSUER = SigningKey.from_seed(bytes(range(32)))
LEARNER = SigningKey.from_seed(b"\x07" * 32).did
NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
BASE = "https://hotel-de-zwaan.example"

DUTCH_HEADER = "vaardigheid;niveau;niveaunaam;gedrag 1;gedrag 2;gedrag 3"


def dutch_csv(*rows: str, header: str = DUTCH_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def four_levels(skill: str = "Luisteren", sep: str = ";") -> list[str]:
    return [
        sep.join([skill, str(n), f"Niveau {n}", f"Kijkt aan {n}", f"Vat samen {n}", f"Vraagt {n}"])
        for n in range(1, 5)
    ]


def problems(exc: pytest.ExceptionInfo[InvalidInput]) -> list[dict[str, Any]]:
    detail = exc.value.detail
    assert isinstance(detail, dict)
    found: list[dict[str, Any]] = detail["problems"]
    return found


# ------------------------------------------------------------------ shipped frameworks


@pytest.mark.parametrize(
    ("framework_id", "skills"), [("levensvaardigheden", 25), ("21e-eeuwse-vaardigheden", 10)]
)
def test_shipped_frameworks_have_four_levels_of_five_behaviours_in_two_languages(
    framework_id: str, skills: int
) -> None:
    framework = builtin(framework_id)
    assert framework.languages == ["nl", "en"]
    assert len(framework.skills) == skills
    behaviours = [b for s in framework.skills for level in s.levels for b in level.behaviours]
    assert len(behaviours) == skills * 4 * 5
    for skill in framework.skills:
        assert [level.number for level in skill.levels] == [1, 2, 3, 4]
        texts = [skill.name, skill.description]
        texts += [t for level in skill.levels for t in (level.name, *level.behaviours)]
        assert all(set(text) == {"nl", "en"} for text in texts), skill.id
        # Our own, distinct sentences: no behaviour repeats within a skill.
        own = [b["nl"] for level in skill.levels for b in level.behaviours]
        assert len(set(own)) == len(own), skill.id
    # The CSV shipped beside the JSON holds the same skills.
    from_csv = load_file(f"{framework_id}.csv", builtin_bytes(f"{framework_id}.csv"))
    assert from_csv.id == framework_id
    assert from_csv.skills == framework.skills


def test_life_skills_include_the_named_skills() -> None:
    ids = {s.id for s in builtin("levensvaardigheden").skills}
    wanted = {"creativiteit", "doorzettingsvermogen", "initiatief-nemen", "luisteren"}
    wanted |= {"veerkracht", "presenteren", "leidinggeven", "digitale-vaardigheid"}
    assert wanted <= ids


@pytest.mark.parametrize("framework_id", sorted(BUILTIN))
def test_every_shipped_skill_maps_to_schema_valid_achievements(framework_id: str) -> None:
    framework = builtin(framework_id)
    url = f"{BASE}/frameworks/{framework.id}"
    for skill in framework.skills:
        for language in framework.languages:
            achievement = to_achievement(
                framework,
                skill,
                achievement_id=f"{BASE}/achievements/{framework.id}-{skill.id}",
                framework_url=url,
                language=language,
            )
            credential = build_credential(
                achievement=Achievement.model_validate(achievement),
                issuer=Profile(id=ISSUER.did, name="Hotel De Zwaan"),
                subject_id=LEARNER,
                credential_id="urn:uuid:0b6c7d2e-5f4a-4c8b-9a1d-3e2f1a0b9c8d",
                valid_from=NOW,
                results=[Result.model_validate(to_result(achievement, 4))],
            )
            assert validate_credential_schema(credential) == []
            assert check_credential(credential) == []


def test_a_level_credential_signs_verifies_and_says_its_level_and_behaviours() -> None:
    framework = builtin("levensvaardigheden")
    skill = framework.skill("doorzettingsvermogen")
    achievement = to_achievement(
        framework,
        skill,
        achievement_id=f"{BASE}/achievements/levensvaardigheden-doorzettingsvermogen",
        framework_url=f"{BASE}/frameworks/levensvaardigheden",
    )
    result = to_result(achievement, 2)
    unsigned = build_credential(
        achievement=Achievement.model_validate(achievement),
        issuer=Profile(id=ISSUER.did, name="Hotel De Zwaan"),
        subject_id=LEARNER,
        credential_id="urn:uuid:9d1f3a57-62b4-4e0f-8c55-0f7f0d3a2b11",
        valid_from=NOW,
        results=[Result.model_validate(result)],
    )
    signed = issue_credential(unsigned, ISSUER, created=NOW)
    assert verify_credential(signed, now=NOW).verified
    subject = signed["credentialSubject"]
    assert subject["achievement"]["achievementType"] == "Competency"
    view = read_level(subject["achievement"], subject["result"][0])
    assert view is not None
    assert (view.skill, view.number, view.of) == ("Doorzettingsvermogen", 2, 4)
    assert view.name == "Niveau 2: Op weg"
    expected = tuple(b["nl"] for b in skill.level(2).behaviours)
    assert view.behaviours == expected
    assert len(expected) == 5
    # The reached level's behaviours are inside the signed credential, in its own words.
    rubric = subject["achievement"]["resultDescription"][0]
    assert rubric["resultType"] == "RubricCriterionLevel"
    level = next(e for e in rubric["rubricCriterionLevel"] if e["id"] == result["achievedLevel"])
    assert all(f"- {text}" in level["description"] for text in expected)
    assert level["alignment"][0]["targetUrl"] == level_url(
        f"{BASE}/frameworks/levensvaardigheden", "doorzettingsvermogen", 2
    )


@pytest.mark.interop(
    row="Open Badges 3.0 Data Integrity (eddsa-rdfc-2022)",
    implementation="openbadgeslib (PyPI)",
    direction="Rugzak's badge read by theirs",
)
def test_a_level_credential_verifies_in_an_independent_ob3_verifier() -> None:
    """openbadgeslib (another OB 3.0 implementation) checks the proof and that every
    member is a term its pinned contexts define: rubric levels and related included."""
    ldp = pytest.importorskip("openbadgeslib.ob3.ldp")
    framework = builtin("levensvaardigheden")
    skill = framework.skill("veerkracht")
    achievement_id = f"{BASE}/achievements/levensvaardigheden-veerkracht"
    achievement = to_achievement(
        framework,
        skill,
        achievement_id=achievement_id,
        framework_url=f"{BASE}/frameworks/levensvaardigheden",
        related=[(f"{BASE}/frameworks/levensvaardigheden/skills/veerkracht?lang=en", "en")],
    )
    unsigned = build_credential(
        achievement=Achievement.model_validate(achievement),
        issuer=Profile(id=ISSUER.did, name="Hotel De Zwaan"),
        subject_id=LEARNER,
        credential_id="urn:uuid:4b0e7c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c",
        valid_from=NOW,
        results=[Result.model_validate(to_result(achievement, 3))],
    )
    signed = issue_credential(unsigned, ISSUER, created=NOW)
    parsed = ldp.OB3LdpVerifier.for_issuer_did(ISSUER.did).verify(signed)
    assert parsed.achievement.id == achievement_id
    assert parsed.recipient_id == LEARNER
    tampered = json.loads(json.dumps(signed))
    level = tampered["credentialSubject"]["achievement"]["resultDescription"][0]
    level["rubricCriterionLevel"][2]["description"] += "\n- Loopt over water."
    with pytest.raises(ldp.OB3VerificationError):
        ldp.OB3LdpVerifier.for_issuer_did(ISSUER.did).verify(tampered)


def test_to_result_names_levels_by_number_id_or_name() -> None:
    framework = builtin("21e-eeuwse-vaardigheden")
    achievement = to_achievement(
        framework,
        framework.skills[0],
        achievement_id=f"{BASE}/achievements/x",
        framework_url=f"{BASE}/frameworks/21e",
        language="en",
    )
    by_number = to_result(achievement, "3")
    assert by_number["achievedLevel"] == f"{BASE}/achievements/x#level-3"
    assert to_result(achievement, by_number["achievedLevel"]) == by_number
    assert to_result(achievement, "Level 3: Independent") == by_number
    with pytest.raises(InvalidInput) as exc:
        find_level(achievement, 5)
    assert exc.value.code == ErrorCode.invalid_request
    assert read_level(achievement, {"type": ["Result"], "value": "3"}) is None


def test_related_language_versions_are_ob_related_entries() -> None:
    framework = builtin("levensvaardigheden")
    achievement = to_achievement(
        framework,
        framework.skills[0],
        achievement_id=f"{BASE}/achievements/a",
        framework_url=f"{BASE}/frameworks/levensvaardigheden",
        related=[(f"{BASE}/frameworks/levensvaardigheden/skills/creativiteit?lang=en", "en")],
    )
    assert achievement["related"] == [
        {
            "id": f"{BASE}/frameworks/levensvaardigheden/skills/creativiteit?lang=en",
            "type": ["Related"],
            "inLanguage": "en",
            "version": "1.0",
        }
    ]


# ------------------------------------------------------------------ CSV import


def test_dutch_csv_with_bom_and_semicolons() -> None:
    data = b"\xef\xbb\xbf" + dutch_csv(*four_levels())
    framework = parse_csv(data, framework_id="test", name="Proef")
    assert framework.languages == ["nl"]
    skill = framework.skills[0]
    assert skill.id == "luisteren"
    assert skill.name == {"nl": "Luisteren"}
    assert [b["nl"] for b in skill.level(2).behaviours] == [
        "Kijkt aan 2",
        "Vat samen 2",
        "Vraagt 2",
    ]
    assert framework.behaviours_per_level == 3


def test_english_headers_commas_and_a_second_language() -> None:
    header = "Skill,Skill (nl),Level,Behaviour 1,Behaviour 2,behaviour_1_nl,behaviour_2_nl"
    rows = [f"Listening,Luisteren,{n},Looks {n},Asks {n},Kijkt {n},Vraagt {n}" for n in range(1, 5)]
    framework = parse_csv(("\n".join([header, *rows])).encode(), framework_id="t")
    assert framework.languages == ["en", "nl"]
    level = framework.skills[0].level(4)
    assert level.behaviours[1] == {"en": "Asks 4", "nl": "Vraagt 4"}
    assert level.name == {"en": "4", "nl": "4"}  # no level name column: the number
    # A level name in one language only is a missing translation, on its line.
    header += ",Level name"
    rows = [row + f",Level {n}" for n, row in enumerate(rows, start=1)]
    with pytest.raises(InvalidInput) as exc:
        parse_csv(("\n".join([header, *rows])).encode(), framework_id="t")
    assert {(p["line"], p["reason"]) for p in problems(exc)} == {
        (n, "missing_translation") for n in range(2, 6)
    }


def test_windows_1252_is_read_as_excel_writes_it_and_other_bytes_are_refused() -> None:
    rows = four_levels("Creativiteit")
    rows[0] = rows[0].replace("Kijkt aan 1", "Bedenkt ideeën")
    data = dutch_csv(*rows).decode("utf-8").encode("cp1252")
    framework = parse_csv(data, framework_id="t")
    assert framework.skills[0].level(1).behaviours[0] == {"nl": "Bedenkt ideeën"}
    assert parse_csv(data, framework_id="t", encoding="cp1252") == framework
    # bytes that are no text in either (a spreadsheet's binary file) are refused
    with pytest.raises(InvalidInput) as exc:
        parse_csv(data.replace(b"Bedenkt", b"\x00\x81\x02"), framework_id="t")
    assert exc.value.code == ErrorCode.framework_encoding
    assert "CSV UTF-8" in exc.value.message
    assert exc.value.detail["line"] == 2


def test_bad_rows_are_reported_with_their_line_numbers() -> None:
    data = dutch_csv(
        *four_levels(),
        "Veerkracht;1;Beginnend;Praat erover;;Neemt pauze",  # line 6: gap
        "Veerkracht;twee;Op weg;a;b;c",  # line 7: level not a number
        "Veerkracht;1;Beginnend;a;b;c",  # line 8: level 1 again
        ";3;x;a;b;c",  # line 9: no skill
        "Veerkracht;4;Voorbeeld;;;",  # line 10: no behaviours
    )
    with pytest.raises(InvalidInput) as exc:
        parse_csv(data, framework_id="t")
    assert exc.value.code == ErrorCode.invalid_framework
    found = {(p["line"], p["reason"]) for p in problems(exc)}
    assert found == {
        (6, "behaviour_gap"),
        (7, "invalid_level"),
        (8, "duplicate_level"),
        (9, "missing_value"),
        (10, "no_behaviours"),
    }
    assert "line 6" in exc.value.message


def test_missing_levels_are_reported_at_the_skills_first_line() -> None:
    data = dutch_csv(*four_levels(), *four_levels("Veerkracht")[:3])
    with pytest.raises(InvalidInput) as exc:
        parse_csv(data, framework_id="t")
    [problem] = problems(exc)
    assert problem["reason"] == "missing_level"
    assert problem["line"] == 6
    assert problem["skill"] == "veerkracht"


def test_conflicting_skill_text_and_quoted_multiline_cells_keep_line_numbers() -> None:
    header = "vaardigheid;omschrijving;niveau;gedrag 1"
    data = dutch_csv(
        'Luisteren;"Luistert goed\nen vat samen";1;Kijkt aan',  # lines 2-3
        "Luisteren;Iets anders;2;Vat samen",  # line 4
        header=header,
    )
    with pytest.raises(InvalidInput) as exc:
        parse_csv(data, framework_id="t")
    [problem] = problems(exc)
    assert (problem["line"], problem["reason"]) == (4, "conflicting_value")
    assert "line 2" in problem["message"]


def test_line_breaks_in_a_behaviour_cell_do_not_make_a_second_behaviour() -> None:
    rows = four_levels()
    rows[1] = 'Luisteren;2;Niveau 2;"Vat samen,\n- en vraagt door";Kijkt aan;Knikt'
    framework = parse_csv(dutch_csv(*rows), framework_id="t")
    level = framework.skills[0].level(2)
    assert level.behaviours[0] == {"nl": "Vat samen, - en vraagt door"}
    achievement = to_achievement(
        framework, framework.skills[0], achievement_id=f"{BASE}/a", framework_url=f"{BASE}/f"
    )
    view = read_level(achievement, to_result(achievement, 2))
    assert view is not None
    assert view.behaviours == ("Vat samen, - en vraagt door", "Kijkt aan", "Knikt")


def test_header_problems_are_on_line_1() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_csv(b"vaardigheid;niveau;kleur\nx;1;rood\n", framework_id="t")
    reasons = {(p["line"], p["reason"]) for p in problems(exc)}
    assert reasons == {(1, "unknown_column"), (1, "missing_column")}
    with pytest.raises(InvalidInput) as exc:
        parse_csv(b"vaardigheid;skill;niveau;gedrag 1\n", framework_id="t")
    assert {p["reason"] for p in problems(exc)} == {"duplicate_column"}


def test_behaviour_count_is_checked_when_the_framework_asks_for_it() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_csv(dutch_csv(*four_levels()), framework_id="t", behaviours_per_level=5)
    assert {p["reason"] for p in problems(exc)} == {"behaviour_count"}
    assert {p["line"] for p in problems(exc)} == {2, 3, 4, 5}


def test_empty_and_oversized_files() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_csv(b"", framework_id="t")
    assert exc.value.code == ErrorCode.invalid_framework
    with pytest.raises(InvalidInput) as exc:
        parse_csv(DUTCH_HEADER.encode() + b"\n\n", framework_id="t")
    assert problems(exc)[0]["reason"] == "empty_file"
    with pytest.raises(InvalidInput) as exc:
        parse_csv(b"x" * (5 * 1024 * 1024), framework_id="t")
    assert exc.value.code == ErrorCode.payload_too_large


def test_csv_export_reads_back_the_same_framework() -> None:
    framework = builtin("levensvaardigheden")
    data = to_csv(framework)
    assert data.startswith(b"\xef\xbb\xbf")
    header = data.split(b"\r\n", 1)[0].decode("utf-8-sig")
    assert header.startswith("id;code;vaardigheid;vaardigheid (en)")
    again = parse_csv(data, framework_id=framework.id, name=framework.name)
    assert again.skills == framework.skills
    english = to_csv(framework.model_copy(update={"languages": ["en", "nl"]}), delimiter=",")
    assert english.split(b"\r\n", 1)[0].decode("utf-8-sig").startswith("id,code,skill,skill (nl)")


# ------------------------------------------------------------------ JSON and CASE


def test_json_round_trip_and_errors_by_path() -> None:
    framework = builtin("21e-eeuwse-vaardigheden")
    document = to_json(framework)
    assert parse_json(json.dumps(document).encode()) == framework
    document["skills"][2]["levels"][1]["behaviours"] = []
    document["skills"][3]["levels"] = document["skills"][3]["levels"][:3]
    with pytest.raises(InvalidInput) as exc:
        parse_json(document)
    assert exc.value.code == ErrorCode.invalid_framework
    assert problems(exc)[0]["path"] == "skills.2.levels.1.behaviours"
    with pytest.raises(InvalidInput) as exc:
        parse_json(b'{"id": "x",\n "name": }')
    assert exc.value.code == ErrorCode.invalid_json
    assert exc.value.detail["line"] == 2


def test_missing_translation_is_named() -> None:
    document = to_json(builtin("21e-eeuwse-vaardigheden"))
    del document["skills"][0]["levels"][2]["behaviours"][4]["en"]
    with pytest.raises(InvalidInput) as exc:
        parse_json(document)
    [problem] = problems(exc)
    assert problem["reason"] == "missing_translation"
    assert (problem["skill"], problem["level"]) == ("ondernemend-vermogen", 3)


def test_case_package_matches_the_achievement_alignments() -> None:
    framework = builtin("levensvaardigheden")
    url = f"{BASE}/frameworks/levensvaardigheden"
    package = to_case(framework, url, language="en")
    assert package["CFDocument"]["title"] == "Life skills"
    assert len(package["CFItems"]) == 25
    assert len(package["CFAssociations"]) == 25
    rubric = package["CFRubrics"][1]["CFRubricCriteria"][0]
    levels = rubric["CFRubricCriterionLevels"]
    assert [lv["score"] for lv in levels] == [1, 2, 3, 4]
    assert rubric["CFItemURI"]["uri"] == skill_url(url, "doorzettingsvermogen")
    # Same URL, same identifiers (UUIDv5): a re-export does not renumber the nodes.
    assert to_case(framework, url, language="en") == package
    achievement = to_achievement(
        framework,
        framework.skill("doorzettingsvermogen"),
        achievement_id=f"{BASE}/achievements/d",
        framework_url=url,
    )
    assert achievement["alignment"][0]["targetUrl"] == package["CFItems"][1]["uri"]
    assert achievement["alignment"][0]["targetType"] == "CFItem"
    rubric_levels = achievement["resultDescription"][0]["rubricCriterionLevel"]
    assert [lv["alignment"][0]["targetUrl"] for lv in rubric_levels] == [lv["uri"] for lv in levels]


def test_load_file_picks_the_reader_by_extension() -> None:
    framework = load_file("Mijn Kader.csv", dutch_csv(*four_levels()), name="Mijn kader")
    assert framework.id == "mijn-kader"
    assert framework.name == {"nl": "Mijn kader"}
    renamed = load_file(
        "x.json", builtin_bytes("21e-eeuwse-vaardigheden.json"), framework_id="c21", version="2"
    )
    assert (renamed.id, renamed.version) == ("c21", "2")
    with pytest.raises(InvalidInput) as exc:
        load_file("kader.xlsx", b"PK")
    assert exc.value.code == ErrorCode.invalid_framework


# ------------------------------------------------------------------ routes


def level_credential(
    issuer_url: str, issuer_name: str, skill_id: str, level: int, day: int
) -> dict[str, Any]:
    framework = builtin("levensvaardigheden")
    achievement = to_achievement(
        framework,
        framework.skill(skill_id),
        achievement_id=f"{issuer_url}/achievements/levensvaardigheden-{skill_id}",
        framework_url=f"{issuer_url}/frameworks/levensvaardigheden",
    )
    return build_credential(
        achievement=Achievement.model_validate(achievement),
        issuer=Profile(id=ISSUER.did, name=issuer_name),
        subject_id=LEARNER,
        credential_id=f"urn:uuid:00000000-0000-4000-8000-{skill_id[:4].encode().hex()}{level:04d}",
        valid_from=NOW.replace(day=day),
        results=[Result.model_validate(to_result(achievement, level))],
    )


def test_skill_routes_join_levels_from_several_employers() -> None:
    credentials = [
        level_credential("https://hotel-de-zwaan.example", "Hotel De Zwaan", "luisteren", 2, 20),
        level_credential("https://bakkerij-jansen.example", "Bakkerij Jansen", "luisteren", 1, 3),
        level_credential("https://hotel-de-zwaan.example", "Hotel De Zwaan", "veerkracht", 1, 21),
        level_credential("https://bakkerij-jansen.example", "Bakkerij Jansen", "luisteren", 3, 25),
    ]
    plain = dict(credentials[0])
    plain["credentialSubject"] = {**plain["credentialSubject"], "result": []}
    assert level_of(plain) is None
    routes = skill_routes([*credentials, plain])
    assert [r.skill for r in routes] == ["Luisteren", "Veerkracht"]
    listening = routes[0]
    assert listening.key == "Levensvaardigheden#LV-04"
    assert listening.framework == "Levensvaardigheden"
    assert listening.of == 4
    assert [(a.level.number, a.issuer) for a in listening.awards] == [
        (1, "Bakkerij Jansen"),
        (2, "Hotel De Zwaan"),
        (3, "Bakkerij Jansen"),
    ]
    highest = listening.highest
    assert highest is not None
    assert highest.level.number == 3
    assert highest.issued == "2026-11-25T09:30:00Z"
    assert len(highest.level.behaviours) == 5
