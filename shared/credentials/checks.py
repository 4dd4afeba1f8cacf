"""The checks of a verification, one helper each: structure and schema, proof, issuer,
dates, trust, and the request binding of a presentation.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.credentials.fields import issuer_id, types_of
from shared.dates import format_datetime, read_datetime
from shared.did import Resolver
from shared.errors import ErrorCode, Severity
from shared.messages import plain
from shared.ob.issues import SchemaIssue
from shared.ob.schema import (
    check_structure,
    status_entries_pass,
    validate_credential_schema,
    vcdm_allows,
)
from shared.ob.schema_engine import SchemaKind, schema_ids
from shared.ob.structure import credential_kind, is_vcdm2
from shared.plain_terms import plain_term_survey
from shared.proof.purpose import AssertionPurpose, ProofPurpose
from shared.proof.report import check_proofs
from shared.proof.result import ProofResult
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import ENDORSEMENT_CREDENTIAL, OB_TYPES, VERIFIABLE_CREDENTIAL, as_list

_TWO_LISTS = (
    "It uses two status lists, for revocation and suspension (allowed by W3C; strict Open "
    "Badges validators may warn)."
)

ASSERTION = AssertionPurpose()


def _structure(credential: dict[str, Any], result: VerificationResult, schema: bool) -> bool:
    """Structure first: later checks need a sane shape. Returns False to stop."""
    basic = _basic_vc_problem(credential)
    if basic is not None:
        result.add(Check.failed(CheckName.structure, ErrorCode.malformed_credential, basic))
        return False
    hidden, embeds = plain_term_survey(credential, "endorsement")
    if hidden:
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.invalid_jsonld,
                "It uses JSON-LD forms (full IRIs, inline contexts or keywords as member "
                "names) that could hide fields from these checks, so it is not accepted.",
                {"paths": hidden},
            )
        )
        return False
    is_ob = bool(OB_TYPES.intersection(types_of(credential))) or (
        ENDORSEMENT_CREDENTIAL in types_of(credential)
    )
    issues = check_structure(credential, embeds=embeds) if is_ob else []
    errors = [i for i in issues if i.is_error]
    for issue in issues:
        if not issue.is_error:
            result.add(issue.to_check(CheckName.structure))
    if errors:
        for issue in errors:
            result.add(issue.to_check(CheckName.structure))
        return False
    result.add(Check.passed(CheckName.structure, "The credential is well-formed."))
    if schema and is_ob:
        _schema(credential, result)
    return True


def schema_findings(credential: dict[str, Any]) -> list[SchemaIssue]:
    """``validate_credential_schema(credential)``, faster for what our issuer makes.

    A credential with a set of ``credentialStatus`` entries (revocation and suspension:
    VCDM 2.0 allows a set, the OB 3.0 schema wants one object) fails the compiled
    validators, so the general path takes the detailed jsonschema pass (about 4 ms),
    which finds exactly one thing: the set is not an object. The schema judges
    ``credentialStatus`` apart from its siblings and its ``CredentialStatus`` only
    constrains objects, so when the credential with the first entry in the set's place
    passes without a finding and each further entry passes on its own
    (``shared.ob.schema.status_entries_pass``), the set form's findings are that one
    finding, whatever the entries hold. It is taken from the general path itself (the
    first time, per kind), never written here. Anything else (VCDM 1.1, a declared
    schema of another kind, an entry that is not an object or has a finding, a view
    with any finding) takes the general path.
    """
    fast = _status_set_findings(credential)
    return list(fast) if fast is not None else validate_credential_schema(credential)


_STATUS_SET_FINDINGS: dict[str, tuple[SchemaIssue, ...]] = {}
_STATUS_SET_LOCK = threading.Lock()


def _status_set_findings(credential: dict[str, Any]) -> tuple[SchemaIssue, ...] | None:
    status = credential.get("credentialStatus")
    if not isinstance(status, list) or not status or not is_vcdm2(credential):
        return None
    kind: SchemaKind = (
        "endorsement" if credential_kind(credential) == "endorsement" else "achievement"
    )
    declared = credential.get("credentialSchema")
    if declared is not None:
        ids = _schema_ids()
        for entry in as_list(declared):
            named = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(named, str) or ids.get(named) != kind:
                return None
    if not all(isinstance(entry, dict) for entry in status):
        return None
    if validate_credential_schema({**credential, "credentialStatus": status[0]}, memo=False):
        return None
    if not status_entries_pass(kind, status[1:]):
        return None
    with _STATUS_SET_LOCK:
        known = _STATUS_SET_FINDINGS.get(kind)
    if known is not None:
        return known
    general = tuple(validate_credential_schema(credential, memo=False))
    if not general or any(issue.path != "$.credentialStatus" for issue in general):
        return general  # not the expected shape: answer it, keep nothing
    with _STATUS_SET_LOCK:
        _STATUS_SET_FINDINGS[kind] = general
    return general


@functools.cache
def _schema_ids() -> dict[str, str]:
    return dict(schema_ids())


def _schema(credential: dict[str, Any], result: VerificationResult) -> None:
    """The OB 3.0 JSON Schema's findings: notes for people, never a failed badge.

    The schema is stricter than the signature and the data model (it is a profile of
    what issuers should write), so its findings are warnings: the badge's meaning is
    judged by the other checks. Two ``credentialStatus`` entries (the issuer's
    revocation and suspension lists, allowed by VCDM 2.0) are one information line,
    not a schema finding, and no "follows the schema" line contradicts it.
    """
    found = schema_findings(credential)
    allowed = [p for p in found if p.is_error and vcdm_allows(p, credential)]
    problems = [p for p in found if p.is_error and p not in allowed]
    for warning in found:
        if not warning.is_error:
            result.add(warning.to_check(CheckName.schema))
    if problems:
        result.add(
            Check.warned(
                CheckName.schema,
                ErrorCode.schema_invalid,
                "The credential does not follow the Open Badges 3.0 schema in some details.",
                [{"path": p.path, "message": p.message} for p in problems[:20]],
            )
        )
    if allowed and revocation_and_suspension(credential):
        result.add(
            Check(
                str(CheckName.schema),
                True,
                str(ErrorCode.two_status_lists),
                # for whoever reads the checks as they are; people read the sentence
                _TWO_LISTS,
                Severity.info,
                {"path": "$.credentialStatus"},
            )
        )
    elif allowed:
        result.add(
            Check.warned(
                CheckName.schema,
                ErrorCode.schema_invalid,
                "Its status entries are a list; the Open Badges 3.0 schema expects one entry.",
                [{"path": p.path, "message": p.message} for p in allowed[:20]],
            )
        )
    elif not problems:
        result.add(
            Check.passed(CheckName.schema, "The credential follows the Open Badges 3.0 schema.")
        )


def revocation_and_suspension(credential: Mapping[str, Any]) -> bool:
    """Exactly two status list entries: one for revocation, one for suspension."""
    entries = credential.get("credentialStatus")
    if not isinstance(entries, list) or len(entries) != 2:
        return False
    purposes = sorted(str(e.get("statusPurpose")) for e in entries if isinstance(e, dict))
    lists = {e.get("statusListCredential") for e in entries if isinstance(e, dict)}
    return purposes == ["revocation", "suspension"] and all(isinstance(u, str) for u in lists)


def _basic_vc_problem(credential: Mapping[str, Any]) -> str | None:
    """The shape every Verifiable Credential has, whatever its kind."""
    if not isinstance(credential.get("@context"), list | str):
        return "It has no JSON-LD @context, so it is not a Verifiable Credential."
    if VERIFIABLE_CREDENTIAL not in types_of(credential):
        return "Its type does not include VerifiableCredential."
    if issuer_id(credential) is None:
        return "It does not say who issued it."
    if not isinstance(credential.get("credentialSubject"), dict | list):
        return "It has no credentialSubject."
    return None


def _proof(
    document: dict[str, Any],
    resolver: Resolver,
    result: VerificationResult,
    allow_fragment_keys: bool,
    purpose: ProofPurpose = ASSERTION,
    *,
    confirm_base_proofs: bool = False,
) -> list[ProofResult]:
    """Adds the proof checks; returns the proofs that verified."""
    checks, good = check_proofs(
        document,
        resolver,
        purpose,
        allow_fragment_keys=allow_fragment_keys,
        confirm_base_proofs=confirm_base_proofs,
    )
    for check in checks:
        result.add(check)
    return good


def _issuer(credential: dict[str, Any], good: list[Any], result: VerificationResult) -> bool:
    """The issuer check; True when a key the issuer's own identifier names (its DID
    document, or the key document at its URL) signed the badge."""
    if not good:
        return False
    issuer = issuer_id(credential)
    wrong = [o for o in good if o.controller != issuer]
    if wrong:
        result.add(
            Check.failed(
                CheckName.issuer,
                ErrorCode.issuer_mismatch,
                plain(ErrorCode.issuer_mismatch),
                {"issuer": issuer, "signer": wrong[0].controller},
            )
        )
        return False
    if any(o.key_unconfirmed for o in good):
        result.add(
            Check.warned(
                CheckName.issuer,
                ErrorCode.issuer_key_unconfirmed,
                plain(ErrorCode.issuer_key_unconfirmed),
                {"issuer": issuer},
            )
        )
        return False
    result.add(
        Check.passed(CheckName.issuer, "It was signed by the issuer it names.", {"issuer": issuer})
    )
    return True


@dataclass(frozen=True)
class _Bound:
    """A validity bound: its keys (VCDM 2.0, then 1.1), its check, and its sentences."""

    keys: tuple[str, str]
    name: CheckName
    code: ErrorCode
    crossed: str
    fine: str
    is_start: bool

    def crossed_at(self, moment: datetime, now: datetime, skew: timedelta) -> bool:
        return moment > now + skew if self.is_start else moment < now - skew


_BOUNDS = (
    _Bound(
        ("validFrom", "issuanceDate"),
        CheckName.valid_from,
        ErrorCode.not_yet_valid,
        "It is not valid yet (valid from {}).",
        "It has started to be valid.",
        is_start=True,
    ),
    _Bound(
        ("validUntil", "expirationDate"),
        CheckName.valid_until,
        ErrorCode.expired,
        "It expired on {}.",
        "It has not expired.",
        is_start=False,
    ),
)


def _dates(
    credential: dict[str, Any], now: datetime, skew: timedelta, result: VerificationResult
) -> None:
    """One check per validity bound the credential states; an unreadable date fails."""
    for bound in _BOUNDS:
        key = bound.keys[0] if bound.keys[0] in credential else bound.keys[1]
        if key not in credential:
            continue
        moment = read_datetime(credential[key])
        if moment is None:
            message = f"'{key}' is not a date with a time zone."
            result.add(Check.failed(bound.name, ErrorCode.malformed_credential, message))
        elif bound.crossed_at(moment, now, skew):
            message = bound.crossed.format(format_datetime(moment))
            result.add(Check.failed(bound.name, bound.code, message, {key: credential[key]}))
        else:
            result.add(Check.passed(bound.name, bound.fine))


def _trust(
    credential: dict[str, Any],
    trusted: Mapping[str, str] | None,
    result: VerificationResult,
    *,
    url_proven: bool = False,
) -> None:
    """The trust check: is the badge's issuer on the list of known issuers?

    The list is looked up with the issuer's id exactly as written (no normalisation:
    see ``verifier.service.trust``). A DID is looked up as it is. An issuer named by
    an https URL is known only when ``url_proven``: the Data Integrity proof's key was
    read from the key document at exactly that URL (``shared.key_documents``). Any
    other tie to an https issuer is looser: a key written in the badge itself
    (``issuer_key_unconfirmed``), a VC-JWT key anywhere on the issuer's host, an Open
    Badges 2.0 badge checked by the site it is on; on a shared badge platform
    (``https://badges.example.nl/issuers/7``) another issuer passes those too, so the
    list's name would vouch for a badge someone else made.
    """
    if trusted is None:
        return
    issuer = issuer_id(credential)
    known = issuer is not None and (issuer.startswith("did:") or url_proven)
    name = trusted.get(issuer) if known and issuer is not None else None
    if name is not None:
        result.summary.setdefault("issuer", {})["trustedName"] = name
        result.add(Check.passed(CheckName.trust, f"The issuer is known: {name}."))
    else:
        result.add(
            Check.warned(
                CheckName.trust,
                ErrorCode.unknown_issuer,
                plain(ErrorCode.unknown_issuer),
            )
        )
