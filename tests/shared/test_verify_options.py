"""One options object for every verification, and the request binding judged once."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.credentials import (
    VerifyOptions,
    create_presentation,
    verify_credential,
    verify_presentation,
)
from shared.did import StaticResolver
from shared.errors import ErrorCode
from shared.proof import AuthenticationPurpose
from tests.shared.test_credentials import LEARNER, NOW, badge, signed, status_lists, with_status


def _checks(result: Any, name: str) -> list[tuple[bool, str, str]]:
    return [(c.ok, c.code, str(c.severity)) for c in result.checks if c.name == name]


def test_options_are_frozen_and_keywords_build_the_same_object() -> None:
    options = VerifyOptions(now=NOW, trusted_issuers={"did:x": "X"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.now = None  # type: ignore[misc]
    assert options.with_(skew=timedelta(0)).skew == timedelta(0)
    assert options.with_(skew=timedelta(0)).trusted_issuers == {"did:x": "X"}
    assert isinstance(options.with_(resolver=None).resolver, StaticResolver)
    with pytest.raises(TypeError, match="challange"):
        options.with_(challange="typo")


def test_object_and_keywords_give_the_same_result() -> None:
    credential = signed(with_status(3))
    source = status_lists(revoked={3})
    by_keywords = verify_credential(credential, now=NOW, status_fetcher=source)
    by_object = verify_credential(credential, VerifyOptions(now=NOW, status_fetcher=source))
    assert by_object.to_dict() == by_keywords.to_dict()
    assert ErrorCode.revoked in by_object.codes()
    # Keywords win over the object they are given with.
    later = verify_credential(
        credential, VerifyOptions(now=NOW, status_fetcher=source), status_fetcher=None
    )
    assert ErrorCode.revoked not in later.codes()
    assert ErrorCode.status_unknown in later.codes()


def test_the_clock_is_read_once_per_verification() -> None:
    reads: list[datetime] = []

    def clock() -> datetime:
        reads.append(NOW)
        return NOW + timedelta(seconds=len(reads))

    vp = create_presentation([signed(badge())], LEARNER, challenge="n", domain="d", created=NOW)
    result = verify_presentation(vp, VerifyOptions(clock=clock), challenge="n", domain="d")
    assert result.verified, result.to_dict()
    assert len(reads) == 1


def test_a_presentation_must_say_which_request_it_answers() -> None:
    vp = create_presentation([signed(badge())], LEARNER, challenge="n", domain="d", created=NOW)
    with pytest.raises(TypeError, match="challenge"):
        verify_presentation(vp, now=NOW)
    purpose = AuthenticationPurpose(challenge="n", domain="d")
    by_purpose = verify_presentation(vp, VerifyOptions(now=NOW, purpose=purpose))
    by_keywords = verify_presentation(vp, challenge="n", domain="d", now=NOW)
    assert by_purpose.to_dict() == by_keywords.to_dict()


@pytest.mark.parametrize(
    ("signed_with", "expected", "binding"),
    [
        (("n1", "https://v.example"), ("n1", "https://v.example"), [(True, "ok", "info")]),
        (
            ("n1", "https://v.example"),
            ("n2", "https://v.example"),
            [(False, "challenge_mismatch", "error")],
        ),
        ((None, None), (None, None), [(True, "challenge_mismatch", "warning")]),
        (("n1", None), (None, None), [(True, "challenge_mismatch", "warning")]),
        ((None, None), ("n1", None), [(False, "challenge_mismatch", "error")]),
    ],
)
def test_the_challenge_is_reported_once(
    signed_with: tuple[str | None, str | None],
    expected: tuple[str | None, str | None],
    binding: list[tuple[bool, str, str]],
) -> None:
    """One challenge check, whatever the case; unbound (amber) is not "another request" (red)."""
    vp = create_presentation(
        [signed(badge())], LEARNER, challenge=signed_with[0], domain=signed_with[1], created=NOW
    )
    result = verify_presentation(vp, challenge=expected[0], domain=expected[1], now=NOW)
    assert _checks(result, "challenge") == binding
    assert _checks(result, "proof") == [(True, "ok", "info")]


def test_unbound_and_other_request_have_different_sentences() -> None:
    unbound = create_presentation(
        [signed(badge())], LEARNER, challenge=None, domain=None, created=NOW
    )
    other = create_presentation(
        [signed(badge())], LEARNER, challenge="n1", domain=None, created=NOW
    )
    first = verify_presentation(unbound, challenge=None, domain=None, now=NOW)
    second = verify_presentation(other, challenge="n2", domain=None, now=NOW)
    (a,) = [c for c in first.checks if c.name == "challenge"]
    (b,) = [c for c in second.checks if c.name == "challenge"]
    assert "not bound" in a.message
    assert "another request" in b.message
    assert first.verified
    assert not second.verified


def test_a_wrong_domain_is_one_failed_domain_check() -> None:
    vp = create_presentation(
        [signed(badge())], LEARNER, challenge="n", domain="https://v.example", created=NOW
    )
    result = verify_presentation(vp, challenge="n", domain="https://x.example", now=NOW)
    assert _checks(result, "domain") == [(False, "domain_mismatch", "error")]
    assert _checks(result, "challenge") == [(True, "ok", "info")]


def test_status_lists_are_authenticated_by_an_injected_check() -> None:
    """The status check calls what the options carry; verify_credential supplies its own."""
    seen: list[str] = []

    def authenticate(
        list_credential: dict[str, Any], opts: VerifyOptions
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        seen.append(list_credential["id"])
        return list_credential, ("proof_invalid",)

    credential = signed(with_status(3))
    options = VerifyOptions(now=NOW, status_fetcher=status_lists(revoked={3}))
    refused = verify_credential(credential, options.with_(status_lists=authenticate))
    assert len(seen) == 2
    assert [c.code for c in refused.checks if c.name == "status"] == ["status_list_invalid"] * 2
    assert ErrorCode.revoked in verify_credential(credential, options).codes()


def test_a_presentation_for_another_request_is_not_also_blamed_for_its_domain() -> None:
    """The binding fails once: another (or no) challenge is not a second, domain failure."""
    vp = create_presentation([signed(badge())], LEARNER, challenge=None, domain=None, created=NOW)
    result = verify_presentation(vp, challenge="n1", domain="https://v.example", now=NOW)
    assert _checks(result, "challenge") == [(False, "challenge_mismatch", "error")]
    assert _checks(result, "domain") == []


def test_with_makes_what_dataclasses_replace_makes() -> None:
    import dataclasses
    from datetime import UTC, datetime

    from shared.credentials.options import _FIELD_NAMES
    from shared.proof.purpose import AuthenticationPurpose

    assert not hasattr(VerifyOptions, "__post_init__")
    assert all(f.init for f in dataclasses.fields(VerifyOptions))
    assert _FIELD_NAMES == {f.name for f in dataclasses.fields(VerifyOptions)}
    base = VerifyOptions(trusted_issuers={"did:web:a.example": "A"}, max_credentials=3)
    changes = [
        {"now": datetime(2026, 1, 2, tzinfo=UTC)},
        {"purpose": AuthenticationPurpose(challenge="c", domain="d")},
        {"purpose": None, "check_schema": False},
        {"holder_links": ({"a": 1},), "stapled_status": {"u": {}}},
    ]
    before = dict(vars(base))
    for change in changes:
        made = base.with_(**change)
        assert made == dataclasses.replace(base, **change)
        assert vars(made) == vars(dataclasses.replace(base, **change))
        assert made is not base
        assert vars(base) == before
    assert base.with_() is base
    assert base.pinned().now is not None
    assert base.now is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.with_(now=None).now = None  # type: ignore[misc]


def test_a_shape_checked_first_is_not_checked_again() -> None:
    from shared.credentials import check_presentation_shape

    vp = create_presentation([signed(badge())], LEARNER, challenge="n", domain="d", created=NOW)
    opts = VerifyOptions(now=NOW)
    plain = verify_presentation(vp, opts, challenge="n", domain="d")
    shape = check_presentation_shape(vp, opts)
    reused = verify_presentation(vp, opts, challenge="n", domain="d", shape=shape)
    assert reused is shape
    assert reused.to_dict() == plain.to_dict()
    assert plain.verdict == "valid"
    # A failed shape is checked again.
    failed = check_presentation_shape({"type": "Nope"}, opts)
    again = verify_presentation(vp, opts, challenge="n", domain="d", shape=failed)
    assert again is not failed
    assert again.to_dict() == plain.to_dict()
