"""The status check, and whether a status list credential is authentic (memoized).

A status list is itself a credential (signed with Data Integrity, or a VC-JWT), so
checking status needs credential verification. It is handed in, as
``VerifyOptions.status_lists`` (``verify_credential`` puts its own there), rather
than imported: this module imports neither ``verify`` nor the VC-JWT format, and
neither of them is imported back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from shared.credentials.fields import issuer_id
from shared.credentials.options import VerifyOptions
from shared.dates import format_datetime, read_datetime
from shared.errors import ErrorCode, RugzakError
from shared.messages import plain, verdict_word
from shared.proof import proofs_of
from shared.status_list import check_status
from shared.status_staple import list_time, staple_problem
from shared.strict_json import parse as parse_json
from shared.verification import Check, CheckName, Severity, VerificationResult
from shared.vocab import as_list

_LIST_DATE_CHECKS = frozenset({CheckName.valid_from, CheckName.valid_until})

VerifyList = Callable[[Any, VerifyOptions], VerificationResult]
"""Verifies a Data Integrity status list as a credential (no schema, no status of its own)."""


def check_status_entries(
    credential: dict[str, Any], opts: VerifyOptions, result: VerificationResult
) -> None:
    """One ``status`` check per ``credentialStatus`` entry (none when there is none).

    A list the presenter stapled (``opts.stapled_status``) is used when it is genuine,
    the issuer's and fresh; otherwise the verifier's own source decides, and when that
    cannot tell either, the staple's refusal is what the check says.
    """
    entries = credential.get("credentialStatus")
    if entries is None:
        return
    for entry in as_list(entries):
        url = entry.get("statusListCredential") if isinstance(entry, dict) else None
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
        own, own_list = _fetched_check(entry, url, opts)
        stapled = (opts.stapled_status or {}).get(url)
        if stapled is None or opts.status_lists is None:
            result.add(own)
            continue
        brought, brought_time = _stapled_check(credential, entry, url, stapled, opts)
        own_time = list_time(own_list) if own_list is not None else None
        result.add(_newer(own, own_time, brought, brought_time))


_DECIDED = frozenset({ErrorCode.revoked, ErrorCode.suspended, ErrorCode.status_flagged})


def _decided(check: Check) -> bool:
    return check.ok or check.code in _DECIDED


def _newer(
    own: Check, own_time: datetime | None, brought: Check, brought_time: datetime | None
) -> Check:
    """The verifier's own answer or the stapled one: the one from the newer list.

    A learner must not be able to hide a revocation the verifier already knows of by
    bringing an older "not revoked" list; nor does an old trust pack outweigh a newer
    list the learner brought. A refused staple speaks only when the verifier cannot
    tell either (its code then says why the learner's list did not count).
    """
    if not _decided(brought):
        return own if _decided(own) else brought
    if not _decided(own):
        return brought
    if own_time is not None and (brought_time is None or own_time >= brought_time):
        return own
    return brought


def _fetched_check(
    entry: dict[str, Any], url: str, opts: VerifyOptions
) -> tuple[Check, Mapping[str, Any] | None]:
    """The entry's status from the verifier's own source (network cache or trust pack),
    and the list it was read from (None when none was read): when that list was made
    (``list_time``) matters only beside a stapled list, so it is read only then."""
    purpose = entry.get("statusPurpose")
    fetcher = opts.status_fetcher
    if fetcher is None or opts.status_lists is None:
        return Check.undecided(
            CheckName.status,
            ErrorCode.status_unknown,
            plain(ErrorCode.status_unknown),
            {"statusListCredential": url, "purpose": purpose},
        ), None
    # Read only: a fetcher's shared copy spares a copy and a content hash per entry.
    fetch = getattr(fetcher, "fetch_shared", None) or fetcher.fetch
    try:
        list_credential = fetch(url)
    except RugzakError as exc:
        return Check.undecided(
            CheckName.status,
            ErrorCode.status_unknown,
            "The issuer's status list could not be obtained.",
            {"statusListCredential": url, "error": exc.to_dict()},
        ), None
    list_credential, list_errors = opts.status_lists(list_credential, opts)
    if list_errors:
        return Check.undecided(
            CheckName.status,
            ErrorCode.status_list_invalid,
            "The issuer's status list is not genuine, so the status is unknown.",
            {"statusListCredential": url, "codes": list(list_errors)},
        ), None
    outcome = check_status(
        entry, list_credential, now=opts.moment, min_entries=opts.min_status_entries, skew=opts.skew
    )
    return outcome.to_check(url), list_credential


def _stapled_check(
    credential: dict[str, Any],
    entry: dict[str, Any],
    url: str,
    stapled: dict[str, Any],
    opts: VerifyOptions,
) -> tuple[Check, datetime | None]:
    """The entry's status from a list the presenter brought (see ``shared.status_staple``),
    and when that list was made."""
    assert opts.status_lists is not None  # the caller checked
    detail: dict[str, Any] = {
        "statusListCredential": url,
        "purpose": entry.get("statusPurpose"),
        "stapled": True,
    }
    list_credential, list_errors = opts.status_lists(stapled, opts)
    if list_errors:
        return Check.undecided(
            CheckName.status,
            ErrorCode.status_list_invalid,
            "The status list the learner brought is not genuine, so the status is unknown.",
            {**detail, "codes": list(list_errors)},
        ), None
    made = list_time(list_credential)
    if made is not None:
        detail["listTime"] = format_datetime(made)
    problem = staple_problem(
        list_credential,
        url=url,
        credential_issuer=issuer_id(credential),
        list_issuer=issuer_id(list_credential),
        now=opts.moment,
        max_age=opts.staple_max_age,
        skew=opts.skew,
    )
    if problem is not None:
        code, message = problem
        return Check.undecided(CheckName.status, code, message, detail), made
    outcome = check_status(
        entry, list_credential, now=opts.moment, min_entries=opts.min_status_entries, skew=opts.skew
    )
    check = outcome.to_check(url)
    said = verdict_word("status_stapled") or ""
    message = check.message
    if made is not None and outcome.known:
        message = f"{message} {said.format(time=made.strftime('%Y-%m-%d %H:%M UTC'))}"
    return replace(check, message=message, detail={**(check.detail or {}), **detail}), made


def status_list_errors(
    list_credential: dict[str, Any], opts: VerifyOptions, verify_list: VerifyList
) -> tuple[str, ...]:
    """Why a Data Integrity status list credential is not authentic (empty when it is).

    Its dates are left to ``check_status`` (an expired list means "status unknown").
    Lists signed with did:key are self-certifying, so their verdict is memoized: a
    verifier checks the same few lists for every credential it sees.
    """
    if _did_key_signed(list_credential):
        text = json.dumps(list_credential, sort_keys=True, separators=(",", ":"))
        return _did_key_list_errors(text, verify_list)
    return list_errors(verify_list(list_credential, opts))


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
def _did_key_list_errors(text: str, verify_list: VerifyList) -> tuple[str, ...]:
    document = parse_json(text)
    # Any instant will do: date findings are filtered out. did:key needs no resolver.
    moment = read_datetime(document.get("validFrom")) or datetime(2000, 1, 1, tzinfo=UTC)
    return list_errors(verify_list(document, VerifyOptions(now=moment)))


def list_errors(list_result: VerificationResult) -> tuple[str, ...]:
    """The codes that make a status list not genuine: its dates are judged later.

    A signature that could not be checked (undecided: its signer's DID document or
    published key could not be had) is no proof of authenticity either.
    """
    return tuple(
        c.code
        for c in list_result.checks
        if not c.ok
        and c.name not in _LIST_DATE_CHECKS
        and (c.severity == Severity.error or c.name == CheckName.proof)
    )
