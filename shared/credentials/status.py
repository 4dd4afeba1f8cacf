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
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from shared.credentials.fields import issuer_id
from shared.credentials.options import VerifyOptions
from shared.dates import read_datetime
from shared.errors import ErrorCode, RugzakError
from shared.messages import plain
from shared.proof import proofs_of
from shared.status_list import check_status
from shared.strict_json import parse as parse_json
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import as_list

_LIST_DATE_CHECKS = frozenset({CheckName.valid_from, CheckName.valid_until})

VerifyList = Callable[[Any, VerifyOptions], VerificationResult]
"""Verifies a Data Integrity status list as a credential (no schema, no status of its own)."""


def check_status_entries(
    credential: dict[str, Any], opts: VerifyOptions, result: VerificationResult
) -> None:
    """One ``status`` check per ``credentialStatus`` entry (none when there is none)."""
    entries = credential.get("credentialStatus")
    if entries is None:
        return
    fetcher = opts.status_fetcher
    now = opts.moment
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
        if fetcher is None or opts.status_lists is None:
            result.add(
                Check.undecided(
                    CheckName.status,
                    ErrorCode.status_unknown,
                    plain(ErrorCode.status_unknown),
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
        list_credential, list_errors = opts.status_lists(list_credential, opts)
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
        outcome = check_status(
            entry, list_credential, now=now, min_entries=opts.min_status_entries, skew=opts.skew
        )
        result.add(outcome.to_check(url))


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
    """The codes that make a status list not genuine: its dates are judged later."""
    return tuple(e.code for e in list_result.errors if e.name not in _LIST_DATE_CHECKS)
