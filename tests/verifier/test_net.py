"""Outgoing fetches: SSRF refusals, pinned addresses, size and time limits, and the app's
status lookups over (mocked) HTTPS with cache and "status unknown"."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.runtime.fetch import SafeFetcher
from tests.verifier.conftest import Clock, MakeClient
from tests.verifier.helpers import (
    DOMAIN,
    LIST_URL,
    REVOKED_INDEX,
    badge,
    make_pack,
    present,
    signed,
    status_list_credentials,
)
from verifier.settings import Settings

PUBLIC_IP = "93.184.215.14"


def resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


class Recorder:
    """A mock HTTPS server: records requests, answers from a handler."""

    def __init__(self, handler) -> None:  # type: ignore[no-untyped-def]
        self.requests: list[httpx.Request] = []
        self.handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)  # type: ignore[no-any-return]


def fetcher_for(
    handler, table: dict[str, list[str]] | None = None, **kw
) -> tuple[SafeFetcher, Recorder]:  # type: ignore[no-untyped-def]
    recorder = Recorder(handler)
    fetcher = SafeFetcher(
        resolve=resolver(table or {"issuer.example": [PUBLIC_IP]}),
        transport=httpx.MockTransport(recorder),
        **kw,
    )
    return fetcher, recorder


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example/status",  # not https
        "https://127.0.0.1/status",
        "https://10.1.2.3/status",
        "https://[::1]/status",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/status",
        "https://user@issuer.example/status",
        "https://0x7f.1/status",
        "ftp://issuer.example/x",
    ],
)
def test_private_and_odd_urls_are_refused(url: str) -> None:
    fetcher, recorder = fetcher_for(lambda r: httpx.Response(200, content=b"{}"))
    with pytest.raises(ResolutionFailed) as info:
        fetcher.get(url, max_bytes=1000)
    assert info.value.code is ErrorCode.fetch_refused
    assert recorder.requests == []


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "192.168.1.10", "::1", "fd00::1", "::ffff:10.0.0.1"]
)
def test_names_resolving_to_private_addresses_are_refused(address: str) -> None:
    fetcher, recorder = fetcher_for(
        lambda r: httpx.Response(200), {"issuer.example": [PUBLIC_IP, address]}
    )
    with pytest.raises(ResolutionFailed) as info:
        fetcher.get("https://issuer.example/status/1", max_bytes=1000)
    assert info.value.code is ErrorCode.fetch_refused
    assert recorder.requests == []


def test_connects_to_the_checked_address_with_the_host_name() -> None:
    fetcher, recorder = fetcher_for(lambda r: httpx.Response(200, content=b'{"a": 1}'))
    reply = fetcher.get("https://issuer.example/status/1?x=1", max_bytes=1000, etag='"v1"')
    assert reply.status == 200
    assert reply.body == b'{"a": 1}'
    (request,) = recorder.requests
    assert request.url.host == PUBLIC_IP
    assert request.url.path == "/status/1"
    assert request.headers["host"] == "issuer.example"
    assert request.headers["if-none-match"] == '"v1"'
    assert request.extensions["sni_hostname"] == "issuer.example"


def test_development_mode_allows_loopback_http() -> None:
    fetcher, recorder = fetcher_for(
        lambda r: httpx.Response(200, content=b"{}"),
        {"localhost": ["127.0.0.1"]},
        allow_private=True,
    )
    assert fetcher.get("http://localhost:8001/status/1", max_bytes=100).status == 200
    assert recorder.requests[0].headers["host"] == "localhost:8001"


def test_redirects_are_not_followed() -> None:
    fetcher, recorder = fetcher_for(
        lambda r: httpx.Response(302, headers={"location": "https://127.0.0.1/"})
    )
    assert fetcher.get("https://issuer.example/status/1", max_bytes=100).status == 302
    assert len(recorder.requests) == 1


def test_body_size_limit() -> None:
    fetcher, _ = fetcher_for(lambda r: httpx.Response(200, content=b"x" * 5000))
    with pytest.raises(InvalidInput) as info:
        fetcher.get("https://issuer.example/big", max_bytes=1000)
    assert info.value.code is ErrorCode.payload_too_large


def test_unreachable_and_unresolvable_hosts() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    fetcher, _ = fetcher_for(boom)
    with pytest.raises(ResolutionFailed) as info:
        fetcher.get("https://issuer.example/status", max_bytes=100)
    assert info.value.code is ErrorCode.fetch_failed
    with pytest.raises(ResolutionFailed):
        fetcher.get("https://nowhere.example/status", max_bytes=100)


# ------------------------------------------------------------------ the app online


def online_settings(tmp_path: Path) -> Settings:
    return Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp_path,
        offline=False,
        rate_limit_per_minute=0,
        status_ttl_seconds=60,
        status_max_age_seconds=3600,
    )


def list_server(lists: dict[str, dict], up: list[bool]):  # type: ignore[no-untyped-def]
    def handle(request: httpx.Request) -> httpx.Response:
        if not up[0]:
            raise httpx.ConnectError("down")
        url = f"https://{request.headers['host']}{request.url.path}"
        if url not in lists:
            return httpx.Response(404)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return httpx.Response(
            200, content=json.dumps(lists[url]).encode(), headers={"etag": '"v1"'}
        )

    return handle


async def test_status_over_https_with_cache_and_unknown_when_stale(
    make_client: MakeClient, tmp_path: Path, clock: Clock
) -> None:
    up = [True]
    fetcher, recorder = fetcher_for(list_server(status_list_credentials(), up))
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)

    async def check(index: int) -> dict:
        req = (await client.post("/requests")).json()
        vp = present([signed(badge(index=index))], req["challenge"])
        return dict((await client.post("/verify/presentation", json=vp)).json())

    assert (await check(7))["display"] == "green"
    revoked = await check(REVOKED_INDEX)
    assert revoked["display"] == "red"
    assert len(recorder.requests) == 1  # one fetch, then the cache
    clock.now += timedelta(minutes=2)
    assert (await check(7))["display"] == "green"
    assert recorder.requests[-1].headers["if-none-match"] == '"v1"'  # revalidated
    up[0] = False
    clock.now += timedelta(minutes=30)
    assert (await check(7))["display"] == "green"  # source down, copy younger than max-age
    clock.now += timedelta(hours=2)
    stale = await check(7)
    assert stale["verdict"] == "unknown"  # never "not revoked"
    assert stale["display"] == "amber"


async def test_private_status_url_is_status_unknown(
    make_client: MakeClient, tmp_path: Path
) -> None:
    fetcher, recorder = fetcher_for(lambda r: httpx.Response(200))
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)
    cred = badge()
    cred["credentialStatus"]["statusListCredential"] = "https://127.0.0.1/status/revocation"
    cred["credentialStatus"]["id"] = "https://127.0.0.1/status/revocation#7"
    result = (await client.post("/verify/credential", json=signed(cred))).json()
    assert result["verdict"] == "unknown"
    assert recorder.requests == []


async def test_trust_pack_backs_up_an_unreachable_source(
    make_client: MakeClient, tmp_path: Path
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down")

    fetcher, _ = fetcher_for(down)
    settings = online_settings(tmp_path).model_copy(
        update={"trust_pack": make_pack(tmp_path / "pack.json")}
    )
    client = await make_client(settings, fetcher=fetcher)
    result = (
        await client.post("/verify/credential", json=signed(badge(index=REVOKED_INDEX)))
    ).json()
    assert result["display"] == "red"
    assert f"{LIST_URL}/revocation" in json.dumps(result)


# ------------------------------------------------------------------ did:web issuers


def did_web_issuer() -> tuple[Any, dict[str, Any]]:
    from tests.verifier.helpers import ISSUER

    did = "did:web:school.example"
    key = ISSUER.with_controller(did, "key-1")
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": f"{did}#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": ISSUER.public_multibase,
            }
        ],
        "assertionMethod": [f"{did}#key-1"],
    }
    return key, document


async def test_did_web_issuer_resolved_over_https(make_client: MakeClient, tmp_path: Path) -> None:
    key, document = did_web_issuer()
    fetcher, recorder = fetcher_for(
        lambda r: httpx.Response(200, content=json.dumps(document).encode()),
        {"school.example": [PUBLIC_IP]},
    )
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)
    cred = signed(badge(issuer=key, index=None), key)
    result = (await client.post("/verify/credential", json=cred)).json()
    assert result["verdict"] == "valid", result["errors"]
    assert recorder.requests[0].url.path == "/.well-known/did.json"
    assert recorder.requests[0].headers["host"] == "school.example"


async def test_did_web_on_a_private_address_is_refused(
    make_client: MakeClient, tmp_path: Path
) -> None:
    key, document = did_web_issuer()
    fetcher, recorder = fetcher_for(
        lambda r: httpx.Response(200, content=json.dumps(document).encode()),
        {"school.example": ["10.0.0.5"]},
    )
    client = await make_client(online_settings(tmp_path), fetcher=fetcher)
    cred = signed(badge(issuer=key, index=None), key)
    result = (await client.post("/verify/credential", json=cred)).json()
    assert result["verdict"] == "invalid"
    assert recorder.requests == []


async def test_image_upload_size_limit(make_client: MakeClient, settings: Settings) -> None:
    small = settings.model_copy(update={"max_image_bytes": 10_000})
    client = await make_client(small)
    reply = await client.post(
        "/verify/image", files={"file": ("big.png", b"\x89PNG" + b"\x00" * 200_000, "image/png")}
    )
    assert reply.status_code == 413
    assert reply.json()["code"] == "payload_too_large"


# ------------------------------------------------------------------ real sockets


def _serve_lists(lists: dict[str, dict[str, Any]]):  # type: ignore[no-untyped-def]
    import http.server
    import threading

    bodies = {path: json.dumps(doc).encode() for path, doc in lists.items()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def test_real_loopback_fetch_only_in_development_mode(
    make_client: MakeClient, tmp_path: Path
) -> None:
    lists = status_list_credentials()
    server = _serve_lists({"/status/revocation": lists[f"{LIST_URL}/revocation"]})
    try:
        port = server.server_address[1]
        cred = badge(index=REVOKED_INDEX)
        cred["credentialStatus"]["statusListCredential"] = (
            f"http://127.0.0.1:{port}/status/revocation"
        )
        cred["credentialStatus"]["id"] = f"http://127.0.0.1:{port}/status/revocation#8"
        signed_cred = signed(cred)
        dev = online_settings(tmp_path).model_copy(update={"allow_private_network": True})
        dev_client = await make_client(dev)
        result = (await dev_client.post("/verify/credential", json=signed_cred)).json()
        assert result["display"] == "red", result["checks"]
        strict_client = await make_client(online_settings(tmp_path))
        refused = (await strict_client.post("/verify/credential", json=signed_cred)).json()
        assert refused["verdict"] == "unknown"
    finally:
        server.shutdown()
        server.server_close()


def test_https_to_a_pinned_address_checks_the_host_name(tmp_path: Path) -> None:
    """Connecting to the checked IP still verifies the certificate for the host name."""
    import http.server
    import shutil
    import ssl
    import subprocess
    import threading

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=issuer.test",
         "-addext", "subjectAltName=DNS:issuer.test"],
        check=True, capture_output=True,
    )  # fmt: skip

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    trust = ssl.create_default_context(cafile=str(cert))
    try:
        fetcher = SafeFetcher(
            allow_private=True,
            resolve=resolver({"issuer.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]}),
            transport=httpx.HTTPTransport(verify=trust),
        )
        reply = fetcher.get(f"https://issuer.test:{port}/status", max_bytes=100)
        assert reply.body == b'{"ok": true}'
        with pytest.raises(ResolutionFailed):
            fetcher.get(f"https://other.test:{port}/status", max_bytes=100)
        fetcher.close()
    finally:
        server.shutdown()
        server.server_close()
