"""The ``ecdsa-sd-2023`` selective-disclosure cryptosuite (W3C Data Integrity ECDSA).

Three parties, three entry points:

- issuer: ``create_base_proof`` signs a credential for the holder only (the
  base proof carries the HMAC key that hides blank node labels);
- holder: ``derive_proof`` reveals the mandatory statements plus those chosen
  with JSON Pointers, with a derived proof;
- verifier: ``verify_derived_proof`` checks a derived proof; a base proof is
  refused (``unsupported_cryptosuite``), as the spec's parseDerivedProofValue
  requires. Beside an eddsa proof it is an extra proof Rugzak does not check.

Modules follow the spec's algorithms: ``pointers`` (selectJsonLd), ``skolem``
(skolemizeCompactJsonLd, toDeskolemizedNQuads), ``labels`` (label replacement,
canonicalizeAndGroup), ``cbor`` (proof values), ``base``, ``derive``, ``verify``.
"""

from __future__ import annotations

from shared.proof.ecdsa_sd.base import CRYPTOSUITE, create_base_proof
from shared.proof.ecdsa_sd.derive import derive_proof, is_base_proof
from shared.proof.ecdsa_sd.verify import verify_derived_proof

__all__ = [
    "CRYPTOSUITE",
    "create_base_proof",
    "derive_proof",
    "is_base_proof",
    "verify_derived_proof",
]
