"""Open Badges 2.0: hosted (1EdTech validator fixtures) and signed (openbadgeslib) assertions."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from shared.errors import ErrorCode
from shared.formats import read_any, verify_any, verify_ob2
from shared.formats.ob2 import parse_ob2_date
from shared.verification import Verdict
from tests.conftest import VECTORS
from tests.shared.formats import makers as mk

OB2 = VECTORS / "ob2"
ASSERTION_URL = "https://example.org/beths-robotics-badge.json"


def _load(name: str) -> dict[str, Any]:
    return json.loads((OB2 / name).read_text("utf-8"))


def _site(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The issuer's site as the 1EdTech fixtures describe it: assertion, badge class, issuer."""
    pages = {
        ASSERTION_URL: _load("basic-assertion.json"),
        "https://example.org/robotics-badge.json": _load("basic-badgeclass.json"),
        "https://example.org/organization.json": _load("basic-issuer.json"),
    }
    for url, change in overrides.items():
        pages[url] = {**pages[url], **change}
    return pages


def _fetcher(pages: dict[str, dict[str, Any]], asked: list[str] | None = None) -> Callable:
    def fetch(url: str) -> bytes:
        if asked is not None:
            asked.append(url)
        if url not in pages:
            raise OSError(f"404 {url}")
        return json.dumps(pages[url]).encode()

    return fetch


def _codes(result: Any) -> dict[str, str]:
    return {c.name: c.code for c in result.checks}


