"""shared.showing.results: every Result of a badge read for people, from any OB 3.0 tool."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared import messages
from shared.showing import badge_view
from shared.showing.results import (
    RESULT_TYPES,
    STATUSES,
    result_lines,
    result_parts,
    results_of,
)
from tests import sample_badges as sb
from tests.conftest import load_vector
from tests.verifier.page_badges import level_badge

COMPLETE = "ob3/1edtech-validator/complete_v1.json"


@pytest.fixture(scope="module")
def issuer() -> Iterator[Any]:
    with sb.issuer_with_badges() as made:
        yield made


def texts(credential: dict[str, Any], lang: str) -> list[str]:
    return [r["text"][lang] for r in badge_view(credential).get("results", [])]


def test_the_1edtech_badge_shows_its_grade_its_level_and_its_status() -> None:
    """Three results: a letter grade, a rubric level whose levels carry no order number
    (linked to another description than the one holding it), and a status."""
    badge = load_vector(COMPLETE)
    assert texts(badge, "en") == [
        "Final Project Grade: A (scale D to A)",
        "Final Project Grade: Mastery (level: Mastered; points: 4)",
        "Final Project Grade: completed",
    ]
    assert texts(badge, "nl") == [
        "Final Project Grade: A (schaal D tot A)",
        "Final Project Grade: Mastery (niveau: Mastered; punten: 4)",
        "Final Project Grade: afgerond",
    ]
    view = badge_view(badge)
    assert "level" not in view  # no "level ? of 2": the levels have no known order
    (grade, level, status) = view["results"]
    assert (grade["type"], grade["value"]) == ("LetterGrade", "A")
    assert level["level"]["name"] == "Mastery"
    assert level["level"]["description"] == "The author demonstrated..."
    assert "number" not in level["level"]
    assert status["status"] == "Completed"


def test_rugzak_skill_level_reads_as_today(issuer: Any) -> None:
    """Rugzak's own level badge (levels numbered 1..4): "Niveau 2 van 4 — Op weg"."""
    credential = sb.skill_level(issuer)
    assert texts(credential, "nl") == ["Niveau 2 van 4 — Op weg"]
    assert texts(credential, "en") == ["Level 2 of 4 — Op weg"]
    view = badge_view(credential)
    assert (view["level"]["number"], view["level"]["of"]) == (2, 4)
    (result,) = view["results"]
    assert len(result["level"]["behaviours"]) == 5


def test_an_english_level_badge_drops_the_repeated_level_prefix() -> None:
    assert texts(level_badge(language="en"), "en") == ["Level 3 of 4 — Independent"]


def test_a_value_on_an_ordered_scale_names_the_scale(issuer: Any) -> None:
    """Rugzak's plain badges: a PerformanceLevel value among allowed values 1..4."""
    credential = sb.award(issuer, 0)
    assert texts(credential, "nl") == ["Niveau: 3 (schaal 1 tot 4)"]


def result_badge(*results: dict[str, Any], descriptions: list[dict[str, Any]]) -> dict[str, Any]:
    badge = copy.deepcopy(load_vector(COMPLETE))
    subject = badge["credentialSubject"]
    subject["achievement"]["resultDescription"] = descriptions
    subject["result"] = [{"type": ["Result"], **r} for r in results]
    return badge


def rubric(levels: list[tuple[str, str]], name: str = "Presentatie") -> dict[str, Any]:
    return {
        "id": "urn:rd:rubric",
        "type": ["ResultDescription"],
        "name": name,
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {"id": f"urn:level:{number}", "type": ["RubricCriterionLevel"], "level": number,
             "name": title}
            for number, title in levels
        ],
    }  # fmt: skip


def test_levels_numbered_one_to_m_in_any_order_have_a_position() -> None:
    """The array is an unordered set (the OB context says ``@set``); the numbers order it."""
    badge = result_badge(
        {"achievedLevel": "urn:level:2", "resultDescription": "urn:rd:rubric"},
        descriptions=[rubric([("3", "Goed"), ("1", "Zwak"), ("2", "Voldoende")])],
    )
    assert texts(badge, "nl") == ["Niveau 2 van 3 — Voldoende"]


@pytest.mark.parametrize("numbers", [("1", "2", "4"), ("0", "1", "2"), ("1", "1", "2")])
def test_levels_not_numbered_one_to_m_are_named_not_placed(numbers: tuple[str, ...]) -> None:
    badge = result_badge(
        {"achievedLevel": "urn:level:2", "resultDescription": "urn:rd:rubric"},
        descriptions=[rubric([(n, f"Stap {n}") for n in numbers])],
    )
    assert texts(badge, "en") == ["Presentatie: Stap 2 (level: 2)"]


def test_a_level_the_badge_does_not_describe_is_said_so() -> None:
    badge = result_badge({"achievedLevel": "urn:level:9"}, descriptions=[rubric([("1", "A")])])
    assert texts(badge, "en") == ["A level the badge does not describe"]
    assert texts(badge, "nl") == ["Een niveau dat de badge niet beschrijft"]


