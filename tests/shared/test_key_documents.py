"""Keys published in https key documents (Controlled Identifiers v1.0, 'retrieve
verification method'): read through the resolver's injected fetcher, checked to the
letter (the document's id, the key's id and controller, the proof's purpose), cached,
size-limited, strict JSON, and refused on a private address."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.credentials import verify_credential
from shared.did import StaticResolver, WebResolver
from shared.errors import ErrorCode, ResolutionFailed
from shared.formats import verify_vc_jwt
from shared.key_documents import find_key_document_method, key_document_urls
from shared.keys import SigningKey
from shared.messages import sentence
from shared.proof.create import create_proof
from shared.runtime.fetch import SafeFetcher
from shared.showing.verdict import badge_state
from shared.verification import VerificationResult
from tests.factories import signed_badge, unsigned_badge
from tests.shared.formats import makers as mk

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DOC_URL = "https://badges.leerhuis-zwolle.example/issuers/leerhuis"
VM = f"{DOC_URL}#key-1"
SECRET = SigningKey.from_seed(b"\x61" * 32)
KEY = SECRET.with_controller(DOC_URL, "key-1")
LEARNER = SigningKey.from_seed(b"\x62" * 32)


def key_document(**changes: Any) -> dict[str, Any]:
    """The issuer's key document as a hosted platform publishes it at ``DOC_URL``."""
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": DOC_URL,
        "verificationMethod": [
            {
                "id": VM,
                "type": "Multikey",
                "controller": DOC_URL,
                "publicKeyMultibase": SECRET.public_multibase,
            }
        ],
        "assertionMethod": [VM],
    }
    doc.update(changes)
    return doc


def method(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = key_document()["verificationMethod"][0]
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


class Site:
    """An https server in memory: URL -> body, with a record of what was asked."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.pages:
            raise ResolutionFailed(f"{url} answered HTTP 404", code=ErrorCode.did_not_found)
        return self.pages[url]


def serving(doc: Any) -> Site:
    return Site({DOC_URL: json.dumps(doc).encode()})


def badge() -> dict[str, Any]:
    return signed_badge(LEARNER.did, KEY, created=NOW)


def proof_of(result: VerificationResult) -> tuple[str, str]:
    (check,) = [c for c in result.checks if c.name == "proof"]
    return check.code, str(result.verdict)


def why(result: VerificationResult) -> str:
    """The proof layer's own reason (the check's message is the plain sentence)."""
    (check,) = [c for c in result.checks if c.name == "proof"]
    return str(check.detail[0]["message"])


def checked(doc: Any) -> VerificationResult:
    return verify_credential(badge(), resolver=WebResolver(serving(doc)), now=NOW)


def test_a_key_in_an_https_key_document_verifies_and_confirms_the_issuer() -> None:
    site = serving(key_document())
    result = verify_credential(badge(), resolver=WebResolver(site), now=NOW)
    assert result.verified, result.to_dict()
    (issuer,) = [c for c in result.checks if c.name == "issuer"]
    assert (issuer.ok, str(issuer.severity)) == (True, "info")
    assert not result.warnings  # the document confirms the key: no "key unconfirmed"
    assert site.asked == [DOC_URL]  # the URL without its fragment


def test_the_key_may_be_embedded_in_the_relationship_or_referenced_relatively() -> None:
    embedded = key_document(verificationMethod=[], assertionMethod=[method()])
    assert checked(embedded).verified
    relative = key_document(verificationMethod=[method(id="#key-1")], assertionMethod=["#key-1"])
    assert checked(relative).verified


def test_a_document_that_names_another_url_is_invalid() -> None:
    result = checked(key_document(id="https://badges.leerhuis-zwolle.example/issuers/other"))
    assert proof_of(result) == (ErrorCode.did_document_invalid, "invalid")
    (check,) = [c for c in result.checks if c.name == "proof"]
    assert check.message == sentence(ErrorCode.did_document_invalid)


def test_a_key_whose_id_is_another_url_is_not_the_key_named() -> None:
    elsewhere = "https://badges.leerhuis-zwolle.example/issuers/other#key-1"
    doc = key_document(verificationMethod=[method(id=elsewhere)], assertionMethod=[elsewhere])
    result = checked(doc)
    assert proof_of(result) == (ErrorCode.verification_method_not_found, "invalid")
    assert why(result) == "the key's id in the key document is not the URL the proof names"
    with pytest.raises(ResolutionFailed) as info:
        find_key_document_method(StaticResolver({DOC_URL: doc}), VM, purpose="assertionMethod")
    assert info.value.detail == {"vm": VM, "ids": [elsewhere]}


@pytest.mark.parametrize(
    "controller",
    ["https://badges.leerhuis-zwolle.example/issuers/other", "did:web:x.example", None],
)
def test_a_key_controlled_by_anyone_but_the_document_is_refused(controller: str | None) -> None:
    doc = key_document(verificationMethod=[method(controller=controller)])
    result = checked(doc)
    assert proof_of(result) == (ErrorCode.verification_method_not_found, "invalid")
    assert why(result) == "the key's controller is not the key document"


def test_a_key_not_listed_for_the_proofs_purpose_is_refused() -> None:
    only_login = key_document(assertionMethod=[], authentication=[VM])
    assert proof_of(checked(only_login)) == (ErrorCode.proof_purpose_mismatch, "invalid")
    unlisted = key_document()
    del unlisted["assertionMethod"]
    assert proof_of(checked(unlisted)) == (ErrorCode.proof_purpose_mismatch, "invalid")


def test_the_issuer_must_be_the_key_documents_controller() -> None:
    """A genuine key of another party's document does not sign for this issuer."""
    other = "https://badges.leerhuis-zwolle.example/issuers/someone-else"
    forged = create_proof(unsigned_badge(LEARNER.did, other), KEY, created=NOW)
    result = verify_credential(forged, resolver=WebResolver(serving(key_document())), now=NOW)
    assert [c.code for c in result.errors] == [ErrorCode.issuer_mismatch]


