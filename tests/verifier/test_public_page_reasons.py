"""The public page of a published presentation says why a badge is not plainly valid
the way the verifier page does (``shared.showing.reasons``): each reason once, in
the catalogue's words, also when nothing failed outright but something could not be
checked."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest

from shared.errors import ErrorCode
from shared.messages import sentence
from shared.verification import Check, CheckName, VerificationResult
from verifier.api.public_page import render_view


def _undecided_badge() -> VerificationResult:
    """A badge whose issuer could not be looked up: its status was left alone too."""
    checks = [
        Check.passed(CheckName.structure, "The credential is well-formed."),
        Check.undecided(CheckName.proof, ErrorCode.did_not_found, "did:web:x answered 503"),
        Check.undecided(CheckName.status, ErrorCode.status_unknown, "not looked up (proof)"),
        Check.undecided(CheckName.status, ErrorCode.status_unknown, "not looked up (proof)"),
    ]
    summary = {"achievement": {"name": "Koken"}, "issuer": {"name": "ROC Zwolle"}}
    return VerificationResult("credential", checks, summary)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_badge_that_could_not_be_checked_says_why_once(lang: str) -> None:
    presentation = VerificationResult("presentation", credentials=[_undecided_badge()])
    page = unescape(
        render_view(
            presentation,
            lang=lang,
            origin="https://verify.example.nl",
            now=datetime(2026, 11, 20, tzinfo=UTC),
            self_path="/p/abc",
        )
    )
    assert page.count(str(sentence("did_not_found", lang))) == 1
    assert page.count(str(sentence("status_unknown", lang))) == 1
    assert "503" not in page  # the check's own message is developer text
