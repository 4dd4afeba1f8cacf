"""The status check, and whether a status list credential is authentic (memoized).

``verify_credential`` is imported where it is used: verifying a credential checks its
status, and a status list is itself verified as a credential.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from shared.credentials.checks import DEFAULT_SKEW
from shared.credentials.fields import issuer_id
from shared.dates import read_datetime
from shared.did import Resolver
from shared.errors import ErrorCode, RugzakError
from shared.proof import proofs_of
from shared.status_cache import StatusFetcher
from shared.status_list import check_status
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import DCC_MIN_STATUS_ENTRIES, as_list

_LIST_DATE_CHECKS = frozenset({CheckName.valid_from, CheckName.valid_until})
DEFAULT_MIN_STATUS_ENTRIES = DCC_MIN_STATUS_ENTRIES


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
    for entry in as_list(entries):
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
        list_credential, list_errors = _authentic_list(list_credential, resolver, now)
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


def _authentic_list(
    list_credential: dict[str, Any], resolver: Resolver, now: datetime
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The list credential to read and why it is not authentic (empty when it is).

    A list published as a JWT arrives from the fetcher as an enveloped credential;
    its JWT is verified and its payload is the list.
    """
    from shared.formats.vcjwt import enveloped_token, open_status_list_jwt  # cycle, as below

    token = enveloped_token(list_credential)
    if token is not None:
        return open_status_list_jwt(token, resolver, now)
    return list_credential, _status_list_errors(list_credential, resolver, now)


def _status_list_errors(
    list_credential: dict[str, Any], resolver: Resolver, now: datetime
) -> tuple[str, ...]:
    """Why a status list credential is not authentic (empty when it is).

    Its dates are left to ``check_status`` (an expired list means "status unknown").
    Lists signed with did:key are self-certifying, so their verdict is memoized: a
    verifier checks the same few lists for every credential it sees.
    """
    from shared.credentials.verify import verify_credential  # import cycle: verify uses _status

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
    from shared.credentials.verify import verify_credential  # import cycle: verify uses _status

    document = json.loads(text)
    # Any instant will do: date findings are filtered out below.
    moment = read_datetime(document.get("validFrom")) or datetime(2000, 1, 1, tzinfo=UTC)
    return _list_errors(verify_credential(document, now=moment, check_schema=False))


def _list_errors(list_result: VerificationResult) -> tuple[str, ...]:
    return tuple(e.code for e in list_result.errors if e.name not in _LIST_DATE_CHECKS)
