"""Wallet encryption: Argon2id turns the passphrase into a key that unwraps the wallet key.

Two layers, so a passphrase change or a backup never re-encrypts every row:

* ``KdfParams`` + passphrase --Argon2id--> key-encryption key (KEK);
* the KEK opens (XSalsa20-Poly1305, ``nacl.secret.SecretBox``) a random 32-byte
  wallet key, which encrypts every key and credential row.

Cost (measured on the 2-core build machine): libsodium's *moderate* profile,
opslimit 3 and 256 MiB, takes about 0.75 s. That is the default: unlocking is rare,
and each guess of an attacker who copied the file costs the same 0.75 s and 256 MiB.
Tests inject ``FAST_KDF`` (the libsodium minimum) to stay quick.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils

from shared.errors import ErrorCode, InvalidInput

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
MIN_PASSPHRASE = 8  # characters; the app and the CLI refuse shorter ones
MAX_OPSLIMIT = 10
MAX_MEMLIMIT = 1024 * 1024 * 1024
SALT_BYTES = argon2id.SALTBYTES


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: ``opslimit`` passes over ``memlimit`` bytes of memory."""

    opslimit: int
    memlimit: int

    def to_dict(self) -> dict[str, int]:
        return {"opslimit": self.opslimit, "memlimit": self.memlimit}

    @classmethod
    def from_dict(cls, data: object) -> KdfParams:
        if not isinstance(data, dict):
            raise InvalidInput(
                "the key derivation settings are unreadable", code=ErrorCode.wallet_corrupt
            )
        ops, mem = data.get("opslimit"), data.get("memlimit")
        if not isinstance(ops, int) or not isinstance(mem, int):
            raise InvalidInput(
                "the key derivation settings are unreadable", code=ErrorCode.wallet_corrupt
            )
        # Upper bounds well above our own settings: a crafted file must not make us
        # spend minutes or gigabytes before we can say "wrong passphrase".
        if not (argon2id.OPSLIMIT_MIN <= ops <= MAX_OPSLIMIT) or not (
            argon2id.MEMLIMIT_MIN <= mem <= MAX_MEMLIMIT
        ):
            raise InvalidInput(
                "the key derivation settings are out of range", code=ErrorCode.wallet_corrupt
            )
        return cls(ops, mem)


MODERATE_KDF = KdfParams(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE)
"""Default: opslimit 3, 256 MiB (about 0.75 s here)."""
FAST_KDF = KdfParams(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)
"""For tests only: opslimit 1, 8 KiB (well under a millisecond)."""


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


def new_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id: the key-encryption key for ``passphrase`` (slow on purpose)."""
    if not isinstance(passphrase, str):
        raise TypeError("passphrase must be a str")
    if len(salt) != SALT_BYTES:
        raise InvalidInput("the wallet's salt is damaged", code=ErrorCode.wallet_corrupt)
    return argon2id.kdf(
        KEY_BYTES,
        passphrase.encode("utf-8"),
        salt,
        opslimit=params.opslimit,
        memlimit=params.memlimit,
    )


class Box:
    """XSalsa20-Poly1305 with a random nonce per message; ``label`` binds rows to their id.

    SecretBox has no associated data, so the label (e.g. ``credential:<id>``) is hashed
    into the plaintext's first 16 bytes: a row copied onto another id fails to open.
    """

    def __init__(self, key: bytes) -> None:
        self._box = nacl.secret.SecretBox(key)
        # A separate key for digests, so a digest never reveals anything about the box key.
        self._digest_key = hashlib.blake2b(b"rugzak-digest", key=key, digest_size=32).digest()

    def seal(self, plaintext: bytes, label: str) -> bytes:
        return bytes(self._box.encrypt(_tag(label) + plaintext))

    def open(self, ciphertext: bytes, label: str) -> bytes:
        """The plaintext; raises ``nacl.exceptions.CryptoError`` if it is not ours."""
        plain = self._box.decrypt(ciphertext)
        if plain[:16] != _tag(label):
            raise nacl.exceptions.CryptoError("row label mismatch")
        return plain[16:]

    def keyed_digest(self, data: bytes, label: str) -> bytes:
        """A keyed hash (for duplicate detection without storing anything readable)."""
        return hashlib.blake2b(data, key=self._digest_key, person=_person(label)).digest()


def _tag(label: str) -> bytes:
    return hashlib.blake2b(label.encode("utf-8"), digest_size=16).digest()


def _person(label: str) -> bytes:
    return label.encode("ascii")[:16].ljust(16, b"\0")


CryptoError = nacl.exceptions.CryptoError
