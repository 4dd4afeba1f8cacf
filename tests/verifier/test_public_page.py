"""The public page of a published presentation shows results and narratives for people."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shared.credentials.fields import summarize
from shared.verification import VerificationResult
from tests.conftest import load_vector
from verifier.api.public_page import render_view


def page_of(credential: dict[str, object], lang: str) -> str:
    inner = VerificationResult("credential", [], summarize(credential))
    outer = VerificationResult("presentation", [], {}, credentials=[inner])
    return render_view(
        outer,
        lang=lang,
        origin="https://verifier.example",
        now=datetime(2026, 11, 23, tzinfo=UTC),
        self_path="/p/abc",
    )


def test_another_tools_results_and_narratives_are_shown_for_people() -> None:
    """1EdTech's sample: three results in plain words (no "level ?"), and the criteria
    and evidence narratives as paragraphs and bold headings, not as raw "# ..."."""
    page = page_of(load_vector("ob3/1edtech-validator/complete_v1.json"), "nl")
    for line in (
        "Final Project Grade: A (schaal D tot A)",
        "Final Project Grade: Mastery (niveau: Mastered; punten: 4)",
        "Final Project Grade: afgerond",
    ):
        assert f"<li>{line}</li>" in page, line
    shown = re.sub(r"<[^>]+>|&#x27;", "", page.split("<main>")[1])
    assert "?" not in shown
    assert "#" not in shown
    assert "<p><strong>Degree Requirements</strong></p>" in page  # the criteria's heading
    assert "<p><strong>Final Project Report</strong></p><p>This project was ...</p>" in page


def test_a_narrative_cannot_make_markup() -> None:
    credential = load_vector("ob3/1edtech-validator/complete_v1.json")
    credential["evidence"][0]["narrative"] = "# <script>x</script>\n\n- [a](https://evil.example)"
    page = page_of(credential, "en")
    assert "<script>x" not in page
    assert "<li>a (https://evil.example)</li>" in page  # words and address, no link
