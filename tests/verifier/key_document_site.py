"""An issuer whose keys are in an https key document (W3C Controlled Identifiers),
its site in memory, and a badge it signed: shared by the verifier's key document and
https issuer tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.runtime.fetch import SafeFetcher
from tests.verifier.helpers import DOMAIN, ISSUER, badge, signed
from tests.verifier.test_net import PUBLIC_IP
from verifier.settings import Settings

HOST = "badges.leerhuis-utrecht.example"
DOC_URL = f"https://{HOST}/issuers/leerhuis"
KEY = ISSUER.with_controller(DOC_URL, "key-1")


def key_document() -> dict[str, Any]:
    vm = f"{DOC_URL}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": DOC_URL,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": DOC_URL,
                "publicKeyMultibase": ISSUER.public_multibase,
            }
        ],
        "assertionMethod": [vm],
    }


def key_site(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/issuers/leerhuis":
        return httpx.Response(200, content=json.dumps(key_document()).encode())
    return httpx.Response(404)


def credential() -> dict[str, Any]:
    """An OB 3.0 badge by the production builder, signed with the published key."""
    return signed(badge(issuer=KEY, index=None), KEY)


def offline_settings(tmp_path: Path, pack: Path | None) -> Settings:
    return Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp_path / "verifier",
        offline=True,
        trust_pack=pack,
        rate_limit_per_minute=0,
    )


def serve_key_site(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Let 'pack build' reach the key document's host (a public address) in memory;
    returns the requests it makes."""
    asked: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return key_site(request)

    def fetcher(**kw: Any) -> SafeFetcher:
        kw.pop("allow_private", None)
        return SafeFetcher(
            resolve=lambda name, port: [PUBLIC_IP], transport=httpx.MockTransport(handler), **kw
        )

    monkeypatch.setattr("shared.runtime.fetch.SafeFetcher", fetcher)
    return asked
