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


def test_dates_read_as_people_say_them_in_the_pages_language() -> None:
    """Awarded, valid until and the time of the check in words, not "2010-01-01"; a
    date is the day the issuer wrote (its own offset), not the server's."""
    credential = load_vector("ob3/1edtech-validator/complete_v1.json")
    credential["validUntil"] = "2030-06-01T00:30:00+02:00"  # 31 May in UTC
    en, nl = page_of(credential, "en"), page_of(credential, "nl")
    assert "<dd>1 January 2010</dd>" in en
    assert "<dd>1 June 2030</dd>" in en
    assert "<dd>1 januari 2010</dd>" in nl
    assert "<dd>1 juni 2030</dd>" in nl
    assert "(23 November 2026 00:00 UTC)" in en
    assert "(23 november 2026 00:00 UTC)" in nl
    shown = re.sub(r"<[^>]+>", "", en.split("<main>")[1])
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)
