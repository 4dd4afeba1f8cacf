"""Recipes: issue, present and verify credentials (the safe, high-level API).

Verification runs the checks in a fixed order (structure and schema, proof, issuer,
dates, status, trust; then holder, challenge and domain for presentations) and
never raises for a bad document: it returns a ``VerificationResult``. Status is
only looked up once the proof holds, so a forged credential costs no fetch; such a
credential gets one undecided ``status`` check ("not looked up"), so no reader takes
the missing check for "the issuer keeps no revocation list".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.credentials.fields import (
    awarded_on,
    issuer_id,
    issuer_name,
    subject_ids,
    summarize,
    types_of,
    valid_until,
)
from shared.lazy import lazy_exports
from shared.status_cache import StatusFetcher
from shared.vocab import CREDENTIALS_V2, OB_TYPES
from shared.vocab import STATUS_LIST_CREDENTIAL_TYPES as STATUS_LIST_TYPES

if TYPE_CHECKING:
    from shared.credentials.issuing import create_presentation, issue_credential
    from shared.credentials.options import (
        DEFAULT_MIN_STATUS_ENTRIES,
        DEFAULT_SKEW,
        VerifyOptions,
    )
    from shared.credentials.verify import (
        check_presentation_shape,
        verify_credential,
        verify_presentation,
    )

# Issuing and verifying are imported on first use (PEP 562): a signing command needs
# the proofs of its own suite, not the verification of every suite, status and trust.
_HOMES = {
    "create_presentation": "shared.credentials.issuing",
    "issue_credential": "shared.credentials.issuing",
    "DEFAULT_MIN_STATUS_ENTRIES": "shared.credentials.options",
    "DEFAULT_SKEW": "shared.credentials.options",
    "VerifyOptions": "shared.credentials.options",
    "check_presentation_shape": "shared.credentials.verify",
    "verify_credential": "shared.credentials.verify",
    "verify_presentation": "shared.credentials.verify",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())

__all__ = [
    "CREDENTIALS_V2",
    "DEFAULT_MIN_STATUS_ENTRIES",
    "DEFAULT_SKEW",
    "OB_TYPES",
    "STATUS_LIST_TYPES",
    "StatusFetcher",
    "VerifyOptions",
    "awarded_on",
    "check_presentation_shape",
    "create_presentation",
    "issue_credential",
    "issuer_id",
    "issuer_name",
    "subject_ids",
    "summarize",
    "types_of",
    "valid_until",
    "verify_credential",
    "verify_presentation",
]
