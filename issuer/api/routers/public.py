"""Public documents: issuer info, status lists (with ETag), the DID document."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from issuer import publish
from issuer.api.deps import IssuerDep
from issuer.api.models import ErrorOut, IssuerInfo, StatusListInfo
from issuer.images import IMMUTABLE
from shared.errors import ErrorCode, NotFound
from shared.runtime.web import StrictJSONRoute

router = APIRouter(route_class=StrictJSONRoute, tags=["public"])


@router.get("/", response_model=IssuerInfo, operation_id="issuer_info")
def issuer_info(issuer: IssuerDep) -> Any:
    identity = issuer.identity
    return {
        "did": identity.did,
        "name": identity.profile.get("name"),
        "base_url": identity.base_url,
        "profile": identity.profile,
        "suspension": identity.suspension,
        "links": {
            "openapi": "/docs",
            "status_lists": "/status",
            "credential_issuer_metadata": "/.well-known/openid-credential-issuer",
            "did_document": "/.well-known/did.json" if identity.is_web else "",
        },
    }


@router.get("/status", response_model=list[StatusListInfo], operation_id="list_status_lists")
def list_status_lists(issuer: IssuerDep) -> Any:
    return publish.status_list_ids(issuer)


@router.get(
    "/status/{list_id}",
    operation_id="get_status_list",
    response_model=dict[str, Any],
    responses={304: {"description": "not modified"}, 404: {"model": ErrorOut}},
)
def get_status_list(list_id: str, request: Request, issuer: IssuerDep) -> Response:
    published = publish.status_list(issuer, list_id)
    return _cached(published, request, issuer.settings.status_ttl_seconds)


@router.get(
    "/images/{name}",
    operation_id="get_image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, 404: {"model": ErrorOut}},
)
def get_image(name: str, request: Request, issuer: IssuerDep) -> Response:
    """A badge or logo image; its name is its digest, so it is cached for good."""
    image = publish.image(issuer, name)
    etag = f'"{name}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE, "Access-Control-Allow-Origin": "*",
               "X-Content-Type-Options": "nosniff"}  # fmt: skip
    if image.media_type == "image/svg+xml":
        # An SVG opened on its own must not run scripts in the issuer's origin.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(image.data, media_type=image.media_type, headers=headers)


def _did(request: Request, issuer: IssuerDep) -> Response:
    if not issuer.identity.is_web:
        raise NotFound(
            "this issuer uses did:key; its DID document is computed from the DID",
            code=ErrorCode.not_found,
        )
    return _cached(publish.did_json(issuer), request, 300)


@router.get(
    "/.well-known/did.json",
    operation_id="get_did_document",
    response_model=dict[str, Any],
    responses={404: {"model": ErrorOut}},
)
def did_well_known(request: Request, issuer: IssuerDep) -> Response:
    return _did(request, issuer)


@router.get(
    "/did.json",
    operation_id="get_did_document_path_form",
    response_model=dict[str, Any],
    responses={404: {"model": ErrorOut}},
)
def did_path_form(request: Request, issuer: IssuerDep) -> Response:
    return _did(request, issuer)


def _cached(published: publish.Published, request: Request, max_age: int) -> Response:
    headers = {
        "ETag": published.etag,
        "Cache-Control": f"public, max-age={max_age}",
        # Public, signed documents: any web verifier may read them from a browser.
        "Access-Control-Allow-Origin": "*",
    }
    if published.etag in _etags(request.headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(published.body, media_type="application/json", headers=headers)


def _etags(header: str) -> set[str]:
    return {part.strip().removeprefix("W/") for part in header.split(",") if part.strip()}
