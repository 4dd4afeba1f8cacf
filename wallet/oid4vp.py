"""The wallet's side of OpenID4VP 1.0: fetch the request, match, answer, or fall back.

1. :func:`fetch_ask`: read the request from an ``openid4vp://`` link (by value;
   or by reference, then GET its Request Object), or from the short code
   ``CODE@verifier``, which names ``https://verifier/oid4vp/request/CODE``;
   fetches go through the wallet's network door (https only, no redirects
   followed, §14.8). Check it (§5, §5.9.3, §5.10.1) and evaluate its DCQL query
   against the held badges (§6.4).
2. :func:`answer`: sign one Verifiable Presentation per chosen badge (and per
   endorsement kept for them, when the request asks for endorsements) with
   ``challenge`` = nonce and ``domain`` = client_id (Appendix B.1.3.2.5) and POST
   them form-encoded to ``response_uri`` (§8.2); :func:`decline` posts an error
   response (§8.5) instead.
3. When the verifier cannot be reached, :class:`VerifierUnreachable` carries the
   Rugzak binding (short code + origin) for the QR transport (``wallet.delivery``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from shared.credentials import create_presentation, subject_ids
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed
from shared.formats.vcjwt import readable
from shared.oid4vp import (
    REQUEST_OBJECT_MEDIA_TYPE,
    REQUEST_PATH,
    AuthorizationRequest,
    Held,
    OAuthError,
    Selection,
    decode_request_object,
    evaluate,
    expanded_types,
    matches,
    parse_link,
    response_fields,
)
from shared.presentation_request import PresentationRequest, normalize_code
from shared.presentation_request import parse as parse_rugzak_request
from shared.status_staple import OID4VP_LINKS_PARAMETER, OID4VP_PARAMETER
from shared.strict_json import parse as parse_json
from wallet.data.endorsements import kept_for
from wallet.data.store import StoredCredential, WalletStore
from wallet.network import LOOPBACK, MAX_BODY_BYTES, Network
from wallet.presenting import Hiding, shown_credential
from wallet.stapling import kept_lists

#: The verifier's part limit when the request does not say (its own default).
DEFAULT_MAX_PARTS = 64


class VerifierUnreachable(ResolutionFailed):
    """The verifier could not be reached; ``fallback`` is the offline binding, if any."""

    def __init__(self, message: str, fallback: PresentationRequest | None, max_parts: int) -> None:
        super().__init__(message, code=ErrorCode.fetch_failed)
        self.fallback = fallback
        self.max_parts = max_parts


def is_oid4vp(text: str) -> bool:
    """An ``openid4vp://`` link, or a short code (resolved to the verifier's Request URI)."""
    value = text.strip()
    if value.lower().startswith("openid4vp:"):
        return True
    if value.lower().startswith("rugzak-request:"):
        return False
    try:
        parse_rugzak_request(value)
    except InvalidInput:
        return False
    return True


