"""What a proof was made for: the one place a presentation's binding to a request is judged.

VC Data Integrity names a ``proofPurpose`` on every proof. ``assertionMethod`` is an
issuer stating a credential; ``authentication`` is a holder proving control of a key
to one verifier, and then the proof carries the verifier's ``challenge`` (a nonce)
and ``domain``. As in digitalbazaar's ``jsonld-signatures`` (``AssertionProofPurpose``,
``AuthenticationProofPurpose(challenge, domain)``), a purpose object checks the
proof's term, and for authentication it decides, once, whether the proof answers
this request; the outcome is reported once, as the ``challenge`` and ``domain``
checks of the verification result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.errors import ErrorCode
from shared.proof.result import ProofResult
from shared.verification import Check, CheckName

ASSERTION_METHOD = "assertionMethod"
AUTHENTICATION = "authentication"


@dataclass(frozen=True)
class ProofPurpose:
    """A proof must name ``term`` as its ``proofPurpose`` (and use a key listed for it)."""

    term: str = ASSERTION_METHOD

    def accepts(self, term: str | None) -> bool:
        """Whether a proof naming ``term`` may serve this purpose."""
        return term == self.term

    def bind(self, proofs: Sequence[ProofResult]) -> list[Check]:
        """The request-binding checks of the verified ``proofs``: none for most purposes."""
        return []


@dataclass(frozen=True)
class AssertionPurpose(ProofPurpose):
    """An issuer asserting a credential (``assertionMethod``)."""

    term: str = field(default=ASSERTION_METHOD, init=False)


@dataclass(frozen=True)
class AuthenticationPurpose(ProofPurpose):
    """A holder answering one request: ``challenge`` and ``domain`` are the verifier's.

    ``challenge=None`` means no request is known: the presentation is then read as
    unbound (a warning, "it could be a copy"), which is a different outcome from a
    presentation that answers another request (an error).
    """

    term: str = field(default=AUTHENTICATION, init=False)
    challenge: str | None = None
    domain: str | None = None

    def accepts(self, term: str | None) -> bool:
        """``authentication``, and ``assertionMethod`` as DCC's wallets and verifier-core
        make presentation proofs; ``bind`` then insists on this request's challenge
        and domain, which alone make such a proof a holder's answer and not a copy."""
        return term in (AUTHENTICATION, ASSERTION_METHOD)

    def bind(self, proofs: Sequence[ProofResult]) -> list[Check]:
        """One ``challenge`` check, and a ``domain`` check when a domain is expected
        and the challenge holds.

        Every verified proof must answer the request; the first that does not is
        the one reported.
        """
        if not proofs:
            return []
        per_proof = [self._bind_one(p) for p in proofs]
        for checks in per_proof:
            if any(not c.ok for c in checks):
                return checks
        return per_proof[0]

    def _bind_one(self, proof: ProofResult) -> list[Check]:
        if proof.proof_purpose == ASSERTION_METHOD:
            return self._bind_assertion(proof)
        found = proof.challenge
        checks: list[Check] = []
        if self.challenge is None:
            if found is None:
                checks.append(
                    Check.warned(
                        CheckName.challenge,
                        ErrorCode.challenge_mismatch,
                        "It is not bound to a request (no challenge): it could be a copy.",
                    )
                )
            else:
                checks.append(
                    Check.warned(
                        CheckName.challenge,
                        ErrorCode.challenge_mismatch,
                        "Its challenge was not compared with a request.",
                        {"challenge": found},
                    )
                )
        elif found != self.challenge:
            checks.append(
                Check.failed(
                    CheckName.challenge,
                    ErrorCode.challenge_mismatch,
                    "It answers another request (the challenge differs).",
                    {"expected": self.challenge, "found": found},
                )
            )
        else:
            checks.append(Check.passed(CheckName.challenge, "It answers this request."))
        if self.domain is not None and checks[0].ok:
            # A proof that answers another request (or none) has failed the binding
            # already; its domain would only say the same thing again.
            if proof.domain != self.domain:
                checks.append(
                    Check.failed(
                        CheckName.domain,
                        ErrorCode.domain_mismatch,
                        "It was made for another verifier (the domain differs).",
                        {"expected": self.domain, "found": proof.domain},
                    )
                )
            else:
                checks.append(Check.passed(CheckName.domain, "It was made for this verifier."))
        return checks

    def _bind_assertion(self, proof: ProofResult) -> list[Check]:
        """An ``assertionMethod`` presentation proof counts only when it carries this
        request's challenge and a domain (this verifier's, when one is expected)."""
        bound = (
            self.challenge is not None
            and proof.challenge == self.challenge
            and proof.domain is not None
            and (self.domain is None or proof.domain == self.domain)
        )
        if not bound:
            return [
                Check.failed(
                    CheckName.challenge,
                    ErrorCode.proof_purpose_mismatch,
                    "Its proof was made for assertionMethod and is not bound to this "
                    "request by its challenge and domain, so it could be a copy.",
                    {
                        "proofPurpose": ASSERTION_METHOD,
                        "expected": {"challenge": self.challenge, "domain": self.domain},
                        "found": {"challenge": proof.challenge, "domain": proof.domain},
                    },
                )
            ]
        checks = [
            Check.passed(
                CheckName.challenge,
                "It answers this request (its proof was made for assertionMethod, as "
                "DCC-based wallets do; the challenge and domain bind it).",
                {"proofPurpose": ASSERTION_METHOD},
            )
        ]
        if self.domain is not None:
            checks.append(Check.passed(CheckName.domain, "It was made for this verifier."))
        return checks
