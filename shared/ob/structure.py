"""Ordered structural checks of an Open Badges 3.0 credential.

These mirror the 1EdTech validator's probes that look at the JSON itself
(``ContextPropertyProbe``, ``TypePropertyProbe``, ``CredentialSubjectProbe``,
``EvidenceProbe``, ``IssuerProbe``, the date probes), in its order. What the
validator checks by fetching (issuer URL reachable, refresh, revocation) or by
cryptography (proofs) lives elsewhere.

Where the field disagrees with the letter of the spec, old-but-common forms are
warnings, never errors, because wallets in the field hold them: VCDM 1.1
(``credentials/v1`` context, ``issuanceDate``), older OB contexts, an issuer given
as a bare URL.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from shared.dates import parse_datetime
from shared.errors import ErrorCode
from shared.ob.issues import StructureIssue, child_path
from shared.verification import Severity
from shared.vocab import (
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    ENDORSEMENT_CREDENTIAL,
    OB_TYPES,
    OB_V3P0_303,
    OB_V3P0_LEGACY,
    as_list,
)

CredentialKind = Literal["achievement", "endorsement"]
Sections = tuple[list[StructureIssue], list[StructureIssue], list[StructureIssue]]

# Older names of the OB context the validator treats as aliases of context-3.0.3.
LEGACY_OB_CONTEXTS = frozenset(
    {OB_V3P0_LEGACY, "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"}
)
_OB_CONTEXT_VERSION = re.compile(
    r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-\d+\.\d+\.\d+)*\.json"
)
_MALFORMED = ErrorCode.malformed_credential
# Endorsements of endorsements checked at most this deep (real ones: one or two).
MAX_ENDORSEMENT_DEPTH = 32


def check_structure(credential: object, *, embeds: bool = True) -> list[StructureIssue]:
    """Every structural finding for an OB 3.0 credential, in the validator's order.

    Accepts achievement credentials (``OpenBadgeCredential``/``AchievementCredential``)
    and endorsement credentials; embedded endorsements are checked too, with
    their paths. Never raises for bad input.

    ``embeds=False``: the caller knows that no object in ``credential`` has an
    ``endorsement`` member (``shared.plain_terms.plain_term_survey`` found none in its
    walk), so none is looked for: the answer is the same, one walk fewer.
    """
    head, tail, nested = structure_sections(credential, embeds=embeds)
    return [*head, *tail, *nested]


def structure_sections(credential: object, path: str = "$", *, embeds: bool = True) -> Sections:
    """The findings split as (context and type, the rest, embedded endorsements)."""
    try:
        return _sections(credential, path, embeds, 0)
    except RecursionError:
        return [_error("the credential is nested too deeply to check", path, "input")], [], []


def _sections(credential: object, path: str, embeds: bool, depth: int) -> Sections:
    if depth > MAX_ENDORSEMENT_DEPTH:
        # Counted, not left to the interpreter: compiled (shared.native) there is no
        # recursion limit, and the stack would run out instead.
        raise RecursionError("endorsements nested too deeply")
    if not isinstance(credential, dict):
        return [_error("the credential is not a JSON object", path, "input")], [], []
    kind = credential_kind(credential)
    head = [*_context(credential, path), *_types(credential, path, kind)]
    tail = [
        *_subject(credential, path, kind),
        *(_evidence(credential, path) if kind == "achievement" else []),
        *_issuer(credential, path),
        *_dates(credential, path),
    ]
    nested: list[StructureIssue] = []
    for where, endorsement in _endorsements(credential, path) if embeds else ():
        if not isinstance(endorsement, dict):
            nested.append(_error("an endorsement must be a JSON object", where, "endorsement"))
            continue
        inner_head, inner_tail, inner_nested = _sections(endorsement, where, True, depth + 1)
        nested += [*inner_head, *inner_tail, *inner_nested]
    return head, tail, nested


def credential_kind(credential: dict[str, Any]) -> CredentialKind:
    """``endorsement`` for an EndorsementCredential that is not also an Open Badge."""
    types = _strings(credential.get("type"))
    if ENDORSEMENT_CREDENTIAL in types and not OB_TYPES & set(types):
        return "endorsement"
    return "achievement"


def is_vcdm2(document: dict[str, Any]) -> bool:
    """VCDM 2.0 if the v2 context appears anywhere in ``@context`` (the validator's rule)."""
    return CREDENTIALS_V2 in as_list(document.get("@context"))


def check_presentation_structure(presentation: object) -> list[StructureIssue]:
    """Light shape check of a Verifiable Presentation (its credentials are checked apart)."""
    code = ErrorCode.malformed_presentation
    if not isinstance(presentation, dict):
        return [_error("the presentation is not a JSON object", "$", "input", code)]
    issues: list[StructureIssue] = []
    context = as_list(presentation.get("@context"))
    where = child_path(child_path("$", "@context"), 0)
    if not context or context[0] not in (CREDENTIALS_V2, CREDENTIALS_V1):
        issues.append(
            _error(f"the first @context must be {CREDENTIALS_V2}", where, "context", code)
        )
    elif context[0] == CREDENTIALS_V1:
        issues.append(_legacy_context(CREDENTIALS_V1, CREDENTIALS_V2, where))
    if "VerifiablePresentation" not in _strings(presentation.get("type")):
        issues.append(_error("type must contain 'VerifiablePresentation'", "$.type", "type", code))
    holder = presentation.get("holder")
    if holder is not None and not (
        isinstance(holder, str) or (isinstance(holder, dict) and isinstance(holder.get("id"), str))
    ):
        issues.append(
            _error("holder must be a URL or an object with an id", "$.holder", "holder", code)
        )
    credentials = presentation.get("verifiableCredential")
    where = "$.verifiableCredential"
    if credentials is None or credentials == []:
        issues.append(_warning(code, "the presentation holds no credentials", where, "credentials"))
        return issues
    for i, item in enumerate(as_list(credentials)):
        if not isinstance(item, dict):
            at = child_path(where, i) if isinstance(credentials, list) else where
            issues.append(
                _error("each verifiableCredential must be a JSON object", at, "credentials", code)
            )
    return issues


def _context(credential: dict[str, Any], path: str) -> list[StructureIssue]:
    where = child_path(path, "@context")
    context = as_list(credential.get("@context"))
    if not context:
        return [_error("there is no @context", where, "context")]
    first = context[0]
    if first not in (CREDENTIALS_V2, CREDENTIALS_V1):
        return [
            _error(f"the first @context must be {CREDENTIALS_V2}", child_path(where, 0), "context")
        ]
    issues = []
    if first == CREDENTIALS_V1:
        issues.append(_legacy_context(first, CREDENTIALS_V2, child_path(where, 0)))
    second = context[1] if len(context) > 1 else None
    at = child_path(where, 1)
    if second == OB_V3P0_303:
        return issues
    if not isinstance(second, str) or not (
        second in LEGACY_OB_CONTEXTS or _OB_CONTEXT_VERSION.fullmatch(second)
    ):
        issues.append(_error(f"the second @context must be {OB_V3P0_303}", at, "context"))
        return issues
    issues.append(_legacy_context(second, OB_V3P0_303, at))
    return issues


def _types(credential: dict[str, Any], path: str, kind: CredentialKind) -> list[StructureIssue]:
    where = child_path(path, "type")
    types = _strings(credential.get("type"))
    if "VerifiableCredential" not in types:
        return [_error("type must contain 'VerifiableCredential'", where, "type")]
    if kind == "endorsement" or OB_TYPES & set(types):
        return []
    return [
        _error(
            "type must contain 'OpenBadgeCredential' (or 'AchievementCredential'): "
            "this is not an Open Badge",
            where,
            "type",
        )
    ]


def _subject(credential: dict[str, Any], path: str, kind: CredentialKind) -> list[StructureIssue]:
    where = child_path(path, "credentialSubject")
    subject = credential.get("credentialSubject")
    check = "credential_subject"
    if not isinstance(subject, dict):
        message = (
            "there is no credentialSubject"
            if subject is None
            else "credentialSubject must be one JSON object"
        )
        return [_error(message, where, check)]
    expected = "AchievementSubject" if kind == "achievement" else "EndorsementSubject"
    issues = []
    if expected not in _strings(subject.get("type")):
        issues.append(
            _error(
                f"credentialSubject type must contain {expected!r}",
                child_path(where, "type"),
                check,
            )
        )
    subject_id = subject.get("id")
    has_id = isinstance(subject_id, str) and subject_id.strip() != ""
    if not has_id and not as_list(subject.get("identifier")):
        # The 1EdTech validator rejects this; DCC issues it (a name only) and its
        # wallets hold many. A warning keeps them readable; holder binding fails anyway.
        issues.append(
            _warning(
                _MALFORMED,
                "credentialSubject has neither id nor identifier: it does not say who earned it",
                where,
                check,
            )
        )
    issues += _members_typed(subject, where, "identifier", "IdentityObject", check)
    issues += _members_typed(subject, where, "result", "Result", check)
    achievement = subject.get("achievement")
    if isinstance(achievement, dict):
        at = child_path(where, "achievement")
        issues += _members_typed(achievement, at, "resultDescription", "ResultDescription", check)
        criteria = achievement.get("criteria")
        if not isinstance(criteria, dict) or (
            criteria.get("id") is None and criteria.get("narrative") is None
        ):
            issues.append(
                _error(
                    "achievement criteria needs an id or a narrative",
                    child_path(at, "criteria"),
                    check,
                )
            )
    issues += _members_typed(subject, where, "source", "Profile", check)
    return issues


def _evidence(credential: dict[str, Any], path: str) -> list[StructureIssue]:
    return _members_typed(credential, path, "evidence", "Evidence", "evidence")


def _issuer(credential: dict[str, Any], path: str) -> list[StructureIssue]:
    where = child_path(path, "issuer")
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return [
            _warning(
                _MALFORMED,
                "issuer is a bare URL; OB 3.0 expects a Profile object with id, type and name",
                where,
                "issuer",
            )
        ]
    if not isinstance(issuer, dict):
        message = "there is no issuer" if issuer is None else "issuer must be a Profile object"
        return [_error(message, where, "issuer")]
    issues = []
    if not isinstance(issuer.get("id"), str) or not issuer["id"]:
        issues.append(_error("issuer has no id", where, "issuer"))
    if "Profile" not in _strings(issuer.get("type")):
        issues.append(
            _error("issuer type must contain 'Profile'", child_path(where, "type"), "issuer")
        )
    issues += _members_typed(issuer, where, "otherIdentifier", "IdentifierEntry", "issuer")
    issues += _members_typed(issuer, where, "parentOrg", "Profile", "issuer")
    return issues


def _dates(credential: dict[str, Any], path: str) -> list[StructureIssue]:
    issues: list[StructureIssue] = []
    found: dict[str, Any] = {}
    for new, old in (("validFrom", "issuanceDate"), ("validUntil", "expirationDate")):
        name = new if new in credential else old if old in credential else None
        if name is None:
            continue
        where = child_path(path, name)
        if name == old:
            issues.append(
                _warning(
                    ErrorCode.legacy_vcdm,
                    f"{old} is VCDM 1.1; VCDM 2.0 calls it {new}",
                    where,
                    "dates",
                )
            )
        parsed = _parse_date_field(credential[name], name, where, issues)
        if parsed is not None:
            found[new] = parsed
    if "validFrom" not in credential and "issuanceDate" not in credential:
        issues.append(_error("there is no validFrom", child_path(path, "validFrom"), "dates"))
    if "awardedDate" in credential:
        at = child_path(path, "awardedDate")
        _parse_date_field(credential["awardedDate"], "awardedDate", at, issues)
    if len(found) == 2 and found["validFrom"] > found["validUntil"]:
        issues.append(
            _error("validUntil is before validFrom", child_path(path, "validUntil"), "dates")
        )
    return issues


def _parse_date_field(value: object, name: str, where: str, issues: list[StructureIssue]) -> Any:
    if not isinstance(value, str):
        issues.append(_error(f"{name} must be a date-time string", where, "dates"))
        return None
    try:
        return parse_datetime(value)
    except ValueError as exc:
        issues.append(_error(f"{name}: {exc}", where, "dates"))
        return None


def _endorsements(node: Any, path: str) -> list[tuple[str, Any]]:
    """Every embedded ``endorsement`` item below ``node`` (not inside another endorsement)."""
    if not _holds_endorsement(node):
        return []  # most badges: found without a path for every value
    found: list[tuple[str, Any]] = []
    # Paths are built only for hits: this walk visits every value of the credential.
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node, ())]
    while stack:
        current, parts = stack.pop()
        items = current.items() if isinstance(current, dict) else enumerate(current)
        for key, value in items:
            if key == "endorsement" and isinstance(current, dict):
                at = _extend(path, (*parts, key))
                if isinstance(value, list):
                    found += [(child_path(at, i), item) for i, item in enumerate(value)]
                else:
                    found.append((at, value))
            elif key != "proof" and isinstance(value, dict | list):
                stack.append((value, (*parts, key)))
    found.sort(key=lambda hit: hit[0])
    return found