class TestHosted:
    def test_valid_hosted_badge_is_labelled(self) -> None:
        result = verify_ob2(_load("basic-assertion.json"), fetcher=_fetcher(_site()), now=mk.NOW)
        assert result.verdict == Verdict.valid, result.to_dict()
        assert result.summary["label"] == "OB 2.0, checked at the issuer's site on 2026-11-23"
        assert result.summary["name"] == "Awesome Robotics Badge"
        assert result.summary["issuer"] == {
            "id": "https://example.org/organization.json",
            "name": "An Example Badge Issuer",
        }
        assert result.summary["achievement"]["criteria"] == (
            "https://example.org/robotics-badge.html"
        )
        assert result.summary["validFrom"] == "2016-12-31T23:59:59Z"
        assert _codes(result)["issuer"] == "ok"

    def test_revoked_at_the_issuer(self) -> None:
        pages = _site(
            **{ASSERTION_URL: {"revoked": True, "revocationReason": "Fraude bij het examen"}}
        )
        result = verify_ob2(_load("basic-assertion.json"), fetcher=_fetcher(pages), now=mk.NOW)
        assert _codes(result)["status"] == ErrorCode.revoked
        assert (
            "Fraude bij het examen" in next(c for c in result.checks if c.name == "status").message
        )
        assert result.verdict == Verdict.invalid

    def test_gone_is_revoked(self) -> None:
        from shared.errors import ResolutionFailed

        def fetch(url: str) -> bytes:
            if url == ASSERTION_URL:
                raise ResolutionFailed("gone", detail={"url": url, "http_status": 410})
            return json.dumps(_site()[url]).encode()

        result = verify_ob2(_load("basic-assertion.json"), fetcher=fetch, now=mk.NOW)
        assert _codes(result)["status"] == ErrorCode.revoked
        assert result.verdict == Verdict.invalid

    def test_changed_copy_is_red(self) -> None:
        local = {**_load("basic-assertion.json"), "issuedOn": "2015-06-01T00:00:00Z"}
        result = verify_ob2(local, fetcher=_fetcher(_site()), now=mk.NOW)
        assert _codes(result)["proof"] == ErrorCode.proof_invalid
        assert result.verdict == Verdict.invalid

    def test_expired_at_the_issuer(self) -> None:
        pages = _site(**{ASSERTION_URL: {"expires": "2020-01-01T00:00:00Z"}})
        local = pages[ASSERTION_URL]
        result = verify_ob2(local, fetcher=_fetcher(pages), now=mk.NOW)
        assert _codes(result)["valid_until"] == ErrorCode.expired

    def test_hosted_elsewhere_than_the_issuer(self) -> None:
        pages = _site(
            **{"https://example.org/organization.json": {"url": "https://elders.example"}}
        )
        pages["https://example.org/organization.json"]["id"] = "https://elders.example/org"
        result = verify_ob2(_load("basic-assertion.json"), fetcher=_fetcher(pages), now=mk.NOW)
        assert _codes(result)["issuer"] == ErrorCode.issuer_mismatch

    def test_a_copy_on_a_strangers_site_cannot_allow_its_own_host(self) -> None:
        """Forgery: the assertion is put on evil.example with allowedOrigins naming
        evil.example, its badge class and issuer are the real ones at example.org. Only
        the issuer profile may widen where its badges are hosted."""
        forged_url = "https://evil.example/beths-robotics-badge.json"
        forged = {
            **_load("basic-assertion.json"),
            "id": forged_url,
            "verification": {"type": "hosted", "allowedOrigins": "evil.example"},
        }
        pages = {**_site(), forged_url: forged}
        result = verify_ob2(forged, fetcher=_fetcher(pages), now=mk.NOW)
        assert _codes(result)["issuer"] == ErrorCode.issuer_mismatch
        assert result.verdict == Verdict.invalid

    def test_an_issuer_profile_that_names_itself_otherwise_is_not_used(self) -> None:
        """Forgery: everything on evil.example, the issuer profile there calling itself
        example.org's (and allowing evil.example): it is not example.org's profile."""
        base = "https://evil.example/"
        issuer_url = base + "organization.json"
        badge_url = base + "robotics-badge.json"
        assertion_url = base + "beths-robotics-badge.json"
        assertion = {**_load("basic-assertion.json"), "id": assertion_url, "badge": badge_url}
        pages = {
            assertion_url: assertion,
            badge_url: {**_load("basic-badgeclass.json"), "id": badge_url, "issuer": issuer_url},
            issuer_url: {
                **_load("basic-issuer.json"),
                "url": base,
                "verification": {"allowedOrigins": ["evil.example", "example.org"]},
            },  # its id stays https://example.org/organization.json
        }
        result = verify_ob2(assertion, fetcher=_fetcher(pages), now=mk.NOW)
        assert _codes(result)["issuer"] == ErrorCode.issuer_mismatch
        assert result.verdict == Verdict.invalid
        assert result.summary["issuer"].get("name") != "An Example Badge Issuer"

    def test_the_issuer_profile_decides_where_its_badges_may_be_hosted(self) -> None:
        """OB 2.0 VerificationObject in the issuer profile: allowedOrigins and startsWith;
        the issuer's homepage (url) alone is not a place its badges may be."""
        hosted_url = "https://badges.example.net/a/beths-robotics-badge.json"
        assertion = {**_load("basic-assertion.json"), "id": hosted_url}

        def check(issuer_change: dict[str, Any]) -> str:
            pages = _site(**{"https://example.org/organization.json": issuer_change})
            pages[hosted_url] = assertion
            return _codes(verify_ob2(assertion, fetcher=_fetcher(pages), now=mk.NOW))["issuer"]

        assert check({"url": "https://badges.example.net"}) == ErrorCode.issuer_mismatch
        allowed = {"verification": {"allowedOrigins": "badges.example.net"}}
        assert check(allowed) == "ok"
        prefix = {"verification": {"startsWith": "https://badges.example.net/a/"}}
        assert check(prefix) == ErrorCode.issuer_mismatch  # default origin: example.org
        both = {"verification": {**allowed["verification"], **prefix["verification"]}}
        assert check(both) == "ok"
        elsewhere = {"verification": {"allowedOrigins": "badges.example.net",
                                      "startsWith": "https://badges.example.net/b/"}}  # fmt: skip
        assert check(elsewhere) == ErrorCode.issuer_mismatch

    def test_offline_is_amber_and_says_why(self) -> None:
        result = verify_ob2(_load("basic-assertion.json"), now=mk.NOW)
        assert result.verdict == Verdict.unknown
        assert _codes(result)["proof"] == ErrorCode.fetch_failed

    def test_a_link_is_fetched_once_and_checked(self) -> None:
        asked: list[str] = []
        parsed = read_any(ASSERTION_URL)
        assert parsed.format == "url"
        result = verify_any(parsed, fetcher=_fetcher(_site(), asked), now=mk.NOW)
        assert result.verdict == Verdict.valid, result.to_dict()
        assert asked.count(ASSERTION_URL) == 1

    def test_baked_png_from_the_1edtech_validator(self) -> None:
        parsed = read_any((OB2 / "baked_heart.png").read_bytes())
        assert (parsed.format, parsed.wrapper, parsed.baking) == ("ob2", "png", "2.0")
        # The baked copy's recipient differs from the hosted copy used here: changed.
        result = verify_any(parsed, fetcher=_fetcher(_site()), now=mk.NOW)
        assert _codes(result)["proof"] == ErrorCode.proof_invalid
        pages = _site(**{ASSERTION_URL: {"recipient": parsed.document["recipient"]}})
        result = verify_any(parsed, fetcher=_fetcher(pages), now=mk.NOW)
        assert result.verdict == Verdict.valid
        assert result.summary["source"] == "Open Badges 2.0 assertion in a PNG image"


