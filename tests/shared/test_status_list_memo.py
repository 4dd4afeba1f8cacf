"""The status list verdict memo (shared.credentials.verify): a did:web issuer's list is
verified once while its DID document stays the same, and never taken on trust after
the list, its key or the resolver's answer changed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.credentials import VerifyOptions, issue_credential, verify_credential
from shared.credentials import verify as verify_module
from shared.did import StaticResolver
from shared.errors import ErrorCode, ResolutionFailed
from shared.keys import SigningKey
from shared.status_cache import LocalStatusSource
from shared.status_list import BitstringStatusList, build_status_list_credential
from shared.verification import Verdict, VerificationResult
from tests.factories import status_entry, unsigned_badge

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DID = "did:web:leerhuis-ijsselvallei.example"
ISSUER = SigningKey.from_seed(b"\x41" * 32).with_controller(DID, "key-1")
IMPOSTOR = SigningKey.from_seed(b"\x42" * 32).with_controller(DID, "key-1")
LEARNER = SigningKey.from_seed(b"\x43" * 32)
URL = "https://leerhuis-ijsselvallei.example/status/1"


def did_document(key: SigningKey) -> dict[str, Any]:
    method = f"{DID}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": key.public_multibase,
            }
        ],
        "assertionMethod": [method],
        "authentication": [method],
    }


def revocation_list(key: SigningKey, revoked: set[int]) -> dict[str, Any]:
    bits = BitstringStatusList(131_072)
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_url=URL,
        issuer=DID,
        purpose="revocation",
        status_list=bits,
        valid_from=NOW - timedelta(days=1),
    )
    return issue_credential(unsigned, key, created=NOW - timedelta(days=1))


def badge(index: int) -> dict[str, Any]:
    unsigned = unsigned_badge(
        LEARNER.did,
        ISSUER,
        name="Gastvrijheid",
        credential_name="Gastvrijheid en klantcontact, niveau 4",
        achievement_type=None,
        status=[status_entry(URL, index, "revocation")],
    )
    return issue_credential(unsigned, ISSUER, created=NOW - timedelta(days=1))


class CountingResolver(StaticResolver):
    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        super().__init__(docs)
        self.down = False

    def resolve(self, did: str) -> dict[str, Any]:
        if self.down and did == DID:
            raise ResolutionFailed("the issuer's site is down", code=ErrorCode.did_not_found)
        return super().resolve(did)


@pytest.fixture
def verified_lists(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The URL of every status list really verified (not answered from the memo)."""
    seen: list[str] = []
    real = verify_module._verify_status_list

    def verify_list(list_credential: Any, opts: Any) -> VerificationResult:
        seen.append(str(list_credential.get("id")))
        return real(list_credential, opts)

    monkeypatch.setattr(verify_module, "_verify_status_list", verify_list)
    verify_module.clear_list_memo()
    yield seen
    verify_module.clear_list_memo()


def check(credential: dict[str, Any], listed: dict[str, Any], resolver: StaticResolver) -> Any:
    return verify_credential(
        credential,
        resolver=resolver,
        status_fetcher=LocalStatusSource({URL: copy.deepcopy(listed)}),
        now=NOW,
    )


def test_a_list_is_verified_once_for_many_badges(verified_lists: list[str]) -> None:
    resolver = CountingResolver({DID: did_document(ISSUER)})
    listed = revocation_list(ISSUER, revoked={5})
    assert check(badge(7), listed, resolver).verified
    assert check(badge(8), listed, resolver).verified
    revoked = check(badge(5), listed, resolver)
    assert ErrorCode.revoked in revoked.codes()
    assert len(verified_lists) == 1


def test_a_changed_list_is_verified_again(verified_lists: list[str]) -> None:
    resolver = CountingResolver({DID: did_document(ISSUER)})
    listed = revocation_list(ISSUER, revoked={5})
    assert ErrorCode.revoked in check(badge(5), listed, resolver).codes()
    forged = copy.deepcopy(listed)  # bit 5 cleared under the old proof
    forged["credentialSubject"]["encodedList"] = BitstringStatusList(131_072).encode()
    result = check(badge(5), forged, resolver)
    assert result.verdict == Verdict.unknown
    assert ErrorCode.status_list_invalid in result.codes()
    assert len(verified_lists) == 2


def test_a_changed_did_document_is_verified_again(verified_lists: list[str]) -> None:
    listed = revocation_list(ISSUER, revoked=set())
    assert check(badge(7), listed, CountingResolver({DID: did_document(ISSUER)})).verified
    # The DID document now names another key: the list is not genuine under it.
    rotated = CountingResolver({DID: did_document(IMPOSTOR)})
    _, errors = verify_module._authenticate_list(listed, VerifyOptions(resolver=rotated))
    assert ErrorCode.proof_invalid in errors
    assert len(verified_lists) == 2
    # The memo now holds the verdict under the new document: back to the old one,
    # the list is verified again (and is genuine again).
    same = CountingResolver({DID: did_document(ISSUER)})
    assert verify_module._authenticate_list(listed, VerifyOptions(resolver=same))[1] == ()
    assert len(verified_lists) == 3


def test_a_failed_resolution_is_not_answered_from_the_memo(verified_lists: list[str]) -> None:
    resolver = CountingResolver({DID: did_document(ISSUER)})
    listed = revocation_list(ISSUER, revoked=set())
    assert check(badge(7), listed, resolver).verified
    resolver.down = True
    _, errors = verify_module._authenticate_list(listed, VerifyOptions(resolver=resolver))
    assert errors  # the list's proof cannot be checked without the issuer's DID document
    assert len(verified_lists) == 2
    resolver.down = False
    _, errors = verify_module._authenticate_list(listed, VerifyOptions(resolver=resolver))
    assert errors == ()  # the failure was not memoized
