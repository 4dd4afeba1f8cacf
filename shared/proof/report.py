"""Proof outcomes as verification checks: the one place a ``ProofResult`` becomes a ``Check``.

``ProofResult`` stays inside the proof layer (the issuer and holder checks read
who signed); what a caller of ``verify_credential`` sees is the ``proof`` check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.did import Resolver
from shared.errors import ErrorCode
from shared.messages import sentence
from shared.proof.purpose import ProofPurpose
from shared.proof.result import ProofResult
from shared.proof.verify import proofs_of, verify_proofs
from shared.verification import Check, CheckName

# Proof failures whose catalogue sentence says it better than the low-level message;
# for the others (malformed proofs, keys) the specific message is kept.
_PLAIN = frozenset(
    {
        ErrorCode.proof_invalid,
        ErrorCode.proof_purpose_mismatch,
        ErrorCode.verification_method_not_found,
        ErrorCode.did_not_found,
        ErrorCode.did_document_invalid,
        ErrorCode.fetch_refused,
        ErrorCode.unknown_context,
        ErrorCode.undefined_term,
    }
)


#: Proof failures that say only that the signer's DID document could not be had now
#: (offline, unreachable, not in the trust pack): nothing was found wrong, nothing was
#: checked, so the verdict is "cannot tell", never "not valid". A document that was had
#: and is wrong (``did_document_invalid``) fails like a bad signature.
UNREACHABLE = frozenset({ErrorCode.did_not_found})


def proof_sentence(code: ErrorCode, fallback: str) -> str:
    """The plain sentence for a proof failure (any proof format), or ``fallback``."""
    return (sentence(code) if code in _PLAIN else None) or fallback


def check_proofs(
    document: Mapping[str, Any],
    resolver: Resolver,
    purpose: ProofPurpose,
    *,
    allow_fragment_keys: bool = True,
    name: CheckName = CheckName.proof,
) -> tuple[list[Check], list[ProofResult]]:
    """The proof checks of ``document`` and the proofs that verified.

    A proof set passes when at least one proof verifies and none is bad; a proof in
    a suite Rugzak cannot check is a warning beside a good one. A proof whose signer's
    DID document could not be had now is undecided unless another proof is bad.
    """
    if not proofs_of(document):
        missing = sentence(ErrorCode.proof_missing) or "There is no signature on it."
        return [Check.failed(name, ErrorCode.proof_missing, missing)], []
    outcomes = verify_proofs(
        document, resolver, purpose=purpose, allow_fragment_keys=allow_fragment_keys
    )
    good = [o for o in outcomes if o.ok]
    unsupported = [o for o in outcomes if o.code == ErrorCode.unsupported_cryptosuite]
    bad = [o for o in outcomes if not o.ok and o.code != ErrorCode.unsupported_cryptosuite]
    detail = [o.to_dict() for o in outcomes]
    if bad:
        broken = [o for o in bad if o.code not in UNREACHABLE]
        first = (broken or bad)[0]
        code = first.code or ErrorCode.proof_invalid
        said = proof_sentence(code, first.message)
        make = Check.failed if broken else Check.undecided  # see ``UNREACHABLE``
        return [make(name, code, said, detail)], []
    if not good:
        message = sentence(ErrorCode.unsupported_cryptosuite) or "Its signature cannot be checked."
        return [Check.failed(name, ErrorCode.unsupported_cryptosuite, message, detail)], []
    suites = ", ".join(sorted({o.cryptosuite or o.type or "?" for o in good}))
    checks = [Check.passed(name, f"The signature is genuine ({suites}).", detail)]
    if unsupported:
        checks.append(
            Check.warned(
                name,
                ErrorCode.unsupported_cryptosuite,
                "One extra signature uses a method Rugzak cannot check.",
                detail,
            )
        )
    return checks, good
