"""Ed25519 signing keys and their did:key identities (PyNaCl)."""

from __future__ import annotations

from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

from shared.multibase import (
    ed25519_public_to_multibase,
    ed25519_seed_to_multibase,
    multibase_to_ed25519_seed,
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
    """Constant-shape Ed25519 check: True or False, never raises for bad input."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(data, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True
