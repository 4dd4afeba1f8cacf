"""Importing a badge whose issuer publishes its key in an https key document: the wallet
reads it through its guarded network door, as it reads did:web documents."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx

from shared.errors import ErrorCode
from shared.keys import SigningKey
from tests.factories import signed_badge
from tests.wallet.helpers import HOLDER_KEY, NOW
from wallet.config import WalletConfig
from wallet.data.cards import Status
from wallet.data.store import WalletStore
from wallet.service import WalletService

SECRET = SigningKey.from_seed(b"\x71" * 32)


def key_document(url: str) -> dict[str, Any]:
    vm = f"{url}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": url,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": url,
                "publicKeyMultibase": SECRET.public_multibase,
            }
        ],
        "assertionMethod": [vm],
    }


def badge_from(url: str) -> dict[str, Any]:
    """An OB 3.0 badge for the wallet's learner, signed with the key published at ``url``."""
    key = SECRET.with_controller(url, "key-1")
    return signed_badge(HOLDER_KEY.did, key, created=NOW - timedelta(days=1))


class Site(httpx.BaseTransport):
    def __init__(self, pages: dict[str, Any]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.asked.append(url)
        if url not in self.pages:
            return httpx.Response(404)
        return httpx.Response(200, content=json.dumps(self.pages[url]).encode())


def wallet(config: WalletConfig, store: WalletStore, site: Site) -> WalletService:
    return WalletService(replace(config, transport=site), store)


def test_a_badge_signed_with_a_published_key_is_imported_as_valid(
    config: WalletConfig, store: WalletStore
) -> None:
    url = "https://badges.leerhuis-zwolle.example/issuers/leerhuis"
    site = Site({url: key_document(url)})
    (outcome,) = wallet(config, store, site).import_document(badge_from(url))
    assert outcome.accepted, outcome.refusal
    assert outcome.card is not None
    assert outcome.card.status == Status.valid
    assert site.asked == [url]


def test_a_key_document_at_a_private_address_is_never_asked_for(
    config: WalletConfig, store: WalletStore
) -> None:
    url = "https://10.0.0.5/issuers/leerhuis"
    site = Site({url: key_document(url)})
    (outcome,) = wallet(config, store, site).import_document(badge_from(url))
    assert not outcome.accepted
    assert outcome.code == ErrorCode.fetch_refused
    assert site.asked == []


def test_a_key_document_that_names_another_url_is_refused(
    config: WalletConfig, store: WalletStore
) -> None:
    url = "https://badges.leerhuis-zwolle.example/issuers/leerhuis"
    site = Site({url: key_document("https://badges.leerhuis-zwolle.example/issuers/other")})
    (outcome,) = wallet(config, store, site).import_document(badge_from(url))
    assert not outcome.accepted
    assert outcome.code == ErrorCode.did_document_invalid
