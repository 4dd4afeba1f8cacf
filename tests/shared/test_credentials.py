"""The recipes: issue, present and verify, with every check's outcome."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.credentials import (
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from shared.errors import ErrorCode, InvalidInput, VerificationFailed
from shared.keys import SigningKey
from shared.status_cache import LocalStatusSource
from shared.status_list import BitstringStatusList, build_status_list_credential
from shared.verification import Verdict
from tests.conftest import VECTORS, load_vector
from tests.factories import status_entry, unsigned_badge

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUER = SigningKey.from_seed(b"\x11" * 32)
LEARNER = SigningKey.from_seed(b"\x22" * 32)
OTHER = SigningKey.from_seed(b"\x33" * 32)
LIST_URL = "https://issuer.example/status/1"


def badge(subject: str = LEARNER.did, **options: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 credential issued by ISSUER to ``subject`` (the production
    builder; ``options`` go to ``tests.factories.unsigned_badge``)."""
    return unsigned_badge(
        subject,
        ISSUER,
        name="Doorzettingsvermogen",
        credential_name="Doorzettingsvermogen, niveau 2",
        achievement_type=None,
        **options,
    )


def status_lists(
    revoked: set[int] = frozenset(), suspended: set[int] = frozenset()
) -> LocalStatusSource:  # type: ignore[assignment]
    lists = {}
    for purpose, flagged in (("revocation", revoked), ("suspension", suspended)):
        bits = BitstringStatusList(131_072)
        for i in flagged:
            bits.set(i, 1)
        url = f"{LIST_URL}-{purpose}"
        unsigned = build_status_list_credential(
            list_url=url,
            issuer=ISSUER.did,
            purpose=purpose,
            status_list=bits,
            valid_from=NOW - timedelta(days=1),
        )
        lists[url] = issue_credential(unsigned, ISSUER, created=NOW - timedelta(days=1))
    return LocalStatusSource(lists)


def with_status(index: int) -> dict[str, Any]:
    return badge(
        status=[
            status_entry(f"{LIST_URL}-revocation", index, "revocation"),
            status_entry(f"{LIST_URL}-suspension", index, "suspension"),
        ]
    )


