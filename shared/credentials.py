"""Recipes: issue, present and verify credentials (the safe, high-level API).

Verification runs the checks in a fixed order (structure and schema, proof, issuer,
dates, status, trust; then holder, challenge and domain for presentations) and
never raises for a bad document: it returns a ``VerificationResult``. Status is
only looked up once the proof holds, so a forged credential costs no fetch.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from shared.did import Resolver, StaticResolver
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.keys import SigningKey
from shared.ob.schema import check_structure, validate_credential_schema
from shared.plain_terms import plain_term_problems
from shared.proof import create_proof, proofs_of, verify_proofs
from shared.proof.create import xsd_datetime
from shared.status_cache import StatusFetcher
from shared.status_list import check_status
from shared.verification import Check, CheckName, VerificationResult

__all__ = [
    "StatusFetcher",
    "create_presentation",
    "issue_credential",
    "issuer_id",
    "issuer_name",
    "parse_datetime",
    "subject_ids",
    "summarize",
    "types_of",
    "verify_credential",
    "verify_presentation",
]

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
STATUS_LIST_TYPES = frozenset({"BitstringStatusListCredential", "StatusList2021Credential"})
DEFAULT_SKEW = timedelta(minutes=5)
_LIST_DATE_CHECKS = frozenset({CheckName.valid_from, CheckName.valid_until})
# DCC publishes 100,000-bit lists, below the W3C minimum; verifiers accept them.
DEFAULT_MIN_STATUS_ENTRIES = 100_000


# ---------------------------------------------------------------- issuing


def issue_credential(
    credential: dict[str, Any],
    key: SigningKey,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
) -> dict[str, Any]:
    """Sign a credential as its issuer (``assertionMethod``).

    Refuses a credential whose issuer is not the key's DID: a signature by
    someone else would never verify as the issuer's.
    """
    if not isinstance(credential, dict):
        raise TypeError("credential must be a dict")
    issuer = issuer_id(credential)
    if issuer != key.did:
        raise InvalidInput(
            "the credential's issuer is not the signing key's DID",
            code=ErrorCode.issuer_mismatch,
            detail={"issuer": issuer, "key": key.did},
        )
    secured = create_proof(
        credential,
        key,
        created=created or datetime.now(UTC),
        cryptosuite=cryptosuite,
        proof_purpose="assertionMethod",
    )
    if OB_TYPES.intersection(types_of(secured)) and isinstance(secured["proof"], dict):
        # The OB 3.0 JSON Schema (plain JSON form) wants proof as an array.
        secured["proof"] = [secured["proof"]]
    return secured


def create_presentation(
    credentials: list[dict[str, Any]],
    holder: SigningKey,
    *,
    challenge: str | None,
    domain: str | None,
    created: datetime | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
) -> dict[str, Any]:
    """A VerifiablePresentation of exactly ``credentials``, signed by the holder.

    ``challenge``/``domain`` bind it to one verifier request; None makes an
    unbound presentation (for a file or e-mail), which verifiers can tell apart.
    """
    if not isinstance(credentials, list) or not all(isinstance(c, dict) for c in credentials):
        raise TypeError("credentials must be a list of dicts")
    presentation: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": list(credentials),
    }
    return create_proof(
        presentation,
        holder,
        created=created or datetime.now(UTC),
        cryptosuite=cryptosuite,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
    )


# ---------------------------------------------------------------- helpers


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        value = issuer.get("id")
        return value if isinstance(value, str) else None
    return issuer if isinstance(issuer, str) else None


def issuer_name(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict) and isinstance(issuer.get("name"), str):
        return str(issuer["name"])
    return None


def subject_ids(credential: Mapping[str, Any]) -> list[str | None]:
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return [
        s.get("id") if isinstance(s, dict) and isinstance(s.get("id"), str) else None for s in items
    ]


def types_of(document: Mapping[str, Any]) -> list[str]:
    value = document.get("type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


def parse_datetime(value: Any) -> datetime | None:
    """An XML Schema dateTime with a timezone, or None if it is not one."""
    if not isinstance(value, str) or len(value) < 20:
        return None
    text = value.replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def summarize(credential: Mapping[str, Any]) -> dict[str, Any]:
    """What an employer wants to read first: who, what, when."""
    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    achievement = first.get("achievement") if isinstance(first, dict) else None
    ach: dict[str, Any] = {}
    if isinstance(achievement, dict):
        for key in ("id", "name", "description", "achievementType"):
            if key in achievement:
                ach[key] = achievement[key]
        criteria = achievement.get("criteria")
        if isinstance(criteria, dict) and isinstance(criteria.get("narrative"), str):
            ach["criteria"] = criteria["narrative"]
    return {
        "id": credential.get("id"),
        "type": types_of(credential),
        "name": credential.get("name"),
        "issuer": {"id": issuer_id(credential), "name": issuer_name(credential)},
        "subject": first.get("id") if isinstance(first, dict) else None,
        "achievement": ach or None,
        "validFrom": credential.get("validFrom") or credential.get("issuanceDate"),
        "validUntil": credential.get("validUntil") or credential.get("expirationDate"),
    }


# ---------------------------------------------------------------- verifying


def verify_credential(
    credential: Any,
    *,
    resolver: Resolver | None = None,
    status_fetcher: StatusFetcher | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    check_schema: bool = True,
    trusted_issuers: Mapping[str, str] | None = None,
    min_status_entries: int = DEFAULT_MIN_STATUS_ENTRIES,
    allow_fragment_keys: bool = True,
) -> VerificationResult:
    """Check one credential; see the module docstring for the order of checks.

    Options: ``resolver`` (DIDs; did:key works without one), ``status_fetcher``
    (status list credentials by URL; without one, a credential that carries
    ``credentialStatus`` is "status unknown"), ``now`` (the clock), ``skew``
    (tolerance for clocks), ``trusted_issuers`` (DID -> display name; unknown
    issuers get a warning, not a failure).
    """
    moment = now or datetime.now(UTC)
    res = resolver or StaticResolver()
    result = VerificationResult("credential")
    if not isinstance(credential, dict):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_credential,
                "This is not a credential (expected a JSON object).",
            )
        )
        return result
    result.summary = summarize(credential)
    if not _structure(credential, result, check_schema):
        return result
    ok_proofs = _proof(credential, res, result, allow_fragment_keys)
    _issuer(credential, ok_proofs, result)
    _dates(credential, moment, skew, result)
    if ok_proofs:
        _status(credential, res, status_fetcher, moment, min_status_entries, result, skew)
    _trust(credential, trusted_issuers, result)
    return result


def _structure(credential: dict[str, Any], result: VerificationResult, schema: bool) -> bool:
    """Structure first: later checks need a sane shape. Returns False to stop."""
    basic = _basic_vc_problem(credential)
    if basic is not None:
        result.add(Check.failed(CheckName.structure, ErrorCode.malformed_credential, basic))
        return False
    hidden = plain_term_problems(credential)
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
        "EndorsementCredential" in types_of(credential)
    )
    issues = check_structure(credential) if is_ob else []
    errors = [i for i in issues if i.severity == "error"]
    for issue in issues:
        if issue.severity != "error":
            result.add(
                Check.warned(CheckName.structure, issue.code, issue.message, {"path": issue.path})
            )
    if errors:
        for issue in errors:
            result.add(
                Check.failed(
                    CheckName.structure, ErrorCode(issue.code), issue.message, {"path": issue.path}
                )
            )
        return False
    result.add(Check.passed(CheckName.structure, "The credential is well-formed."))
    if schema and is_ob:
        found = validate_credential_schema(credential)
        problems = [p for p in found if p.severity == "error" and not _tolerated(p, credential)]
        for warning in (p for p in found if p not in problems):
            result.add(
                Check.warned(
                    CheckName.schema, warning.code, warning.message, {"path": warning.path}
                )
            )
        if problems:
            result.add(
                Check.failed(
                    CheckName.schema,
                    ErrorCode.schema_invalid,
                    "The credential does not follow the Open Badges 3.0 schema.",
                    [{"path": p.path, "message": p.message} for p in problems[:20]],
                )
            )
        else:
            result.add(
                Check.passed(CheckName.schema, "The credential follows the Open Badges 3.0 schema.")
            )
    return True


def _tolerated(issue: Any, credential: Mapping[str, Any]) -> bool:
    """Schema findings VCDM 2.0 allows and the OB 3.0 schema does not: warn only.

    The OB schema wants one ``credentialStatus`` object; VCDM 2.0 allows a set, and
    an issuer offering both revocation and suspension needs two entries.
    """
    return issue.path == "$.credentialStatus" and isinstance(
        credential.get("credentialStatus"), list
    )


def _basic_vc_problem(credential: Mapping[str, Any]) -> str | None:
    """The shape every Verifiable Credential has, whatever its kind."""
    if not isinstance(credential.get("@context"), list | str):
        return "It has no JSON-LD @context, so it is not a Verifiable Credential."
    if "VerifiableCredential" not in types_of(credential):
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
    *,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    name: CheckName = CheckName.proof,
) -> list[Any]:
    """Proof check; returns the proofs that verified (a proof set needs >= 1, none bad)."""
    if not proofs_of(document):
        result.add(Check.failed(name, ErrorCode.proof_missing, "There is no signature on it."))
        return []
    outcomes = verify_proofs(
        document,
        resolver,
        expected_purpose=purpose,
        challenge=challenge,
        domain=domain,
        allow_fragment_keys=allow_fragment_keys,
    )
    good = [o for o in outcomes if o.ok]
    unsupported = [o for o in outcomes if o.code == ErrorCode.unsupported_cryptosuite]
    bad = [o for o in outcomes if not o.ok and o.code != ErrorCode.unsupported_cryptosuite]
    detail = [o.to_dict() for o in outcomes]
    if bad:
        first = bad[0]
        code = first.code or ErrorCode.proof_invalid
        result.add(Check.failed(name, code, _proof_sentence(code, first.message), detail))
        return []
    if not good:
        result.add(
            Check.failed(
                name,
                ErrorCode.unsupported_cryptosuite,
                "It is signed with a method Rugzak cannot check.",
                detail,
            )
        )
        return []
    suites = ", ".join(sorted({o.cryptosuite or o.type or "?" for o in good}))
    result.add(Check.passed(name, f"The signature is genuine ({suites}).", detail))
    if unsupported:
        result.add(
            Check.warned(
                name,
                ErrorCode.unsupported_cryptosuite,
                "One extra signature uses a method Rugzak cannot check.",
                detail,
            )
        )
    return good


def _proof_sentence(code: ErrorCode, fallback: str) -> str:
    sentences = {
        ErrorCode.proof_invalid: "The signature does not match: it was changed after signing.",
        ErrorCode.proof_purpose_mismatch: "The signature was made for another purpose.",
        ErrorCode.verification_method_not_found: "The signing key could not be found.",
        ErrorCode.did_not_found: "The signer's DID could not be resolved.",
        ErrorCode.challenge_mismatch: "It answers another request (the challenge differs).",
        ErrorCode.domain_mismatch: "It was made for another verifier (the domain differs).",
        ErrorCode.unknown_context: "It uses a vocabulary (JSON-LD context) Rugzak does not hold.",
        ErrorCode.undefined_term: "It contains terms no vocabulary defines.",
    }
    return sentences.get(code, fallback)


def _issuer(credential: dict[str, Any], good: list[Any], result: VerificationResult) -> None:
    if not good:
        return
    issuer = issuer_id(credential)
    wrong = [o for o in good if o.controller != issuer]
    if wrong:
        result.add(
            Check.failed(
                CheckName.issuer,
                ErrorCode.issuer_mismatch,
                "It was signed by someone other than the issuer it names.",
                {"issuer": issuer, "signer": wrong[0].controller},
            )
        )
    elif any(o.key_unconfirmed for o in good):
        result.add(
            Check.warned(
                CheckName.issuer,
                ErrorCode.issuer_key_unconfirmed,
                "The issuer's key is written in the credential itself and could not be confirmed.",
                {"issuer": issuer},
            )
        )
    else:
        result.add(
            Check.passed(
                CheckName.issuer, "It was signed by the issuer it names.", {"issuer": issuer}
            )
        )


def _dates(
    credential: dict[str, Any], now: datetime, skew: timedelta, result: VerificationResult
) -> None:
    start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_key = "validUntil" if "validUntil" in credential else "expirationDate"
    if start_key in credential:
        start = parse_datetime(credential[start_key])
        if start is None:
            result.add(
                Check.failed(
                    CheckName.valid_from,
                    ErrorCode.malformed_credential,
                    f"'{start_key}' is not a date with a time zone.",
                )
            )
        elif start > now + skew:
            result.add(
                Check.failed(
                    CheckName.valid_from,
                    ErrorCode.not_yet_valid,
                    f"It is not valid yet (valid from {xsd_datetime(start)}).",
                    {start_key: credential[start_key]},
                )
            )
        else:
            result.add(Check.passed(CheckName.valid_from, "It has started to be valid."))
    if end_key in credential:
        end = parse_datetime(credential[end_key])
        if end is None:
            result.add(
                Check.failed(
                    CheckName.valid_until,
                    ErrorCode.malformed_credential,
                    f"'{end_key}' is not a date with a time zone.",
                )
            )
        elif end < now - skew:
            result.add(
                Check.failed(
                    CheckName.valid_until,
                    ErrorCode.expired,
                    f"It expired on {xsd_datetime(end)}.",
                    {end_key: credential[end_key]},
                )
            )
        else:
            result.add(Check.passed(CheckName.valid_until, "It has not expired."))


def _status(
    credential: dict[str, Any],
    resolver: Resolver,
    fetcher: StatusFetcher | None,
    now: datetime,
    min_entries: int,
    result: VerificationResult,
    skew: timedelta = DEFAULT_SKEW,
) -> None:
    entries = credential.get("credentialStatus")
    if entries is None:
        return
    items = entries if isinstance(entries, list) else [entries]
    for entry in items:
        url = entry.get("statusListCredential") if isinstance(entry, dict) else None
        purpose = entry.get("statusPurpose") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            result.add(
                Check.undecided(
                    CheckName.status,
                    ErrorCode.status_unknown,
                    "Its status entry is not one Rugzak can read.",
                    {"entry": entry},
                )
            )
            continue
        if fetcher is None:
            result.add(
                Check.undecided(
                    CheckName.status,
                    ErrorCode.status_unknown,
                    "Its status (revoked or not) could not be checked.",
                    {"statusListCredential": url, "purpose": purpose},
                )
            )
            continue
        try:
            list_credential = fetcher.fetch(url)
        except RugzakError as exc:
            result.add(
                Check.undecided(
                    CheckName.status,
                    ErrorCode.status_unknown,
                    "The issuer's status list could not be obtained.",
                    {"statusListCredential": url, "error": exc.to_dict()},
                )
            )
            continue
        list_errors = _status_list_errors(list_credential, resolver, now)
        if list_errors:
            result.add(
                Check.undecided(
                    CheckName.status,
                    ErrorCode.status_list_invalid,
                    "The issuer's status list is not genuine, so the status is unknown.",
                    {"statusListCredential": url, "codes": list(list_errors)},
                )
            )
            continue
        outcome = check_status(entry, list_credential, now=now, min_entries=min_entries, skew=skew)
        detail = {
            "statusListCredential": url,
            "purpose": outcome.purpose,
            "index": outcome.index,
            "value": outcome.value,
        }
        if outcome.ok:
            result.add(Check.passed(CheckName.status, outcome.message, detail))
        elif outcome.code in (ErrorCode.revoked, ErrorCode.suspended):
            result.add(Check.failed(CheckName.status, outcome.code, outcome.message, detail))
        else:
            code = outcome.code or ErrorCode.status_unknown
            result.add(Check.undecided(CheckName.status, code, outcome.message, detail))


def _status_list_errors(
    list_credential: dict[str, Any], resolver: Resolver, now: datetime
) -> tuple[str, ...]:
    """Why a status list credential is not authentic (empty when it is).

    Its dates are left to ``check_status`` (an expired list means "status unknown").
    Lists signed with did:key are self-certifying, so their verdict is memoized: a
    verifier checks the same few lists for every credential it sees.
    """
    if _did_key_signed(list_credential):
        text = json.dumps(list_credential, sort_keys=True, separators=(",", ":"))
        return _did_key_list_errors(text)
    return _list_errors(
        verify_credential(list_credential, resolver=resolver, now=now, check_schema=False)
    )


def _did_key_signed(document: Mapping[str, Any]) -> bool:
    proofs = proofs_of(document)
    return (
        bool(proofs)
        and (issuer_id(document) or "").startswith("did:key:")
        and all(
            isinstance(p, dict) and str(p.get("verificationMethod", "")).startswith("did:key:")
            for p in proofs
        )
    )


@lru_cache(maxsize=256)
def _did_key_list_errors(text: str) -> tuple[str, ...]:
    document = json.loads(text)
    # Any instant will do: date findings are filtered out below.
    moment = parse_datetime(document.get("validFrom")) or datetime(2000, 1, 1, tzinfo=UTC)
    return _list_errors(verify_credential(document, now=moment, check_schema=False))


def _list_errors(list_result: VerificationResult) -> tuple[str, ...]:
    return tuple(e.code for e in list_result.errors if e.name not in _LIST_DATE_CHECKS)


def _trust(
    credential: dict[str, Any], trusted: Mapping[str, str] | None, result: VerificationResult
) -> None:
    if trusted is None:
        return
    issuer = issuer_id(credential)
    name = trusted.get(issuer) if issuer is not None else None
    if name is not None:
        result.summary.setdefault("issuer", {})["trustedName"] = name
        result.add(Check.passed(CheckName.trust, f"The issuer is known: {name}."))
    else:
        result.add(
            Check.warned(
                CheckName.trust,
                ErrorCode.unknown_issuer,
                "The issuer is not on your list of known issuers.",
            )
        )


def verify_presentation(
    presentation: Any,
    *,
    challenge: str | None,
    domain: str | None,
    resolver: Resolver | None = None,
    status_fetcher: StatusFetcher | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    check_schema: bool = True,
    trusted_issuers: Mapping[str, str] | None = None,
    min_status_entries: int = DEFAULT_MIN_STATUS_ENTRIES,
    allow_fragment_keys: bool = True,
) -> VerificationResult:
    """Check a presentation and every credential in it.

    With ``challenge``/``domain`` given, the holder's proof must carry exactly
    those (the verifier's request). The holder must be the subject of every
    credential and must control the key that signed the presentation.
    """
    moment = now or datetime.now(UTC)
    res = resolver or StaticResolver()
    result = VerificationResult("presentation")
    if not isinstance(presentation, dict) or "VerifiablePresentation" not in types_of(presentation):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_presentation,
                "This is not a presentation (type VerifiablePresentation).",
            )
        )
        return result
    raw = presentation.get("verifiableCredential", [])
    creds = raw if isinstance(raw, list) else [raw]
    if not creds or not all(isinstance(c, dict) for c in creds):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_presentation,
                "The presentation holds no credentials it can read.",
            )
        )
        return result
    hidden = plain_term_problems(
        {k: v for k, v in presentation.items() if k != "verifiableCredential"}
    )
    if hidden:
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.invalid_jsonld,
                "The presentation uses JSON-LD forms that could hide fields from these checks.",
                {"paths": hidden},
            )
        )
        return result
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    result.summary = {"holder": holder_id, "credentials": len(creds)}
    result.add(Check.passed(CheckName.structure, "The presentation is well-formed."))

    good = _proof(
        presentation,
        res,
        result,
        allow_fragment_keys,
        purpose="authentication",
        challenge=challenge,
        domain=domain,
    )
    if good:
        signer = good[0].controller
        if holder_id is not None and signer != holder_id:
            result.add(
                Check.failed(
                    CheckName.holder,
                    ErrorCode.holder_mismatch,
                    "The presentation was signed by someone other than its holder.",
                    {"holder": holder_id, "signer": signer},
                )
            )
        holder_id = holder_id or signer
        result.summary["challenge"] = good[0].challenge
        result.summary["domain"] = good[0].domain
        _request_binding(challenge, domain, good[0], result)

    for cred in creds:
        inner = verify_credential(
            cred,
            resolver=res,
            status_fetcher=status_fetcher,
            now=moment,
            skew=skew,
            check_schema=check_schema,
            trusted_issuers=trusted_issuers,
            min_status_entries=min_status_entries,
            allow_fragment_keys=allow_fragment_keys,
        )
        subjects = subject_ids(cred)
        if holder_id is None or holder_id not in subjects:
            inner.add(
                Check.failed(
                    CheckName.holder,
                    ErrorCode.holder_mismatch,
                    "This credential belongs to someone else than the presenter.",
                    {"holder": holder_id, "subjects": subjects},
                )
            )
        else:
            inner.add(Check.passed(CheckName.holder, "It belongs to the person presenting it."))
        result.credentials.append(inner)
    return result


def _request_binding(
    challenge: str | None, domain: str | None, proof: Any, result: VerificationResult
) -> None:
    if challenge is None:
        if proof.challenge is None:
            result.add(
                Check.warned(
                    CheckName.challenge,
                    ErrorCode.challenge_mismatch,
                    "It is not bound to a request (no challenge): it could be a copy.",
                )
            )
        else:
            result.add(
                Check.warned(
                    CheckName.challenge,
                    ErrorCode.challenge_mismatch,
                    "Its challenge was not compared with a request.",
                    {"challenge": proof.challenge},
                )
            )
    else:
        result.add(Check.passed(CheckName.challenge, "It answers this request."))
    if domain is not None:
        result.add(Check.passed(CheckName.domain, "It was made for this verifier."))
