"""Verifying credentials and presentations; the order of checks is in the package docstring."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.credentials.checks import (
    DEFAULT_SKEW,
    _dates,
    _issuer,
    _proof,
    _request_binding,
    _structure,
    _trust,
)
from shared.credentials.fields import subject_ids, summarize, types_of
from shared.credentials.status import DEFAULT_MIN_STATUS_ENTRIES, _status
from shared.did import Resolver, StaticResolver
from shared.errors import ErrorCode
from shared.plain_terms import plain_term_problems
from shared.status_cache import StatusFetcher
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import VERIFIABLE_PRESENTATION, as_list


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
    from shared.formats.vcjwt import enveloped_token, verify_vc_jwt  # it builds on this module

    token = enveloped_token(credential)
    if token is not None:  # a VC-JWT carried as a JSON object (VCDM 2.0 "enveloped")
        return verify_vc_jwt(
            token,
            resolver=res,
            status_fetcher=status_fetcher,
            now=moment,
            skew=skew,
            check_schema=check_schema,
            trusted_issuers=trusted_issuers,
            min_status_entries=min_status_entries,
        )
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
    if not isinstance(presentation, dict) or VERIFIABLE_PRESENTATION not in types_of(presentation):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_presentation,
                "This is not a presentation (type VerifiablePresentation).",
            )
        )
        return result
    raw = presentation.get("verifiableCredential", [])
    creds = as_list(raw)
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

    from shared.formats.vcjwt import readable  # it builds on this module

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
        subjects = subject_ids(readable(cred))
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
