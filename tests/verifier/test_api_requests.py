"""``/requests``, the page, OpenAPI and generic HTTP errors, through the real ASGI app."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
import pytest

from shared import qr
from shared.presentation_request import parse
from tests.verifier.conftest import MakeClient
from tests.verifier.helpers import DOMAIN, ISSUER_NAME, badge, make_pack, present, signed
from verifier.settings import Settings


async def test_create_request_defaults(client: httpx.AsyncClient) -> None:
    reply = await client.post("/requests")
    assert reply.status_code == 201
    data = reply.json()
    assert data["state"] == "pending"
    assert data["expires_at"] == "2026-11-23T12:10:00Z"
    req = parse(data["text"])
    assert req.challenge == data["challenge"]
    assert req.domain == DOMAIN
    assert parse(data["short_text"]).challenge == data["challenge"]


async def test_create_request_with_types_and_ttl(client: httpx.AsyncClient) -> None:
    reply = await client.post("/requests", json={"types": ["Certificate"], "ttl_seconds": 120})
    assert reply.json()["expires_at"] == "2026-11-23T12:02:00Z"
    assert reply.json()["types"] == ["Certificate"]


@pytest.mark.parametrize(
    "body",
    [{"ttl_seconds": 5}, {"types": "Badge"}, {"unknown": 1}, {"types": ["x"] * 17}],
)
async def test_bad_request_bodies_are_422(client: httpx.AsyncClient, body: dict) -> None:  # type: ignore[type-arg]
    reply = await client.post("/requests", json=body)
    assert reply.status_code == 422
    assert reply.json()["code"] == "invalid_request"


async def test_request_lookup_and_qr(client: httpx.AsyncClient) -> None:
    data = (await client.post("/requests")).json()
    lower = data["short_code"].lower()
    got = await client.get(f"/requests/{lower}")
    assert got.json()["challenge"] == data["challenge"]
    svg = await client.get(f"/requests/{data['challenge']}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    for path in ("/requests/0000000000000000", "/requests/nonsense", "/requests/x/qr.svg"):
        missing = await client.get(path)
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"


async def test_page_info_health_and_static(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'src="/static/vendor/jsQR.js"' in page.text
    for asset in (
        "/static/app.js",
        "/static/i18n.js",
        "/static/messages.js",
        "/static/style.css",
        "/static/vendor/jsQR.js",
    ):
        assert (await client.get(asset)).status_code == 200, asset
    info = (await client.get("/info")).json()
    assert info["domain"] == DOMAIN
    assert info["offline"] is True
    assert info["issuers"][0]["name"] == ISSUER_NAME
    assert info["pack_status_lists"] == 2
    assert info["pack_key_documents"] == 0  # the pack's issuers are DIDs
    assert (await client.get("/health")).json() == {"status": "ok"}


async def test_openapi_documents_every_operation(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert ops >= {
        "create_request",
        "get_request",
        "get_request_qr",
        "verify_presentation",
        "verify_credential",
        "verify_qr",
        "verify_image",
        "get_info",
        "health",
    }
    assert "ResultOut" in spec["components"]["schemas"]
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text  # no CDN
    assert "cdn" not in docs.text.lower()
    bundle = await client.get("/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200


async def test_unknown_route_and_method_are_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nowhere")
    assert missing.status_code == 404
    assert set(missing.json()) == {"code", "message", "detail"}
    wrong = await client.get("/verify/presentation")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


@pytest.mark.postgres
async def test_the_app_on_postgresql(make_client: MakeClient, tmp_path: Path) -> None:
    import sqlalchemy as sa

    url = os.environ.get(
        "RUGZAK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    prefix = f"rzv_{uuid.uuid4().hex[:10]}_"
    settings = Settings(
        public_origin=DOMAIN,
        database_url=url,
        table_prefix=prefix,
        data_dir=tmp_path,
        offline=True,
        trust_pack=make_pack(tmp_path / "pack.json"),
        rate_limit_per_minute=0,
    )
    try:
        client = await make_client(settings)
        req = (await client.post("/requests")).json()
        vp = present([signed(badge())], req["challenge"])
        texts = qr.encode(vp, max_version=10)
        first = (await client.post("/verify/qr", json={"texts": texts})).json()
        assert first["verdict"] == "valid"
        again = (await client.post("/verify/qr", json={"texts": texts})).json()
        assert "nonce_reused" in {c["code"] for c in again["checks"]}
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"drop table if exists {prefix}requests"))
        engine.dispose()
