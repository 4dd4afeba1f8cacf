"""Rugzak's core: the one owner of every credential shape and every rule.

The issuer, the wallet and the verifier are built on this package, never on each
other, and say nothing about credentials that is not said here. Where things live:

- words: :mod:`shared.vocab` (context URLs, types, schema ids, "one or many"),
  :mod:`shared.dates` (the one strict RFC 3339 reader and writer), and
  :mod:`shared.errors` (one ``ErrorCode`` taxonomy, public API).
- shapes: :mod:`shared.ob` (Open Badges 3.0 models and ``build_credential``, what
  the issuer signs) and :mod:`shared.status_list` (revocation and suspension).
- proofs: :mod:`shared.proof` (Data Integrity; a ``ProofPurpose`` decides whether a
  presentation answers a request, and that is reported once).
- rules: :mod:`shared.credentials` (issue, present, verify, in a fixed order of
  checks) and :mod:`shared.verification` (the one result type).
- elsewhere: other badge forms (:mod:`shared.formats`), QR codes, OID4VCI/OID4VP,
  and the optional didkit engine (:mod:`shared.legacy`, extra ``rugzak[legacy]``).

The verbs, with what they take and give::

    issue_credential(unsigned, key) -> signed credential
    create_presentation(credentials, holder, challenge=, domain=) -> presentation
    verify_credential(credential, options?, **options) -> VerificationResult
    verify_presentation(presentation, options?, challenge=, domain=, **options)
        -> VerificationResult

``VerifyOptions`` holds everything a verification depends on besides the document;
a ``VerificationResult`` is a verdict made of named ``Check``s with stable codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared import native
from shared.lazy import lazy_exports

if TYPE_CHECKING:
    from shared.credentials import (
        VerifyOptions,
        create_presentation,
        issue_credential,
        verify_credential,
        verify_presentation,
    )
    from shared.ob.build import build_credential
    from shared.proof.purpose import AssertionPurpose, AuthenticationPurpose, ProofPurpose
    from shared.verification import Check, CheckName, Severity, Verdict, VerificationResult

# Where each name of the public API lives. They are imported on first use (PEP 562):
# importing any ``shared.*`` module runs this file first, and ``shared.credentials``
# costs over half a second (JSON-LD, cryptography, the models), which a command line
# reading a settings file or printing ``--help`` should not pay.
_HOMES = {
    "VerifyOptions": "shared.credentials",
    "create_presentation": "shared.credentials",
    "issue_credential": "shared.credentials",
    "verify_credential": "shared.credentials",
    "verify_presentation": "shared.credentials",
    "build_credential": "shared.ob.build",
    "AssertionPurpose": "shared.proof.purpose",
    "AuthenticationPurpose": "shared.proof.purpose",
    "ProofPurpose": "shared.proof.purpose",
    "Check": "shared.verification",
    "CheckName": "shared.verification",
    "Severity": "shared.verification",
    "Verdict": "shared.verification",
    "VerificationResult": "shared.verification",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

native.install()  # compiled hot paths, where built and still matching the source


__all__ = [
    "AssertionPurpose",
    "AuthenticationPurpose",
    "Check",
    "CheckName",
    "ProofPurpose",
    "Severity",
    "Verdict",
    "VerificationResult",
    "VerifyOptions",
    "build_credential",
    "create_presentation",
    "issue_credential",
    "verify_credential",
    "verify_presentation",
]
