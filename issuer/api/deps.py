"""Dependencies: the issuer held by the app's lifespan, and bearer-token auth by scope.

Every route that needs a token says which scope with ``AdminDep`` or ``IssueDep``
(``route_scope`` finds it; ``tests/issuer/test_token_scopes.py`` refuses a route that
is neither declared so nor listed as public). ``describe_scopes`` writes each route's
scope into its OpenAPI description.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from issuer.api_tokens import TokenScope, authenticate
from issuer.offers import OfferService
from issuer.service import Issuer
from shared.errors import AccessDenied, ErrorCode

_bearer = HTTPBearer(
    auto_error=False,
    description="an API token: the admin token printed by `init`, or one made by "
    "`rugzak-issuer token create NAME --scope issue|admin`",
)


async def get_issuer(request: Request) -> Issuer:
    issuer: Issuer = request.app.state.issuer
    return issuer


async def get_offers(request: Request) -> OfferService:
    offers: OfferService = request.app.state.offers
    return offers


IssuerDep = Annotated[Issuer, Depends(get_issuer)]
OffersDep = Annotated[OfferService, Depends(get_offers)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]

#: The scope each auth dependency requires (what ``route_scope`` looks for).
_SCOPE_OF: dict[Callable[..., Any], TokenScope] = {}


def _requiring(scope: TokenScope) -> Callable[[Issuer, HTTPAuthorizationCredentials | None], str]:
    def require(issuer: IssuerDep, credentials: Credentials) -> str:
        """401 without a bearer token, 403 with an unknown or revoked one, 403
        ``insufficient_scope`` with one whose scope does not allow the route; returns
        the audit actor (``api:<token name>``)."""
        if credentials is None or not credentials.credentials:
            raise AccessDenied("an API bearer token is required", code=ErrorCode.unauthorized)
        token = authenticate(issuer.store, credentials.credentials, now=issuer.now())
        if token is None:
            raise AccessDenied("the API token is not valid", code=ErrorCode.forbidden)
        if not token.scope.allows(scope):
            raise AccessDenied(
                f"the token '{token.name}' may award badges only; this needs a token "
                f"with scope {scope}",
                code=ErrorCode.insufficient_scope,
                detail={"scope": str(token.scope), "needed": str(scope)},
            )
        return token.actor

    require.__name__ = f"require_{scope}"
    _SCOPE_OF[require] = scope
    return require


require_admin = _requiring(TokenScope.admin)
require_issue = _requiring(TokenScope.issue)
#: A route only ``admin`` tokens may call (the default for anything new).
AdminDep = Annotated[str, Depends(require_admin)]
#: A route that awarding needs: ``issue`` and ``admin`` tokens may call it.
IssueDep = Annotated[str, Depends(require_issue)]


def served_routes(app: FastAPI) -> list[RouteContext]:
    """Every route the app serves, those of included routers too."""
    return list(iter_route_contexts(app.routes))


def route_scope(route: APIRoute | RouteContext) -> TokenScope | None:
    """The scope a route requires (the strictest it depends on); None: no token."""
    found: set[TokenScope] = set()
    dependant = getattr(route, "dependant", None)
    if dependant is None:  # not an API route (a mount, the OpenAPI document)
        return None

    def walk(dependant: Dependant) -> None:
        for sub in dependant.dependencies:
            if sub.call in _SCOPE_OF:
                found.add(_SCOPE_OF[sub.call])
            walk(sub)

    walk(dependant)
    if not found:
        return None
    return TokenScope.admin if TokenScope.admin in found else TokenScope.issue


_SCOPE_TEXT = {
    TokenScope.admin: "Needs an API token with scope `admin`.",
    TokenScope.issue: "Needs an API token with scope `issue` or `admin`.",
}


def describe_scopes(router: APIRouter) -> None:
    """Add the token scope each route needs to its OpenAPI description (before the
    router is included: the app copies its routes' descriptions then)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and (scope := route_scope(route)) is not None:
            text = _SCOPE_TEXT[scope]
            if text not in (route.description or ""):
                route.description = f"{route.description}\n\n{text}".strip()


#: Page size of the list endpoints; out of range is 422 ``invalid_request``.
Limit = Annotated[int, Query(ge=1, le=1000, description="rows per page (1-1000)")]
#: Rows to skip; bounded so the database never sees a number it cannot hold.
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="rows to skip")]
