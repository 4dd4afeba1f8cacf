"""The verifier's side of OpenID4VP 1.0: requests by reference, direct_post answers.

A presentation request (``Verifier.new_request``: short code, legacy nonce) gets
an OpenID4VP transaction: a fresh 256-bit ``nonce`` and ``state`` and a
``transaction`` id for the page (§5.2, §13.3). The wallet fetches the unsigned
Request Object (``redirect_uri:`` client id, §5.9.3) and posts the VP Token to
the Response URI (§8.2). The answer is verified as §8.6 asks:

1. the VP Token's shape (§8.1) and its keys against the DCQL query;
2. every presentation: signatures, dates, status, holder, and the binding
   ``challenge`` = nonce, ``domain`` = client_id (Appendix B.1.3.2.5, §14.2.2);
3. every credential is an Open Badge (the query's ``type_values``, expanded).

The request's nonce is spent (single use, shared with the QR path) only when
every holder signature over it holds, so a garbled or replayed answer cannot
burn a learner's request; the verdict is stored once for the page to read.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.credentials.endorsed import relate_endorsements
from shared.errors import ErrorCode, InvalidInput, NotFound, VerificationFailed
from shared.oid4vp import (
    AuthorizationResponse,
    ErrorResponse,
    Held,
    VerifierRequest,
    check_vp_token_keys,
    expanded_types,
    matches,
    new_nonce,
    new_state,
    parse_response,
    verifier_request,
)
from shared.presentation_request import PresentationRequest, format_code
from shared.status_staple import (
    OID4VP_LINKS_PARAMETER,
    OID4VP_PARAMETER,
    parse_links_parameter,
    parse_parameter,
)
from shared.verification import Check, CheckName, Severity, VerificationResult
from shared.vocab import as_list
from verifier.service.verifier import (
    MAX_QR_TEXTS,
    Verifier,
    answers_request,
    check_depth,
    result_dict,
)
from verifier.store.oid4vp import Oid4vpStore, Transaction
from verifier.store.records import RequestState

__all__ = ["Oid4vpService", "ResponseOutcome"]


@dataclass(frozen=True)
class ResponseOutcome:
    """What the Response URI answers the wallet, and what it recorded."""

    status: int
    body: dict[str, Any]
    recorded: bool = False


def _oauth_error(status: int, error: str, description: str, **extra: Any) -> ResponseOutcome:
    return ResponseOutcome(status, {"error": error, "error_description": description, **extra})


@dataclass
class Oid4vpService:
    """OpenID4VP transactions on top of a ``Verifier`` with a request store."""

    verifier: Verifier
    store: Oid4vpStore
    origin: str
    max_qr_parts: int = MAX_QR_TEXTS
    token_bytes: Callable[[int], bytes] = field(default=secrets.token_bytes)

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.verifier.clock

    # ------------------------------------------------------------ requests

    def new_request(
        self, types: Sequence[str] = (), ttl: timedelta | None = None
    ) -> tuple[PresentationRequest, Transaction]:
        request = self.verifier.new_request(types, ttl)
        assert request.expires_at is not None
        self.store.add(
            challenge=request.challenge,
            nonce=new_nonce(self.token_bytes),
            state=new_state(self.token_bytes),
            transaction=new_state(self.token_bytes),
            expires_at=request.expires_at,
        )
        found = self.store.by_challenge(request.challenge)
        assert found is not None
        return request, found

    def made(self, transaction: Transaction) -> VerifierRequest:
        """The Request Object and link of a stored transaction (rebuilt, deterministic)."""
        return verifier_request(
            self.origin,
            request_id=transaction.challenge,
            nonce=transaction.nonce,
            state=transaction.state,
            max_qr_parts=self.max_qr_parts,
            code=format_code(transaction.challenge),
        )

    def transaction(self, challenge: str) -> Transaction | None:
        return self.store.by_challenge(challenge)

    def request_object(self, challenge: str) -> str:
        """The Request Object a wallet GETs; only while the request is open."""
        found = self.store.by_challenge(challenge)
        _request, state = self.verifier.request_state(challenge)
        if found is None or state == RequestState.unknown:
            raise NotFound("There is no such request.", code=ErrorCode.not_found)
        if state == RequestState.used:
            raise VerificationFailed(
                "This request was already answered; ask the verifier for a new one.",
                code=ErrorCode.nonce_reused,
            )
        if state == RequestState.expired:
            raise VerificationFailed(
                "This request has expired; ask the verifier for a new one.",
                code=ErrorCode.nonce_expired,
            )
        return self.made(found).request.to_request_object()

    # ------------------------------------------------------------ responses

    def handle_response(self, body: bytes) -> ResponseOutcome:
        """Process a direct_post body (§8.2); never raises for the wallet's mistakes."""
        try:
            parsed = parse_response(body)
        except InvalidInput as exc:
            return _oauth_error(400, "invalid_request", exc.message)
        state = parsed.state
        found = self.store.by_state(state) if state else None
        if found is None:
            # §14.4.2: only answers to a recent request of ours are processed.
            return _oauth_error(400, "invalid_request", "The state matches no open request.")
        now = self.clock()
        if found.answered_at is not None:
            return _oauth_error(400, "invalid_request", "This request was already answered.")
        if now >= found.expires_at:
            return _oauth_error(400, "invalid_request", "This request has expired.")
        if isinstance(parsed, ErrorResponse):
            error = {"error": parsed.error, "error_description": parsed.error_description}
            recorded = self.store.record(found.challenge, now, error=error)
            return ResponseOutcome(200, {}, recorded)
        return self._verify(found, parsed, now)

    def _verify(
        self, found: Transaction, parsed: AuthorizationResponse, now: datetime
    ) -> ResponseOutcome:
        made = self.made(found)
        query = made.request.dcql_query
        problems = check_vp_token_keys(query, parsed.vp_token)
        if problems:
            return _oauth_error(400, "invalid_request", " ".join(problems))
        try:
            stapled = parse_parameter(parsed.extra.get(OID4VP_PARAMETER))
            links = parse_links_parameter(parsed.extra.get(OID4VP_LINKS_PARAMETER))
        except InvalidInput as exc:
            return _oauth_error(400, "invalid_request", exc.message)
        results: list[VerificationResult] = []
        for key, presentations in parsed.vp_token.items():
            wanted = query.by_id(key)
            assert wanted is not None
            for presentation in presentations:
                try:
                    check_depth(presentation)
                except InvalidInput as exc:
                    return _oauth_error(400, "invalid_request", exc.message)
                result = self.verifier.verify_offline_presentation(
                    presentation,
                    challenge=found.nonce,
                    domain=made.request.client_id,
                    stapled=stapled,
                    links=links,
                )
                _check_query(wanted, presentation, result)
                results.append(result)
        combined = _combine(results)
        if not all(answers_request(r) for r in results):
            # Not bound to this request (or not signed by its holder): the request stays open.
            return _oauth_error(
                400,
                "invalid_request",
                "The presentation is not bound to this request (nonce and client_id).",
                rugzak_verdict=str(combined.verdict),
            )
        store = self.verifier.store
        assert store is not None
        if not store.consume(found.challenge, now):
            return _oauth_error(400, "invalid_request", "This request was already answered.")
        shown = result_dict(combined)
        shown["summary"]["oid4vp"] = True
        recorded = self.store.record(found.challenge, now, result=shown)
        # §8.2: 200 with a JSON object. No redirect_uri: the learner stays in the wallet
        # (cross-device); rugzak_verdict is an extension a wallet may show or ignore.
        return ResponseOutcome(200, {"rugzak_verdict": str(combined.verdict)}, recorded)