def test_several_results_are_told_apart_by_their_names_or_types() -> None:
    badge = result_badge(
        {"value": "85", "resultDescription": "urn:rd:pct"},
        {"value": "7.2"},
        {"value": "64", "resultDescription": "urn:rd:pred"},
        {"value": "x1", "resultDescription": "urn:rd:ext"},
        {"achievedLevel": "urn:level:2", "resultDescription": "urn:rd:rubric"},
        descriptions=[
            {"id": "urn:rd:pct", "type": ["ResultDescription"], "resultType": "Percent"},
            {"id": "urn:rd:pred", "type": ["ResultDescription"], "name": "Eindexamen",
             "resultType": "PredictedScore", "valueMin": "0", "valueMax": "100"},
            {"id": "urn:rd:ext", "type": ["ResultDescription"], "resultType": "ext:Badge"},
            rubric([("1", "Zwak"), ("2", "Voldoende"), ("3", "Goed")]),
        ],
    )  # fmt: skip
    assert texts(badge, "en") == [
        "Percentage: 85%",
        "7.2",
        "Eindexamen: 64 (predicted; scale 0 to 100)",
        "x1",
        "Presentatie: level 2 of 3 — Voldoende",
    ]
    assert texts(badge, "nl")[2] == "Eindexamen: 64 (verwacht; schaal 0 tot 100)"


SAID = {
    "Completed": ("Completed", "Afgerond"),
    "Enrolled": ("Enrolled", "Ingeschreven"),
    "Failed": ("Failed", "Niet gehaald"),
    "InProgress": ("In progress", "Bezig"),
    "OnHold": ("On hold", "Aangehouden"),
    "Provisional": ("Provisional", "Voorlopig"),
    "Withdrew": ("Withdrawn", "Teruggetrokken"),
}


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_said_in_plain_words(status: str) -> None:
    badge = result_badge({"status": status}, descriptions=[])
    assert (*texts(badge, "en"), *texts(badge, "nl")) == SAID[status]


def test_a_status_the_spec_does_not_list_is_shown_as_written() -> None:
    assert texts(result_badge({"status": "Graduated"}, descriptions=[]), "nl") == ["Graduated"]


def test_a_result_that_says_nothing_is_left_out() -> None:
    badge = result_badge({"resultDescription": "urn:rd:x"}, descriptions=[])
    assert "results" not in badge_view(badge)
    assert results_of({"credentialSubject": {"result": "not a result"}}) == []


def test_every_result_type_and_status_has_its_words() -> None:
    """The catalogue says every ResultType of OB 3.0 and every ResultStatusType."""
    for lang in messages.LANGUAGES:
        words = messages.catalogue(lang).results
        assert {f"type_{t}" for t in RESULT_TYPES} <= set(words), lang
        assert {f"status_{s}" for s in STATUSES} <= set(words), lang
    assert len(RESULT_TYPES) == 12


def kept_badges(issuer: Any) -> list[dict[str, Any]]:
    """Badges of every kind of result these tests read."""
    return [
        load_vector(COMPLETE),
        sb.skill_level(issuer),
        sb.award(issuer, 0),
        level_badge(language="en"),
        result_badge({"status": "Completed"}, descriptions=[]),
        result_badge({"achievedLevel": "urn:level:9"}, descriptions=[rubric([("1", "A")])]),
        result_badge(
            {"value": "85", "resultDescription": "urn:rd:pct"},
            {"achievedLevel": "urn:level:2", "resultDescription": "urn:rd:rubric"},
            descriptions=[
                {"id": "urn:rd:pct", "type": ["ResultDescription"], "resultType": "Percent"},
                rubric([("1", "Zwak"), ("2", "Voldoende"), ("3", "Goed")]),
            ],
        ),
    ]


def test_the_kept_parts_of_results_word_the_same_lines_in_every_language(issuer: Any) -> None:
    """A copy kept apart from the credential (the wallet's cards) holds parts, not
    words: worded later, in the reader's language, they read as ``results_of`` says."""
    for badge in kept_badges(issuer):
        parts = result_parts(badge)
        assert json.loads(json.dumps(parts)) == parts  # plain data, to seal and keep
        for lang in messages.LANGUAGES:
            assert result_lines(parts, lang) == [r["text"][lang] for r in results_of(badge)]


def test_the_kept_parts_leave_out_what_no_line_says(issuer: Any) -> None:
    """No words (the learner may switch language) and no level description or
    behaviours (the longest parts, which the detail screen reads from the badge)."""
    (level,) = result_parts(sb.skill_level(issuer))
    assert "text" not in level
    assert set(level["level"]) == {"name", "level", "number", "of"}
    assert (level["level"]["number"], level["level"]["of"]) == (2, 4)
    assert result_parts({"credentialSubject": {"result": "not a result"}}) == []