def signed(cred: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return issue_credential(cred, ISSUER, created=NOW - timedelta(days=1), **kw)


def test_issued_credential_verifies() -> None:
    result = verify_credential(signed(badge()), now=NOW)
    assert result.verified, result.to_dict()
    names = [c.name for c in result.checks]
    assert names[:4] == ["structure", "schema", "proof", "issuer"]
    assert result.summary["issuer"]["name"] == "Leerhuis Utrecht"
    assert result.summary["achievement"]["name"] == "Doorzettingsvermogen"


def test_jcs_suite_also_verifies() -> None:
    assert verify_credential(signed(badge(), cryptosuite="eddsa-jcs-2022"), now=NOW).verified


def test_tampered_credential_fails_with_proof_invalid() -> None:
    cred = signed(badge())
    cred["credentialSubject"]["achievement"]["name"] = "Something grander"
    result = verify_credential(cred, now=NOW)
    assert result.verdict == Verdict.invalid
    assert ErrorCode.proof_invalid in result.codes()


def test_issuer_must_be_the_signer() -> None:
    with pytest.raises(VerificationFailed) as info:
        issue_credential(badge(), OTHER, created=NOW)
    assert info.value.code == ErrorCode.issuer_mismatch
    # Forge: sign with OTHER but claim ISSUER.
    forged = issue_credential(
        {**badge(), "issuer": {"id": OTHER.did, "type": ["Profile"], "name": "x"}},
        OTHER,
        created=NOW,
    )
    forged["issuer"] = {"id": ISSUER.did, "type": ["Profile"], "name": "Leerhuis Utrecht"}
    assert not verify_credential(forged, now=NOW).verified


def test_dates() -> None:
    expired = signed(badge(valid_until=datetime(2026, 6, 1, tzinfo=UTC)))
    assert ErrorCode.expired in verify_credential(expired, now=NOW).codes()
    future = signed(badge(valid_from=datetime(2027, 1, 1, tzinfo=UTC)))
    assert ErrorCode.not_yet_valid in verify_credential(future, now=NOW).codes()
    # Within the clock skew is fine.
    soon = signed(badge(valid_from=datetime(2026, 11, 23, 12, 3, tzinfo=UTC)))
    assert verify_credential(soon, now=NOW).verified


def test_status_valid_revoked_suspended_unknown() -> None:
    lists = status_lists(revoked={5}, suspended={9})
    good = signed(with_status(7))
    assert verify_credential(good, status_fetcher=lists, now=NOW).verified
    revoked = verify_credential(signed(with_status(5)), status_fetcher=lists, now=NOW)
    assert revoked.verdict == Verdict.invalid
    assert ErrorCode.revoked in revoked.codes()
    suspended = verify_credential(signed(with_status(9)), status_fetcher=lists, now=NOW)
    assert ErrorCode.suspended in suspended.codes()
    unknown = verify_credential(signed(with_status(7)), now=NOW)
    assert unknown.verdict == Verdict.unknown
    assert not unknown.verified
    assert ErrorCode.status_unknown in unknown.codes()
    missing = verify_credential(
        signed(with_status(7)), status_fetcher=LocalStatusSource({}), now=NOW
    )
    assert missing.verdict == Verdict.unknown


def test_forged_status_list_is_not_trusted() -> None:
    lists = status_lists(revoked={5})
    raw = lists.fetch(f"{LIST_URL}-revocation")
    raw["credentialSubject"]["encodedList"] = BitstringStatusList(131_072).encode()
    forged = LocalStatusSource(
        {
            f"{LIST_URL}-revocation": raw,
            f"{LIST_URL}-suspension": lists.fetch(f"{LIST_URL}-suspension"),
        }
    )
    result = verify_credential(signed(with_status(5)), status_fetcher=forged, now=NOW)
    assert result.verdict == Verdict.unknown
    assert ErrorCode.status_list_invalid in result.codes()


def test_trust_list_warns_but_does_not_fail() -> None:
    cred = signed(badge())
    known = verify_credential(cred, now=NOW, trusted_issuers={ISSUER.did: "Leerhuis"})
    assert known.verified
    unknown = verify_credential(cred, now=NOW, trusted_issuers={OTHER.did: "Other"})
    assert unknown.verified
    assert ErrorCode.unknown_issuer in unknown.codes()


@pytest.mark.parametrize(
    "garbage",
    [None, 42, "text", [], {}, {"@context": "x"}, {"@context": [], "type": "Nope"}],
)
def test_garbage_never_raises(garbage: Any) -> None:
    result = verify_credential(garbage, now=NOW)
    assert result.verdict == Verdict.invalid
    assert result.errors


def test_unknown_context_and_undefined_terms_fail_cleanly() -> None:
    cred = signed(badge())
    cred["@context"] = [*cred["@context"], "https://evil.example/context.json"]
    result = verify_credential(cred, now=NOW, check_schema=False)
    assert ErrorCode.unknown_context in result.codes()
    # the term of the trade and the address stay in the check's own message, for
    # developers; people read the catalogue's plain sentence for the code
    (proof,) = [c for c in result.checks if c.name == "proof"]
    assert "JSON-LD context" in proof.message
    assert "https://evil.example/context.json" in proof.message
    extra = badge()
    extra["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(InvalidInput) as info:
        signed(extra)
    assert info.value.code == ErrorCode.undefined_term


def test_presentation_round_trip_and_binding() -> None:
    creds = [signed(badge()), signed(badge(credential_id="urn:uuid:2"))]
    vp = create_presentation(
        creds, LEARNER, challenge="nonce-1", domain="https://v.example", created=NOW
    )
    ok = verify_presentation(vp, challenge="nonce-1", domain="https://v.example", now=NOW)
    assert ok.verified, ok.to_dict()
    assert len(ok.credentials) == 2
    assert all(c.verified for c in ok.credentials)

    replay = verify_presentation(vp, challenge="nonce-2", domain="https://v.example", now=NOW)
    assert ErrorCode.challenge_mismatch in replay.codes()
    other_site = verify_presentation(vp, challenge="nonce-1", domain="https://x.example", now=NOW)
    assert ErrorCode.domain_mismatch in other_site.codes()


def test_presenting_someone_elses_badge_fails() -> None:
    theirs = signed(badge(subject=OTHER.did))
    vp = create_presentation([theirs], LEARNER, challenge="n", domain="d", created=NOW)
    result = verify_presentation(vp, challenge="n", domain="d", now=NOW)
    assert not result.verified
    assert ErrorCode.holder_mismatch in result.codes()


def test_holder_must_sign_the_presentation() -> None:
    vp = create_presentation([signed(badge())], OTHER, challenge="n", domain="d", created=NOW)
    vp_claim = copy.deepcopy(vp)
    vp_claim["holder"] = LEARNER.did
    result = verify_presentation(vp_claim, challenge="n", domain="d", now=NOW)
    assert not result.verified
    assert ErrorCode.proof_invalid in result.codes()


def test_tampered_credential_inside_presentation_is_red() -> None:
    cred = signed(badge())
    cred["name"] = "Changed"
    vp = create_presentation([cred], LEARNER, challenge="n", domain="d", created=NOW)
    result = verify_presentation(vp, challenge="n", domain="d", now=NOW)
    assert result.verdict == Verdict.invalid
    assert result.credentials[0].verdict == Verdict.invalid


def test_unbound_presentation_is_marked() -> None:
    vp = create_presentation([signed(badge())], LEARNER, challenge=None, domain=None, created=NOW)
    result = verify_presentation(vp, challenge=None, domain=None, now=NOW)
    assert result.verified
    assert any(c.name == "challenge" and c.severity == "warning" for c in result.checks)


def test_presentation_garbage() -> None:
    for garbage in (
        None,
        {},
        {"type": "VerifiablePresentation"},
        {"type": ["VerifiablePresentation"], "verifiableCredential": ["x"]},
    ):
        result = verify_presentation(garbage, challenge=None, domain=None, now=NOW)
        assert result.verdict == Verdict.invalid


def test_1edtech_examples_verify_end_to_end() -> None:
    """The 1EdTech example verifies; its key comes from the URL, so a warning says so."""
    simple = load_vector("ob3/1edtech-validator/simple.json")
    result = verify_credential(simple, now=NOW)
    assert result.verified, result.to_dict()
    assert ErrorCode.issuer_key_unconfirmed in result.codes()
    expired = load_vector("ob3/1edtech-validator/simple-err-expired.json")
    assert ErrorCode.expired in verify_credential(expired, now=NOW).codes()


def test_dcc_fixtures_with_their_status_lists() -> None:
    """DCC credentials: revoked ones are red once the (100,000-bit) status list is read."""
    index = load_vector("status-list/status-lists.json")
    url_map = index["statusListCredentialUrlToFile"]
    assert url_map, "status-lists.json maps status list URLs to local files"
    lists = {
        url: load_vector(path) if (VECTORS / path).is_file() else None
        for url, path in url_map.items()
    }
    source = LocalStatusSource({u: d for u, d in lists.items() if d is not None})
    base = "dcc/vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    revoked = load_vector(base + "noRegistry-revokedStatus-noExpiry.json")
    result = verify_credential(revoked, status_fetcher=source, now=NOW)
    assert ErrorCode.revoked in result.codes(), result.to_dict()


def test_expired_status_list_means_status_unknown() -> None:
    """A list past its validUntil can't say "not revoked": the verdict is amber."""
    bits = BitstringStatusList(131_072)
    lists = {}
    for purpose in ("revocation", "suspension"):
        url = f"{LIST_URL}-{purpose}"
        unsigned = build_status_list_credential(
            list_url=url,
            issuer=ISSUER.did,
            purpose=purpose,
            status_list=bits,
            valid_from=NOW - timedelta(days=10),
            valid_until=NOW - timedelta(days=1),
        )
        lists[url] = issue_credential(unsigned, ISSUER, created=NOW - timedelta(days=10))
    result = verify_credential(
        signed(with_status(3)), status_fetcher=LocalStatusSource(lists), now=NOW
    )
    assert result.verdict == Verdict.unknown
    assert ErrorCode.status_list_expired in result.codes()


@pytest.mark.parametrize(
    "disguise",
    [
        "full_iri_key",
        "inline_alias",
    ],
)
def test_expiry_cannot_be_hidden_behind_jsonld_forms(disguise: str) -> None:
    """Same RDF, different JSON: an expired credential must not slip past the date check."""
    cred = signed(badge(valid_until=datetime(2026, 6, 1, tzinfo=UTC)))
    value = cred.pop("validUntil")
    if disguise == "full_iri_key":
        cred["https://www.w3.org/2018/credentials#validUntil"] = {
            "@value": value,
            "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
        }
    else:
        cred["@context"] = [
            *cred["@context"],
            {
                "vu": {
                    "@id": "https://www.w3.org/2018/credentials#validUntil",
                    "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
                }
            },
        ]
        cred["vu"] = value
    result = verify_credential(cred, now=NOW)
    assert result.verdict == Verdict.invalid
    assert ErrorCode.invalid_jsonld in result.codes()


def test_status_list_from_a_clock_slightly_ahead_is_accepted() -> None:
    """A list issued seconds "in the future" (clock skew) still answers the status."""
    bits = BitstringStatusList(131_072)
    lists = {}
    for purpose in ("revocation", "suspension"):
        url = f"{LIST_URL}-{purpose}"
        unsigned = build_status_list_credential(
            list_url=url,
            issuer=ISSUER.did,
            purpose=purpose,
            status_list=bits,
            valid_from=NOW + timedelta(seconds=30),
        )
        lists[url] = issue_credential(unsigned, ISSUER, created=NOW)
    result = verify_credential(
        signed(with_status(3)), status_fetcher=LocalStatusSource(lists), now=NOW
    )
    assert result.verified, result.codes()
