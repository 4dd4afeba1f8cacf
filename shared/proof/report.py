"""Proof outcomes as verification checks: the one place a ``ProofResult`` becomes a ``Check``.

``ProofResult`` stays inside the proof layer (the issuer and holder checks read
who signed); what a caller of ``verify_credential`` sees is the ``proof`` check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.did import Resolver
from shared.errors import ErrorCode
from shared.messages import plain, sentence
from shared.proof.purpose import ProofPurpose
from shared.proof.result import ProofResult
from shared.proof.verify import proofs_of, verify_proofs
from shared.verification import Check, CheckName

# Proof failures whose catalogue sentence says it better than the low-level message;
# for the others (malformed proofs, keys, a context that is not bundled: its address)
# the specific message is kept, for whoever reads the checks as they are.
_PLAIN = frozenset(
    {
        ErrorCode.proof_invalid,
        ErrorCode.proof_purpose_mismatch,
        ErrorCode.verification_method_not_found,
        ErrorCode.did_not_found,
        ErrorCode.did_document_invalid,
        ErrorCode.fetch_refused,
        ErrorCode.undefined_term,
    }
)


#: Proof failures that say only that the signer's DID document could not be had now
#: (offline, unreachable, not in the trust pack): nothing was found wrong, nothing was
#: checked, so the verdict is "cannot tell", never "not valid". A document that was had
#: and is wrong (``did_document_invalid``) fails like a bad signature.
UNREACHABLE = frozenset({ErrorCode.did_not_found})

#: Proofs that were not checked, which says nothing against the others: a suite Rugzak
#: cannot check, and an ecdsa-sd-2023 base proof handed to a verifier (it is the
#: holder's, who shows a proof derived from it). Beside a good proof they are a warning.
UNCHECKED = frozenset({ErrorCode.unsupported_cryptosuite, ErrorCode.base_proof_presented})


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
    confirm_base_proofs: bool = False,
) -> tuple[list[Check], list[ProofResult]]:
    """The proof checks of ``document`` and the proofs that verified.

    A proof set passes when at least one proof verifies and none is bad; a proof that
    was not checked (``UNCHECKED``) is a warning beside a good one. A proof whose
    signer's DID document could not be had now is undecided unless another proof is
    bad. ``confirm_base_proofs``: the holder's check of its own copy (``verify_proofs``).
    """
    if not proofs_of(document):
        missing = sentence(ErrorCode.proof_missing) or "There is no signature on it."
        return [Check.failed(name, ErrorCode.proof_missing, missing)], []
    outcomes = verify_proofs(
        document,
        resolver,
        purpose=purpose,
        allow_fragment_keys=allow_fragment_keys,
        confirm_base_proofs=confirm_base_proofs,
    )
    good = [o for o in outcomes if o.ok]
    unchecked = [o.code for o in outcomes if o.code is not None and o.code in UNCHECKED]
    bad = [o for o in outcomes if not o.ok and o.code not in UNCHECKED]
    detail = [o.to_dict() for o in outcomes]
    if bad:
        broken = [o for o in bad if o.code not in UNREACHABLE]
        first = (broken or bad)[0]
        code = first.code or ErrorCode.proof_invalid
        said = proof_sentence(code, first.message)
        make = Check.failed if broken else Check.undecided  # see ``UNREACHABLE``
        return [make(name, code, said, detail)], []
    if not good:
        code = unchecked[0]  # every proof was left unchecked
        message = sentence(code) or "Its signature cannot be checked."
        return [Check.failed(name, code, message, detail)], []
    suites = ", ".join(sorted({o.cryptosuite or o.type or "?" for o in good}))
    checks = [Check.passed(name, f"The signature is genuine ({suites}).", detail)]
    for code in sorted(set(unchecked)):
        checks.append(Check.warned(name, code, _EXTRA.get(code) or plain(code), detail))
    return checks, good


# What an unchecked proof beside a good one means, where the code's sentence (said of
# a badge with no other proof) does not fit.
_EXTRA = {
    ErrorCode.unsupported_cryptosuite: "One extra signature uses a method Rugzak cannot check."
}
