"""shared.showing: a badge read for people, and plain verdict states."""

from __future__ import annotations

from typing import Any

import pytest

from shared.credentials import verify_credential, verify_presentation
from shared.digests import digest_matches, digest_multibase, digest_sri
from shared.ob.identity import hash_name, name_matches, normalise_name
from shared.showing import badge_view, plain_verdict
from tests.verifier.helpers import (
    DOMAIN,
    NOW,
    OTHER,
    REVOKED_INDEX,
    SUSPENDED_INDEX,
    present,
    status_list_credentials,
)
from tests.verifier.page_badges import LEARNER_NAME, level_badge


class Lists:
    def __init__(self) -> None:
        self.lists = status_list_credentials()

    def fetch(self, url: str) -> dict[str, Any]:
        return self.lists[url]


def test_a_level_badge_shows_its_level_behaviours_evidence_and_hashed_name() -> None:
    view = badge_view(level_badge())
    assert view["level"]["skill"] == "Doorzettingsvermogen"
    assert (view["level"]["number"], view["level"]["of"]) == (3, 4)
    assert len(view["level"]["behaviours"]) == 5
    assert view["evidence"][0]["name"] == "De nieuwe menukaart"
    assert view["image"]["id"].startswith("data:image/png;base64,")
    assert "name" not in view["learner"]
    assert view["learner"]["nameHash"]["identityHash"].startswith("sha256$")
    assert view["learner"]["did"].startswith("did:key:")


def test_a_plain_name_is_shown_as_written() -> None:
    view = badge_view(level_badge(hashed=False))
    assert view["learner"]["name"] == LEARNER_NAME


@pytest.mark.parametrize(
    ("typed", "match"),
    [
        ("Sanne de Vries", True),
        ("  sanne   DE vries ", True),
        ("Sanne de Vries-Bakker", False),
        ("", False),
    ],
)
def test_the_name_check_normalises_like_the_issuer(typed: str, match: bool) -> None:
    identity = {"hashed": True, "identityHash": hash_name(LEARNER_NAME, "abc"), "salt": "abc"}
    assert name_matches(identity, typed) is match
    plain = {"hashed": False, "identityHash": LEARNER_NAME}
    assert name_matches(plain, typed) is match


def test_normalise_name_folds_case_unicode_and_spaces() -> None:
    assert normalise_name("  Zoë\u00a0 STRAẞ ") == normalise_name("zoe\u0308 strass")


def test_one_status_sentence_for_two_lists() -> None:
    result = verify_credential(level_badge(), status_fetcher=Lists(), now=NOW)
    assert plain_verdict(result) == {
        "state": "valid",
        "status": "not_revoked_or_suspended",
        "reasons": [],
        "notes": [],  # the status says it: no note on the two lists
        "binding": "bare",
    }
    revoked = verify_credential(level_badge(index=REVOKED_INDEX), status_fetcher=Lists(), now=NOW)
    assert plain_verdict(revoked)["state"] == "revoked"
    assert plain_verdict(revoked)["status"] == "revoked"
    suspended = verify_credential(
        level_badge(suspension_index=SUSPENDED_INDEX), status_fetcher=Lists(), now=NOW
    )
    assert plain_verdict(suspended)["status"] == "suspended"


def test_a_presentation_headline_counts_badges_and_sums_up_skills() -> None:
    creds = [
        level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:1"),
        level_badge("creativiteit", 2, credential_id="urn:uuid:2"),
        level_badge("creativiteit", 1, index=REVOKED_INDEX, credential_id="urn:uuid:3"),
    ]
    vp = present(creds, "c-1")
    result = verify_presentation(
        vp, challenge="c-1", domain=DOMAIN, status_fetcher=Lists(), now=NOW
    )
    plain = plain_verdict(result)
    assert plain["binding"] == "bound"
    assert plain["total"] == 3
    assert plain["counts"] == {"valid": 2, "revoked": 1}
    skills = {s["skill"]: (s["number"], s["of"], s["state"]) for s in plain["skills"]}
    assert skills == {"Doorzettingsvermogen": (3, 4, "valid"), "Creativiteit": (2, 4, "valid")}


def test_a_presentation_signed_by_someone_else_is_named_so() -> None:
    vp = present([level_badge()], "c-1", holder=OTHER)
    result = verify_presentation(
        vp, challenge="c-1", domain=DOMAIN, status_fetcher=Lists(), now=NOW
    )
    assert plain_verdict(result)["binding"] == "someone_else"
    assert plain_verdict(result)["badges"][0]["state"] == "someone_else"


def test_digests_of_linked_files() -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
    assert digest_matches(data) is None
    assert digest_matches(data, digest_sri=digest_sri(data)) is True
    assert digest_matches(data, digest_multibase=digest_multibase(data)) is True
    assert digest_matches(data + b"x", digest_sri=digest_sri(data)) is False
    assert digest_matches(data + b"x", digest_multibase=digest_multibase(data)) is False
    assert digest_matches(data, digest_multibase="u!!!") is False
