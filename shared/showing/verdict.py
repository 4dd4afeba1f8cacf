"""A verdict in plain states: what an employer is told before any detail.

Per badge one ``state`` (``valid``, ``revoked``, ``suspended``, ``expired``,
``not_yet_valid``, ``someone_else``, ``invalid``, ``unknown``, ``unknown_issuer``,
``wallet_copy``) and one ``status`` (what the issuer's status lists say, in one word,
however many lists the badge uses). Per presentation how it was bound to the request
(``binding``), the number of badges in each state (the headline) and the skills
summary. A credential checked on its own has ``binding`` ``bare``: whoever shows it
did not prove they own it.

``wallet_copy`` is a badge whose only failure is an ecdsa-sd-2023 base proof
(``base_proof_presented``): the form meant for the learner's own wallet, which a
verifier does not check. Not valid, but nothing says it was forged or damaged, so HR
is told how it was sent and to ask for it from the wallet instead of "not genuine".

These are words for apps to translate, derived only from the checks' stable codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from shared.credentials.endorsed import endorsed_badges
from shared.errors import ErrorCode
from shared.showing.reasons import badge_reasons, presentation_reasons
from shared.verification import OK, Check, CheckName, Severity, VerificationResult

STATES = ("valid", "revoked", "suspended", "expired", "not_yet_valid", "someone_else",
          "invalid", "unknown", "unknown_issuer", "wallet_copy")  # fmt: skip
STATUSES = ("none", "revoked", "suspended", "unknown", "not_revoked_or_suspended",
            "not_suspended", "not_revoked")  # fmt: skip
BINDINGS = ("bound", "unbound", "other_request", "replayed", "expired_request",
            "someone_else", "other_verifier", "broken", "bare")  # fmt: skip

# Codes, check names and severities as the plain strings checks carry: they are compared
# for every check of every answer, and an enum member costs more to read from its class
# and to hash (Python code) than the comparison itself.

# The first code found decides the badge's state; later ones are detail.
_STATE_BY_CODE: tuple[tuple[str, str], ...] = tuple(
    (str(code), state)
    for code, state in (
        (ErrorCode.revoked, "revoked"),
        (ErrorCode.suspended, "suspended"),
        (ErrorCode.holder_mismatch, "someone_else"),
        (ErrorCode.expired, "expired"),
        (ErrorCode.not_yet_valid, "not_yet_valid"),
    )
)
_WALLET_COPY = frozenset({str(ErrorCode.base_proof_presented)})
_UNTRUSTED = frozenset({str(ErrorCode.unknown_issuer), str(ErrorCode.issuer_key_unconfirmed)})
_BINDING_CODES: tuple[tuple[str, str], ...] = tuple(
    (str(code), state)
    for code, state in (
        (ErrorCode.nonce_reused, "replayed"),
        (ErrorCode.nonce_expired, "expired_request"),
        (ErrorCode.holder_mismatch, "someone_else"),
    )
)
_CHALLENGE_CODES = frozenset({str(ErrorCode.challenge_mismatch), str(ErrorCode.nonce_unknown)})
_REVOKED, _SUSPENDED = str(ErrorCode.revoked), str(ErrorCode.suspended)
_STAPLE_DECIDED = frozenset({_REVOKED, _SUSPENDED})
_DOMAIN_MISMATCH, _HOLDER_MISMATCH = str(ErrorCode.domain_mismatch), str(ErrorCode.holder_mismatch)
_STATUS, _HOLDER = str(CheckName.status), str(CheckName.holder)
_ERROR, _WARNING, _INFO = str(Severity.error), str(Severity.warning), str(Severity.info)


def badge_state(result: VerificationResult) -> str:
    """One word for one credential's verdict (see the module docstring)."""
    failed, undecided, untrusted, _status, _linked = _read(result)
    return _state(failed, undecided, untrusted)


def status_state(result: VerificationResult) -> str:
    """What the status lists say, as one word: never two contradicting sentences."""
    return _status_state([c for c in result.checks if c.name == _STATUS])


def status_checked_at(result: VerificationResult) -> str | None:
    """When the issuer made the stapled list(s) that decided the status (the oldest).

    None unless every status check was decided by a list the presenter brought
    (``shared.status_staple``): then the page says "status checked against the
    issuer's list of <time>".
    """
    return _checked_at([c for c in result.checks if c.name == _STATUS])


