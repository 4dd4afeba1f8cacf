"""A DID document that could not be had (``did_not_found``: cannot tell now) is not a DID
document that was had and is wrong (``did_document_invalid``: the badge fails)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.credentials import verify_credential
from shared.did import StaticResolver, WebResolver
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.formats import verify_vc_jwt
from shared.keys import SigningKey
from shared.messages import sentence
from shared.showing import plain_verdict
from shared.verification import Verdict, VerificationResult
from tests.factories import signed_badge
from tests.shared.formats import makers as mk

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DID = "did:web:leerhuis-zwolle.example"
KEY = SigningKey.from_seed(b"\x51" * 32).with_controller(DID, "key-1")
LEARNER = SigningKey.from_seed(b"\x52" * 32)


def document(did: str = DID) -> dict[str, Any]:
    method = f"{did}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": KEY.public_multibase,
            }
        ],
        "assertionMethod": [method],
    }


def down(url: str) -> bytes:
    raise OSError("Network is unreachable")


def answering(body: bytes) -> WebResolver:
    return WebResolver(lambda url: body)


def http_404(url: str) -> bytes:
    raise ResolutionFailed(f"{url} answered HTTP 404", code=ErrorCode.did_not_found)


def too_large(url: str) -> bytes:
    raise InvalidInput("too large", code=ErrorCode.payload_too_large)


def private_address(url: str) -> bytes:
    raise ResolutionFailed("a private address", code=ErrorCode.fetch_refused)


def proof_of(result: VerificationResult) -> tuple[str, str, str]:
    (check,) = [c for c in result.checks if c.name == "proof"]
    return check.code, str(check.severity), str(result.verdict)


@pytest.mark.parametrize(
    ("fetch", "code"),
    [
        (down, ErrorCode.did_not_found),
        (http_404, ErrorCode.did_not_found),
        (lambda url: json.dumps(document("did:web:impostor.example")).encode(), "invalid"),
        (lambda url: b"<html>not a DID document</html>", "invalid"),
        (lambda url: b"[1, 2]", "invalid"),
        (too_large, "invalid"),
        (private_address, ErrorCode.fetch_refused),  # trying again will not help
    ],
    ids=[
        "unreachable",
        "http-404",
        "another-id",
        "not-json",
        "not-an-object",
        "too-large",
        "refused",
    ],
)
def test_resolver_says_which_kind_of_failure(fetch: Any, code: str) -> None:
    with pytest.raises(ResolutionFailed) as info:
        WebResolver(fetch).resolve(DID)
    expected = ErrorCode.did_document_invalid if code == "invalid" else code
    assert info.value.code == expected


def test_the_right_document_still_resolves() -> None:
    assert answering(json.dumps(document()).encode()).resolve(DID)["id"] == DID


def test_a_did_web_issuer_that_cannot_be_reached_is_cannot_tell_not_invalid() -> None:
    badge = signed_badge(LEARNER.did, KEY, created=NOW)

    result = verify_credential(badge, resolver=WebResolver(down), now=NOW)

    assert proof_of(result) == ("did_not_found", "warning", "unknown")
    assert result.errors == []
    assert plain_verdict(result)["state"] == "unknown"


def test_a_did_web_issuer_whose_document_names_another_did_is_invalid() -> None:
    badge = signed_badge(LEARNER.did, KEY, created=NOW)
    impostor = answering(json.dumps(document("did:web:impostor.example")).encode())

    result = verify_credential(badge, resolver=impostor, now=NOW)

    assert proof_of(result) == ("did_document_invalid", "error", "invalid")
    assert plain_verdict(result)["state"] == "invalid"
    (check,) = [c for c in result.checks if c.name == "proof"]
    assert check.message == sentence(ErrorCode.did_document_invalid)


def test_a_trust_pack_without_the_issuer_is_cannot_tell() -> None:
    """An offline verifier whose pack lacks the DID could not look it up: amber."""
    badge = signed_badge(LEARNER.did, KEY, created=NOW)

    result = verify_credential(badge, resolver=StaticResolver({}), now=NOW)

    assert proof_of(result) == ("did_not_found", "warning", "unknown")
    assert verify_credential(badge, resolver=StaticResolver({DID: document()}), now=NOW).verified


def test_an_unreachable_did_beside_a_forged_signature_is_still_invalid() -> None:
    """A second proof by an unreachable DID never softens a bad one."""
    badge = signed_badge(LEARNER.did, KEY, created=NOW)
    other = signed_badge(LEARNER.did, SigningKey.from_seed(b"\x53" * 32), created=NOW)
    (mine,), (theirs,) = badge["proof"], other["proof"]
    forged = dict(theirs, proofValue=theirs["proofValue"][:-4] + "AAAA")
    badge["proof"] = [mine, forged]

    result = verify_credential(badge, resolver=WebResolver(down), now=NOW)

    assert proof_of(result) == ("proof_invalid", "error", "invalid")


def test_a_vc_jwt_from_an_unreachable_did_web_issuer_is_cannot_tell() -> None:
    issuer = "did:web:badges.hanze.example"
    cred = mk.credential(issuer)
    token = mk.pyjwt_sign(mk.claims(cred), mk.p256_key(), "ES256", {"kid": f"{issuer}#key-1"})
    impostor = answering(json.dumps({"id": "did:web:impostor.example"}).encode())

    unreachable = verify_vc_jwt(token, resolver=WebResolver(down), now=mk.NOW)
    wrong = verify_vc_jwt(token, resolver=impostor, now=mk.NOW)

    assert proof_of(unreachable) == ("did_not_found", "warning", str(Verdict.unknown))
    assert proof_of(wrong) == ("did_document_invalid", "error", str(Verdict.invalid))


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("code", [ErrorCode.did_not_found, ErrorCode.did_document_invalid])
def test_the_sentences_speak_plainly(code: ErrorCode, lang: str) -> None:
    """People read these: no DID jargon, no exception names; the two say different things."""
    text = sentence(code, lang) or ""
    for jargon in ("DID", "did:", "Error"):
        assert jargon not in text
    codes = {ErrorCode.did_not_found, ErrorCode.did_document_invalid}
    (other,) = codes - {code}
    assert text != sentence(other, lang)
