"""Secrets at rest under a passphrase: Argon2id derives a key, XSalsa20-Poly1305
(``nacl.secret.SecretBox``) seals the data. The issuer's signing key and the wallet
(its key, rows and backups) both use this.

Cost: libsodium's *moderate* profile (opslimit 3, 256 MiB) takes about 0.75 s on a
2-core machine; each guess of an attacker who copied the file costs the same. Tests
use ``FAST_KDF`` (the libsodium minimum). The cost travels with the sealed data, so it
can be raised later without breaking what was sealed before; ``KdfParams.from_dict``
bounds it, so a crafted file cannot make us spend minutes or gigabytes before we can
say "wrong passphrase".

Two shapes are sealed:

* ``seal``/``unseal``: one secret as a small JSON object
  ``{"v": 1, "kdf": "argon2id", "ops", "mem", "salt", "box"}`` (the issuer's key);
* ``Box``: many rows under one random key, each bound to a label (the wallet, whose
  key is itself sealed with ``Box(derive_key(...))``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils

from shared.errors import AccessDenied, ErrorCode, InvalidInput

KEY_BYTES = nacl.secret.SecretBox.KEY_SIZE
SALT_BYTES = argon2id.SALTBYTES
MIN_PASSPHRASE = 8  # characters; the apps refuse shorter ones
MAX_OPSLIMIT = 10
MAX_MEMLIMIT = 1024 * 1024 * 1024
SEALED_VERSION = 1

CryptoError = nacl.exceptions.CryptoError


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: ``opslimit`` passes over ``memlimit`` bytes of memory."""

    opslimit: int
    memlimit: int

    def to_dict(self) -> dict[str, int]:
        return {"opslimit": self.opslimit, "memlimit": self.memlimit}

    @classmethod
    def from_dict(cls, data: object, *, code: ErrorCode) -> KdfParams:
        """Read stored settings; ``code`` says what is damaged when they are unusable."""
        if not isinstance(data, dict):
            raise InvalidInput("the key derivation settings are unreadable", code=code)
        return cls.checked(data.get("opslimit"), data.get("memlimit"), code=code)

    @classmethod
    def checked(cls, ops: object, mem: object, *, code: ErrorCode) -> KdfParams:
        if not isinstance(ops, int) or not isinstance(mem, int):
            raise InvalidInput("the key derivation settings are unreadable", code=code)
        # Upper bounds well above our own settings (see the module docstring).
        if not (argon2id.OPSLIMIT_MIN <= ops <= MAX_OPSLIMIT) or not (
            argon2id.MEMLIMIT_MIN <= mem <= MAX_MEMLIMIT
        ):
            raise InvalidInput("the key derivation settings are out of range", code=code)
        return cls(ops, mem)


MODERATE_KDF = KdfParams(argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE)
"""Default: opslimit 3, 256 MiB (about 0.75 s)."""
INTERACTIVE_KDF = KdfParams(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)
"""opslimit 2, 64 MiB."""
FAST_KDF = KdfParams(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)
"""For tests and benchmarks only: opslimit 1, 8 KiB (well under a millisecond)."""


def new_salt() -> bytes:
    return nacl.utils.random(SALT_BYTES)


def new_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def derive_key(passphrase: str, salt: bytes, params: KdfParams, *, code: ErrorCode) -> bytes:
    """Argon2id: the key for ``passphrase`` (slow on purpose); ``code`` for a bad salt."""
    if not isinstance(passphrase, str):
        raise TypeError("passphrase must be a str")
    if len(salt) != SALT_BYTES:
        raise InvalidInput("the stored salt is damaged", code=code)
    key: bytes = argon2id.kdf(
        KEY_BYTES,
        passphrase.encode("utf-8"),
        salt,
        opslimit=params.opslimit,
        memlimit=params.memlimit,
    )
    return key


def seal(secret: bytes, passphrase: str, params: KdfParams) -> dict[str, Any]:
    """``secret`` sealed under ``passphrase`` as a JSON-ready object (salt and cost inside)."""
    salt = new_salt()
    box = nacl.secret.SecretBox(derive_key(passphrase, salt, params, code=ErrorCode.malformed_key))
    return {
        "v": SEALED_VERSION,
        "kdf": "argon2id",
        "ops": params.opslimit,
        "mem": params.memlimit,
        "salt": _b64(salt),
        "box": _b64(bytes(box.encrypt(secret))),
    }


def unseal(sealed: object, passphrase: str, *, corrupt: ErrorCode, wrong: str) -> bytes:
    """The secret inside ``seal``'s object (or its JSON text).

    ``corrupt`` is the code for damaged data; a passphrase that does not open it is
    ``wrong_passphrase`` with the sentence ``wrong``.
    """
    try:
        data = json.loads(sealed) if isinstance(sealed, str | bytes) else sealed
        if not isinstance(data, dict) or data.get("kdf", "argon2id") != "argon2id":
            raise ValueError("not a sealed secret")
        salt, box = _unb64(data["salt"]), _unb64(data["box"])
        ops, mem = data["ops"], data["mem"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("the sealed secret is damaged", code=corrupt) from exc
    params = KdfParams.checked(ops, mem, code=corrupt)
    key = derive_key(passphrase, salt, params, code=corrupt)
    try:
        return bytes(nacl.secret.SecretBox(key).decrypt(box))
    except CryptoError as exc:
        raise AccessDenied(wrong, code=ErrorCode.wrong_passphrase) from exc


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
        """The plaintext; raises ``CryptoError`` if it is not ours."""
        plain = self._box.decrypt(ciphertext)
        if plain[:16] != _tag(label):
            raise CryptoError("row label mismatch")
        return bytes(plain[16:])

    def keyed_digest(self, data: bytes, label: str) -> bytes:
        """A keyed hash (for duplicate detection without storing anything readable)."""
        return hashlib.blake2b(data, key=self._digest_key, person=_person(label)).digest()


def _tag(label: str) -> bytes:
    return hashlib.blake2b(label.encode("utf-8"), digest_size=16).digest()


def _person(label: str) -> bytes:
    return label.encode("ascii")[:16].ljust(16, b"\0")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)
