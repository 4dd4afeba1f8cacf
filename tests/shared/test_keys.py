"""Keys, multibase and did:key derivation."""

from __future__ import annotations

import random

import nacl.exceptions
import nacl.signing
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


def _through_verify_key(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """The check as PyNaCl's VerifyKey makes it (what verify_signature used to call)."""
    try:
        nacl.signing.VerifyKey(public_key).verify(data, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


# Keys libsodium refuses or that are not points: small-order points (identity, order 2,
# 4 and 8) and non-canonical encodings (y = p, y = p + 1).
ODD_KEYS = [
    bytes(32),
    b"\x01" + bytes(31),
    b"\xec" + b"\xff" * 30 + b"\x7f",
    bytes(31) + b"\x80",
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
    b"\xed" + b"\xff" * 30 + b"\x7f",
    b"\xee" + b"\xff" * 30 + b"\x7f",
]
ORDER = 2**252 + 27742317777372353535851937790883648493


def test_verify_signature_answers_as_verify_key_on_odd_input() -> None:
    """Calling libsodium directly changes no answer, for good, bad or hostile input."""
    rng = random.Random(20261128)
    key = SigningKey.from_seed(b"\x05" * 32)
    data = b"proof hash and document hash, 64 bytes ......................."
    good = key.sign(data)
    s_plus_order = (int.from_bytes(good[32:], "little") + ORDER).to_bytes(32, "little")
    signatures = [
        good,
        good[:32] + s_plus_order,  # the same S, not reduced: malleability
        bytes(64),
        ODD_KEYS[1] + good[32:],  # R the identity
        *(bytes(rng.getrandbits(8) for _ in range(64)) for _ in range(20)),
        *(good[:i] + bytes([good[i] ^ 1]) + good[i + 1 :] for i in range(0, 64, 7)),
    ]
    keys = [
        key.public_key,
        *ODD_KEYS,
        *(bytes(rng.getrandbits(8) for _ in range(32)) for _ in range(10)),
    ]
    verdicts = []
    for public in keys:
        for signature in signatures:
            for message in (data, data[:-1] + b"!", b""):
                expected = _through_verify_key(public, message, signature)
                assert verify_signature(public, message, signature) == expected
                verdicts.append(expected)
    assert verdicts.count(True) == 1  # only the good signature, on its own key and data


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
