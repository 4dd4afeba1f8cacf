"""Secrets at rest: the signing seed sealed with a passphrase, bearer tokens hashed.

The seed is encrypted with XSalsa20-Poly1305 (``nacl.secret.SecretBox``) under a key
derived from the passphrase by Argon2id; salt and cost travel with the ciphertext, so
the cost can be raised later without breaking old keys. Tokens (admin token, access
tokens, pre-authorized codes, tx codes) are high-entropy random strings, so a plain
SHA-256 is enough to store them without keeping them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils

from issuer.settings import KdfProfile
from shared.errors import AccessDenied, ErrorCode, InvalidInput

_ARGON = nacl.pwhash.argon2id
KDF_COSTS: dict[str, tuple[int, int]] = {
    "moderate": (_ARGON.OPSLIMIT_MODERATE, _ARGON.MEMLIMIT_MODERATE),
    "interactive": (_ARGON.OPSLIMIT_INTERACTIVE, _ARGON.MEMLIMIT_INTERACTIVE),
    # Only for tests and benchmarks: fast, and weak.
    "min": (_ARGON.OPSLIMIT_MIN, _ARGON.MEMLIMIT_MIN),
}
MIN_PASSPHRASE_CHARS = 8


def _derive(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    key: bytes = _ARGON.kdf(
        nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt, opslimit=ops, memlimit=mem
    )
    return key


def seal_seed(seed: bytes, passphrase: str, *, kdf: KdfProfile = "interactive") -> str:
    """Encrypt a 32-byte seed; the result is a small JSON text safe to store anywhere."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise AccessDenied(
            f"the passphrase needs at least {MIN_PASSPHRASE_CHARS} characters",
            code=ErrorCode.passphrase_required,
        )
    ops, mem = KDF_COSTS[kdf]
    salt = nacl.utils.random(_ARGON.SALTBYTES)
    box = nacl.secret.SecretBox(_derive(passphrase, salt, ops, mem))
    sealed = bytes(box.encrypt(seed))
    blob = {
        "v": 1,
        "kdf": "argon2id",
        "ops": ops,
        "mem": mem,
        "salt": _b64(salt),
        "box": _b64(sealed),
    }
    return json.dumps(blob, separators=(",", ":"))


def open_seed(blob: str, passphrase: str) -> bytes:
    """Decrypt a sealed seed; a wrong passphrase is ``wrong_passphrase``."""
    try:
        data: dict[str, Any] = json.loads(blob)
        salt, sealed = _unb64(data["salt"]), _unb64(data["box"])
        ops, mem = int(data["ops"]), int(data["mem"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput("the stored key is corrupt", code=ErrorCode.malformed_key) from exc
    try:
        seed = nacl.secret.SecretBox(_derive(passphrase, salt, ops, mem)).decrypt(sealed)
    except nacl.exceptions.CryptoError as exc:
        raise AccessDenied(
            "wrong passphrase for the issuer's signing key", code=ErrorCode.wrong_passphrase
        ) from exc
    return bytes(seed)


def new_token(nbytes: int = 32) -> str:
    """A random URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def new_tx_code(length: int = 6) -> str:
    """A numeric transaction code the learner types into the wallet."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def hash_token(token: str) -> str:
    """SHA-256 hex of a token (what the store keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(token), stored_hash)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