def test_a_document_over_the_size_limit_is_invalid() -> None:
    padded = key_document(padding="x" * (256 * 1024))
    assert proof_of(checked(padded)) == (ErrorCode.did_document_invalid, "invalid")


@pytest.mark.parametrize(
    "body",
    [b"<html>not a key</html>", b'{"id": "a", "id": "b"}', b"[1, 2]", b"\xff\xfe"],
)
def test_a_document_that_is_not_a_strict_json_object_is_invalid(body: bytes) -> None:
    site = Site({DOC_URL: body})
    result = verify_credential(badge(), resolver=WebResolver(site), now=NOW)
    assert proof_of(result) == (ErrorCode.did_document_invalid, "invalid")


def test_a_key_document_on_a_private_address_is_refused_without_a_request() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, content=json.dumps(key_document()).encode())

    fetcher = SafeFetcher(
        resolve=lambda host, port: ["10.0.0.5"], transport=httpx.MockTransport(handler)
    )
    result = verify_credential(
        badge(), resolver=WebResolver(fetcher.did_fetcher(256 * 1024)), now=NOW
    )
    assert proof_of(result) == (ErrorCode.fetch_refused, "invalid")
    assert sent == []


def test_an_unreachable_key_document_is_cannot_tell_not_invalid() -> None:
    result = verify_credential(badge(), resolver=WebResolver(Site({})), now=NOW)
    assert proof_of(result) == (ErrorCode.did_not_found, "unknown")
    assert result.errors == []


def test_key_documents_are_cached_for_their_ttl() -> None:
    site = serving(key_document())
    now = [1000.0]
    resolver = WebResolver(site, ttl_seconds=60, clock=lambda: now[0])
    for _ in range(3):
        assert verify_credential(badge(), resolver=resolver, now=NOW).verified
    assert site.asked == [DOC_URL]
    now[0] += 61
    assert verify_credential(badge(), resolver=resolver, now=NOW).verified
    assert site.asked == [DOC_URL, DOC_URL]


def test_offline_the_document_comes_from_a_table_or_the_badge_is_cannot_tell() -> None:
    packed = StaticResolver({DOC_URL: key_document()})
    assert verify_credential(badge(), resolver=packed, now=NOW).verified
    missing = verify_credential(badge(), resolver=StaticResolver({}), now=NOW)
    assert proof_of(missing) == (ErrorCode.did_not_found, "unknown")


def test_a_fragment_that_is_the_key_is_still_read_unfetched() -> None:
    """``https://...#z6Mk...`` (1EdTech style) stays the shortcut: no fetch, a warning."""
    site = Site({})
    shortcut = SECRET.with_controller(DOC_URL, SECRET.public_multibase)
    result = verify_credential(
        signed_badge(LEARNER.did, shortcut, created=NOW), resolver=WebResolver(site), now=NOW
    )
    assert result.verified
    assert [c.code for c in result.warnings] == [ErrorCode.issuer_key_unconfirmed]
    assert site.asked == []
    assert key_document_urls(signed_badge(LEARNER.did, shortcut, created=NOW)) == []
    assert key_document_urls(badge()) == [DOC_URL]


def test_a_key_type_the_suites_cannot_use_is_unsupported() -> None:
    doc = key_document(verificationMethod=[method(type="JsonWebKey2020")])
    assert proof_of(checked(doc)) == (ErrorCode.unsupported_key_type, "invalid")


def test_a_jwt_kid_url_is_read_through_the_same_fetch() -> None:
    """The VC-JWT ``kid`` path has no fetch of its own: the same limit and codes."""
    issuer = "https://badges.hanze.example/issuer"
    kid = "https://badges.hanze.example/.well-known/jwks.json#rsa-2026"
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.rsa_key(), "RS256", {"kid": kid})

    def huge(url: str) -> bytes:
        return b" " * (256 * 1024 + 1)

    result = verify_vc_jwt(token, fetcher=huge, now=mk.NOW)
    assert proof_of(result) == (ErrorCode.did_document_invalid, "invalid")


