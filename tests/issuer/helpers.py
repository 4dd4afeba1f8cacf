"""Helpers for issuer tests: verify what the issuer serves, offline."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx

from issuer import publish
from issuer.service import Issuer
from shared.credentials import verify_credential
from shared.did import StaticResolver
from shared.status_cache import LocalStatusSource
from shared.verification import VerificationResult


def status_source(issuer: Issuer) -> LocalStatusSource:
    lists = {
        info["url"]: json.loads(publish.status_list(issuer, info["id"]).body)
        for info in publish.status_list_ids(issuer)
    }
    return LocalStatusSource(lists)


async def status_source_http(client: httpx.AsyncClient) -> LocalStatusSource:
    lists = {}
    for info in (await client.get("/status")).json():
        lists[info["url"]] = (await client.get(f"/status/{info['id']}")).json()
    return LocalStatusSource(lists)


def verify(
    credential: dict[str, Any],
    source: LocalStatusSource,
    now: datetime,
    resolver: StaticResolver | None = None,
) -> VerificationResult:
    return verify_credential(credential, status_fetcher=source, now=now, resolver=resolver)
