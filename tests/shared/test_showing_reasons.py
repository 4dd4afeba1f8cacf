"""shared.showing.reasons: what a person reads beside a verdict, each reason once."""

from __future__ import annotations

import json

from shared.credentials import verify_credential, verify_presentation
from shared.errors import ErrorCode
from shared.showing import badge_reasons, passed_checks, plain_verdict, presentation_reasons
from shared.verification import Check, CheckName
from tests.conftest import VECTORS
from tests.verifier.helpers import NOW, present
from tests.verifier.page_badges import level_badge

OB = VECTORS / "ob3" / "1edtech-validator"


def _checks() -> list[Check]:
    """A badge whose structure, schema, signature and status all have something to say."""
    s, sch = CheckName.structure, CheckName.schema
    return [
        *[Check.warned(s, ErrorCode.deprecated_context, "@context ...", {"path": p}) for p in "ab"],
        Check.warned(s, ErrorCode.legacy_vcdm, "issuanceDate is VCDM 1.1", {"path": "$.i"}),
        Check.passed(s, "The credential is well-formed."),
        Check.warned(sch, ErrorCode.legacy_vcdm, "VCDM 1.1 credential: ..."),
        *[Check.warned(sch, ErrorCode.schema_invalid, "must be array", {"path": p}) for p in "xyz"],
        Check.passed(sch, "The credential follows the Open Badges 3.0 schema."),
        Check.undecided(CheckName.proof, ErrorCode.did_not_found, "The signer's identity ..."),
        Check.passed(CheckName.valid_from, "It has started to be valid."),
        Check.failed(CheckName.valid_until, ErrorCode.expired, "It expired on 2020-01-01."),
        Check.undecided(CheckName.status, ErrorCode.status_unknown, "Not looked up."),
        Check.undecided(CheckName.status, ErrorCode.status_unknown, "Not looked up."),
    ]


def test_each_reason_once_errors_first_notes_apart() -> None:
    said = badge_reasons(_checks(), "invalid")
    assert said["reasons"] == [
        {"check": "valid_until", "code": "expired", "severity": "error", "count": 1},
        {"check": "proof", "code": "did_not_found", "severity": "warning", "count": 1},
        {"check": "status", "code": "status_unknown", "severity": "warning", "count": 2},
    ]
    # one note per code, however many checks and places found it
    assert said["notes"] == [
        {"code": "deprecated_context", "count": 2},
        {"code": "legacy_vcdm", "count": 2},
        {"code": "schema_invalid", "count": 3},
    ]


def test_the_reason_the_state_line_says_is_not_repeated() -> None:
    assert [r["code"] for r in badge_reasons(_checks(), "expired")["reasons"]] == [
        "did_not_found",
        "status_unknown",
    ]
    revoked = [
        Check.passed(CheckName.status, "Not suspended.", {"purpose": "suspension"}),
        Check.failed(CheckName.status, ErrorCode.revoked, "Revoked."),
        Check.warned(CheckName.trust, ErrorCode.unknown_issuer, "Not on the list."),
    ]
    assert badge_reasons(revoked, "revoked")["reasons"] == [
        {"check": "trust", "code": "unknown_issuer", "severity": "warning", "count": 1}
    ]
    assert badge_reasons(revoked[2:], "unknown_issuer")["reasons"] == []


def test_a_valid_badge_has_notes_but_no_reasons() -> None:
    checks = [
        Check.passed(CheckName.proof, "The signature is genuine."),
        Check.warned(CheckName.proof, ErrorCode.unsupported_cryptosuite, "One extra signature."),
        Check.warned(CheckName.schema, ErrorCode.schema_invalid, "must be array"),
        Check(str(CheckName.schema), True, str(ErrorCode.two_status_lists), "Two lists."),
    ]
    # two status lists are information for validators: the status line already says
    # what both lists say ("Not revoked and not suspended."), so no note repeats it
    assert badge_reasons(checks, "valid") == {
        "reasons": [],
        "notes": [{"code": "schema_invalid", "count": 1}],
    }
    assert badge_reasons(checks, "unknown_issuer")["reasons"] == [
        {"check": "proof", "code": "unsupported_cryptosuite", "severity": "warning", "count": 1}
    ]


def test_a_presentation_does_not_repeat_its_binding_line() -> None:
    replayed = [
        Check.passed(CheckName.proof, "The signature is genuine."),
        Check.failed(CheckName.challenge, ErrorCode.nonce_reused, "Already answered."),
        Check.failed(CheckName.domain, ErrorCode.domain_mismatch, "Another verifier."),
    ]
    assert presentation_reasons(replayed, "replayed")["reasons"] == [
        {"check": "domain", "code": "domain_mismatch", "severity": "error", "count": 1}
    ]
    assert presentation_reasons(replayed, "broken")["reasons"][0]["code"] == "nonce_reused"
    # a note on a presentation that passed stays out of the reasons
    bound = [Check.warned(CheckName.challenge, ErrorCode.challenge_mismatch, "Not compared.")]
    assert presentation_reasons(bound, "bound")["reasons"] == []


def test_no_passed_line_for_a_check_with_findings() -> None:
    assert passed_checks(_checks()) == ["valid_from"]
    assert passed_checks([Check.passed(CheckName.proof, "Genuine.")]) == ["proof"]


def test_the_plain_answer_carries_them_for_real_badges() -> None:
    document = json.loads((OB / "complete_v1.json").read_text("utf-8"))
    plain = plain_verdict(verify_credential(document, now=NOW))
    assert plain["state"] == "expired"
    assert [(r["check"], r["code"], r["count"]) for r in plain["reasons"]] == [
        ("proof", "did_not_found", 1),
        ("status", "status_unknown", 1),
    ]
    assert [(n["code"], n["count"]) for n in plain["notes"]] == [
        ("deprecated_context", 12),
        ("legacy_vcdm", 13),
        ("schema_invalid", 5),
        ("schema_not_checked", 1),
    ]
    vp = present([level_badge()], None)
    shown = plain_verdict(verify_presentation(vp, challenge=None, domain=None, now=NOW))
    assert shown["binding"] == "unbound"
    assert shown["reasons"] == []  # the binding line says it
    # no status fetcher: neither of its two lists (revocation, suspension) was read
    assert shown["badges"][0]["reasons"] == [
        {"check": "status", "code": "status_unknown", "severity": "warning", "count": 2}
    ]


def test_a_badge_of_another_kind_than_asked_is_a_note_unless_refused() -> None:
    """The request asked for certificates, the learner showed a competency: genuine, so
    a note HR reads under the valid badge; an OpenID4VP answer refuses it (an error),
    so there it is the reason."""
    creds = CheckName.credentials
    warned = [Check.warned(creds, ErrorCode.not_requested, "Not one of the kinds asked for.")]
    assert badge_reasons(warned, "valid") == {
        "reasons": [],
        "notes": [{"code": "not_requested", "count": 1}],
    }
    refused = [Check.failed(creds, ErrorCode.not_requested, "Not the kind asked for.")]
    assert badge_reasons(refused, "invalid") == {
        "reasons": [
            {"check": "credentials", "code": "not_requested", "severity": "error", "count": 1}
        ],
        "notes": [],
    }
