"""The unsigned status list credential an issuer signs and serves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.dates import format_datetime, to_utc
from shared.status_list.bits import MIN_ENTRIES, BitstringStatusList, _check_int
from shared.vocab import (
    BITSTRING_STATUS_LIST,
    BITSTRING_STATUS_LIST_CREDENTIAL,
    CREDENTIALS_V2,
    VERIFIABLE_CREDENTIAL,
)


def build_status_list_credential(
    *,
    list_url: str,
    issuer: str | dict[str, Any],
    purpose: str | list[str],
    status_list: BitstringStatusList,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` (VCDM 2.0) the issuer signs and serves."""
    if status_list.size < MIN_ENTRIES:
        raise ValueError(f"an issued status list holds at least {MIN_ENTRIES} entries")
    if not purpose or (isinstance(purpose, list) and not all(purpose)):
        raise ValueError("a status list needs a statusPurpose")
    if valid_until is not None and to_utc(valid_until) <= to_utc(valid_from):
        raise ValueError("valid_until must be after valid_from")
    if ttl_ms is not None:
        _check_int(ttl_ms, "ttl_ms")
        if ttl_ms < 0:
            raise ValueError("ttl_ms must not be negative")
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": BITSTRING_STATUS_LIST,
        "statusPurpose": purpose,
        "encodedList": status_list.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "id": list_url,
        "type": [VERIFIABLE_CREDENTIAL, BITSTRING_STATUS_LIST_CREDENTIAL],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = subject
    return credential
