"""The issuer's HTTP API through the real ASGI app: auth, achievements, awards,
status lists, errors."""

from __future__ import annotations

import base64
from random import SystemRandom
from typing import Any

import httpx
import pytest

from issuer.api import create_app
from issuer.service import Issuer
from issuer.service.base import AwardRequest
from issuer.settings import IssuerSettings
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.ob.schema import validate_credential_schema
from tests.issuer.conftest import ACHIEVEMENT, BASE_URL, HOLDER, FakeClock
from tests.issuer.helpers import status_source_http, verify

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


async def _issue(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, **extra: Any
) -> Any:
    body = {"achievement_id": achievement_id, "recipient": HOLDER.did, **extra}
    return await client.post("/credentials", json=body, headers=admin)


async def test_issuer_info_is_public(client: httpx.AsyncClient, issuer: Issuer) -> None:
    info = (await client.get("/")).json()
    assert info["did"] == issuer.identity.did
    assert info["name"] == "Life Skills Academy"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Bearer wrong-token"}, 403, "forbidden"),
        ({"Authorization": "Basic abc"}, 401, "unauthorized"),
    ],
)
async def test_admin_endpoints_need_the_admin_token(
    client: httpx.AsyncClient, headers: dict[str, str], status: int, code: str
) -> None:
    for method, path in [
        ("get", "/achievements"),
        ("post", "/achievements"),
        ("post", "/credentials"),
        ("get", "/credentials"),
        ("post", "/offers"),
        ("get", "/audit"),
        ("post", "/credentials/urn:uuid:x/revoke"),
    ]:
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == status, (method, path)
        assert response.json()["code"] == code


async def test_achievement_lifecycle(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    created = await client.post("/achievements", json=ACHIEVEMENT | {"id": "grit"}, headers=admin)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["url"] == f"{BASE_URL}/achievements/grit"
    ob = body["achievement"]
    assert ob["type"] == ["Achievement"]
    assert ob["criteria"] == {"narrative": ACHIEVEMENT["criteria_narrative"]}
    assert ob["alignment"][0]["targetCode"] == "LS-07"
    assert ob["resultDescription"][0]["allowedValue"] == ["1", "2", "3", "4"]
    assert (await client.get("/achievements/grit")).json()["id"] == "grit"  # public
    listed = (await client.get("/achievements", headers=admin)).json()
    assert [a["id"] for a in listed] == ["grit"]
    patched = await client.patch("/achievements/grit", json={"name": "Grit"}, headers=admin)
    assert patched.json()["achievement"]["name"] == "Grit"
    assert patched.json()["definition"]["description"] == ACHIEVEMENT["description"]
    retired = (await client.post("/achievements/grit/retire", headers=admin)).json()
    assert retired["retired"] is True
    assert (await client.get("/achievements", headers=admin)).json() == []
    assert len((await client.get("/achievements?include_retired=true", headers=admin)).json()) == 1
    duplicate = await client.post("/achievements", json=ACHIEVEMENT | {"id": "grit"}, headers=admin)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "conflict")


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"criteria_narrative": None}, 400, "invalid_request"),
        ({"name": ""}, 422, "invalid_request"),
        ({"surprise": 1}, 422, "invalid_request"),
        ({"achievement_type": "NotAType"}, 400, "invalid_request"),
        ({"image": "ftp://example.org/x.png"}, 400, "invalid_image"),
        ({"image": "data:image/png;base64,AAAA"}, 400, "invalid_image"),
        ({"image": "data:application/pdf;base64,AAAA"}, 400, "invalid_image"),
        ({"alignments": [{"target_name": "x", "target_url": "nope"}]}, 422, "invalid_request"),
    ],
)
async def test_bad_achievements_are_refused_with_a_code(
    client: httpx.AsyncClient, admin: dict[str, str], change: dict[str, Any], status: int, code: str
) -> None:
    response = await client.post("/achievements", json=ACHIEVEMENT | change, headers=admin)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert (await client.get("/achievements", headers=admin)).json() == []


