"""A badge whose signature did not hold has its status lists left alone (no fetch for a
forgery), and says so: "not looked up", never "the issuer keeps no revocation list"."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from shared.credentials import verify_credential
from shared.did import StaticResolver
from shared.errors import ErrorCode
from shared.keys import SigningKey
from shared.showing import plain_verdict
from shared.verification import CheckName, Verdict
from tests.factories import signed_badge

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = SigningKey.from_seed(b"\x61" * 32)
LEARNER = SigningKey.from_seed(b"\x62" * 32)
LIST = "https://leerhuis-zwolle.example/status/revocation-1"
ENTRY = {
    "id": f"{LIST}#7",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "7",
    "statusListCredential": LIST,
}


class Counting:
    """A status source that counts its fetches and has no list."""

    def __init__(self) -> None:
        self.fetched: list[str] = []

    def fetch(self, url: str) -> dict[str, Any]:
        self.fetched.append(url)
        raise AssertionError("a forged badge's status list must not be fetched")


def _badge(**options: Any) -> dict[str, Any]:
    return signed_badge(LEARNER.did, KEY, created=NOW, **options)


def test_a_forged_badge_gets_one_undecided_status_check_and_no_fetch() -> None:
    forged = copy.deepcopy(_badge(status=[ENTRY, {**ENTRY, "statusPurpose": "suspension"}]))
    forged["name"] = "Vervalst"
    source = Counting()
    result = verify_credential(forged, resolver=StaticResolver(), status_fetcher=source, now=NOW)
    assert result.verdict == Verdict.invalid
    status = [c for c in result.checks if c.name == CheckName.status]
    assert len(status) == 1
    assert status[0].code == ErrorCode.status_unknown
    assert status[0].detail["reason"] == "proof"
    assert [e["purpose"] for e in status[0].detail["entries"]] == ["revocation", "suspension"]
    assert source.fetched == []
    assert plain_verdict(result)["status"] == "unknown"  # not "none": it has lists


def test_a_badge_without_status_entries_still_says_none() -> None:
    forged = copy.deepcopy(_badge())
    forged["name"] = "Vervalst"
    result = verify_credential(forged, resolver=StaticResolver(), now=NOW)
    assert result.verdict == Verdict.invalid
    assert not [c for c in result.checks if c.name == CheckName.status]
    assert plain_verdict(result)["status"] == "none"
