"""The employer page (``/``), its static files, and ``/info`` and ``/health`` for it."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shared.runtime.web import StrictJSONRoute
from verifier.api.deps import PackDep, SettingsDep, VerifierDep
from verifier.api.schemas import InfoOut, IssuerOut

router = APIRouter(route_class=StrictJSONRoute, tags=["page"])

_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)


@router.get("/", response_class=HTMLResponse, operation_id="page", include_in_schema=False)
async def page() -> HTMLResponse:
    html = resources.files("verifier").joinpath("static/index.html").read_text("utf-8")
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": _CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        },
    )


@router.get("/info", response_model=InfoOut, operation_id="get_info")
async def info(verifier: VerifierDep, settings: SettingsDep, pack: PackDep) -> InfoOut:
    """This verifier's domain, trust list and trust pack (for the page's header): what
    the pack lets it check offline, in DID documents, https issuers' key documents and
    status lists."""
    issuers = verifier.options.trusted_issuers or {}
    return InfoOut(
        domain=verifier.domain or settings.public_origin,
        offline=settings.offline,
        trust_list=verifier.options.trusted_issuers is not None,
        issuers=[IssuerOut(id=k, name=v) for k, v in sorted(issuers.items())],
        pack_created=None if pack is None else pack.to_dict()["created"],
        pack_dids=0 if pack is None else len(pack.dids),
        pack_status_lists=0 if pack is None else len(pack.status_lists),
        pack_key_documents=0 if pack is None else len(pack.key_documents),
    )


@router.get("/health", operation_id="health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
