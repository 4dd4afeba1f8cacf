"""Endorsements embedded in a badge, verified like any credential before they are shown.

OB 3.0 lets a badge carry ``EndorsementCredential``s (an employer or coach vouching for
it). Each is signed by its endorser, not by the badge's issuer, so the badge's own
proof says nothing about it: every endorsement gets its own verification, and the page
shows who endorsed what with that verdict's state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.showing.badge import endorsement_view, endorsements_of
from shared.showing.verdict import badge_state
from shared.verification import VerificationResult
from shared.vocab import as_list

Verify = Callable[[Any], VerificationResult]


def attach_endorsements(document: Any, result: VerificationResult, verify: Verify) -> None:
    """Put ``summary["endorsements"]`` on ``result`` (and on each badge of a presentation)."""
    if not isinstance(document, dict):
        return
    if result.kind == "presentation":
        badges = as_list(document.get("verifiableCredential"))
        for badge, inner in zip(badges, result.credentials, strict=False):
            attach_endorsements(badge, inner, verify)
        return
    shown = []
    for endorsement in endorsements_of(document):
        verdict = verify(endorsement)
        entry = endorsement_view(endorsement)
        entry["state"] = badge_state(verdict)
        trusted = (verdict.summary.get("issuer") or {}).get("trustedName")
        if trusted:
            entry["trustedName"] = trusted
        shown.append(entry)
    if shown:
        result.summary["endorsements"] = shown
