"""The reasons beside a badge's status, in the learner's words.

Which reasons a person reads is ``shared.showing.reasons``'s to choose, as for the
verifier's page and CLI: each once per check and code, errors first, never the one
the status line above already says, the notes apart, and no "passed" line for a
check with findings. Here each is said with the catalogue's check label and
sentence in the learner's language (the checks' own messages are developer text:
the detail screen keeps them under "All checks").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from shared import messages
from shared.showing.reasons import badge_reasons, passed_checks
from shared.showing.verdict import status_state
from shared.verification import OK, CheckName, VerificationResult
from wallet.i18n import Translator


@dataclass(frozen=True)
class Line:
    """One line: its mark (``✘`` an error, ``!`` a warning, ``✔`` a check that found
    nothing, ``-`` a note), what it says and the stable code behind it."""

    mark: str
    text: str
    code: str


@dataclass(frozen=True)
class Reasons:
    """What the checks of one badge say beside its status line."""

    reasons: list[Line]
    passed: list[Line]
    notes: list[Line]


def reasons_for(
    result: VerificationResult, state: str, t: Translator, *, said: Collection[str] = ()
) -> Reasons:
    """What to say beside a status line that says ``state`` (a plain state of
    ``shared.showing.verdict``; a card's status is one) and the codes in ``said``."""
    found = badge_reasons(result.checks, state)
    lang = t.lang
    reasons = [
        Line(
            "✘" if reason["severity"] == "error" else "!",
            f"{messages.check_label(reason['check'], lang)}: {_sentence(reason['code'], t)}",
            reason["code"],
        )
        for reason in found["reasons"]
        if reason["code"] not in said
    ]
    status = status_state(result)
    passed = [
        Line("✔", f"{messages.check_label(name, lang)}: {_passed(name, status, lang)}", OK)
        for name in passed_checks(result.checks)
    ]
    notes = [Line("-", _sentence(note["code"], t), note["code"]) for note in found["notes"]]
    return Reasons(reasons, passed, notes)


def _sentence(code: str, t: Translator) -> str:
    return t.code_sentence(code, messages.sentence(code) or code)


def _passed(name: str, status: str, lang: str) -> str:
    """ "Passed."; a status check that passed says what it ruled out ("Not revoked.")."""
    if name == CheckName.status:
        ruled_out = messages.verdict_word(f"status_{status}", lang)
        if ruled_out:
            return ruled_out
    return messages.sentence(OK, lang) or OK
