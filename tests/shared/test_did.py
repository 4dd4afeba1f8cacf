"""did:key documents, did:web mapping and resolvers."""

from __future__ import annotations

import json
import re
from urllib.parse import urldefrag

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.did import (
    StaticResolver,
    WebResolver,
    did_key_document,
    did_url_base,
    did_web_from_domain,
    did_web_url,
    find_verification_method,
)
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, Unsupported, VerificationFailed
from shared.keys import SigningKey
from tests.conftest import load_vector

LEGACY = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:legacy"


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
        (LEGACY, "https://digitalcredentials.github.io/vc-test-fixtures/dids/legacy/did.json"),
    ],
)
def test_did_web_url_mapping(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:127.0.0.1",
        "did:web:example.com::x",
        "did:web:exa%2Fmple.com",
        "did:web:example.com:..",
        "did:key:z6Mk",
    ],
)
def test_did_web_rejects_bad_identifiers(did: str) -> None:
    with pytest.raises(InvalidInput) as info:
        did_web_url(did)
    assert info.value.code == ErrorCode.malformed_did


def test_did_web_from_domain_round_trips() -> None:
    did = did_web_from_domain("example.com:8443/org/x")
    assert did == "did:web:example.com%3A8443:org:x"
    assert did_web_url(did) == "https://example.com:8443/org/x/did.json"


def test_did_key_document_is_multikey() -> None:
    key = SigningKey.from_seed(b"\x01" * 32)
    doc = did_key_document(key.did)
    assert doc["id"] == key.did
    vm = doc["verificationMethod"][0]
    assert vm["type"] == "Multikey"
    assert vm["publicKeyMultibase"] == key.public_multibase
    assert doc["assertionMethod"] == [key.verification_method]


def test_find_vm_in_embedded_relationship() -> None:
    """DCC's legacy did.json has the key only under assertionMethod (embedded)."""
    doc = load_vector("dcc/vc-test-fixtures/dids/legacy/did.json")
    resolver = StaticResolver({doc["id"]: doc})
    vm_url = doc["assertionMethod"][0]["id"]
    vm = find_verification_method(resolver, vm_url, purpose="assertionMethod")
    assert vm.controller == LEGACY
    assert len(vm.public_key) == 32
    with pytest.raises(VerificationFailed) as info:
        find_verification_method(resolver, vm_url, purpose="authentication")
    assert info.value.code == ErrorCode.proof_purpose_mismatch


def test_static_resolver_errors() -> None:
    resolver = StaticResolver()
    with pytest.raises(Unsupported) as unsupported:
        resolver.resolve("did:example:123")
    assert unsupported.value.code == ErrorCode.unsupported_did_method
    with pytest.raises(ResolutionFailed):
        resolver.resolve("did:web:unknown.example")


def test_web_resolver_fetches_once_and_checks_id() -> None:
    doc = load_vector("dcc/vc-test-fixtures/dids/oidf/did.json")
    calls: list[str] = []

    def fetch(url: str) -> bytes:
        calls.append(url)
        return json.dumps(doc).encode()

    now = [0.0]
    resolver = WebResolver(fetch, ttl_seconds=60, clock=lambda: now[0])
    assert resolver.resolve(doc["id"])["id"] == doc["id"]
    assert resolver.resolve(doc["id"])["id"] == doc["id"]
    assert len(calls) == 1
    now[0] = 61
    resolver.resolve(doc["id"])
    assert len(calls) == 2

    liar = WebResolver(lambda url: json.dumps({"id": "did:web:evil.example"}).encode())
    with pytest.raises(ResolutionFailed):
        liar.resolve("did:web:good.example")
    big = WebResolver(lambda url: b" " * 10, max_bytes=5)
    with pytest.raises(ResolutionFailed):
        big.resolve("did:web:good.example")

    def down(url: str) -> bytes:
        raise OSError("unreachable")

    with pytest.raises(ResolutionFailed) as info:
        WebResolver(down).resolve("did:web:good.example")
    assert info.value.code == ErrorCode.did_not_found


def test_garbage_did_key_is_malformed() -> None:
    with pytest.raises(InvalidInput) as info:
        did_key_document("did:key:z6MkXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")
    assert info.value.code == ErrorCode.malformed_did


def test_web_resolver_cache_is_bounded() -> None:
    def fetch(url: str) -> bytes:
        host = url.removeprefix("https://").split("/", 1)[0]
        return json.dumps({"id": f"did:web:{host}"}).encode()

    resolver = WebResolver(fetch, max_entries=3)
    for i in range(10):
        resolver.resolve(f"did:web:h{i}.example")
    assert len(resolver._cache) == 3
    assert "did:web:h9.example" in resolver._cache


URL_CHARS = st.sampled_from(list("did:/#?;=@[]%.-_aZ09 \t\r\n\x00\x0b\u00e9"))


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(
    prefix=st.sampled_from(
        ["did:", "did:key:", "did:web:", "did://", "did:/", "DID:", " did:", ""]
    ),
    rest=st.text(alphabet=URL_CHARS, max_size=16),
)
def test_did_url_base_is_urldefrag(prefix: str, rest: str) -> None:
    """The text before '#' where urllib's split-and-join would give that too, urllib
    itself elsewhere: never another answer (nor another error)."""
    url = prefix + rest
    try:
        expected: object = urldefrag(url)[0]
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            did_url_base(url)
    else:
        assert did_url_base(url) == expected


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("did:web:issuer.example#key-1", "did:web:issuer.example"),
        ("did:key:z6Mk#z6Mk", "did:key:z6Mk"),
        ("did:web:issuer.example?#key-1", "did:web:issuer.example"),  # urllib drops '?'
        ("did:web:issuer.example?v=1#key-1", "did:web:issuer.example?v=1"),
        ("did:web:issuer\n.example#key-1", "did:web:issuer.example"),
        ("did://issuer.example/x#key-1", "did://issuer.example/x"),
        ("did:web:a#b#c", "did:web:a"),
    ],
)
def test_did_url_base_examples(url: str, base: str) -> None:
    assert did_url_base(url) == base == urldefrag(url)[0]
