"""The reasons a person reads beside a verdict: each once, as stable codes.

A verification lists every finding where it was found: the same older ``@context``
once per embedded endorsement, one schema finding per path. A person reads each
reason once, and never a reason the line above already says. From one result's own
checks (a presentation's inner badges have theirs):

- ``reasons``: what explains the verdict, one entry per check and code
  (``{"check", "code", "severity", "count"}``, ``count`` the places it was found),
  errors first, then in the checks' order. Left out: the code the badge's state line
  says (``expired`` under "This badge has expired."), or for a presentation the code
  its binding line says; a finding of ``info`` severity; and every reason under a
  badge whose state is ``valid`` (a warning that did not change the verdict is a
  detail, for whoever reads all checks).
- ``notes``: schema findings (not those of ``info`` severity: two status lists, for
  revocation and suspension, are for validators; the status line says what they say),
  the notes of a structure check that passed (an older vocabulary, an older data
  model) and a badge of a kind the request did not
  ask for (``not_requested`` as a warning: genuine, just not what was asked; an
  OpenID4VP answer that holds one is refused, a reason), one entry per code
  (``{"code", "count"}``): they never make a badge invalid, so they are said apart,
  under a valid badge too.

:func:`passed_checks` names the checks that found nothing at all: a check with a
finding gets no "passed" line beside it.

Apps say each entry with the catalogue's sentence for its code
(``shared.messages``), in either language; a check's own message is developer text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.errors import ErrorCode
from shared.verification import OK, Check, CheckName, Severity

# Plain strings, compared for every check of every answer (see shared.showing.verdict).
_SCHEMA, _STRUCTURE = str(CheckName.schema), str(CheckName.structure)
_ERROR, _WARNING, _INFO = str(Severity.error), str(Severity.warning), str(Severity.info)
_NOT_REQUESTED = str(ErrorCode.not_requested)

# What the state line of a badge (``say_<state>``) already says.
_SAID_BY_STATE: dict[str, frozenset[str]] = {
    state: frozenset(str(code) for code in codes)
    for state, codes in (
        ("revoked", (ErrorCode.revoked,)),
        ("suspended", (ErrorCode.suspended,)),
        ("expired", (ErrorCode.expired,)),
        ("not_yet_valid", (ErrorCode.not_yet_valid,)),
        ("someone_else", (ErrorCode.holder_mismatch,)),
        ("unknown_issuer", (ErrorCode.unknown_issuer,)),
        # the base proof is not checked here, nor, without a checked signature, the status
        ("wallet_copy", (ErrorCode.base_proof_presented, ErrorCode.status_unknown)),
    )
}
# What the binding line of a presentation (``bind_<binding>``) already says.
_SAID_BY_BINDING: dict[str, frozenset[str]] = {
    binding: frozenset(str(code) for code in codes)
    for binding, codes in (
        ("replayed", (ErrorCode.nonce_reused,)),
        ("expired_request", (ErrorCode.nonce_expired,)),
        ("someone_else", (ErrorCode.holder_mismatch,)),
        ("other_request", (ErrorCode.challenge_mismatch, ErrorCode.nonce_unknown)),
        (
            "unbound",
            (ErrorCode.challenge_mismatch, ErrorCode.nonce_unknown, ErrorCode.domain_mismatch),
        ),
        ("other_verifier", (ErrorCode.domain_mismatch,)),
    )
}
_NOTHING: frozenset[str] = frozenset()


def badge_reasons(checks: Iterable[Check], state: str) -> dict[str, list[dict[str, Any]]]:
    """The ``reasons`` and ``notes`` of one badge whose plain ``state`` is given."""
    return _reasons(checks, _SAID_BY_STATE.get(state, _NOTHING), quiet=state == "valid")


def presentation_reasons(checks: list[Check], binding: str) -> dict[str, list[dict[str, Any]]]:
    """The ``reasons`` and ``notes`` of a presentation's own checks (its badges have
    theirs), given how it was bound to the request."""
    # as a badge's valid state: nothing failed and nothing was left undecided
    quiet = all(c.ok or c.severity == _INFO for c in checks)
    return _reasons(checks, _SAID_BY_BINDING.get(binding, _NOTHING), quiet=quiet)


def _reasons(
    checks: Iterable[Check], said: frozenset[str], quiet: bool
) -> dict[str, list[dict[str, Any]]]:
    # One pass, plain string comparisons: this runs for every badge of every answer.
    reasons: dict[tuple[str, str], dict[str, Any]] = {}
    notes: dict[str, dict[str, Any]] = {}
    for check in checks:
        code = check.code
        if code == OK:
            continue
        name = check.name
        severity = check.severity
        if severity == _INFO:
            continue  # information for whoever reads all checks (two status lists)
        if (
            name == _SCHEMA
            or (name == _STRUCTURE and check.ok)
            or (code == _NOT_REQUESTED and check.severity != _ERROR)  # OpenID4VP refuses it
        ):
            note = notes.get(code)
            if note is None:
                notes[code] = {"code": code, "count": 1}
            else:
                note["count"] += 1
            continue
        if quiet or code in said:
            continue
        error = severity == _ERROR
        reason = reasons.get((name, code))
        if reason is None:
            reasons[(name, code)] = {
                "check": name,
                "code": code,
                "severity": _ERROR if error else _WARNING,
                "count": 1,
            }
        else:
            reason["count"] += 1
            if error:
                reason["severity"] = _ERROR  # the worst of its places
    found = list(reasons.values())
    if len(found) > 1:
        found.sort(key=lambda r: r["severity"] != _ERROR)  # errors first, stable
    return {"reasons": found, "notes": list(notes.values())}


def passed_checks(checks: Iterable[Check]) -> list[str]:
    """The names of the checks, in order, whose every entry passed with nothing to say."""
    clean: dict[str, bool] = {}
    for check in checks:
        clean[check.name] = clean.get(check.name, True) and check.code == OK
    return [name for name, ok in clean.items() if ok]
