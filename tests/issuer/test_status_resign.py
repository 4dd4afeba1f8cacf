"""A status list is re-signed when its signature is older than STATUS_RESIGN_SECONDS,
even with no bit changed, so a list a learner staples is recent enough to count."""

from __future__ import annotations

import json
from datetime import timedelta

from issuer.publish import status_list, status_list_ids
from issuer.service import AwardRequest, Issuer
from shared.status_staple import list_time
from tests.issuer.conftest import HOLDER, FakeClock


def _signed_at(issuer: Issuer, list_id: str) -> object:
    return list_time(json.loads(status_list(issuer, list_id).body))


def test_an_unchanged_list_is_re_signed_once_its_signature_is_old(
    issuer: Issuer, clock: FakeClock, achievement_id: str
) -> None:
    issuer.issue(AwardRequest(achievement_id, HOLDER.did), actor="test")
    list_id = status_list_ids(issuer)[0]["id"]
    first = status_list(issuer, list_id)
    made = clock()
    assert _signed_at(issuer, list_id) == made

    # within the interval: the same signed bytes are served (no work per request)
    clock.advance(seconds=issuer.settings.status_resign_seconds - 60)
    assert status_list(issuer, list_id).body == first.body

    # past it: signed anew, same bits, same validFrom, a new proof time and ETag
    clock.advance(seconds=120)
    again = status_list(issuer, list_id)
    assert again.etag != first.etag
    assert _signed_at(issuer, list_id) == clock()
    old, new = json.loads(first.body), json.loads(again.body)
    assert new["validFrom"] == old["validFrom"]
    assert new["credentialSubject"]["encodedList"] == old["credentialSubject"]["encodedList"]
    assert list_time(new) - list_time(old) > timedelta(hours=5)  # type: ignore[operator]
