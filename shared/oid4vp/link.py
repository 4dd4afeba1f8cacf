"""The ``openid4vp://`` link a verifier shows as a QR code (OpenID4VP 1.0 §13.1.2).

By value (§5.4, first option), as Rugzak's verifier sends it: the request's
parameters in the query, objects as JSON strings (§5.1). By reference (JAR,
RFC 9101): ``client_id`` and ``request_uri``. The Rugzak extensions
``rugzak_max_qr_parts`` and ``rugzak_code`` ride along either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from shared.errors import ErrorCode, InvalidInput
from shared.oid4vp.request import (
    CODE_PARAM,
    MAX_LINK_CHARS,
    MAX_QR_PARTS_PARAM,
    SCHEME,
    AuthorizationRequest,
    https_url,
    max_parts,
)
from shared.strict_json import parse as parse_json

__all__ = ["InvocationLink", "parse_link"]


def _bad(message: str, detail: Any = None) -> InvalidInput:
    return InvalidInput(message, code=ErrorCode.invalid_request, detail=detail)


@dataclass(frozen=True)
class InvocationLink:
    """An ``openid4vp://`` link (§13.1.2): the request by value, or by reference.

    Attributes:
        client_id: the Client Identifier (with its prefix).
        request: the request itself (by value, §5.4), or ``None``.
        request_uri: where the Request Object is fetched (by reference), or ``None``.
        max_qr_parts: Rugzak extension: the offline QR fallback's part limit.
        code: Rugzak extension: the request's short typeable code (offline binding).
    """

    client_id: str
    request: AuthorizationRequest | None = None
    request_uri: str | None = None
    max_qr_parts: int | None = None
    code: str | None = None

    def to_text(self) -> str:
        if self.request is not None:
            params = [p for p in self.request.to_params() if p[0] != MAX_QR_PARTS_PARAM]
        else:
            if self.request_uri is None:
                raise ValueError("a link holds the request or its request_uri")
            params = [("client_id", self.client_id), ("request_uri", self.request_uri)]
        if self.max_qr_parts is not None:
            params.append((MAX_QR_PARTS_PARAM, str(self.max_qr_parts)))
        if self.code is not None:
            params.append((CODE_PARAM, self.code))
        # ':' and '/' may stay literal in a query (RFC 3986 §3.4): a smaller QR code.
        query = "&".join(f"{k}={quote(v, safe=':/')}" for k, v in params)
        return f"{SCHEME}://?{query}"


_LINK_SINGLE = (
    "client_id",
    "request_uri",
    "request",
    "response_type",
    "response_mode",
    "response_uri",
    "redirect_uri",
    "nonce",
    "state",
    "dcql_query",
    "client_metadata",
    "scope",
    MAX_QR_PARTS_PARAM,
    CODE_PARAM,
)


def parse_link(text: str, *, allow_http_local: bool = False) -> InvocationLink:
    """Read an ``openid4vp://`` link (or an https link with the same query).

    By value, the request is checked as a wallet must (:meth:`AuthorizationRequest.from_claims`).
    A signed request by value (``request=``) is refused, like signed Request Objects.
    """
    if not isinstance(text, str):
        raise _bad("An OpenID4VP link must be text.")
    value = text.strip()
    if len(value) > MAX_LINK_CHARS:
        raise InvalidInput("The OpenID4VP link is too long.", code=ErrorCode.payload_too_large)
    parts = urlsplit(value)
    if parts.scheme not in (SCHEME, "https", "http"):
        raise _bad("This is not an OpenID4VP link.")
    query = parse_qs(parts.query, keep_blank_values=True)
    for name in _LINK_SINGLE:
        if len(query.get(name, [])) > 1:
            raise _bad(f"The link has '{name}' more than once.")
    if "request" in query:
        raise _bad("The link passes a signed request by value, which Rugzak cannot check.")
    code = query.get(CODE_PARAM, [None])[0] or None
    limit = max_parts(query.get(MAX_QR_PARTS_PARAM, [None])[0])
    if "request_uri" not in query:
        if "response_type" not in query:
            raise _bad("The link holds neither a request nor a request_uri.")
        params: dict[str, Any] = {k: v[0] for k, v in query.items()}
        for name in ("dcql_query", "client_metadata"):
            if name in params:
                try:
                    params[name] = parse_json(params[name])
                except ValueError as exc:
                    raise _bad(f"The link's {name} is not JSON (§5.1).") from exc
        request = AuthorizationRequest.from_claims(params, allow_http_local=allow_http_local)
        return InvocationLink(request.client_id, request, None, limit, code)
    if "client_id" not in query:
        raise _bad("The link has no client_id.")
    method = query.get("request_uri_method", ["get"])[0]
    if method not in ("get", "post"):
        # §8.5 invalid_request_uri_method; a wallet without 'post' support GETs (§5.1).
        raise _bad("The link's request_uri_method is neither get nor post.", {"method": method})
    request_uri = https_url(query["request_uri"][0], "request_uri", allow_http_local=True)
    if not allow_http_local and not request_uri.startswith("https://"):
        raise _bad("The request_uri must be an https URL.", {"request_uri": request_uri})
    return InvocationLink(
        client_id=query["client_id"][0],
        request_uri=request_uri,
        max_qr_parts=limit,
        code=code,
    )
