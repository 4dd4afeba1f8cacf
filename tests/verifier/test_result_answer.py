"""The verdict answer (``result_dict``) is built in fewer passes than it was defined:
``VerificationResult.to_dict`` lists checks, errors and warnings in one walk, and a
badge's plain words (``shared.showing.verdict``) read its checks once. Here the
definitions as first written (the properties, one scan per word) are the reference:
every answer must be the same JSON text, key order included, for results of every
shipped vector, of realistic badges (revoked, suspended, expired, tampered, someone
else's, presented with an endorsement) and of generated checks of every name, code,
severity and detail the plain words look at.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.credentials import verify_credential, verify_presentation
from shared.credentials.endorsed import endorsed_badges
from shared.errors import ErrorCode
from shared.showing import verdict as plain
from shared.verification import OK, Check, CheckName, Severity, VerificationResult
from shared.vocab import ENDORSEMENT_CREDENTIAL
from tests.conftest import VECTORS
from tests.verifier.helpers import (
    DOMAIN,
    NOW,
    OTHER,
    REVOKED_INDEX,
    SUSPENDED_INDEX,
    present,
    status_list_credentials,
)
from tests.verifier.page_badges import level_badge
from verifier.service.verifier import display_colour, result_dict

# ------------------------------------------------ the definitions, as first written


def ref_to_dict(result: VerificationResult) -> dict[str, Any]:
    verdict = result.verdict
    out: dict[str, Any] = {
        "kind": result.kind,
        "verified": verdict == "valid",
        "verdict": str(verdict),
        "summary": result.summary,
        "checks": [c.to_dict() for c in result.checks],
        "errors": [c.to_dict() for c in result.checks if not c.ok and c.severity == "error"],
        "warnings": [c.to_dict() for c in result.checks if c.severity == "warning"],
    }
    if result.kind == "presentation":
        out["credentials"] = [ref_to_dict(c) for c in result.credentials]
    return out


_STATE_BY_CODE = (
    (ErrorCode.revoked, "revoked"),
    (ErrorCode.suspended, "suspended"),
    (ErrorCode.holder_mismatch, "someone_else"),
    (ErrorCode.expired, "expired"),
    (ErrorCode.not_yet_valid, "not_yet_valid"),
)


def ref_badge_state(result: VerificationResult) -> str:
    errors = {c.code for c in result.checks if not c.ok and c.severity == Severity.error}
    for code, state in _STATE_BY_CODE:
        if code in errors:
            return state
    if errors == {ErrorCode.base_proof_presented}:
        return "wallet_copy"  # the holder's form, refused for that alone
    if errors:
        return "invalid"
    if [c for c in result.checks if not c.ok and c.severity == Severity.warning]:
        return "unknown"
    if {ErrorCode.unknown_issuer, ErrorCode.issuer_key_unconfirmed} & {
        c.code for c in result.checks
    }:
        return "unknown_issuer"
    return "valid"


def ref_status_state(result: VerificationResult) -> str:
    checks = [c for c in result.checks if c.name == CheckName.status]
    if not checks:
        return "none"
    codes = {c.code for c in checks}
    if ErrorCode.revoked in codes:
        return "revoked"
    if ErrorCode.suspended in codes:
        return "suspended"
    if any(not c.ok for c in checks):
        return "unknown"
    purposes = {c.detail.get("purpose") for c in checks if isinstance(c.detail, dict)}
    if "suspension" in purposes and "revocation" in purposes:
        return "not_revoked_or_suspended"
    if purposes == {"suspension"}:
        return "not_suspended"
    return "not_revoked"


def ref_status_checked_at(result: VerificationResult) -> str | None:
    checks = [c for c in result.checks if c.name == CheckName.status]
    times = [
        c.detail.get("listTime")
        for c in checks
        if isinstance(c.detail, dict)
        and c.detail.get("stapled")
        and (c.ok or c.code in {ErrorCode.revoked, ErrorCode.suspended})
    ]
    if not checks or len(times) != len(checks) or not all(isinstance(t, str) for t in times):
        return None
    return min(str(t) for t in times)


def ref_binding_state(result: VerificationResult) -> str:
    codes = [c.code for c in result.checks if c.code != OK and c.severity != Severity.info]
    for code, state in (
        (ErrorCode.nonce_reused, "replayed"),
        (ErrorCode.nonce_expired, "expired_request"),
        (ErrorCode.holder_mismatch, "someone_else"),
    ):
        if code in codes:
            return state
    challenge_codes = {ErrorCode.challenge_mismatch, ErrorCode.nonce_unknown}
    if challenge_codes.intersection(codes) or ErrorCode.domain_mismatch in codes:
        signed = result.summary.get("challenge")
        if not (isinstance(signed, str) and signed):
            return "unbound"
        if challenge_codes.intersection(codes):
            return "other_request"
        return "other_verifier"
    if any(
        c.code == ErrorCode.holder_mismatch for inner in result.credentials for c in inner.checks
    ):
        return "someone_else"
    if [c for c in result.checks if not c.ok and c.severity == Severity.error]:
        return "broken"
    return "bound"


_SAID_BY_STATE = {
    "revoked": {ErrorCode.revoked},
    "suspended": {ErrorCode.suspended},
    "expired": {ErrorCode.expired},
    "not_yet_valid": {ErrorCode.not_yet_valid},
    "someone_else": {ErrorCode.holder_mismatch},
    "unknown_issuer": {ErrorCode.unknown_issuer},
    "wallet_copy": {ErrorCode.base_proof_presented, ErrorCode.status_unknown},
}
_SAID_BY_BINDING = {
    "replayed": {ErrorCode.nonce_reused},
    "expired_request": {ErrorCode.nonce_expired},
    "someone_else": {ErrorCode.holder_mismatch},
    "other_request": {ErrorCode.challenge_mismatch, ErrorCode.nonce_unknown},
    "unbound": {ErrorCode.challenge_mismatch, ErrorCode.nonce_unknown, ErrorCode.domain_mismatch},
    "other_verifier": {ErrorCode.domain_mismatch},
}


def ref_reasons(checks: list[Check], said: set[ErrorCode], quiet: bool) -> dict[str, Any]:
    def note(c: Check) -> bool:
        return c.name == CheckName.schema or (c.name == CheckName.structure and c.ok)

    found = [c for c in checks if c.code != OK]
    notes = [c for c in found if note(c) and c.severity != Severity.info]  # info: all checks
    shown = [
        c
        for c in found
        if not quiet and not note(c) and c.severity != Severity.info and c.code not in said
    ]
    keys = list(dict.fromkeys((c.name, c.code) for c in shown))
    worst = {
        k: any(c.severity == Severity.error for c in shown if (c.name, c.code) == k) for k in keys
    }
    reasons = [
        {
            "check": name,
            "code": code,
            "severity": "error" if worst[(name, code)] else "warning",
            "count": sum(1 for c in shown if (c.name, c.code) == (name, code)),
        }
        for name, code in keys
    ]
    return {
        "reasons": [r for r in reasons if r["severity"] == "error"]
        + [r for r in reasons if r["severity"] != "error"],
        "notes": [
            {"code": code, "count": sum(1 for c in notes if c.code == code)}
            for code in dict.fromkeys(c.code for c in notes)
        ],
    }


def ref_badge(result: VerificationResult) -> dict[str, Any]:
    state = ref_badge_state(result)
    out: dict[str, Any] = {"state": state, "status": ref_status_state(result)}
    checked_at = ref_status_checked_at(result)
    if checked_at is not None:
        out["status_checked_at"] = checked_at
    if any(
        c.name == CheckName.holder
        and c.ok
        and isinstance(c.detail, dict)
        and "linkedFrom" in c.detail
        for c in result.checks
    ):
        out["holder_linked"] = True
    out.update(ref_reasons(result.checks, _SAID_BY_STATE.get(state, set()), state == "valid"))
    return out


def ref_plain_verdict(result: VerificationResult) -> dict[str, Any]:
    if result.kind != "presentation":
        return {**ref_badge(result), "binding": "bare"}
    related = endorsed_badges(result)
    badges = [ref_badge(inner) for inner in result.credentials]
    for index, targets in related.items():
        badges[index]["endorsement"] = True
        badges[index]["endorses"] = targets
        shown = {**(result.credentials[index].summary.get("endorsement") or {})}
        shown.update(index=index, state=badges[index]["state"])
        for target in targets:
            badges[target].setdefault("endorsements", []).append(shown)
    counts: dict[str, int] = {}
    for badge in badges:
        if not badge.get("endorsement"):
            counts[badge["state"]] = counts.get(badge["state"], 0) + 1
    binding = ref_binding_state(result)
    quiet = not [c for c in result.checks if not c.ok and c.severity != Severity.info]
    out: dict[str, Any] = {
        "binding": binding,
        "total": sum(counts.values()),
        "counts": counts,
        "badges": badges,
        "skills": plain.skills_summary(
            (inner.summary, badge["state"])
            for inner, badge in zip(result.credentials, badges, strict=True)
            if not badge.get("endorsement")
        ),
        **ref_reasons(result.checks, _SAID_BY_BINDING.get(binding, set()), quiet),
    }
    unrelated = [index for index, targets in related.items() if not targets]
    if unrelated:
        out["unrelatedEndorsements"] = unrelated
    return out


def ref_result_dict(result: VerificationResult) -> dict[str, Any]:
    out = ref_to_dict(result)
    out["display"] = display_colour(result)
    out["plain"] = ref_plain_verdict(result)
    if result.kind == "presentation":
        for inner, shown in zip(result.credentials, out["credentials"], strict=True):
            shown["display"] = display_colour(inner)
    return out


def assert_same_answer(result: VerificationResult) -> None:
    """The answer and each plain word, as the reference gives them (as JSON text)."""
    expected = orjson.dumps(ref_result_dict(result))
    assert orjson.dumps(result_dict(result)) == expected
    for inner in [result, *result.credentials]:
        assert plain.badge_state(inner) == ref_badge_state(inner)
        assert plain.status_state(inner) == ref_status_state(inner)
        assert plain.status_checked_at(inner) == ref_status_checked_at(inner)
    assert plain.binding_state(result) == ref_binding_state(result)


# ------------------------------------------------ results of real documents


def _vector_documents() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(VECTORS.rglob("*.json")):
        if "contexts" in path.relative_to(VECTORS).parts:
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("type"), list | str):
            out.append((str(path.relative_to(VECTORS)), data))
    return out


def test_every_vector_gets_the_answer_the_definitions_give() -> None:
    documents = _vector_documents()
    assert len(documents) > 50
    for _name, document in documents:
        types = document["type"] if isinstance(document["type"], list) else [document["type"]]
        if "VerifiablePresentation" in types:
            result = verify_presentation(document, challenge=None, domain=None, now=NOW)
        else:
            result = verify_credential(document, now=NOW)
        assert_same_answer(result)


class Lists:
    def __init__(self) -> None:
        self.lists = status_list_credentials()

    def fetch(self, url: str) -> dict[str, Any]:
        return self.lists[url]


def _tampered() -> dict[str, Any]:
    credential = copy.deepcopy(level_badge(credential_id="urn:uuid:9"))
    credential["name"] = "Iets anders"
    return credential


@pytest.mark.parametrize(
    ("credentials", "holder", "challenge"),
    [
        ([level_badge()], None, "c-1"),
        ([level_badge(index=REVOKED_INDEX)], None, "c-1"),
        ([level_badge(suspension_index=SUSPENDED_INDEX)], None, "c-1"),
        ([_tampered()], None, "c-1"),
        ([level_badge()], OTHER, "c-1"),
        ([level_badge()], None, "another request"),
        (
            [
                level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:1"),
                level_badge("creativiteit", 2, credential_id="urn:uuid:2"),
                level_badge("creativiteit", 1, index=REVOKED_INDEX, credential_id="urn:uuid:3"),
            ],
            None,
            "c-1",
        ),
    ],
    ids=["valid", "revoked", "suspended", "tampered", "someone else", "other request", "three"],
)
def test_realistic_presentations_get_the_answer_the_definitions_give(
    credentials: list[dict[str, Any]], holder: Any, challenge: str
) -> None:
    kw = {"holder": holder} if holder is not None else {}
    vp = present(credentials, challenge, **kw)
    result = verify_presentation(
        vp, challenge="c-1", domain=DOMAIN, status_fetcher=Lists(), now=NOW
    )
    assert_same_answer(result)
    for credential in credentials:
        assert_same_answer(verify_credential(credential, status_fetcher=Lists(), now=NOW))
    years = NOW.replace(year=NOW.year + 8)  # expired badges and lists
    assert_same_answer(verify_credential(credentials[0], status_fetcher=Lists(), now=years))


# ------------------------------------------------ generated checks


CODES = [
    OK,
    *(
        str(code)
        for code in (
            ErrorCode.revoked,
            ErrorCode.suspended,
            ErrorCode.holder_mismatch,
            ErrorCode.expired,
            ErrorCode.not_yet_valid,
            ErrorCode.unknown_issuer,
            ErrorCode.issuer_key_unconfirmed,
            ErrorCode.nonce_reused,
            ErrorCode.nonce_expired,
            ErrorCode.challenge_mismatch,
            ErrorCode.nonce_unknown,
            ErrorCode.domain_mismatch,
            ErrorCode.proof_invalid,
            ErrorCode.status_unknown,
            ErrorCode.schema_invalid,
            ErrorCode.deprecated_context,
            ErrorCode.two_status_lists,
        )
    ),
]
DETAILS = st.one_of(
    st.none(),
    st.fixed_dictionaries({"purpose": st.sampled_from(["revocation", "suspension", "other"])}),
    st.fixed_dictionaries(
        {
            "purpose": st.sampled_from(["revocation", "suspension"]),
            "stapled": st.booleans(),
            "listTime": st.sampled_from(["2026-11-20T10:00:00Z", "2026-11-21", None]),
        }
    ),
    st.fixed_dictionaries({"linkedFrom": st.just("did:web:example")}),
    st.just(["a list"]),
)
CHECKS = st.builds(
    Check,
    name=st.sampled_from([str(name) for name in CheckName]),
    ok=st.booleans(),
    code=st.sampled_from(CODES),
    message=st.just("A sentence."),
    severity=st.sampled_from(list(Severity)),
    detail=DETAILS,
)
SUMMARIES = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {
            "id": st.sampled_from(["urn:uuid:1", "urn:uuid:2"]),
            "achievement": st.just({"id": "https://example/a"}),
            "level": st.fixed_dictionaries(
                {"skill": st.sampled_from(["Koken", "Rekenen"]), "number": st.integers(1, 4)}
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just(["VerifiableCredential", ENDORSEMENT_CREDENTIAL]),
            "endorsement": st.fixed_dictionaries(
                {"target": st.sampled_from(["urn:uuid:1", "https://example/a", "elsewhere"])}
            ),
        }
    ),
)
CREDENTIALS = st.builds(
    VerificationResult,
    kind=st.just("credential"),
    checks=st.lists(CHECKS, max_size=12),
    summary=SUMMARIES,
)
PRESENTATIONS = st.builds(
    VerificationResult,
    kind=st.just("presentation"),
    checks=st.lists(CHECKS, max_size=6),
    summary=st.one_of(st.just({}), st.just({"challenge": "c-1"}), st.just({"challenge": ""})),
    credentials=st.lists(CREDENTIALS, max_size=4),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(CREDENTIALS, PRESENTATIONS))
def test_generated_results_get_the_answer_the_definitions_give(
    result: VerificationResult,
) -> None:
    assert_same_answer(result)
