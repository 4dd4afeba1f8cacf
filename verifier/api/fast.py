"""``POST /verify/presentation`` and ``/verify/credential`` without FastAPI's routing.

These two routes carry almost all of a verifier's traffic. FastAPI's routing, request
objects, dependency solving and exception middleware cost about a quarter of a
millisecond of CPU per request around them (a profile of the ASGI app), for routes
that take a raw body and answer JSON. ``FastVerify`` sits just outside the router
(inside the body limit, the rate limit and the metrics middleware, which still see
every request) and answers exactly these requests itself, through the same
``answer_document`` the routes use, so both give the same answer byte for byte:

- only ``POST`` to exactly these paths (anything else, a trailing slash or another
  method, goes to FastAPI as before: redirects, 405s and the OpenAPI description are
  FastAPI's);
- a ``RugzakError`` is answered as the app's handler answers it (``error_response``);
  any other exception goes up to the server-error handler, as from the route;
- the matched route is set in the scope, so metrics label the request by its route
  template as before.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute

from shared.errors import RugzakError
from shared.runtime.web import ASGIApp, Receive, Scope, Send, error_response
from verifier.api.routers import verify
from verifier.api.routers.verify import DOCUMENT_ROUTES, answer_document


class FastVerify:
    """Answers ``POST`` to the paths of ``DOCUMENT_ROUTES``; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # The routes' own objects (from their router): what routing would put in the scope.
        self.routes: dict[str, APIRoute] = {
            route.path: route
            for route in verify.router.routes
            if isinstance(route, APIRoute)
            and route.path in DOCUMENT_ROUTES
            and "POST" in (route.methods or ())
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path")
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or path not in DOCUMENT_ROUTES
            or scope.get("root_path")
            or "app" not in scope
        ):
            await self.app(scope, receive, send)
            return
        route = self.routes.get(path)
        if route is None:  # not a route of this app: FastAPI answers
            await self.app(scope, receive, send)
            return
        scope["route"] = route  # the metrics label, as routing would set it
        raw = await _body(receive)
        if raw is None:
            return  # the client left: nothing to answer
        try:
            response: Any = await answer_document(scope["app"].state, path, raw)
        except RugzakError as exc:
            response = error_response(exc)
        await response(scope, receive, send)


async def _body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)
