"""Signing keys and their did:key identities.

Ed25519 (PyNaCl) signs everything Rugzak issues. P-256 (``cryptography``) exists
for the ``ecdsa-sd-2023`` selective-disclosure suite, whose spec fixes ECDSA.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from nacl.bindings import crypto_sign_open

from shared.errors import ErrorCode, InvalidInput
from shared.multibase import (
    P256_PRIV_PREFIX,
    decode_base58btc,
    ed25519_public_to_multibase,
    ed25519_seed_to_multibase,
    encode_base58btc,
    multibase_to_ed25519_seed,
    p256_public_to_multibase,
)


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair with a DID and a verification method id.

    By default the identity is ``did:key``; ``with_controller`` rebinds the same key
    to another DID (e.g. a did:web issuer) without changing the key material.
    """

    _signing: nacl.signing.SigningKey = field(repr=False)
    did: str
    verification_method: str

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh random key bound to its own did:key."""
        return cls._bind(nacl.signing.SigningKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """A deterministic key from a 32-byte seed (tests, restored wallets)."""
        if not isinstance(seed, bytes | bytearray) or len(seed) != 32:
            raise ValueError("seed must be 32 bytes")
        return cls._bind(nacl.signing.SigningKey(bytes(seed)))

    @classmethod
    def from_multibase(cls, secret_multibase: str) -> SigningKey:
        """A key from a Multikey ``secretKeyMultibase`` value."""
        return cls.from_seed(multibase_to_ed25519_seed(secret_multibase))

    @classmethod
    def _bind(cls, signing: nacl.signing.SigningKey) -> SigningKey:
        public_mb = ed25519_public_to_multibase(bytes(signing.verify_key))
        did = f"did:key:{public_mb}"
        return cls(signing, did, f"{did}#{public_mb}")

    def with_controller(self, did: str, fragment: str | None = None) -> SigningKey:
        """The same key presented as a verification method of another DID."""
        frag = fragment or self.public_multibase
        return SigningKey(self._signing, did, f"{did}#{frag}")

    @property
    def seed(self) -> bytes:
        """The 32-byte private seed; handle with care (never log it)."""
        return bytes(self._signing)

    @property
    def public_key(self) -> bytes:
        return bytes(self._signing.verify_key)

    @property
    def public_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (``z6Mk...``)."""
        return ed25519_public_to_multibase(self.public_key)

    @property
    def secret_multibase(self) -> str:
        """Multikey ``secretKeyMultibase``; handle with care."""
        return ed25519_seed_to_multibase(self.seed)

    def sign(self, data: bytes) -> bytes:
        """A 64-byte detached Ed25519 signature."""
        return self._signing.sign(data).signature


def verify_signature(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """Constant-shape Ed25519 check: True or False, never raises for bad input.

    libsodium's ``crypto_sign_open``, called as ``VerifyKey.verify`` calls it, without
    building the key object (the lengths it checks are checked here).
    """
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        crypto_sign_open(signature + data, public_key)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class P256SigningKey:
    """A P-256 (ES256) key pair with its ``did:key:zDn...`` identity.

    Signatures are deterministic (RFC 6979), as the Data Integrity ECDSA spec
    recommends; that is also what makes the W3C test vectors reproducible.
    """

    _private: ec.EllipticCurvePrivateKey = field(repr=False)
    did: str
    verification_method: str

    @classmethod
    def generate(cls) -> P256SigningKey:
        """A fresh random key bound to its own did:key."""
        return cls._bind(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_private_bytes(cls, scalar: bytes) -> P256SigningKey:
        """A key from its 32-byte private scalar (big-endian)."""
        if not isinstance(scalar, bytes | bytearray) or len(scalar) != 32:
            raise ValueError("a P-256 private key is 32 bytes")
        try:
            private = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
        except ValueError as exc:
            raise InvalidInput(
                "not a valid P-256 private key", code=ErrorCode.malformed_key
            ) from exc
        return cls._bind(private)

    @classmethod
    def from_multibase(cls, secret_multibase: str) -> P256SigningKey:
        """A key from a Multikey ``secretKeyMultibase`` value (``z42t...``)."""
        raw = decode_base58btc(secret_multibase)
        if raw[:2] != P256_PRIV_PREFIX or len(raw) != 34:
            raise InvalidInput("not a P-256 Multikey secret key", code=ErrorCode.malformed_key)
        return cls.from_private_bytes(raw[2:])

    @classmethod
    def _bind(cls, private: ec.EllipticCurvePrivateKey) -> P256SigningKey:
        compressed = private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        public_mb = p256_public_to_multibase(compressed)
        did = f"did:key:{public_mb}"
        return cls(private, did, f"{did}#{public_mb}")

    def with_controller(self, did: str, fragment: str | None = None) -> P256SigningKey:
        """The same key presented as a verification method of another DID."""
        frag = fragment or self.public_multibase
        return P256SigningKey(self._private, did, f"{did}#{frag}")

    @property
    def public_key(self) -> bytes:
        """The 33-byte SEC1 compressed public point."""
        return self._private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )

    @property
    def public_multibase(self) -> str:
        """Multikey ``publicKeyMultibase`` (``zDn...``)."""
        return p256_public_to_multibase(self.public_key)

    @property
    def private_bytes(self) -> bytes:
        """The 32-byte private scalar; handle with care (never log it)."""
        return self._private.private_numbers().private_value.to_bytes(32, "big")

    @property
    def secret_multibase(self) -> str:
        """Multikey ``secretKeyMultibase``; handle with care."""
        return encode_base58btc(P256_PRIV_PREFIX + self.private_bytes)

    def sign(self, data: bytes) -> bytes:
        """A 64-byte ``r || s`` ES256 signature over SHA-256(``data``)."""
        der = self._private.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        r, s = utils.decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify_p256_signature(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """ES256 check of a 64-byte ``r || s`` signature: True or False, never raises."""
    if len(public_key) != 33 or len(signature) != 64:
        return False
    try:
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key)
        der = utils.encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        key.verify(der, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True
