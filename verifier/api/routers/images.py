"""``/images`` (badge images through the verifier) and ``/names/check`` (the name box)."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shared.ob.identity import name_matches
from shared.runtime.web import StrictJSONRoute
from verifier.api.schemas import ERRORS, NameCheckIn, NameCheckOut
from verifier.service.images import ImageProxy

router = APIRouter(route_class=StrictJSONRoute, tags=["page"])

# An SVG opened on its own must not run script or load anything.
_IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@router.get("/images", operation_id="get_image", responses=ERRORS)
async def image(
    request: Request,
    url: Annotated[str, Query(min_length=1, max_length=2048)],
    sri: Annotated[str | None, Query(max_length=400)] = None,
    multibase: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """A badge's image by its URL, fetched by the verifier (SSRF rules, size and type
    limits, cache; offline from the trust pack) and checked against the digest the
    badge gives (``sri``: ``digestSRI``, ``multibase``: ``digestMultibase``)."""
    proxy: ImageProxy = request.app.state.images
    found = await anyio.to_thread.run_sync(
        lambda: proxy.get(url, digest_sri=sri, digest_multibase=multibase)
    )
    return Response(
        found.data,
        media_type=found.media_type,
        headers={
            "Cache-Control": "private, max-age=86400",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": _IMAGE_CSP,
        },
    )


@router.post(
    "/names/check", response_model=NameCheckOut, operation_id="check_name", responses=ERRORS
)
async def check_name(body: NameCheckIn) -> NameCheckOut:
    """Whether a typed name is the one a badge's name identifier holds (hashed or plain),
    normalised as the issuer does (``shared.ob.identity``). Nothing is stored."""
    identity = {"identityHash": body.identity_hash, "salt": body.salt, "hashed": body.hashed}
    return NameCheckOut(match=name_matches(identity, body.name))