async def test_embedded_image_and_oversized_image(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer
) -> None:
    small = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    ok = await client.post("/achievements", json=ACHIEVEMENT | {"image": small}, headers=admin)
    assert ok.status_code == 201
    assert ok.json()["achievement"]["image"] == {"id": small, "type": "Image"}
    big = PNG_1PX + b"\0" * (issuer.settings.max_image_bytes + 10)
    huge = "data:image/png;base64," + base64.b64encode(big).decode()
    refused = await client.post("/achievements", json=ACHIEVEMENT | {"image": huge}, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (413, "image_too_large")


async def test_issued_credential_verifies_and_validates(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    response = await _issue(
        client,
        admin,
        achievement_id,
        results=[{"value": "2"}],
        evidence=[{"url": "https://academy.example/e/1", "narrative": "Led the project."}],
        email="Learner@Example.org",
    )
    assert response.status_code == 201, response.text
    credential = response.json()["credential"]
    subject = credential["credentialSubject"]
    assert subject["id"] == HOLDER.did
    assert subject["result"][0]["value"] == "2"
    assert subject["identifier"][0]["identityType"] == "emailAddress"
    assert credential["validUntil"] == "2027-11-23T12:00:00Z"
    assert credential["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    result = verify(credential, await status_source_http(client), clock())
    assert result.verified, result.to_dict()
    # Two status entries (revocation + suspension) must be a list, which the 1EdTech
    # formal schema refuses (it wants one object); nothing else differs from it.
    issues = validate_credential_schema(credential)
    assert [(i.path, i.is_error) for i in issues] == [("$.credentialStatus", True)]


async def test_credential_without_suspension_is_schema_clean(
    tmp_path: Any, clock: FakeClock
) -> None:
    from issuer.achievements import parse_input
    from issuer.service import AwardRequest
    from issuer.settings import IssuerSettings
    from tests.issuer.conftest import PASSPHRASE, make_issuer

    settings = IssuerSettings(data_dir=tmp_path / "plain", kdf="min", passphrase=PASSPHRASE)
    issuer, _ = make_issuer(settings, clock, suspension=False)
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
    credential = issuer.issue(AwardRequest("a", HOLDER.did), actor="t").credential
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    assert validate_credential_schema(credential) == []
    issuer.store.dispose()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"recipient": "not-a-did"}, 400, "malformed_did"),
        ({"recipient": "did:key:abc"}, 400, "malformed_did"),
        ({"recipient": "did:example:123"}, 400, "unsupported_did_method"),
        ({"achievement_id": "nope"}, 404, "achievement_not_found"),
        ({"results": [{"value": "7"}]}, 400, "invalid_request"),
        ({"results": [{"value": "2", "description": "Colour"}]}, 400, "invalid_request"),
        ({"email": "not-an-email"}, 400, "invalid_request"),
        ({"evidence": [{"url": "javascript:alert(1)"}]}, 422, "invalid_request"),
    ],
)
async def test_bad_awards_write_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    achievement_id: str,
    issuer: Issuer,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    payload = {"achievement_id": achievement_id, "recipient": HOLDER.did} | body
    response = await client.post("/credentials", json=payload, headers=admin)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "detail"}
    assert (await client.get("/credentials", headers=admin)).json() == []
    assert (await client.get("/status")).json() == []  # not even a status list was opened
    with issuer.store.begin() as conn:
        assert issuer.store.count_credentials(conn) == 0


async def test_retired_achievement_cannot_be_awarded(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str
) -> None:
    await client.post(f"/achievements/{achievement_id}/retire", headers=admin)
    response = await _issue(client, admin, achievement_id)
    assert (response.status_code, response.json()["code"]) == (409, "achievement_retired")


async def test_idempotency_key_awards_once(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str
) -> None:
    first = await _issue(client, admin, achievement_id, idempotency_key="row-1")
    second = await _issue(client, admin, achievement_id, idempotency_key="row-1")
    assert first.json()["created"] is True
    assert second.json()["created"] is False
    assert second.json()["credential"] == first.json()["credential"]
    assert len((await client.get("/credentials", headers=admin)).json()) == 1


