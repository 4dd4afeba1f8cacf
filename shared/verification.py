"""Verification results: a verdict made of named checks with stable codes.

A result never hides why: each check says what was looked at (``name``), whether it
passed (``ok``), a stable outcome ``code`` and one plain sentence (``message``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shared.errors import ErrorCode
from shared.errors import Severity as Severity  # re-exported: results speak of it
from shared.vocab import ENDORSEMENT_CREDENTIAL


class Verdict(StrEnum):
    """The employer-facing answer: green, amber (cannot tell) or red."""

    valid = "valid"
    unknown = "unknown"
    invalid = "invalid"


class CheckName(StrEnum):
    """Stable names of the checks, in the order they run."""

    structure = "structure"
    schema = "schema"
    proof = "proof"
    issuer = "issuer"
    valid_from = "valid_from"
    valid_until = "valid_until"
    status = "status"
    trust = "trust"
    holder = "holder"
    endorsement = "endorsement"  # a presented endorsement names a badge shown beside it
    challenge = "challenge"
    domain = "domain"
    credentials = "credentials"


OK = "ok"
# Compared for every check of every answer: an enum member read from its class costs
# more than the comparison itself.
_ERROR, _WARNING = Severity.error, Severity.warning


@dataclass(frozen=True)
class Check:
    """One check: ``code`` is ``"ok"`` when it passed, else an ``ErrorCode`` value."""

    name: str
    ok: bool
    code: str
    message: str
    severity: Severity = Severity.info
    detail: Any = None

    @classmethod
    def passed(cls, name: CheckName, message: str, detail: Any = None) -> Check:
        return cls(str(name), True, OK, message, Severity.info, detail)

    @classmethod
    def failed(cls, name: CheckName, code: ErrorCode, message: str, detail: Any = None) -> Check:
        return cls(str(name), False, str(code), message, Severity.error, detail)

    @classmethod
    def warned(
        cls, name: CheckName, code: ErrorCode | str, message: str, detail: Any = None
    ) -> Check:
        return cls(str(name), True, str(code), message, Severity.warning, detail)

    @classmethod
    def undecided(cls, name: CheckName, code: ErrorCode, message: str, detail: Any = None) -> Check:
        """Not failed, not passed: e.g. status unknown. Makes the verdict amber."""
        return cls(str(name), False, str(code), message, Severity.warning, detail)

    @property
    def outcome(self) -> str:
        """How a list of checks marks it: ``passed`` (✓), ``failed`` (an error: ✗),
        ``info`` or ``warning`` (a finding that did not fail it, or an undecided one)."""
        if self.code == OK:
            return "passed"
        if not self.ok and self.severity == _ERROR:
            return "failed"
        return "info" if self.severity == Severity.info else "warning"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "ok": self.ok,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }
        if self.detail is not None:
            out["detail"] = self.detail
        return out


@dataclass
class VerificationResult:
    """The verdict on a credential or presentation (one per credential inside, too)."""

    kind: str  # "credential" | "presentation"
    checks: list[Check] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    credentials: list[VerificationResult] = field(default_factory=list)

    @property
    def errors(self) -> list[Check]:
        """Checks that failed outright."""
        return [c for c in self.checks if not c.ok and c.severity == _ERROR]

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.severity == _WARNING]

    @property
    def undecided(self) -> list[Check]:
        return [c for c in self.checks if not c.ok and c.severity == _WARNING]

    @property
    def is_endorsement(self) -> bool:
        """An endorsement presented beside a badge (``shared.credentials.endorsed``)."""
        return ENDORSEMENT_CREDENTIAL in (self.summary.get("type") or ())

    @property
    def verdict(self) -> Verdict:
        """Invalid when a check failed (here or in a credential), else unknown when one
        could not be decided, else valid: ``errors``, ``undecided`` and the inner
        verdicts in one pass (an answer reads it several times)."""
        unknown = False
        for check in self.checks:
            if not check.ok:
                if check.severity == _ERROR:
                    return Verdict.invalid
                if check.severity == _WARNING:
                    unknown = True
        for inner in self.credentials:
            # A presented endorsement is shown with its own state on the badge it
            # endorses; like one embedded in a badge, it does not decide the verdict.
            if inner.is_endorsement:
                continue
            verdict = inner.verdict
            if verdict == Verdict.invalid:
                return Verdict.invalid
            if verdict == Verdict.unknown:
                unknown = True
        return Verdict.unknown if unknown else Verdict.valid

    @property
    def verified(self) -> bool:
        """True only when every check passed (status unknown is not verified)."""
        return self.verdict == Verdict.valid

    def codes(self) -> list[str]:
        """Every non-ok outcome code, including those of inner credentials."""
        out = [c.code for c in self.checks if c.code != OK]
        for inner in self.credentials:
            out.extend(inner.codes())
        return out

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def replace(self, check: Check) -> None:
        """Put ``check`` where the checks of its name were (or last): a later, better
        judgement of the same question, e.g. a verifier's nonce verdict on the challenge."""
        at = next((i for i, c in enumerate(self.checks) if c.name == check.name), None)
        self.checks = [c for c in self.checks if c.name != check.name]
        if at is None:
            self.checks.append(check)
        else:
            self.checks.insert(at, check)

    def to_dict(self) -> dict[str, Any]:
        verdict = self.verdict  # once: it reads every inner result
        # ``errors`` and ``warnings`` in the same pass as the checks (each answer is
        # built once; the properties would walk the checks twice more), as dicts of
        # their own.
        checks: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        warnings: list[dict[str, Any]] = []
        for check in self.checks:
            checks.append(check.to_dict())
            if check.severity == _WARNING:
                warnings.append(check.to_dict())
            elif not check.ok and check.severity == _ERROR:
                errors.append(check.to_dict())
        out: dict[str, Any] = {
            "kind": self.kind,
            "verified": verdict == Verdict.valid,
            "verdict": str(verdict),
            "summary": self.summary,
            "checks": checks,
            "errors": errors,
            "warnings": warnings,
        }
        if self.kind == "presentation":
            out["credentials"] = [c.to_dict() for c in self.credentials]
        return out
