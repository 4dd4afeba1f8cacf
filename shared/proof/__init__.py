"""Data Integrity proofs: create and verify, one result per proof.

Suites: ``DataIntegrityProof`` with ``eddsa-rdfc-2022`` (default; also its pre-REC
name ``eddsa-2022``) and ``eddsa-jcs-2022``; ``ecdsa-sd-2023`` derived proofs
(verify), and base proofs for their holder only (``confirm_base_proofs``); the
selective-disclosure algorithms live in ``shared.proof.ecdsa_sd``;
legacy ``Ed25519Signature2020`` and ``Ed25519Signature2018`` (verify; 2020 can also
sign, for wallets that only read it).

Verification never raises for a bad document: every proof gets a ``ProofResult``
with a stable code, turned into ``proof`` checks in one place (``report``). Key
lookup goes through an injected ``Resolver``. What a proof was made for, and so
whether a presentation answers a request, is a ``ProofPurpose`` (``purpose``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.lazy import lazy_exports

if TYPE_CHECKING:
    from shared.proof.create import create_proof
    from shared.proof.purpose import AssertionPurpose, AuthenticationPurpose, ProofPurpose
    from shared.proof.report import check_proofs
    from shared.proof.result import ProofResult
    from shared.proof.suites import SIGNING_SUITES, VERIFYING_SUITES
    from shared.proof.verify import proofs_of, verify_proofs

# Imported on first use (PEP 562): signing needs ``create_proof`` alone, not the
# verification of every suite (selective disclosure's CBOR and derivation among them).
_HOMES = {
    "create_proof": "shared.proof.create",
    "AssertionPurpose": "shared.proof.purpose",
    "AuthenticationPurpose": "shared.proof.purpose",
    "ProofPurpose": "shared.proof.purpose",
    "check_proofs": "shared.proof.report",
    "ProofResult": "shared.proof.result",
    "SIGNING_SUITES": "shared.proof.suites",
    "VERIFYING_SUITES": "shared.proof.suites",
    "proofs_of": "shared.proof.verify",
    "verify_proofs": "shared.proof.verify",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())


__all__ = [
    "SIGNING_SUITES",
    "VERIFYING_SUITES",
    "AssertionPurpose",
    "AuthenticationPurpose",
    "ProofPurpose",
    "ProofResult",
    "check_proofs",
    "create_proof",
    "proofs_of",
    "verify_proofs",
]