ISSUER = "https://badges.saxion.example/issuer.json"
KEY_URL = "https://badges.saxion.example/keys/1.json"
LIST = "https://badges.saxion.example/revocations.json"


def _signed(alg: str, key: Any, **extra: Any) -> str:
    """An OB 2.0 signed assertion made by openbadgeslib's OB2Signer."""
    from openbadgeslib.ob2.models import Assertion, IdentityObject, Verification
    from openbadgeslib.ob2.signer import OB2Signer

    assertion = Assertion(
        id="urn:uuid:5b0c1a7e-2f0d-4a8e-8a53-0b1d2c3e4f50",
        recipient=IdentityObject.create("bram.de.vries@student.saxion.example", "zeezout"),
        badge="https://badges.saxion.example/badges/eerste-hulp.json",
        verification=Verification(type="SignedBadge", creator=KEY_URL),
        issued_on=mk.ISSUED,
        **extra,
    )
    return OB2Signer(privkey_pem=mk.pem(key), algorithm=alg).sign(assertion)


def _documents(key: Any, revoked: list[str] | None = None) -> dict[str, Any]:
    return {
        KEY_URL: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "CryptographicKey",
            "id": KEY_URL,
            "owner": ISSUER,
            "publicKeyPem": mk.public_pem(key),
        },
        "https://badges.saxion.example/badges/eerste-hulp.json": {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": "https://badges.saxion.example/badges/eerste-hulp.json",
            "name": "Eerste hulp bij stage-ongevallen",
            "description": "Kan eerste hulp verlenen op de stageplek.",
            "criteria": {"narrative": "Praktijktoets EHBO met goed gevolg afgelegd."},
            "image": "https://badges.saxion.example/badges/eerste-hulp.png",
            "issuer": ISSUER,
        },
        ISSUER: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Issuer",
            "id": ISSUER,
            "name": "Saxion Hogeschool",
            "url": "https://www.saxion.nl",
            "publicKey": KEY_URL,
            "revocationList": LIST,
        },
        LIST: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "RevocationList",
            "id": LIST,
            "revokedAssertions": [
                {"id": r, "revocationReason": "Ingetrokken"} for r in revoked or []
            ],
        },
    }


