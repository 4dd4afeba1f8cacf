"""Public presentations (opt-in, ``public_presentations``): publish, view, withdraw.

- ``POST /public/challenge``: a single-use challenge to publish with;
- ``POST /public``: the holder's presentation signed for it -> the stable link;
- ``GET /public/{id}``: the verdict as JSON, checked again now;
- ``POST /public/{id}/challenge`` and ``POST /public/{id}/withdraw``: the holder's
  signed withdrawal request for a challenge issued for that link;
- ``GET /p/{id}``: the public page (HTML, nl/en, no scripts); 410 once withdrawn.

With the setting off every route answers 404, as if it did not exist.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from shared.errors import ErrorCode, InvalidInput, NotFound
from verifier.api.deps import LimiterDep
from verifier.api.public_page import HEADERS, pick_language, render_gone, render_view
from verifier.api.schemas import ERRORS
from verifier.service.public import PAGE_PATH, PublicPresentations
from verifier.service.verifier import result_dict

router = APIRouter(tags=["public"])

_GONE: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    410: ERRORS[400] | {"description": "Withdrawn by its owner"},
}


async def get_public(request: Request) -> PublicPresentations:
    public: PublicPresentations | None = request.app.state.public
    if public is None:
        raise NotFound("This verifier does not keep public presentations.")
    return public


PublicDep = Annotated[PublicPresentations, Depends(get_public)]


async def _run(limiter: anyio.CapacityLimiter | None, fn: Any, *args: Any) -> Any:
    if limiter is None:
        return fn(*args)
    return await anyio.to_thread.run_sync(partial(fn, *args), limiter=limiter)


async def _json(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidInput(
            "The request body is not valid JSON.", code=ErrorCode.invalid_json
        ) from None


def _challenge_out(public: PublicPresentations, target: str | None) -> dict[str, Any]:
    request = public.new_challenge(target)
    assert request.expires_at is not None
    return {
        "challenge": request.challenge,
        "domain": request.domain,
        "expires_at": request.expires_at.isoformat().replace("+00:00", "Z"),
    }


@router.post(
    "/public/challenge", status_code=201, operation_id="public_challenge", responses=ERRORS
)
async def publish_challenge(public: PublicDep) -> dict[str, Any]:
    """A single-use challenge (and the domain) to sign a presentation for publishing."""
    return await anyio.to_thread.run_sync(_challenge_out, public, None)


@router.post("/public", status_code=201, operation_id="publish", responses=ERRORS)
async def publish(request: Request, public: PublicDep, limiter: LimiterDep) -> dict[str, Any]:
    """Keep the holder's presentation public; answers its stable link."""
    body = await _json(request)
    published = await _run(limiter, public.publish, body)
    return {
        "id": published.id,
        "url": public.link(published.id),
        "holder": published.holder,
        "created": published.created_at.isoformat().replace("+00:00", "Z"),
    }


@router.get("/public/{ident}", operation_id="get_public", responses=_GONE)
async def get_published(ident: str, public: PublicDep, limiter: LimiterDep) -> JSONResponse:
    """The published presentation's verdict, checked again now (status included)."""
    view = await _run(limiter, public.view, ident)
    return JSONResponse(
        {"id": ident, "url": public.link(ident), "result": result_dict(view.result)},
        headers={"Cache-Control": "no-store"},
    )


@router.post(
    "/public/{ident}/challenge",
    status_code=201,
    operation_id="withdraw_challenge",
    responses=_GONE,
)
async def withdraw_challenge(ident: str, public: PublicDep) -> dict[str, Any]:
    """A single-use challenge to sign a withdrawal of this one presentation with."""
    return await anyio.to_thread.run_sync(_challenge_out, public, ident)


@router.post("/public/{ident}/withdraw", operation_id="withdraw", responses=_GONE)
async def withdraw(ident: str, request: Request, public: PublicDep) -> dict[str, Any]:
    """Withdraw for good: the body is the holder's presentation (no badges) signed for a
    challenge from ``POST /public/{id}/challenge``."""
    body = await _json(request)
    gone = await anyio.to_thread.run_sync(public.withdraw, ident, body)
    assert gone.withdrawn_at is not None
    return {"id": ident, "withdrawn": gone.withdrawn_at.isoformat().replace("+00:00", "Z")}


@router.get(PAGE_PATH + "{ident}", include_in_schema=False, response_class=HTMLResponse)
async def page(
    ident: str,
    request: Request,
    limiter: LimiterDep,
    lang: Annotated[str | None, Query(max_length=5)] = None,
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> HTMLResponse:
    """The public page: the presentation verified now, in plain words."""
    chosen = pick_language(lang, accept_language)
    path = PAGE_PATH + ident
    try:
        public = await get_public(request)
        view = await _run(limiter, public.view, ident)
    except NotFound as exc:
        withdrawn = exc.code == ErrorCode.presentation_withdrawn
        html = render_gone(lang=chosen, withdrawn=withdrawn, self_path=path)
        return HTMLResponse(html, status_code=exc.code.http_status, headers=HEADERS)
    html = render_view(
        view.result,
        lang=chosen,
        origin=public.origin,
        now=public.verifier.clock(),
        self_path=path,
    )
    return HTMLResponse(html, headers=HEADERS)