# The list of known issuers: an https issuer is known by the exact URL its key
# document has, and only when that document signed the badge.

LISTED = {DOC_URL: "Leerhuis Zwolle (bekend)"}


def trust_of(result: VerificationResult) -> tuple[str, str | None]:
    (check,) = [c for c in result.checks if c.name == "trust"]
    return check.code, result.summary.get("issuer", {}).get("trustedName")


def test_an_https_issuer_on_the_list_is_known_when_its_key_document_signed() -> None:
    result = verify_credential(
        badge(), resolver=WebResolver(serving(key_document())), now=NOW, trusted_issuers=LISTED
    )
    assert trust_of(result) == ("ok", "Leerhuis Zwolle (bekend)")
    assert badge_state(result) == "valid"


@pytest.mark.parametrize(
    "listed",
    [
        "https://BADGES.leerhuis-zwolle.example/issuers/leerhuis",  # host case
        f"{DOC_URL}/",  # another resource
        "https://badges.leerhuis-zwolle.example/issuers/Leerhuis",
        "https://badges.leerhuis-zwolle.example:443/issuers/leerhuis",
        "https://badges.leerhuis-zwolle.example/issuers/%6Ceerhuis",
        "https://badges.leerhuis-zwolle.example/issuers/leerhuis?",
        f"{DOC_URL}#key-1",
        "http://badges.leerhuis-zwolle.example/issuers/leerhuis",
        "https://badges.leerhuis-zwo11e.example/issuers/leerhuis",  # look-alike
        "https://badges.leerhuis-zwolle.example/issuers/leerhuis-2",
        "https://badges.leerhuis-zwolle.example/issuers",
    ],
)
def test_only_the_exact_url_matches(listed: str) -> None:
    result = verify_credential(
        badge(),
        resolver=WebResolver(serving(key_document())),
        now=NOW,
        trusted_issuers={listed: "Someone"},
    )
    assert result.verified
    assert trust_of(result) == (ErrorCode.unknown_issuer, None)
    assert badge_state(result) == "unknown_issuer"


def test_an_issuer_whose_key_is_written_in_the_badge_is_not_known_by_its_url() -> None:
    """``https://...#z6Mk...`` signs for anyone who writes that URL as the issuer: the
    list's name must not vouch for it (it would read 'on your list as ...')."""
    shortcut = SECRET.with_controller(DOC_URL, SECRET.public_multibase)
    forged = signed_badge(LEARNER.did, shortcut, created=NOW)
    result = verify_credential(
        forged, resolver=WebResolver(Site({})), now=NOW, trusted_issuers=LISTED
    )
    assert trust_of(result) == (ErrorCode.unknown_issuer, None)
    assert badge_state(result) == "unknown_issuer"


def test_an_https_issuer_whose_document_cannot_be_had_is_not_known() -> None:
    result = verify_credential(
        badge(), resolver=StaticResolver({}), now=NOW, trusted_issuers=LISTED
    )
    assert trust_of(result) == (ErrorCode.unknown_issuer, None)
    assert badge_state(result) == "unknown"  # cannot tell, as before


def test_another_issuers_key_document_does_not_make_the_named_issuer_known() -> None:
    other = "https://badges.leerhuis-zwolle.example/issuers/someone-else"
    forged = create_proof(unsigned_badge(LEARNER.did, other), KEY, created=NOW)
    result = verify_credential(
        forged,
        resolver=WebResolver(serving(key_document())),
        now=NOW,
        trusted_issuers={other: "Someone else", DOC_URL: "Leerhuis Zwolle"},
    )
    assert [c.code for c in result.errors] == [ErrorCode.issuer_mismatch]
    assert trust_of(result) == (ErrorCode.unknown_issuer, None)


def test_a_vc_jwt_from_an_https_issuer_is_not_known_by_its_url() -> None:
    """Its key is the issuer's when it is anywhere on the issuer's host: on a shared
    badge platform another issuer's key is, so the list does not name it."""
    issuer = "https://badges.hanze.example/issuers/7"
    kid = "https://badges.hanze.example/issuers/8/jwks.json#rsa-2026"
    jwks = {"keys": [{**mk.public_jwk(mk.rsa_key()), "kid": "rsa-2026"}]}
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.rsa_key(), "RS256", {"kid": kid})
    result = verify_vc_jwt(
        token,
        fetcher=lambda url: json.dumps(jwks).encode(),
        now=mk.NOW,
        trusted_issuers={issuer: "Hanze"},
    )
    assert result.verified, result.to_dict()
    assert trust_of(result) == (ErrorCode.unknown_issuer, None)