def _check_query(wanted: Any, presentation: Any, result: VerificationResult) -> None:
    """§8.6 step 2.2 and §14.11: every credential must meet the query, checked here."""
    raw = presentation.get("verifiableCredential") if isinstance(presentation, dict) else None
    creds = as_list(raw)
    for cred, inner in zip(creds, result.credentials, strict=False):
        if not isinstance(cred, dict):
            continue
        if not matches(wanted, Held("", cred, expanded_types(cred))):
            inner.add(
                Check(
                    str(CheckName.credentials),
                    False,
                    str(ErrorCode.not_requested),
                    "This is not the kind of credential the request asked for.",
                    Severity.error,
                    {"type": cred.get("type")},
                )
            )


def _combine(results: list[VerificationResult]) -> VerificationResult:
    """One presentation result for the page: one per VP would repeat the headline.

    Endorsements arrive in presentations of their own (the ``endorsement`` query):
    they are related to the badges again across all of them."""
    if len(results) == 1:
        return results[0]
    combined = VerificationResult("presentation")
    combined.summary = dict(results[0].summary)
    combined.summary["presentations"] = len(results)
    combined.summary["credentials"] = sum(len(r.credentials) for r in results)
    for r in results:
        combined.checks.extend(r.checks)
        combined.credentials.extend(r.credentials)
    relate_endorsements(combined)
    return combined
