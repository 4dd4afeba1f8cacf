"""The outcome of checking one proof."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.errors import ErrorCode


@dataclass(frozen=True)
class ProofResult:
    """One proof's verdict; ``code`` is None when ``ok``."""

    ok: bool
    type: str | None
    cryptosuite: str | None
    verification_method: str | None
    controller: str | None
    proof_purpose: str | None
    code: ErrorCode | None = None
    message: str = ""
    # Key taken from the verification method URL itself (1EdTech style) rather than
    # from a resolvable document: the signature is sound, the key's owner unconfirmed.
    key_unconfirmed: bool = False
    challenge: str | None = None
    domain: str | None = None
    detail: Any = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "type": self.type,
            "cryptosuite": self.cryptosuite,
            "verificationMethod": self.verification_method,
            "controller": self.controller,
            "proofPurpose": self.proof_purpose,
            "code": str(self.code) if self.code else None,
            "message": self.message,
            "keyUnconfirmed": self.key_unconfirmed,
        }
