"""Deterministic keys, badges, status lists and trust packs for the verifier tests."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shared.credentials import create_presentation, issue_credential
from shared.keys import SigningKey
from shared.status_list import (
    BitstringStatusList,
    build_status_entry,
    build_status_list_credential,
)
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
    **extra: Any,
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential with a revocation (and optional suspension) entry."""
    cred: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": f"{name}, niveau 2",
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:0a8e4b6c-1111-4c1e-9d47-3c1f1c9a1a01",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": name,
                "description": "Keeps going when things get hard.",
                "criteria": {"narrative": "Shows five behaviours of perseverance."},
            },
        },
    }
    if index is not None:
        if suspension:
            cred["credentialStatus"] = build_status_entry(
                f"{LIST_URL}/suspension", index, "suspension"
            )
        else:
            cred["credentialStatus"] = build_status_entry(
                f"{LIST_URL}/revocation", index, "revocation"
            )
    cred.update(extra)
    return cred


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
        out[url] = issue_credential(unsigned, ISSUER, created=NOW - timedelta(days=1))
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
