"""The one web layer both services use: error answers, statuses and the body limit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from shared.errors import ErrorCode, RugzakError
from shared.runtime.web import BodyLimit, install_error_handlers


class Item(BaseModel):
    name: str


def make_app(limit: int = 1000) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, service="verifier")

    @app.get("/raise/{code}")
    async def raise_code(code: str) -> None:
        raise RugzakError(f"raised {code}", code=code, detail={"why": code})

    @app.get("/bug")
    async def bug() -> None:
        learner = "Jan de Vries"  # request data, as a real failure would carry it
        raise ZeroDivisionError(f"personal data must not leak: {learner}")

    @app.post("/items")
    async def items(item: Item) -> dict[str, str]:
        return {"name": item.name}

    app.add_middleware(BodyLimit, limit=limit)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    "code",
    [
        "did_not_found",
        "invalid_json",
        "not_found",
        "forbidden",
        "unauthorized",
        "offer_used",
        "passphrase_required",
        "status_list_unavailable",
    ],
)
async def test_a_rugzak_error_answers_with_its_code_s_status(
    client: httpx.AsyncClient, code: str
) -> None:
    reply = await client.get(f"/raise/{code}")
    assert reply.status_code == ErrorCode(code).http_status
    assert reply.json() == {"code": code, "message": f"raised {code}", "detail": {"why": code}}
    assert ("www-authenticate" in reply.headers) == (reply.status_code == 401)


async def test_a_resolution_failure_is_a_bad_gateway(client: httpx.AsyncClient) -> None:
    reply = await client.get("/raise/did_not_found")
    assert (reply.status_code, reply.json()["code"]) == (502, "did_not_found")


async def test_starlette_refusals_speak_rugzak_codes(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nothing-here")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    wrong = await client.delete("/items")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")


async def test_bad_json_and_bad_fields_are_told_apart(client: httpx.AsyncClient) -> None:
    garbled = await client.post(
        "/items", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (garbled.status_code, garbled.json()["code"]) == (400, "invalid_json")
    wrong = await client.post("/items", json={"naam": "Sanne"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "invalid_request")
    (problem,) = wrong.json()["detail"]
    assert problem["loc"] == ["body", "name"]
    assert problem["field"] == "body.name"


async def test_a_bug_is_a_500_without_its_message(client: httpx.AsyncClient) -> None:
    reply = await client.get("/bug")
    assert reply.status_code == 500
    assert reply.json()["code"] == "internal_error"
    assert "Jan de Vries" not in reply.text
    assert reply.json()["message"] == "Something went wrong inside the verifier."


async def test_the_body_limit_counts_bytes_not_the_header(client: httpx.AsyncClient) -> None:
    ok = await client.post("/items", json={"name": "Sanne Bakker"})
    assert ok.json() == {"name": "Sanne Bakker"}
    declared = await client.post("/items", content=b"x" * 1001)
    assert (declared.status_code, declared.json()["code"]) == (413, "payload_too_large")
    assert declared.json()["detail"] == {"limit": 1000}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the body streams in
        for _ in range(5):
            yield b"y" * 300

    streamed = await client.post("/items", content=chunks())
    assert (streamed.status_code, streamed.json()["code"]) == (413, "payload_too_large")


async def test_a_bug_reaches_the_logs_without_request_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # raise_app_exceptions=True: an exception that escaped to the server would raise here
    transport = httpx.ASGITransport(app=make_app())
    with caplog.at_level(logging.DEBUG):
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            reply = await client.get("/bug")
    assert reply.status_code == 500
    assert "ZeroDivisionError" in caplog.text
    assert "bug" in caplog.text  # where: the function that failed
    assert "Jan de Vries" not in caplog.text


async def test_the_openapi_document_declares_the_error_shape() -> None:
    spec = make_app().openapi()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorOut"]["required"]) >= {"code", "message"}
    post = spec["paths"]["/items"]["post"]["responses"]
    for status in ("400", "422", "default"):
        schema = post[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_fast_json_response_is_starlettes_bytes_and_falls_back_where_orjson_refuses() -> None:
    """Verdict answers are rendered by orjson: the same bytes as Starlette's encoder for
    what answers hold; a value orjson refuses goes through Starlette's encoder."""
    from fastapi.responses import JSONResponse

    from shared.runtime.web import FastJSONResponse

    plain = {
        "name": "Fatima El Amrani · Zorg & Welzijn 😀",
        "controls": 'a\x00b\x1f\x7f\u2028"\\/\n\r\t\b\f',
        "numbers": [0, -1, 2**63 - 1, 0.5, 1.0, 1e16],
        "flags": [True, False, None],
        "nested": {"checks": [{"ok": True, "detail": {"index": 66963}}]},
    }
    assert FastJSONResponse(plain).body == JSONResponse(plain).body
    huge = {"index": 10**20}  # beyond 64 bits: orjson refuses it
    assert (
        FastJSONResponse(huge).body == JSONResponse(huge).body == b'{"index":100000000000000000000}'
    )