def _read(result: VerificationResult) -> tuple[set[str], bool, bool, list[Check], bool]:
    """What a badge's plain words depend on, in one pass over its checks: the codes of
    the checks that failed outright (``errors``), whether one could not be decided
    (``undecided``), whether a code says the issuer is not trusted, the status checks
    in order, and whether the holder check found the holder through a link."""
    failed: set[str] = set()
    undecided = untrusted = linked = False
    status: list[Check] = []
    for check in result.checks:
        if not check.ok:
            if check.severity == _ERROR:
                failed.add(check.code)
            elif check.severity == _WARNING:
                undecided = True
        if check.code in _UNTRUSTED:
            untrusted = True
        name = check.name
        if name == _STATUS:
            status.append(check)
        elif (
            name == _HOLDER
            and check.ok
            and isinstance(check.detail, dict)
            and "linkedFrom" in check.detail
        ):
            linked = True
    return failed, undecided, untrusted, status, linked


def _state(failed: set[str], undecided: bool, untrusted: bool) -> str:
    for code, state in _STATE_BY_CODE:
        if code in failed:
            return state
    if failed:
        return "wallet_copy" if failed == _WALLET_COPY else "invalid"
    if undecided:
        return "unknown"
    if untrusted:
        return "unknown_issuer"
    return "valid"


def _status_state(checks: list[Check]) -> str:
    if not checks:
        return "none"
    codes = {c.code for c in checks}
    if _REVOKED in codes:
        return "revoked"
    if _SUSPENDED in codes:
        return "suspended"
    if any(not c.ok for c in checks):
        return "unknown"
    purposes = {c.detail.get("purpose") for c in checks if isinstance(c.detail, dict)}
    if "suspension" in purposes and "revocation" in purposes:
        return "not_revoked_or_suspended"
    if purposes == {"suspension"}:
        return "not_suspended"
    return "not_revoked"


def _checked_at(checks: list[Check]) -> str | None:
    times = [
        c.detail.get("listTime")
        for c in checks
        if isinstance(c.detail, dict)
        and c.detail.get("stapled")
        and (c.ok or c.code in _STAPLE_DECIDED)
    ]
    if not checks or len(times) != len(checks) or not all(isinstance(t, str) for t in times):
        return None
    return min(str(t) for t in times)


def binding_state(result: VerificationResult) -> str:
    """How a presentation answers the request: ``bound`` or why not."""
    codes = [c.code for c in result.checks if c.code != OK and c.severity != _INFO]
    for code, state in _BINDING_CODES:
        if code in codes:
            return state
    if _CHALLENGE_CODES.intersection(codes) or _DOMAIN_MISMATCH in codes:
        signed = result.summary.get("challenge")
        if not (isinstance(signed, str) and signed):
            return "unbound"  # no challenge at all: made for no request, a copy can be shown
        if _CHALLENGE_CODES.intersection(codes):
            return "other_request"
        return "other_verifier"
    if any(c.code == _HOLDER_MISMATCH for inner in result.credentials for c in inner.checks):
        return "someone_else"
    if result.errors:
        return "broken"  # e.g. the holder's signature does not hold
    return "bound"


def skills_summary(credentials: Iterable[tuple[dict[str, Any], str]]) -> list[dict[str, Any]]:
    """Per skill the highest level among valid badges (else the best shown), in order seen.

    ``credentials`` are (summary, state) pairs; a summary's ``level`` comes from
    :func:`shared.showing.badge.badge_view`.
    """
    out: dict[str, dict[str, Any]] = {}
    for summary, state in credentials:
        level = summary.get("level")
        if not isinstance(level, dict) or not level.get("skill"):
            continue
        entry = {
            "skill": level["skill"],
            "number": level.get("number"),
            "of": level.get("of"),
            "name": level.get("name"),
            "state": state,
        }
        seen = out.get(level["skill"])
        if seen is None or _better(entry, seen):
            out[level["skill"]] = entry
    return list(out.values())


def _better(new: dict[str, Any], old: dict[str, Any]) -> bool:
    new_valid, old_valid = bool(new["state"] == "valid"), bool(old["state"] == "valid")
    if new_valid != old_valid:
        return new_valid
    return int(new.get("number") or 0) > int(old.get("number") or 0)


def _badge(result: VerificationResult) -> dict[str, Any]:
    failed, undecided, untrusted, status, linked = _read(result)
    state = _state(failed, undecided, untrusted)
    out: dict[str, Any] = {"state": state, "status": _status_state(status)}
    checked_at = _checked_at(status)
    if checked_at is not None:
        out["status_checked_at"] = checked_at
    if linked:
        out["holder_linked"] = True
    out.update(badge_reasons(result.checks, state))
    return out


