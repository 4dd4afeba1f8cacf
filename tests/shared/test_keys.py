"""Keys, multibase and did:key derivation."""

from __future__ import annotations

import pytest

from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.keys import SigningKey, verify_signature
from shared.multibase import (
    decode_base64url,
    encode_base64url,
    multibase_to_ed25519_public,
    multibase_to_ed25519_seed,
)
from tests.conftest import load_vector


def test_did_key_vectors() -> None:
    """Every seed in the did:key test vectors derives the published DID."""
    vectors = load_vector("did-key/ed25519-x25519.json")
    assert vectors
    for did, entry in vectors.items():
        seed = bytes.fromhex(entry["seed"])
        key = SigningKey.from_seed(seed)
        assert key.did == did
        assert key.verification_method == f"{did}#{did.removeprefix('did:key:')}"


def test_zero_seed_matches_standards_digest() -> None:
    key = SigningKey.from_seed(bytes(32))
    assert key.did == "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"


def test_dcc_seeds_derive_their_dids() -> None:
    """DCC test seeds (identity multihash 0x00 0x20 || seed) give the listed did:keys."""
    from shared.multibase import decode_base58btc

    entries = [e for e in load_vector("dcc/keys.json")["keys"] if e["seed"]]
    assert len(entries) >= 3
    for entry in entries:
        raw = decode_base58btc(entry["seed"])
        assert raw[:2] == b"\x00\x20"
        key = SigningKey.from_seed(raw[2:])
        for did in entry["dids"]:
            if did.startswith("did:key:"):
                assert key.did == did


def test_sign_and_verify_round_trip() -> None:
    key = SigningKey.generate()
    signature = key.sign(b"hello")
    assert verify_signature(key.public_key, b"hello", signature)
    assert not verify_signature(key.public_key, b"hellO", signature)
    assert not verify_signature(key.public_key, b"hello", signature[:10])
    assert not verify_signature(b"short", b"hello", signature)


def test_secret_multibase_round_trip_and_ob_vector_form() -> None:
    """Both 32-byte and 64-byte (seed||public) Multikey secrets load."""
    key = SigningKey.from_seed(b"\x07" * 32)
    assert SigningKey.from_multibase(key.secret_multibase).did == key.did
    vec = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")["keyPair"]
    seed = multibase_to_ed25519_seed(vec["secretKeyMultibase"])
    assert seed.hex() == vec["privateKeyHex"][:64]
    assert SigningKey.from_seed(seed).public_multibase == vec["publicKeyMultibase"]


def test_with_controller_keeps_key() -> None:
    key = SigningKey.from_seed(b"\x08" * 32)
    web = key.with_controller("did:web:example.com")
    assert web.did == "did:web:example.com"
    assert web.verification_method == f"did:web:example.com#{key.public_multibase}"
    assert web.sign(b"x") == key.sign(b"x")


def test_bad_seed_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SigningKey.from_seed(b"short")


def test_multibase_errors_have_codes() -> None:
    with pytest.raises(InvalidInput) as info:
        multibase_to_ed25519_public("not-multibase")
    assert info.value.code == ErrorCode.malformed_key
    with pytest.raises(Unsupported) as unsupported:
        # an X25519 key (0xec01) is not a signing key
        multibase_to_ed25519_public("z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc")
    assert unsupported.value.code == ErrorCode.unsupported_key_type
    assert decode_base64url(encode_base64url(b"\x00\xff data")) == b"\x00\xff data"
