"""Every route of the issuer's API declares what token it needs.

A route is public (listed here), or needs a token with scope ``issue`` (listed here, and
in docs/issuer.md), or needs scope ``admin``. A new route that declares no scope is
neither listed nor admin, and fails here; one that lets ``issue`` tokens in must be
added to ``ISSUE`` (and to the docs) on purpose. Each route with a scope says so in its
OpenAPI description, and an ``issue`` token really gets 403 ``insufficient_scope`` from
every ``admin`` route.
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, RouteContext
from starlette.routing import Mount

from issuer.api import create_app
from issuer.api.deps import route_scope, served_routes
from issuer.api_tokens import TokenScope, create_token
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from tests.issuer.conftest import BASE_URL, FakeClock

#: Routes anyone may call (the documents a verifier or a wallet reads, OpenID4VCI, the
#: operator's probes; ``/metrics`` has its own token).
PUBLIC = {
    "issuer_info",
    "list_status_lists",
    "get_status_list",
    "get_image",
    "get_did_document",
    "get_did_document_path_form",
    "get_achievement",
    "get_framework",
    "get_framework_case",
    "get_framework_csv",
    "get_framework_skill",
    "oid4vci_issuer_metadata",
    "oid4vci_authorization_server_metadata",
    "oid4vci_token",
    "oid4vci_offer_by_reference",
    "oid4vci_nonce",
    "oid4vci_credential",
    "healthz",
    "readyz",
    "GET /metrics",
    "GET /docs",
    "GET /openapi.json",
    "mount /docs-assets",
}
#: What awarding needs: ``issue`` tokens may call these (``admin`` tokens too).
ISSUE = {
    "issue_credential",
    "award_skills",
    "get_credential",
    "get_baked_credential",
    "create_offer",
    "get_offer",
    "list_achievements",
    "list_frameworks",
}


def _name(route: RouteContext) -> str:
    original = route.original_route
    if isinstance(original, APIRoute) and original.include_in_schema:
        return str(original.operation_id)
    if isinstance(original, Mount):
        return f"mount {route.path}"
    methods = sorted(route.methods or [])
    return f"{'/'.join(m for m in methods if m != 'HEAD')} {route.path}"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = IssuerSettings(data_dir=tmp_path_factory.mktemp("scopes"), kdf="min")
    return create_app(settings)


def _scopes(app: FastAPI) -> dict[str, TokenScope | None]:
    return {_name(route): route_scope(route) for route in served_routes(app)}


def test_every_route_is_public_issue_or_admin_on_purpose(app: FastAPI) -> None:
    scopes = _scopes(app)
    assert len(scopes) == len(served_routes(app)) > 40, "two routes share a name"
    assert {name for name, scope in scopes.items() if scope is None} == PUBLIC
    assert {name for name, scope in scopes.items() if scope is TokenScope.issue} == ISSUE
    admin = {name for name, scope in scopes.items() if scope is TokenScope.admin}
    assert admin == set(scopes) - PUBLIC - ISSUE
    assert {"revoke_credential", "create_achievement", "list_audit", "endorse"} <= admin


def test_the_openapi_document_says_each_operation_s_scope(app: FastAPI) -> None:
    operations = {
        op["operationId"]: op for path in app.openapi()["paths"].values() for op in path.values()
    }
    for name, scope in _scopes(app).items():
        if name not in operations:
            continue
        description = operations[name].get("description", "")
        if scope is TokenScope.issue:
            assert "scope `issue` or `admin`" in description, name
        elif scope is TokenScope.admin:
            assert "scope `admin`." in description, name
        else:
            assert "scope" not in description, name
        if scope is not None:
            assert operations[name]["security"] == [{"HTTPBearer": []}], name


async def test_an_issue_token_is_refused_by_every_admin_route(
    settings: IssuerSettings, issuer: Issuer, clock: FakeClock
) -> None:
    _, token = create_token(issuer.store, "LMS-koppeling", "issue", now=clock())
    app = create_app(settings, issuer=issuer, clock=clock)
    admin_routes = [r for r in served_routes(app) if route_scope(r) is TokenScope.admin]
    assert len(admin_routes) >= 10
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            for route in admin_routes:
                path = re.sub(r"\{[^}]+\}", "x1", str(route.path))
                for method in route.methods or ():
                    reply = await http.request(
                        method, path, json={}, headers={"Authorization": f"Bearer {token}"}
                    )
                    assert reply.status_code == 403, (method, path, reply.text)
                    body = reply.json()
                    assert body["code"] == "insufficient_scope", (method, path)
                    assert body["detail"] == {"scope": "issue", "needed": "admin"}
                    assert "LMS-koppeling" in body["message"]
    # refused before anything was done: the log holds only the token's making
    assert [e["action"] for e in issuer.audit_log(limit=100)] == ["token_create", "init"]
