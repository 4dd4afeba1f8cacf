"""Dependencies: the issuer held by the app's lifespan, and admin bearer-token auth."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from issuer.identity import check_admin_token
from issuer.offers import OfferService
from issuer.service import Issuer
from shared.errors import AccessDenied, ErrorCode

_bearer = HTTPBearer(auto_error=False, description="the admin token printed by `init`")


async def get_issuer(request: Request) -> Issuer:
    issuer: Issuer = request.app.state.issuer
    return issuer


async def get_offers(request: Request) -> OfferService:
    offers: OfferService = request.app.state.offers
    return offers


IssuerDep = Annotated[Issuer, Depends(get_issuer)]
OffersDep = Annotated[OfferService, Depends(get_offers)]


def require_admin(
    issuer: IssuerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """401 without a bearer token, 403 with a wrong one; returns the audit actor."""
    if credentials is None or not credentials.credentials:
        raise AccessDenied("an admin bearer token is required", code=ErrorCode.unauthorized)
    if not check_admin_token(issuer.store, credentials.credentials):
        raise AccessDenied("the admin token is not valid", code=ErrorCode.forbidden)
    return "admin-api"


AdminDep = Annotated[str, Depends(require_admin)]

#: Page size of the list endpoints; out of range is 422 ``invalid_request``.
Limit = Annotated[int, Query(ge=1, le=1000, description="rows per page (1-1000)")]
#: Rows to skip; bounded so the database never sees a number it cannot hold.
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="rows to skip")]