def plain_verdict(result: VerificationResult) -> dict[str, Any]:
    """The plain states of ``result``; a presentation's badges get theirs in ``badges``.

    Presented endorsements (``shared.credentials.endorsed``) are no badges: they are
    left out of the headline counts and the skills, marked ``endorsement`` with the
    positions of the badges they endorse (``endorses``), and each badge they name lists
    them in its ``endorsements`` (who, what they wrote, and their own state). Each
    badge, and a presentation for its own checks, has the ``reasons`` and ``notes`` a
    person reads (``shared.showing.reasons``).
    """
    if result.kind != "presentation":
        return {**_badge(result), "binding": "bare"}
    related = endorsed_badges(result)
    badges = [_badge(inner) for inner in result.credentials]
    for index, targets in related.items():
        badges[index]["endorsement"] = True
        badges[index]["endorses"] = targets
        shown = {**(result.credentials[index].summary.get("endorsement") or {})}
        shown.update(index=index, state=badges[index]["state"])
        for target in targets:
            badges[target].setdefault("endorsements", []).append(shown)
    counts: dict[str, int] = {}
    for badge in badges:
        if not badge.get("endorsement"):
            counts[badge["state"]] = counts.get(badge["state"], 0) + 1
    binding = binding_state(result)
    out: dict[str, Any] = {
        "binding": binding,
        "total": sum(counts.values()),
        "counts": counts,
        "badges": badges,
        "skills": skills_summary(
            (inner.summary, badge["state"])
            for inner, badge in zip(result.credentials, badges, strict=True)
            if not badge.get("endorsement")
        ),
        **presentation_reasons(result.checks, binding),
    }
    unrelated = [index for index, targets in related.items() if not targets]
    if unrelated:
        out["unrelatedEndorsements"] = unrelated
    return out


_WRAPPED = {"png": "form_in_png", "svg": "form_in_svg", "rz1": "form_from_rz1",
            "vp1": "form_from_vp1"}  # fmt: skip
#: The catalogue words ``form_text`` uses (each language has them all).
FORM_WORDS = (*(f"form_{f}" for f in ("credential", "presentation", "vc_jwt", "ob2", "url")),
              *_WRAPPED.values(), "form_ob2_hosted", "form_ob2_signed")  # fmt: skip


def form_text(form: Any, words: Any) -> str:
    """What was read, in the app's words: "VC-JWT in a PNG image · OB 2.0 signed (RS256)".

    ``form`` is a summary's ``form`` (``format``, ``wrapper``, ``ob2`` with ``checked``
    or ``alg``); ``words`` the catalogue's verdict words of one language. The page's
    ``formText`` in ``verifier/static/app.js`` says the same. Empty for our own JSON.
    """
    if not isinstance(form, dict):
        return ""
    parts: list[str] = []
    fmt, wrapper = form.get("format"), form.get("wrapper")
    if wrapper in _WRAPPED or fmt not in (None, "credential", "presentation"):
        what = words.get(f"form_{fmt}", str(fmt))
        parts.append(words[_WRAPPED[wrapper]].format(what=what) if wrapper in _WRAPPED else what)
    if form.get("ob2") == "hosted":
        parts.append(words["form_ob2_hosted"].format(date=str(form.get("checked", ""))[:10]))
    elif form.get("ob2") == "signed":
        parts.append(words["form_ob2_signed"].format(alg=form.get("alg", "")))
    return " · ".join(parts)


#: The catalogue words ``list_text`` uses: an issuer's status list checked on its own.
LIST_WORDS = ("list_title", "list_say", "list_say_revocation", "list_say_suspension")


def list_text(status_list: Any, words: Any) -> tuple[str, str] | None:
    """The title and sentence for an issuer's status list checked on its own ("Status
    list", "This is not a badge: it is the issuer's list of revoked badges, ..."), or
    None when ``status_list`` (a summary's ``statusList``) is absent: then it is a badge.
    ``words`` are the catalogue's verdict words of one language; the page's
    ``credentialCard`` in ``verifier/static/app.js`` says the same."""
    if not isinstance(status_list, dict):
        return None
    said = words.get(f"list_say_{status_list.get('purpose')}") or words["list_say"]
    return words["list_title"], said
