"""Stapled status lists: accepted when genuine, the issuer's own and fresh; refused otherwise."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.credentials import create_presentation, issue_credential, verify_presentation
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.oid4vp.response import AuthorizationResponse, encode_response, parse_response
from shared.showing import plain_verdict
from shared.status_cache import LocalStatusSource
from shared.status_list import BitstringStatusList, build_status_list_credential
from shared.status_staple import (
    OID4VP_PARAMETER,
    lists_by_url,
    parse_parameter,
    staple,
    unstaple,
)
from shared.verification import Verdict
from tests.factories import signed_badge, status_entry

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ISSUER = SigningKey.from_seed(hashlib.sha256(b"staple issuer").digest())
OTHER = SigningKey.from_seed(hashlib.sha256(b"staple someone else").digest())
LEARNER = SigningKey.from_seed(hashlib.sha256(b"staple learner Fleur").digest())
LIST_URL = "https://leerhuis.example/status/revocation-1"
INDEX = 70_001


def badge() -> dict[str, Any]:
    return signed_badge(
        LEARNER.did,
        ISSUER,
        created=NOW - timedelta(days=40),
        name="Doorzettingsvermogen, niveau 2",
        status=[status_entry(LIST_URL, INDEX)],
    )


def status_list(
    *,
    revoked: tuple[int, ...] = (),
    made: datetime = NOW - timedelta(hours=2),
    key: SigningKey = ISSUER,
    url: str = LIST_URL,
) -> dict[str, Any]:
    bits = BitstringStatusList()
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_url=url, issuer=key.did, purpose="revocation", status_list=bits, valid_from=made
    )
    return issue_credential(unsigned, key, created=made)


def presentation() -> dict[str, Any]:
    return create_presentation(
        [badge()], LEARNER, challenge="nonce-1", domain="https://verify.example", created=NOW
    )


def check(document: Any, **options: Any) -> Any:
    return verify_presentation(
        document, challenge="nonce-1", domain="https://verify.example", now=NOW, **options
    )


def status_check(result: Any) -> Any:
    (found,) = [c for c in result.credentials[0].checks if c.name == "status"]
    return found


def test_without_a_staple_or_a_source_the_status_is_unknown() -> None:
    result = check(presentation())
    assert status_check(result).code == ErrorCode.status_unknown
    assert result.verdict == Verdict.unknown


def test_a_fresh_stapled_list_decides_the_status_with_no_network_and_no_trust_pack() -> None:
    result = check(staple(presentation(), [status_list()]))
    found = status_check(result)
    assert found.ok, found
    assert found.detail["stapled"] is True
    assert found.detail["listTime"] == "2026-11-27T10:00:00Z"
    assert "issuer's list of 2026-11-27 10:00 UTC" in found.message
    assert result.verdict == Verdict.valid
    plain = plain_verdict(result)
    assert plain["badges"][0]["status"] == "not_revoked"
    assert plain["badges"][0]["status_checked_at"] == "2026-11-27T10:00:00Z"


def test_a_stapled_list_that_says_revoked_makes_the_badge_revoked() -> None:
    result = check(staple(presentation(), [status_list(revoked=(INDEX,))]))
    assert status_check(result).code == ErrorCode.revoked
    assert plain_verdict(result)["badges"][0]["state"] == "revoked"


def test_a_stale_staple_is_refused_with_its_own_code_and_a_plain_sentence() -> None:
    old = status_list(made=NOW - timedelta(hours=25))
    found = status_check(check(staple(presentation(), [old])))
    assert found.code == ErrorCode.status_staple_stale
    assert not found.ok
    assert "older than this verifier accepts (24 hours)" in found.message
    assert (
        "status_checked_at" not in plain_verdict(check(staple(presentation(), [old])))["badges"][0]
    )


def test_the_max_age_is_the_verifiers_own_choice() -> None:
    three_hours = status_list(made=NOW - timedelta(hours=3))
    strict = status_check(
        check(staple(presentation(), [three_hours]), staple_max_age=timedelta(hours=1))
    )
    assert strict.code == ErrorCode.status_staple_stale
    assert status_check(check(staple(presentation(), [three_hours]))).ok


def test_a_list_signed_by_someone_else_under_the_issuers_url_is_foreign() -> None:
    forged = status_list(key=OTHER)
    found = status_check(check(staple(presentation(), [forged])))
    assert found.code == ErrorCode.status_staple_foreign
    assert "not made by this badge's issuer" in found.message


def test_the_issuers_list_at_another_url_is_not_used_for_this_badge() -> None:
    elsewhere = status_list(url="https://leerhuis.example/status/revocation-2")
    found = status_check(check(staple(presentation(), [elsewhere])))
    assert found.code == ErrorCode.status_unknown


def test_a_tampered_staple_is_not_genuine() -> None:
    bad = copy.deepcopy(status_list())
    bad["credentialSubject"]["encodedList"] = status_list(revoked=(5,))["credentialSubject"][
        "encodedList"
    ]
    found = status_check(check(staple(presentation(), [bad])))
    assert found.code == ErrorCode.status_list_invalid


def test_a_refused_staple_gives_way_to_the_verifiers_own_source() -> None:
    stale = status_list(made=NOW - timedelta(days=3))
    source = LocalStatusSource({LIST_URL: status_list(revoked=(INDEX,))})
    found = status_check(check(staple(presentation(), [stale]), status_fetcher=source))
    assert found.code == ErrorCode.revoked
    assert "stapled" not in found.detail


def test_the_holders_signature_does_not_cover_the_staple_and_the_vp_is_unchanged() -> None:
    vp = presentation()
    envelope = staple(vp, [status_list()])
    inner, lists = unstaple(envelope)
    assert inner == vp
    assert list(lists) == [LIST_URL]
    assert staple(vp, []) is vp


@pytest.mark.parametrize(
    "damaged",
    [
        {"format": "rugzak-stapled-presentation", "version": 2, "presentation": {}},
        {"format": "rugzak-stapled-presentation", "version": 1, "presentation": {"type": "X"}},
        {"format": "rugzak-stapled-presentation", "version": 1, "statusLists": []},
    ],
)
def test_a_damaged_envelope_is_a_malformed_presentation(damaged: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        unstaple(damaged)
    assert caught.value.code == ErrorCode.malformed_presentation


def test_only_status_lists_can_be_stapled() -> None:
    with pytest.raises(InvalidInput):
        lists_by_url([badge()])
    with pytest.raises(InvalidInput):
        lists_by_url([status_list()] * 17)
    with pytest.raises(ValueError, match="only status list"):
        staple(presentation(), [badge()])


def test_over_openid4vp_the_lists_travel_as_an_extra_response_parameter() -> None:
    body = encode_response(
        {"open_badge": [presentation()]},
        "state-1",
        {OID4VP_PARAMETER: json.dumps([status_list()])},
    )
    parsed = parse_response(body)
    assert isinstance(parsed, AuthorizationResponse)
    lists = parse_parameter(parsed.extra[OID4VP_PARAMETER])
    found = status_check(check(parsed.vp_token["open_badge"][0], stapled_status=lists))
    assert found.ok
    assert found.detail["stapled"]
    with pytest.raises(InvalidInput):
        parse_parameter("{not json")
    with pytest.raises(ValueError, match="defined response parameter"):
        encode_response({"q": [presentation()]}, None, {"state": "x"})


def test_a_newer_list_of_the_verifier_beats_an_older_stapled_one() -> None:
    """A learner cannot hide a revocation the verifier already knows of by bringing the
    list from before it; nor does an old trust pack outweigh a newer list brought."""
    older_clear = status_list(made=NOW - timedelta(hours=5))
    newer_revoked = status_list(revoked=(INDEX,), made=NOW - timedelta(hours=1))
    own = LocalStatusSource({LIST_URL: newer_revoked})
    found = status_check(check(staple(presentation(), [older_clear]), status_fetcher=own))
    assert found.code == ErrorCode.revoked
    assert "stapled" not in found.detail

    own_old = LocalStatusSource({LIST_URL: older_clear})
    found = status_check(check(staple(presentation(), [newer_revoked]), status_fetcher=own_old))
    assert found.code == ErrorCode.revoked
    assert found.detail["stapled"] is True


def test_list_time_is_when_the_issuer_last_signed_the_list() -> None:
    """validFrom stays at the list's creation; the newest proof time says it is current."""
    from shared.status_staple import list_time

    made = {"validFrom": "2026-01-01T00:00:00Z"}
    assert list_time(made) == datetime(2026, 1, 1, tzinfo=UTC)
    signed = {
        **made,
        "proof": [
            {"type": "DataIntegrityProof", "created": "2026-11-27T08:00:00Z"},
            {"type": "DataIntegrityProof", "created": "2026-11-27T09:30:00Z"},
        ],
    }
    assert list_time(signed) == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