@pytest.mark.interop(
    row="Open Badges 2.0 signed assertions",
    implementation="openbadgeslib OB2Signer (PyPI)",
    direction="theirs read by Rugzak",
)
class TestSigned:
    @pytest.mark.parametrize("alg", ["RS256", "ES256"])
    def test_valid_offline_with_documents_handed_in(self, alg: str) -> None:
        key = mk.ALG_KEYS[alg]()
        result = verify_any(read_any(_signed(alg, key)), documents=_documents(key), now=mk.NOW)
        assert result.verdict == Verdict.valid, result.to_dict()
        assert result.summary["label"] == f"OB 2.0 signed ({alg})"
        assert result.summary["name"] == "Eerste hulp bij stage-ongevallen"
        assert result.summary["issuer"]["name"] == "Saxion Hogeschool"

    def test_revoked_on_the_list(self) -> None:
        key = mk.rsa_key()
        docs = _documents(key, revoked=["urn:uuid:5b0c1a7e-2f0d-4a8e-8a53-0b1d2c3e4f50"])
        result = verify_any(read_any(_signed("RS256", key)), documents=docs, now=mk.NOW)
        assert _codes(result)["status"] == ErrorCode.revoked
        assert result.verdict == Verdict.invalid

    def test_tampered_and_wrong_key(self) -> None:
        key = mk.rsa_key()
        token = _signed("RS256", key)
        changed = mk.tamper(token, {"issuedOn": "2020-01-01T00:00:00Z"})
        assert _codes(verify_ob2(changed, documents=_documents(key), now=mk.NOW))["proof"] == (
            ErrorCode.proof_invalid
        )
        other = _documents(mk.p256_key())
        result = verify_ob2(_signed("RS256", key), documents=other, now=mk.NOW)
        assert result.verdict == Verdict.invalid

    def test_expired(self) -> None:
        key = mk.p256_key()
        token = _signed("ES256", key, expires=mk.NOW - timedelta(days=1))
        result = verify_ob2(token, documents=_documents(key), now=mk.NOW)
        assert _codes(result)["valid_until"] == ErrorCode.expired

    def test_key_fetched_through_the_fetcher(self) -> None:
        key = mk.rsa_key()
        docs = _documents(key)
        result = verify_ob2(_signed("RS256", key), fetcher=_fetcher(docs), now=mk.NOW)
        assert result.verdict == Verdict.valid

    def test_offline_without_documents_is_amber(self) -> None:
        result = verify_ob2(_signed("RS256", mk.rsa_key()), now=mk.NOW)
        assert result.verdict == Verdict.unknown

    def test_a_key_or_profile_naming_itself_otherwise_is_not_used(self) -> None:
        """A key document at KEY_URL that calls itself another key (or an issuer profile
        calling itself another issuer) is not the issuer's: red, not 'signed by'."""
        key = mk.rsa_key()
        for url in (KEY_URL, ISSUER):
            docs = _documents(key)
            docs[url] = {**docs[url], "id": url + "-elsewhere"}
            result = verify_ob2(_signed("RS256", key), fetcher=_fetcher(docs), now=mk.NOW)
            assert _codes(result)["issuer"] == ErrorCode.issuer_mismatch, url
            assert result.verdict == Verdict.invalid

    def test_its_issuer_url_is_never_known_by_the_list(self) -> None:
        """An OB 2.0 issuer is confirmed by the site its documents are on, never by a key
        document at exactly its URL: a list of known issuers does not name it."""
        key = mk.rsa_key()
        result = verify_ob2(
            _signed("RS256", key),
            documents=_documents(key),
            now=mk.NOW,
            trusted_issuers={ISSUER: "Saxion"},
        )
        assert _codes(result)["issuer"] == "ok"
        assert _codes(result)["trust"] == ErrorCode.unknown_issuer
        assert "trustedName" not in result.summary["issuer"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-12-31T23:59:59Z", "2016-12-31T23:59:59+00:00"),
        ("2016-12-31", "2016-12-31T00:00:00+00:00"),
        (1483228799, "2016-12-31T23:59:59+00:00"),
        ("1483228799", "2016-12-31T23:59:59+00:00"),
        ("gisteren", None),
        ("2016-12-31T23:59:59", None),  # no zone: its instant is unknown, never read as UTC
        ("2016-12-31T23:59:59.5+01:00", "2016-12-31T23:59:59.500000+01:00"),
    ],
)
def test_ob2_dates(value: Any, expected: str | None) -> None:
    parsed = parse_ob2_date(value)
    assert (parsed.isoformat() if parsed else None) == expected
