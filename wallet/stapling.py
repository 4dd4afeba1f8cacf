"""Stapling: the issuers' status lists the wallet fetched, carried with a presentation.

Every status check the wallet makes (on receipt, on unlock, on ``r``) fetches the
issuer's signed ``BitstringStatusListCredential``; :class:`KeepingStatusFetcher`
keeps the latest copy in the wallet file (sealed). When the learner presents, the
lists their badges name are stapled beside the presentation (``shared.status_staple``),
so a verifier with no network and no trust pack can still check status. It decides
whether a list is fresh enough; the wallet sends what it has.

Size: a list adds about 200 bytes to the compressed QR payload (sparse lists compress
well). ``StapleMode.auto`` staples only when that does not take more QR codes than
the presentation alone; the learner can choose ``always`` or ``never``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from typing import Any

from shared.formats.vcjwt import readable
from shared.status_cache import StatusFetcher
from shared.status_staple import is_status_list
from shared.vocab import as_list
from wallet.config import StapleMode
from wallet.data.store import WalletStore

__all__ = ["KeepingStatusFetcher", "StapleMode", "kept_lists", "status_urls"]


class KeepingStatusFetcher:
    """A status fetcher that keeps what it fetched in the wallet, for stapling."""

    def __init__(self, inner: StatusFetcher, store: WalletStore) -> None:
        self._inner = inner
        self._store = store
        self._kept: dict[str, str] = {}
        self._lock = threading.Lock()

    def fetch(self, url: str) -> dict[str, Any]:
        document = self._inner.fetch(url)
        if is_status_list(document) and document.get("id") == url:
            digest = hashlib.sha256(
                json.dumps(document, sort_keys=True).encode("utf-8")
            ).hexdigest()
            with self._lock:
                changed = self._kept.get(url) != digest
                self._kept[url] = digest
            if changed:  # a refresh of 1,000 badges writes each list once
                self._store.keep_status_list(url, document)
        return document


def status_urls(credential: dict[str, Any]) -> list[str]:
    """The status list URLs a credential names, in order."""
    urls: list[str] = []
    for entry in as_list(readable(credential).get("credentialStatus")):
        url = entry.get("statusListCredential") if isinstance(entry, dict) else None
        if isinstance(url, str) and url not in urls:
            urls.append(url)
    return urls


def kept_lists(store: WalletStore, credentials: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The kept status lists of ``credentials`` (each once; those never fetched are left out)."""
    found: dict[str, dict[str, Any]] = {}
    for credential in credentials:
        for url in status_urls(credential):
            if url not in found:
                kept = store.status_list(url)
                if kept is not None:
                    found[url] = kept
    return list(found.values())