def _holds_endorsement(node: Any) -> bool:
    """False only if ``_endorsements(node, ...)`` finds nothing: the same walk, no paths
    (True for an ``endorsement`` member, even an empty list: the full walk answers)."""
    stack = [node]
    push = stack.append
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if "endorsement" in current:
                return True
            for key, value in current.items():
                if isinstance(value, _CONTAINERS) and key != "proof":
                    push(value)
        else:
            for value in current:
                if isinstance(value, _CONTAINERS):
                    push(value)
    return False


_CONTAINERS = (dict, list)


def _extend(path: str, parts: tuple[str | int, ...]) -> str:
    for part in parts:
        path = child_path(path, part)
    return path


def _members_typed(
    parent: dict[str, Any], path: str, key: str, class_name: str, check: str
) -> list[StructureIssue]:
    """Each value under ``parent[key]`` (one or many) must be typed ``class_name``."""
    value = parent.get(key)
    if value is None:
        return []
    where = child_path(path, key)
    many = isinstance(value, list)
    issues = []
    for i, member in enumerate(value if many else [value]):
        if not isinstance(member, dict) or class_name not in _strings(member.get("type")):
            at = child_path(where, i) if many else where
            issues.append(_error(f"{key} must be of type {class_name!r}", at, check))
    return issues


def _legacy_context(found: str, expected: str, where: str) -> StructureIssue:
    return _warning(
        ErrorCode.deprecated_context,
        f"@context {found} is accepted as an older form of {expected}",
        where,
        "context",
    )


def _strings(value: object) -> list[str]:
    return [item for item in as_list(value) if isinstance(item, str)]


def _error(message: str, path: str, check: str, code: ErrorCode = _MALFORMED) -> StructureIssue:
    return StructureIssue(code, message, path, Severity.error, check)


def _warning(code: ErrorCode, message: str, path: str, check: str) -> StructureIssue:
    return StructureIssue(code, message, path, Severity.warning, check)
