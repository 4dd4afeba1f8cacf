"""Secrets at rest: the signing seed sealed with a passphrase, bearer tokens hashed.

The seed is sealed by ``shared.runtime.sealing`` (Argon2id + XSalsa20-Poly1305; salt
and cost travel with the ciphertext, so the cost can be raised later without
breaking old keys). Tokens (admin token, access tokens, pre-authorized codes, tx
codes) are high-entropy random strings, so a plain SHA-256 is enough to store them
without keeping them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from issuer.settings import KdfProfile
from shared.errors import AccessDenied, ErrorCode
from shared.runtime.sealing import (
    FAST_KDF,
    INTERACTIVE_KDF,
    MIN_PASSPHRASE,
    MODERATE_KDF,
    KdfParams,
    seal,
    unseal,
)

KDF_PROFILES: dict[str, KdfParams] = {
    "moderate": MODERATE_KDF,
    "interactive": INTERACTIVE_KDF,
    "min": FAST_KDF,  # only for tests and benchmarks: fast, and weak
}


def seal_seed(seed: bytes, passphrase: str, *, kdf: KdfProfile = "interactive") -> str:
    """Encrypt a 32-byte seed; the result is a small JSON text safe to store anywhere."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise AccessDenied(
            f"the passphrase needs at least {MIN_PASSPHRASE} characters",
            code=ErrorCode.passphrase_required,
        )
    return json.dumps(seal(seed, passphrase, KDF_PROFILES[kdf]), separators=(",", ":"))


def open_seed(blob: str, passphrase: str) -> bytes:
    """Decrypt a sealed seed; a wrong passphrase is ``wrong_passphrase``."""
    return unseal(
        blob,
        passphrase,
        corrupt=ErrorCode.malformed_key,
        wrong="wrong passphrase for the issuer's signing key",
    )


def new_token(nbytes: int = 32) -> str:
    """A random URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def new_tx_code(length: int = 6) -> str:
    """A numeric transaction code the learner types into the wallet.

    It never starts with 0: a spreadsheet opening the batch results, or a mail merge,
    reads the code as a number and drops a leading zero, and the learner would be
    sent a code that cannot work.
    """
    first = secrets.choice("123456789")
    return first + "".join(secrets.choice("0123456789") for _ in range(length - 1))


def hash_token(token: str) -> str:
    """SHA-256 hex of a token (what the store keeps)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(token), stored_hash)
