"""didkit's verdicts: ``LegacyResult`` and the error code for each of didkit's messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.errors import ErrorCode, RugzakError
from shared.strict_json import parse as parse_json
from shared.verification import Check, CheckName, VerificationResult


@dataclass(frozen=True)
class LegacyResult:
    """didkit's verdict. ``code`` is None when ``ok``; ``errors`` are didkit's words.

    For a presentation, ``credentials`` holds one result per embedded credential.
    """

    ok: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    code: ErrorCode | None = None
    credentials: list[LegacyResult] = field(default_factory=list)

    def to_verification_result(self, kind: str = "credential") -> VerificationResult:
        """didkit's verdict as the one public result type: one ``proof`` check.

        didkit judges signatures only, so that is all this result says; the
        embedded credentials of a presentation become its inner results.
        """
        result = VerificationResult(kind)
        detail: dict[str, Any] = {"engine": "didkit", "checks": list(self.checks)}
        if self.warnings:
            detail["warnings"] = list(self.warnings)
        if self.ok:
            result.add(Check.passed(CheckName.proof, "The signature is genuine (didkit).", detail))
        else:
            code = self.code or ErrorCode.proof_invalid
            detail["errors"] = list(self.errors)
            message = self.errors[0] if self.errors else "didkit did not accept the signature."
            result.add(Check.failed(CheckName.proof, code, message, detail))
        result.credentials = [c.to_verification_result() for c in self.credentials]
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "code": str(self.code) if self.code else None,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "checks": list(self.checks),
            "credentials": [c.to_dict() for c in self.credentials],
        }


def _code_for(message: str) -> ErrorCode:
    if message.startswith("signature error") or "Missing Proof Signature" in message:
        return ErrorCode.proof_invalid
    if "Unknown context" in message:
        return ErrorCode.unsupported_context
    if "Key expansion failed" in message:
        return ErrorCode.undefined_term
    if "Expansion failed" in message or "Protected term" in message:
        return ErrorCode.invalid_jsonld
    if "Unable to resolve" in message:
        return ErrorCode.did_not_found
    if "Missing verification relationship" in message:
        return ErrorCode.issuer_mismatch
    return ErrorCode.proof_invalid


def _why_no_proof_applies(
    proofs: list[dict[str, Any]],
    purpose: str,
    owner: str | None,
    owner_code: ErrorCode,
    challenge: str | None,
    domain: str | None,
) -> ErrorCode:
    """didkit says only "No applicable proof"; name the first reason we can see."""
    if not proofs:
        return ErrorCode.proof_missing
    proof = proofs[0]
    vm = str(proof.get("verificationMethod", ""))
    did, _, fragment = vm.partition("#")
    if proof.get("proofPurpose") != purpose:
        return ErrorCode.proof_purpose_mismatch
    if owner is not None and did != owner:
        return owner_code
    if challenge is not None and proof.get("challenge") != challenge:
        return ErrorCode.challenge_mismatch
    if domain is not None and proof.get("domain") != domain:
        return ErrorCode.domain_mismatch
    if fragment != did.removeprefix("did:key:"):
        return ErrorCode.verification_method_not_found
    return ErrorCode.proof_invalid


def _result(raw: str, explain: Callable[[], ErrorCode], warnings: list[str]) -> LegacyResult:
    try:
        parsed = parse_json(raw)
        errors = [str(e) for e in parsed.get("errors", [])]
        didkit_warnings = [str(w) for w in parsed.get("warnings", [])]
        checks = [str(c) for c in parsed.get("checks", [])]
    except (ValueError, AttributeError) as exc:
        raise RugzakError("didkit returned an unreadable result", detail=raw) from exc
    code = None
    if errors:
        code = explain() if errors[0] == "No applicable proof" else _code_for(errors[0])
    return LegacyResult(not errors, errors, warnings + didkit_warnings, checks, code)


def _failure(exc: RugzakError) -> LegacyResult:
    return LegacyResult(False, [exc.message], code=exc.code)
