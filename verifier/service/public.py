"""Public presentations: a learner publishes a presentation for a CV or LinkedIn, gets
a stable link that is verified again on every view, and withdraws it at will.

Both acts are proved with the holder's key and bound to a single-use challenge from
this verifier (its origin as ``domain``), so nobody can publish a copy of someone
else's presentation, replay a publication, or withdraw what they did not publish:

- publish: a Verifiable Presentation signed for a ``publish`` challenge; its badges
  must be the holder's own (``holder_mismatch`` otherwise);
- withdraw: a presentation with no badges, signed by the same holder for a challenge
  issued for that one link. The presentation is deleted; the link answers 410.

The setting ``public_presentations`` is off by default: the routes do not exist then.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.errors import ErrorCode, InvalidInput, NotFound, VerificationFailed
from shared.presentation_request import PresentationRequest
from shared.proof import proofs_of, verify_proofs
from shared.showing.verdict import binding_state
from shared.verification import VerificationResult
from shared.vocab import VERIFIABLE_PRESENTATION, as_list
from verifier.service.verifier import Verifier, check_depth
from verifier.store.public import PUBLISH, WITHDRAW, Challenge, PublicStore, Published

_CODES = frozenset(code.value for code in ErrorCode)
PAGE_PATH = "/p/"


@dataclass(frozen=True)
class View:
    """A public presentation as checked just now."""

    published: Published
    result: VerificationResult
    presentation: dict[str, Any]


class PublicPresentations:
    """Publishing, viewing (with a fresh verification) and withdrawing."""

    def __init__(self, verifier: Verifier, store: PublicStore, ttl: timedelta) -> None:
        if verifier.domain is None:
            raise ValueError("public presentations need the verifier's public origin")
        self.verifier = verifier
        self.store = store
        self.origin: str = verifier.domain
        self.ttl = ttl

    def link(self, ident: str) -> str:
        return self.origin + PAGE_PATH + ident

    # ------------------------------------------------------------ challenges

    def new_challenge(self, target: str | None = None) -> PresentationRequest:
        """A single-use challenge to publish (``target`` None) or to withdraw ``target``."""
        if target is not None:
            self._live(target)
        now = self.verifier.clock()
        request = PresentationRequest.create(self.origin, now=now, ttl=self.ttl)
        assert request.expires_at is not None
        purpose = PUBLISH if target is None else WITHDRAW
        self.store.add_challenge(request.challenge, purpose, target, request.expires_at, now)
        return request

    def _challenge(self, document: dict[str, Any], purpose: str) -> Challenge:
        signed = [p.get("challenge") for p in proofs_of(document) if isinstance(p, dict)]
        value = next((c for c in signed if isinstance(c, str) and c), None)
        found = self.store.challenge(value) if value is not None else None
        if found is None or found.purpose != purpose:
            raise VerificationFailed(
                "This was not signed for a challenge from this verifier; ask for a new one.",
                code=ErrorCode.nonce_unknown,
            )
        if found.used_at is not None:
            raise VerificationFailed(
                "This challenge was already used; ask for a new one.", code=ErrorCode.nonce_reused
            )
        if self.verifier.clock() >= found.expires_at:
            raise VerificationFailed(
                "This challenge has expired; ask for a new one.", code=ErrorCode.nonce_expired
            )
        return found

    # ------------------------------------------------------------ publishing

    def publish(self, presentation: Any) -> Published:
        """Check and keep ``presentation``; raises when it is not the holder's own,
        bound to a pending ``publish`` challenge of this verifier."""
        document = _presentation(presentation)
        challenge = self._challenge(document, PUBLISH)
        result = self.verifier.verify_offline_presentation(
            document, challenge=challenge.challenge, domain=self.origin
        )
        binding = binding_state(result)
        if binding == "someone_else":
            raise VerificationFailed(
                "These badges were not issued to the person who signed the presentation.",
                code=ErrorCode.holder_mismatch,
            )
        if binding != "bound" or not isinstance(result.summary.get("holder"), str):
            codes = [c.code for c in result.errors if c.code in _CODES]
            raise VerificationFailed(
                "The presentation's own signature or binding does not hold.",
                code=ErrorCode(codes[0]) if codes else ErrorCode.proof_invalid,
                detail={"binding": binding},
            )
        ident = secrets.token_urlsafe(16)
        now = self.verifier.clock()
        holder = str(result.summary["holder"])
        if not self.store.publish(ident, holder, challenge.challenge, document, now):
            raise VerificationFailed(
                "This challenge was already used; ask for a new one.", code=ErrorCode.nonce_reused
            )
        published = self.store.get(ident)
        assert published is not None
        return published

    # ------------------------------------------------------------ viewing

    def _live(self, ident: str) -> Published:
        published = self.store.get(ident) if len(ident) <= 43 else None
        if published is None:
            raise NotFound("There is no public presentation at this address.")
        if published.presentation is None:
            raise NotFound(
                "Its owner withdrew this presentation.", code=ErrorCode.presentation_withdrawn
            )
        return published

    def view(self, ident: str) -> View:
        """The presentation verified again now: signatures, dates, and status (the status
        lists come through the verifier's cache, at most ``status_ttl_seconds`` old)."""
        published = self._live(ident)
        assert published.presentation is not None
        result = self.verifier.verify_offline_presentation(
            published.presentation, challenge=published.challenge, domain=self.origin
        )
        return View(published, result, published.presentation)

    # ------------------------------------------------------------ withdrawing

    def withdraw(self, ident: str, request: Any) -> Published:
        """Withdraw ``ident`` for good, given its holder's signed withdrawal request."""
        published = self._live(ident)
        if not isinstance(request, dict) or not isinstance(request.get("proof"), dict | list):
            raise InvalidInput(
                "A withdrawal is a presentation signed by the badge's owner.",
                code=ErrorCode.malformed_presentation,
            )
        check_depth(request)
        challenge = self._challenge(request, WITHDRAW)
        if challenge.target != ident:
            raise VerificationFailed(
                "This challenge is for withdrawing another presentation.",
                code=ErrorCode.nonce_mismatch,
            )
        holder = request.get("holder")
        outcomes = verify_proofs(request, self.verifier.options.resolver)
        good = [
            o
            for o in outcomes
            if o.ok
            and o.proof_purpose == "authentication"
            and o.controller == published.holder
            and o.challenge == challenge.challenge
            and o.domain == self.origin
        ]
        if holder != published.holder or len(outcomes) != 1 or not good:
            raise VerificationFailed(
                "Only the person who published this presentation can withdraw it.",
                code=ErrorCode.holder_mismatch,
            )
        if not self.store.withdraw(ident, challenge.challenge, self.verifier.clock()):
            raise VerificationFailed(
                "This challenge was already used; ask for a new one.", code=ErrorCode.nonce_reused
            )
        gone = self.store.get(ident)
        assert gone is not None
        return gone


def _presentation(value: Any) -> dict[str, Any]:
    document = value.get("presentation") if isinstance(value, dict) else None
    document = document if isinstance(document, dict) else value
    if not isinstance(document, dict) or VERIFIABLE_PRESENTATION not in as_list(
        document.get("type")
    ):
        raise InvalidInput(
            "Publish a Verifiable Presentation of your badges.",
            code=ErrorCode.malformed_presentation,
        )
    check_depth(document)
    return document
