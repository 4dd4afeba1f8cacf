"""Deterministic keys, badges, status lists and trust packs for the verifier tests."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from shared.credentials import create_presentation, issue_credential
from shared.keys import SigningKey
from shared.status_list import BitstringStatusList, build_status_list_credential
from tests.factories import status_entry, unsigned_badge
from verifier.service.trust import TrustPack

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
DOMAIN = "https://verify.example.nl"
ISSUER = SigningKey.from_seed(b"\x11" * 32)
LEARNER = SigningKey.from_seed(b"\x22" * 32)
OTHER = SigningKey.from_seed(b"\x33" * 32)
STRANGER = SigningKey.from_seed(b"\x44" * 32)
ISSUER_NAME = "Leerhuis Utrecht"
LIST_URL = "https://issuer.example/status"
REVOKED_INDEX = 8
SUSPENDED_INDEX = 9
GOOD_INDEX = 7


def badge(
    subject: str = LEARNER.did,
    *,
    issuer: SigningKey = ISSUER,
    index: int | None = GOOD_INDEX,
    suspension: bool = False,
    name: str = "Doorzettingsvermogen",
    **options: Any,
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential with a revocation (or a suspension) entry, built by
    the production builder (``options`` go to ``tests.factories.unsigned_badge``)."""
    purpose: Literal["revocation", "suspension"] = "suspension" if suspension else "revocation"
    status = [] if index is None else [status_entry(f"{LIST_URL}/{purpose}", index, purpose)]
    return unsigned_badge(
        subject,
        issuer,
        name=name,
        credential_name=f"{name}, niveau 2",
        issuer_name=ISSUER_NAME,
        status=status,
        **options,
    )


def signed(cred: dict[str, Any], key: SigningKey = ISSUER, **kw: Any) -> dict[str, Any]:
    return issue_credential(cred, key, created=NOW - timedelta(days=1), **kw)


def status_list_credentials(
    *, revoked: frozenset[int] = frozenset({REVOKED_INDEX}), valid_from: datetime | None = None
) -> dict[str, dict[str, Any]]:
    out = {}
    for purpose, flagged in (
        ("revocation", revoked),
        ("suspension", frozenset({SUSPENDED_INDEX})),
    ):
        bits = BitstringStatusList(131_072)
        for i in flagged:
            bits.set(i, 1)
        url = f"{LIST_URL}/{purpose}"
        unsigned = build_status_list_credential(
            list_url=url,
            issuer=ISSUER.did,
            purpose=purpose,
            status_list=bits,
            valid_from=valid_from or NOW - timedelta(days=1),
        )
        # signed when it became valid: a list's age (stapling) is its proof time
        out[url] = issue_credential(unsigned, ISSUER, created=valid_from or NOW - timedelta(days=1))
    return out


def make_pack(path: Path, *, created: datetime = NOW, with_lists: bool = True) -> Path:
    pack = TrustPack(
        created=created,
        issuers={ISSUER.did: ISSUER_NAME},
        status_lists=status_list_credentials() if with_lists else {},
    )
    pack.save(path)
    return path


def present(
    credentials: list[dict[str, Any]],
    challenge: str | None,
    *,
    holder: SigningKey = LEARNER,
    domain: str | None = DOMAIN,
) -> dict[str, Any]:
    return create_presentation(
        copy.deepcopy(credentials), holder, challenge=challenge, domain=domain, created=NOW
    )


def dumps(document: Any) -> bytes:
    return json.dumps(document).encode()
