"""The ``ecdsa-sd-2023`` selective-disclosure cryptosuite (W3C Data Integrity ECDSA).

Three parties, their entry points:

- issuer: ``create_base_proof`` signs a credential for the holder only (the
  base proof carries the HMAC key that hides blank node labels);
- holder: ``confirm_base_proof`` checks the base proof it received (digitalbazaar's
  createConfirmCryptosuite); ``derive_proof`` reveals the mandatory statements plus
  those chosen with JSON Pointers, with a derived proof;
- verifier: ``verify_derived_proof`` checks a derived proof; a base proof is
  refused (``base_proof_presented``), as the spec's parseDerivedProofValue
  requires. Beside an eddsa proof it is an extra proof a verifier does not check.

Modules follow the spec's algorithms: ``pointers`` (selectJsonLd), ``skolem``
(skolemizeCompactJsonLd, toDeskolemizedNQuads), ``labels`` (label replacement,
canonicalizeAndGroup), ``cbor`` (proof values), ``base``, ``confirm``, ``derive``,
``verify``.
"""

from __future__ import annotations

from shared.proof.ecdsa_sd.base import CRYPTOSUITE, create_base_proof
from shared.proof.ecdsa_sd.confirm import confirm_base_proof
from shared.proof.ecdsa_sd.derive import derive_proof, is_base_proof
from shared.proof.ecdsa_sd.verify import verify_derived_proof

__all__ = [
    "CRYPTOSUITE",
    "confirm_base_proof",
    "create_base_proof",
    "derive_proof",
    "is_base_proof",
    "verify_derived_proof",
]
