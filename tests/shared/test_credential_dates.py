"""When a badge was awarded and until when it holds, read from any badge's fields."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from shared.credentials import awarded_on, valid_until
from tests.conftest import load_vector
from wallet.sharing import linkedin_url

LINK = "https://verify.example.nl/p/abc"


def test_awarded_is_awarded_date_else_valid_from_else_issuance_date() -> None:
    assert (
        awarded_on({"awardedDate": "2026-03-01T00:00:00Z", "validFrom": "2026-04-01T00:00:00Z"})
        == "2026-03-01T00:00:00Z"
    )
    assert (
        awarded_on({"validFrom": "2026-04-01T00:00:00Z", "issuanceDate": "2025-01-01T00:00:00Z"})
        == "2026-04-01T00:00:00Z"
    )
    assert awarded_on({"issuanceDate": "2025-01-01T00:00:00Z"}) == "2025-01-01T00:00:00Z"
    assert awarded_on({"awardedDate": 7, "validFrom": ""}) is None


def test_valid_until_reads_the_older_expiration_date() -> None:
    assert valid_until({"validUntil": "2030-01-01T00:00:00Z"}) == "2030-01-01T00:00:00Z"
    assert valid_until({"expirationDate": "2020-01-01T00:00:00Z"}) == "2020-01-01T00:00:00Z"
    assert valid_until({}) is None


def test_linkedin_gets_the_dates_of_a_vcdm_1_1_badge() -> None:
    """1EdTech's sample has only issuanceDate and expirationDate: LinkedIn's form still
    gets the year and month it was issued and expires."""
    badge = load_vector("ob3/1edtech-validator/complete_v1.json")
    query = parse_qs(urlsplit(linkedin_url(badge, LINK)).query)
    assert (query["issueYear"], query["issueMonth"]) == (["2010"], ["1"])
    assert (query["expirationYear"], query["expirationMonth"]) == (["2020"], ["1"])