@dataclass(frozen=True)
class Ask:
    """A verifier's request as the learner sees it: who asks for what, what fits."""

    request: AuthorizationRequest
    selection: Selection
    held: dict[str, StoredCredential]
    max_parts: int
    fallback: PresentationRequest | None

    @property
    def verifier(self) -> str:
        """The origin the answer goes to (the client id names it, §5.9.3)."""
        parts = urlsplit(self.request.response_uri)
        return f"{parts.scheme}://{parts.netloc}"

    def wanted(self) -> list[str]:
        """One line per Credential Query: its id, format and types, as the verifier wrote."""
        lines = []
        for query in self.request.dcql_query.credentials:
            types = " | ".join(
                " + ".join(t.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in alternative)
                for alternative in query.type_values
            )
            lines.append(f"{query.id}: {query.format}" + (f" ({types})" if types else ""))
        return lines

    def candidates(self) -> list[StoredCredential]:
        """Held badges that answer some Credential Query, in wallet order."""
        keys = {k for keys in self.selection.candidates.values() for k in keys}
        return [item for key, item in self.held.items() if key in keys]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _local(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in LOOPBACK


def _get_request_object(network: Network, url: str) -> bytes:
    network.check_url(url)
    try:
        with (
            _quiet_client(network) as client,
            client.stream("GET", url, headers={"Accept": REQUEST_OBJECT_MEDIA_TYPE}) as reply,
        ):
            chunks: list[bytes] = []
            size = 0
            for chunk in reply.iter_bytes():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise InvalidInput(
                        "The verifier's request is too large.", code=ErrorCode.payload_too_large
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            status = reply.status_code
    except httpx.HTTPError as exc:
        raise ResolutionFailed(
            f"Could not reach {url} ({type(exc).__name__}).", code=ErrorCode.fetch_failed
        ) from None
    if status != 200:
        # §5.10.2: any HTTP error ends the process; a redirect counts as one (§14.8).
        raise InvalidInput(
            _verifier_message(body) or f"The verifier refused the request (HTTP {status}).",
            code=ErrorCode.invalid_request,
            detail={"status": status},
        )
    return body


def _verifier_message(body: bytes) -> str | None:
    try:
        data = parse_json(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict):
        text = data.get("message") or data.get("error_description")
        if isinstance(text, str):
            return "The verifier says: " + text[:300]
    return None


def _fallback(code: str | None, origin: str) -> PresentationRequest | None:
    if not code:
        return None
    try:
        return PresentationRequest(normalize_code(code), origin)
    except InvalidInput:
        return None


def fetch_ask(text: str, store: WalletStore, network: Network) -> Ask:
    """Read (or fetch) and check the verifier's request, and match it against the wallet.

    Raises:
        VerifierUnreachable: the network failed (offline fallback may apply).
        InvalidInput: the request is not acceptable (a plain sentence why).
    """
    value = text.strip()
    if value.lower().startswith("openid4vp:"):
        link = parse_link(value, allow_http_local=True)
        limit = link.max_qr_parts or DEFAULT_MAX_PARTS
        if link.request is not None:  # by value: nothing to fetch
            request = link.request
            fallback = _fallback(link.code, _origin(request.response_uri))
        else:
            assert link.request_uri is not None
            fallback = _fallback(link.code, _origin(link.request_uri))
            request = _fetch_request(network, link.request_uri, link.client_id, fallback, limit)
    else:
        typed = parse_rugzak_request(value)
        request_uri = typed.domain + REQUEST_PATH + typed.challenge
        fallback, limit = typed, DEFAULT_MAX_PARTS
        request = _fetch_request(network, request_uri, None, fallback, limit)
        if _origin(request.response_uri) != typed.domain:
            # A typed code names a verifier; the answer must go back to that verifier.
            raise InvalidInput(
                "The request sends the answer to another address than the verifier you typed.",
                code=ErrorCode.invalid_request,
                detail={"typed": typed.domain, "response_uri": request.response_uri},
            )
    _check_formats(request)
    held = presentable(store)
    selection = evaluate(
        request.dcql_query,
        [Held(key, item.credential, expanded_types(item.credential)) for key, item in held.items()],
    )
    return Ask(request, selection, held, request.max_qr_parts or limit, fallback)


def presentable(store: WalletStore) -> dict[str, StoredCredential]:
    """What may answer a request: endorsements name what they endorse, not the learner."""
    cards = [card for card in store.cards() if card.endorses is None]
    return {item.id: item for item in (store.get(card.id) for card in cards)}


def _check_formats(request: AuthorizationRequest) -> None:
    """The verifier must accept ``ldp_vc`` when it lists its formats (§11.1, §8.5)."""
    metadata = request.client_metadata or {}
    formats = metadata.get("vp_formats_supported")
    if isinstance(formats, dict) and "ldp_vc" not in formats:
        raise InvalidInput(
            "This verifier does not accept the badge format Rugzak holds (ldp_vc).",
            code=ErrorCode.invalid_request,
            detail={"error": str(OAuthError.vp_formats_not_supported), "formats": list(formats)},
        )


def _fetch_request(
    network: Network,
    request_uri: str,
    client_id: str | None,
    fallback: PresentationRequest | None,
    limit: int,
) -> AuthorizationRequest:
    try:
        body = _get_request_object(network, request_uri)
    except ResolutionFailed as exc:
        if exc.code == ErrorCode.fetch_refused:
            raise  # not unreachable: an address the wallet will not talk to
        raise VerifierUnreachable(exc.message, fallback, limit) from None
    except InvalidInput as exc:
        status = exc.detail.get("status") if isinstance(exc.detail, dict) else None
        if client_id is None and status == 404:
            # A typed code for a verifier that does not speak OpenID4VP: QR codes, as before.
            raise VerifierUnreachable(exc.message, fallback, limit) from None
        raise
    return decode_request_object(
        body, expected_client_id=client_id, allow_http_local=_local(request_uri)
    )


def plan(ask: Ask, chosen: Sequence[str], store: WalletStore) -> dict[str, list[StoredCredential]]:
    """Which Credential Query each chosen badge answers (§6.4.2), checked before signing."""
    picked = [store.find(ref) for ref in chosen]
    if not picked:
        raise InvalidInput("Pick at least one badge to present.", code=ErrorCode.invalid_request)
    wanted = list(ask.selection.required) + list(ask.selection.optional)
    by_query: dict[str, list[StoredCredential]] = {}
    for item in picked:
        query_id = next((q for q in wanted if item.id in ask.selection.candidates.get(q, ())), None)
        if query_id is None:
            raise InvalidInput(
                f"'{item.card.name}' is not what this verifier asks for.",
                code=ErrorCode.invalid_request,
                detail={"credential": item.id},
            )
        if any(existing.id == item.id for existing in by_query.get(query_id, [])):
            continue
        by_query.setdefault(query_id, []).append(item)
    for query_id, items in by_query.items():
        query = ask.request.dcql_query.by_id(query_id)
        if query is not None and not query.multiple and len(items) > 1:
            raise InvalidInput(
                "This verifier asks for one badge of this kind; pick only one.",
                code=ErrorCode.invalid_request,
            )
    missing = [q for q in ask.selection.required if q not in by_query]
    if missing or not ask.selection.satisfiable:
        # §6.4.2: without every non-optional credential, nothing may be returned.
        raise InvalidInput(
            "The verifier needs more than the picked badges: " + ", ".join(missing or ["?"]) + ".",
            code=ErrorCode.invalid_request,
            detail={"missing": missing},
        )
    return by_query


@dataclass(frozen=True)
class Answered:
    """What the verifier said to the answer."""

    status: int
    body: Any
    vp_token: dict[str, list[dict[str, Any]]]

    @property
    def accepted(self) -> bool:
        return self.status == 200

    @property
    def verdict(self) -> str | None:
        value = self.body.get("rugzak_verdict") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None

    @property
    def redirect_uri(self) -> str | None:
        value = self.body.get("redirect_uri") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None

    @property
    def error_description(self) -> str | None:
        if not isinstance(self.body, dict):
            return None
        text = self.body.get("error_description") or self.body.get("error")
        return text if isinstance(text, str) else None


def sign_vp_token(
    ask: Ask,
    by_query: dict[str, list[StoredCredential]],
    store: WalletStore,
    now: datetime,
    hide: Collection[str] | Hiding = (),
) -> dict[str, list[dict[str, Any]]]:
    """One VP per badge, bound to the nonce and the full client id (B.1.3.2.5, §14.10);
    the parts in ``hide`` (of every badge, or per badge) are left out by selective
    disclosure."""
    hiding = Hiding.of(hide).resolved(store)
    return {
        query_id: [
            create_presentation(
                [shown_credential(item, hiding.for_badge(item.id))],
                store.holder,
                challenge=ask.request.nonce,
                domain=ask.request.client_id,
                created=now,
            )
            for item in items
        ]
        for query_id, items in by_query.items()
    }


def _quiet_client(network: Network) -> httpx.Client:
    """The wallet's client without its ``User-Agent``: §15.8 asks wallets not to name
    their software to verifiers."""
    client = network.client()
    client.headers.pop("User-Agent", None)
    return client


def post(network: Network, ask: Ask, fields: dict[str, str]) -> tuple[int, Any]:
    """POST the form to ``response_uri`` (§8.2); no redirects followed (§14.8)."""
    url = ask.request.response_uri
    try:
        url = network.check_url(url)
        with _quiet_client(network) as client:
            reply = client.post(url, data=fields, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise VerifierUnreachable(
            f"Could not reach {url} ({type(exc).__name__}).", ask.fallback, ask.max_parts
        ) from None
    except ResolutionFailed as exc:
        if exc.code == ErrorCode.fetch_refused:
            raise  # not unreachable: an address the wallet will not talk to
        # Offline, the host's name does not resolve: the commonest "cannot reach".
        raise VerifierUnreachable(exc.message, ask.fallback, ask.max_parts) from None
    if len(reply.content) > MAX_BODY_BYTES:
        raise InvalidInput("The verifier's answer is too large.", code=ErrorCode.payload_too_large)
    try:
        body: Any = reply.json() if reply.content else None
    except ValueError:
        body = None
    return reply.status_code, body


def with_endorsements(
    ask: Ask, by_query: dict[str, list[StoredCredential]], store: WalletStore
) -> dict[str, list[StoredCredential]]:
    """``by_query`` plus the endorsements kept for the chosen badges, each under the
    first Credential Query that asks for it (Rugzak's verifier names
    ``EndorsementCredential`` among its ``type_values``). A verifier that does not ask for
    endorsements gets none: an answer holds only what the request asked for (§6.4.2).
    """
    picked = [item for items in by_query.values() for item in items]
    sent = {item.id for item in picked}
    out = {key: list(items) for key, items in by_query.items()}
    for item in kept_for(store, picked):
        if item.id in sent:
            continue
        held = Held(item.id, item.credential, expanded_types(item.credential))
        for query in ask.request.dcql_query.credentials:
            if matches(query, held) and (query.multiple or not out.get(query.id)):
                out.setdefault(query.id, []).append(item)
                sent.add(item.id)
                break
    return out


def answer(
    ask: Ask,
    chosen: Sequence[str],
    store: WalletStore,
    network: Network,
    now: datetime,
    hide: Collection[str] | Hiding = (),
    *,
    staple: bool = True,
    endorsements: bool = True,
) -> Answered:
    """Sign the chosen badges (and, unless left out, the endorsements kept for them)
    for this request and send them to the verifier.

    With ``staple``, the issuers' status lists the wallet keeps for these badges go
    along in the extension parameter ``rugzak_status_lists`` (``shared.status_staple``):
    beside the VP Token, not in it, so verifiers that do not know it ignore it.
    """
    by_query = plan(ask, chosen, store)
    if endorsements:
        by_query = with_endorsements(ask, by_query, store)
    vp_token = sign_vp_token(ask, by_query, store, now, hide)
    extra: dict[str, str] = {}
    credentials = [item.credential for items in by_query.values() for item in items]
    if any(store.did not in subject_ids(readable(c)) for c in credentials):
        # a badge of an earlier key: the signed links from it to this one (shared.holder_link)
        extra[OID4VP_LINKS_PARAMETER] = json.dumps(
            store.holder_links(), separators=(",", ":"), ensure_ascii=False
        )
    if staple:
        lists = kept_lists(store, credentials)
        if lists:
            extra[OID4VP_PARAMETER] = json.dumps(lists, separators=(",", ":"), ensure_ascii=False)
    status, body = post(network, ask, response_fields(vp_token, ask.request.state, extra))
    return Answered(status, body, vp_token)


def decline(ask: Ask, network: Network, reason: OAuthError = OAuthError.access_denied) -> Answered:
    """Tell the verifier no badges will come (§8.5); the description holds no personal data."""
    fields = {"error": str(reason), "error_description": "no badges are shared"}
    if ask.request.state is not None:
        fields["state"] = ask.request.state
    status, body = post(network, ask, fields)
    return Answered(status, body, {})