async def test_revoke_suspend_unsuspend_through_the_status_list(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    credential = (await _issue(client, admin, achievement_id)).json()["credential"]
    cid = credential["id"]
    suspended = await client.post(
        f"/credentials/{cid}/suspend", json={"reason": "check"}, headers=admin
    )
    assert suspended.json()["state"] == "suspended"
    result = verify(credential, await status_source_http(client), clock())
    assert "suspended" in result.codes()
    assert (await client.post(f"/credentials/{cid}/unsuspend", headers=admin)).json()[
        "state"
    ] == "active"
    assert verify(credential, await status_source_http(client), clock()).verified
    revoked = (await client.post(f"/credentials/{cid}/revoke", headers=admin)).json()
    assert (revoked["state"], revoked["changed"]) == ("revoked", True)
    again = (await client.post(f"/credentials/{cid}/revoke", headers=admin)).json()
    assert again["changed"] is False
    assert "revoked" in verify(credential, await status_source_http(client), clock()).codes()
    refused = await client.post(f"/credentials/{cid}/unsuspend", headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (409, "conflict")
    missing = await client.post("/credentials/urn:uuid:nope/revoke", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "credential_not_found")
    actions = [
        e["action"] for e in (await client.get(f"/audit?subject={cid}", headers=admin)).json()
    ]
    assert actions == ["revoke", "unsuspend", "suspend", "issue"]
    audit = (await client.get(f"/audit?subject={cid}", headers=admin)).json()
    assert audit[-1]["actor"] == "api:admin"  # the token named admin (init's)


async def test_status_list_etag_and_cache_headers(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str
) -> None:
    credential = (await _issue(client, admin, achievement_id)).json()["credential"]
    first = await client.get("/status/revocation-1")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["access-control-allow-origin"] == "*"
    etag = first.headers["etag"]
    assert first.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    again = await client.get("/status/revocation-1", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert (await client.get("/status/revocation-1")).content == first.content  # not re-signed
    await client.post(f"/credentials/{credential['id']}/revoke", headers=admin)
    changed = await client.get("/status/revocation-1", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    missing = await client.get("/status/nope")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


async def test_request_size_limit(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer
) -> None:
    big = "x" * (issuer.settings.max_request_bytes + 1)
    response = await client.post(
        "/achievements", content=big, headers=admin | {"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


async def test_streamed_body_without_length_is_limited(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer
) -> None:
    async def chunks() -> Any:
        for _ in range(20):
            yield b"x" * (issuer.settings.max_request_bytes // 10)

    response = await client.post(
        "/achievements", content=chunks(), headers=admin | {"content-type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")


async def test_malformed_json_is_a_clear_error(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/credentials", content=b"{not json", headers=admin | {"content-type": "application/json"}
    )
    # the same answer as the verifier's: a syntax error is invalid_json, not a field error
    assert (response.status_code, response.json()["code"]) == (400, "invalid_json")


async def test_did_document_only_for_did_web(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/did.json")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


async def test_openapi_has_stable_operation_ids(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {
        "create_achievement",
        "issue_credential",
        "revoke_credential",
        "suspend_credential",
        "unsuspend_credential",
        "create_offer",
        "get_status_list",
        "oid4vci_token",
        "oid4vci_credential",
        "oid4vci_nonce",
        "oid4vci_issuer_metadata",
        "list_audit",
        "get_did_document",
    } <= ids
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()  # vendored Swagger UI: works offline
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert (await client.get(f"/docs-assets/{asset}")).status_code == 200
    assert (await client.get("/redoc")).status_code == 404


async def test_unknown_route_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/nope")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


async def test_app_opens_its_own_store_and_runs_locked_without_passphrase(
    settings: Any, issuer: Issuer, achievement_id: str, admin: dict[str, str]
) -> None:
    from issuer.api import create_app

    locked = settings.model_copy(update={"passphrase": None})
    app = create_app(locked)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            assert (await http.get("/")).json()["did"] == issuer.identity.did
            response = await http.post(
                "/credentials",
                json={"achievement_id": achievement_id, "recipient": HOLDER.did},
                headers=admin,
            )
            assert (response.status_code, response.json()["code"]) == (503, "passphrase_required")
            offer = await http.post(
                "/offers", json={"achievement_id": achievement_id}, headers=admin
            )
            assert offer.status_code == 201  # offers need no signature until redeemed


async def test_did_web_document_is_served_with_etag(tmp_path: Any, clock: FakeClock) -> None:
    from issuer.api import create_app
    from issuer.settings import IssuerSettings
    from tests.issuer.conftest import PASSPHRASE, make_issuer

    settings = IssuerSettings(data_dir=tmp_path / "web", kdf="min", passphrase=PASSPHRASE)
    issuer, _ = make_issuer(settings, clock, did_web="academy.example")
    app = create_app(settings, issuer=issuer, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            response = await http.get("/.well-known/did.json")
            document = response.json()
            assert document["id"] == "did:web:academy.example"
            assert document["assertionMethod"] == ["did:web:academy.example#key-1"]
            assert document["verificationMethod"][0]["type"] == "Multikey"
            again = await http.get("/did.json", headers={"If-None-Match": response.headers["etag"]})
            assert again.status_code == 304
    from issuer import publish

    written = publish.export(issuer, tmp_path / "site")
    assert (tmp_path / "site" / ".well-known" / "did.json") in written
    issuer.store.dispose()


async def test_factory_for_worker_processes_reads_the_environment(
    settings: Any, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from issuer.api.asgi import make_app
    from tests.issuer.conftest import PASSPHRASE

    monkeypatch.setenv("RUGZAK_ISSUER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("RUGZAK_ISSUER_DATABASE_URL", raising=False)
    app = make_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            assert (await http.get("/")).json()["did"] == issuer.identity.did
            assert app.state.issuer.signer.did == issuer.identity.did  # unlocked


async def test_a_wrong_method_is_method_not_allowed_as_in_the_verifier(
    client: httpx.AsyncClient,
) -> None:
    response = await client.delete("/.well-known/did.json")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "Perseverance", "description": "x", "name": "Forged"}',
        b'{"name": "Perseverance", "description": "x", "valid_days": NaN}',
    ],
)
async def test_duplicate_members_and_nan_are_invalid_json(
    client: httpx.AsyncClient, admin: dict[str, str], body: bytes
) -> None:
    reply = await client.post(
        "/achievements", content=body, headers={**admin, "content-type": "application/json"}
    )
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == "invalid_json"
    assert reply.json()["detail"]["reason"]


async def test_public_oid4vci_calls_are_rate_limited_admin_calls_are_not(
    settings: IssuerSettings, issuer: Issuer, admin: dict[str, str], clock: FakeClock
) -> None:
    limited = settings.model_copy(update={"rate_limit_per_minute": 60, "rate_limit_burst": 3})
    app = create_app(limited, issuer=issuer, clock=clock, rate_clock=lambda: 0.0)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            nonces = [(await http.post("/oid4vci/nonce")).status_code for _ in range(5)]
            admin_calls = [
                (await http.get("/achievements", headers=admin)).status_code for _ in range(5)
            ]
            spoofed = await http.post("/oid4vci/nonce", headers={"X-Forwarded-For": "192.0.2.77"})
    assert nonces == [200, 200, 200, 429, 429]
    assert admin_calls == [200] * 5
    assert spoofed.status_code == 429  # no proxy configured: the header is not the client
    assert spoofed.json()["code"] == "rate_limited"


def test_no_setting_or_variable_fixes_the_status_index_draws(
    settings: IssuerSettings, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUGZAK_ISSUER_STATUS_RNG_SEED", "42")
    assert not any("seed" in name for name in IssuerSettings.model_fields)
    opened = Issuer.open(IssuerSettings(data_dir=settings.data_dir))
    try:
        assert isinstance(opened.allocator._rng, SystemRandom)
    finally:
        opened.store.dispose()


@pytest.mark.parametrize(
    "query",
    [
        "limit=99999999999999999999",
        "offset=99999999999999999999",
        "offset=9223372036854775808",
        "limit=0",
        "offset=-1",
        "limit=1001",
    ],
)
@pytest.mark.parametrize("path", ["/credentials", "/offers", "/audit"])
async def test_out_of_range_paging_is_422_with_a_code(
    client: httpx.AsyncClient, admin: dict[str, str], path: str, query: str
) -> None:
    reply = await client.get(f"{path}?{query}", headers=admin)
    assert reply.status_code == 422, reply.text
    assert reply.json()["code"] == "invalid_request"


async def test_an_idempotency_key_is_at_most_64_characters(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str
) -> None:
    fits = await _issue(client, admin, achievement_id, idempotency_key="k" * 64)
    assert fits.status_code == 201, fits.text
    for length in (65, 200):
        reply = await _issue(client, admin, achievement_id, idempotency_key="k" * length)
        assert reply.status_code == 422, reply.text
        assert reply.json()["code"] == "invalid_request"


def test_the_service_refuses_a_long_idempotency_key_on_every_database(
    issuer: Issuer, achievement_id: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        issuer.issue(AwardRequest(achievement_id, HOLDER.did, idempotency_key="k" * 65), actor="t")
    assert caught.value.code is ErrorCode.invalid_request


async def test_an_idempotency_key_reused_for_another_award_is_409(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str
) -> None:
    first = await _issue(client, admin, achievement_id, idempotency_key="row-7")
    assert first.status_code == 201, first.text
    other = SigningKey.from_seed(b"\x0b" * 32).did
    reused = await _issue(client, admin, achievement_id, idempotency_key="row-7", recipient=other)
    assert reused.status_code == 409, reused.text
    assert reused.json()["code"] == "idempotency_key_reused"
    assert other not in reused.text
    assert first.json()["credential"]["id"] not in reused.text
    again = await _issue(client, admin, achievement_id, idempotency_key="row-7")
    assert again.json()["created"] is False
    assert again.json()["credential"]["id"] == first.json()["credential"]["id"]


@pytest.mark.parametrize("path", ["/credentials", "/awards"])
async def test_a_body_the_award_model_refuses_is_422_not_500(
    client: httpx.AsyncClient, admin: dict[str, str], path: str
) -> None:
    """Found by schemathesis: an empty name passed the request model, then failed the
    award model inside the route (a 500)."""
    body: dict[str, Any] = {"recipient": HOLDER.did, "name": "", "plain_name": 0}
    if path == "/credentials":
        body["achievement_id"] = "perseverance"
    else:
        body["skills"] = [{"achievement_id": "perseverance", "level": "1"}]
    reply = await client.post(path, json=body, headers=admin)
    assert reply.status_code == 422, reply.text
    assert reply.json()["code"] == "invalid_request"
