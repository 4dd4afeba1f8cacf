"""GET /images: badge images through the verifier (SSRF rules, type and size limits,
digest, cache) and POST /names/check, through the real ASGI app."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from shared.digests import digest_multibase, digest_sri
from shared.ob.identity import hash_name
from shared.runtime.fetch import SafeFetcher
from shared.status_cache import HttpReply
from tests.verifier.conftest import MakeClient
from tests.verifier.helpers import DOMAIN, make_pack
from tests.verifier.page_badges import badge_png
from verifier.service.images import ImageProxy, sniff
from verifier.settings import Settings

PUBLIC_IP = "93.184.216.34"
PNG = badge_png()
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


class Host:
    """A mock image host: counts requests, answers by path."""

    def __init__(self) -> None:
        self.hits: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.hits.append(request.url.path)
        if request.url.path == "/badge.png":
            return httpx.Response(200, content=PNG, headers={"Content-Type": "text/html"})
        if request.url.path == "/logo.svg":
            return httpx.Response(200, content=SVG)
        if request.url.path == "/page.html":
            return httpx.Response(200, content=b"<html><script>alert(1)</script></html>")
        if request.url.path == "/huge.png":
            return httpx.Response(200, content=PNG + bytes(2 * 1024 * 1024))
        return httpx.Response(404)


@pytest.fixture
def host() -> Host:
    return Host()


@pytest.fixture
async def online(make_client: MakeClient, tmp_path: Path, host: Host) -> httpx.AsyncClient:
    fetcher = SafeFetcher(
        resolve=lambda name, port: {"img.example": [PUBLIC_IP]}.get(name, ["10.0.0.8"]),
        transport=httpx.MockTransport(host),
    )
    settings = Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp_path,
        offline=False,
        trust_pack=make_pack(tmp_path / "pack.json"),
        rate_limit_per_minute=0,
    )
    return await make_client(settings, fetcher=fetcher)


async def test_an_image_is_fetched_once_typed_by_its_bytes_and_cached(
    online: httpx.AsyncClient, host: Host
) -> None:
    url = "https://img.example/badge.png"
    for _ in range(2):
        reply = await online.get("/images", params={"url": url})
        assert reply.status_code == 200
        assert reply.content == PNG
        assert reply.headers["content-type"] == "image/png"
        assert reply.headers["x-content-type-options"] == "nosniff"
    assert host.hits == ["/badge.png"]


async def test_an_svg_is_served_sandboxed(online: httpx.AsyncClient) -> None:
    reply = await online.get("/images", params={"url": "https://img.example/logo.svg"})
    assert reply.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in reply.headers["content-security-policy"]


async def test_the_digest_in_the_badge_must_match(online: httpx.AsyncClient) -> None:
    url = "https://img.example/badge.png"
    good = await online.get("/images", params={"url": url, "sri": digest_sri(PNG)})
    assert good.status_code == 200
    good = await online.get("/images", params={"url": url, "multibase": digest_multibase(PNG)})
    assert good.status_code == 200
    bad = await online.get("/images", params={"url": url, "sri": digest_sri(b"other")})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_image"
    assert bad.json()["detail"]["reason"] == "digest_mismatch"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://img.example/page.html", "invalid_image"),
        ("https://img.example/huge.png", "payload_too_large"),
        ("https://internal.example/badge.png", "fetch_refused"),
        ("http://img.example/badge.png", "fetch_refused"),
        ("https://127.0.0.1/badge.png", "fetch_refused"),
        ("https://img.example/missing.png", "fetch_failed"),
    ],
)
async def test_what_is_not_a_public_image_is_refused(
    online: httpx.AsyncClient, url: str, code: str
) -> None:
    reply = await online.get("/images", params={"url": url})
    assert reply.status_code in (400, 413, 502)
    assert reply.json()["code"] == code


async def test_offline_the_verifier_never_fetches(client: httpx.AsyncClient) -> None:
    reply = await client.get("/images", params={"url": "https://img.example/badge.png"})
    assert reply.status_code == 404  # not a failing upstream: the image is not here
    assert reply.json()["code"] == "not_found"


def test_packed_images_and_the_cache_bound() -> None:
    fetched: list[str] = []

    def fetch(url: str, max_bytes: int) -> HttpReply:
        fetched.append(url)
        return HttpReply(200, PNG)

    proxy = ImageProxy(fetch, packed={"https://a/1.png": PNG}, max_entries=1)
    assert proxy.get("https://a/1.png").media_type == "image/png"
    for url in ("https://b/2.png", "https://b/3.png", "https://b/2.png"):
        proxy.get(url)
    assert fetched == ["https://b/2.png", "https://b/3.png", "https://b/2.png"]
    assert sniff(b"GIF89a....") == "image/gif"
    assert sniff(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"<html>") is None


@pytest.mark.parametrize(
    ("typed", "match"), [("sanne  de VRIES", True), ("Sanne de Vries-Bakker", False)]
)
async def test_the_name_check(client: httpx.AsyncClient, typed: str, match: bool) -> None:
    body = {"name": typed, "identityHash": hash_name("Sanne de Vries", "s4lt"), "salt": "s4lt"}
    reply = await client.post("/names/check", json=body)
    assert reply.status_code == 200
    assert reply.json() == {"match": match}
    plain = {"name": typed, "identityHash": "Sanne de Vries", "hashed": False}
    assert (await client.post("/names/check", json=plain)).json() == {"match": match}
    empty = await client.post("/names/check", json={"name": "", "identityHash": "x"})
    assert (empty.status_code, empty.json()["code"]) == (422, "invalid_request")
