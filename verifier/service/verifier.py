"""The verifier's work, independent of HTTP: requests, nonces and verdicts.

Used by the API routers and by the CLI (which runs it without a nonce store).
A presentation must answer a request this verifier made: its challenge is looked
up, and the nonce is spent only once the holder's signature over it holds, so a
forged or garbled attempt cannot burn a learner's request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shared import json_depth, qr, vpqr
from shared.credentials import (
    VerifyOptions,
    check_presentation_shape,
    types_of,
    verify_credential,
    verify_presentation,
)
from shared.errors import ErrorCode, InvalidInput
from shared.formats import extract, read_any, verify_any
from shared.formats.baking import is_png, is_svg
from shared.presentation_request import PresentationRequest
from shared.proof import proofs_of
from shared.showing import plain_verdict
from shared.status_staple import holder_links, is_stapled, unstaple
from shared.verification import Check, CheckName, Verdict, VerificationResult
from shared.vocab import VERIFIABLE_PRESENTATION
from verifier.service.endorsements import attach_endorsements
from verifier.store.records import RequestState, StoredRequest

if TYPE_CHECKING:
    from verifier.store import RequestStore

Clock = Callable[[], datetime]
MAX_DEPTH = 48
MAX_QR_TEXTS = 64


def check_depth(document: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` (``malformed_credential``): the
    verifier's own limit on ``shared.json_depth``."""
    json_depth.check_depth(document, limit)


def display_colour(result: VerificationResult, verdict: Verdict | None = None) -> str:
    """Green, amber or red for the page: amber also for an issuer not on the trust list.

    ``verdict``: ``result.verdict`` when the caller has it already."""
    if verdict is None:
        verdict = result.verdict
    if verdict == Verdict.invalid:
        return "red"
    if verdict == Verdict.unknown:
        return "amber"
    codes = set(result.codes())
    if ErrorCode.unknown_issuer in codes or ErrorCode.issuer_key_unconfirmed in codes:
        return "amber"
    return "green"


def result_dict(result: VerificationResult) -> dict[str, Any]:
    """``VerificationResult.to_dict()`` plus the page colour (also per credential) and the
    plain states people are told (``shared.showing``)."""
    out = result.to_dict()
    out["display"] = display_colour(result, _VERDICTS[out["verdict"]])
    out["plain"] = plain_verdict(result)
    if result.kind == "presentation":
        for inner, shown in zip(result.credentials, out["credentials"], strict=True):
            shown["display"] = display_colour(inner, _VERDICTS[shown["verdict"]])
    return out


_VERDICTS = {str(verdict): verdict for verdict in Verdict}  # Verdict(text), without the call


def _not_ours(result: VerificationResult, challenge: object) -> VerificationResult:
    """``result`` with the challenge check saying no request of ours asked for it."""
    result.replace(
        _nonce_check(
            ErrorCode.nonce_unknown,
            "It does not answer a request made by this verifier.",
            {"challenge": challenge},
        )
    )
    return result


def _nonce_check(code: ErrorCode, message: str, detail: Any = None) -> Check:
    return Check.failed(CheckName.challenge, code, message, detail)


_REPLAYED = "This request was already answered: this is a replayed copy."


@dataclass
class Verifier:
    """Verification with this verifier's resolver, status source, trust list and store."""

    options: VerifyOptions
    """Resolver, status source, trust list, clock: the same for every verification."""
    store: RequestStore | None = None
    domain: str | None = None
    request_ttl: timedelta = timedelta(minutes=10)
    documents: Mapping[str, Any] = field(default_factory=dict)
    """Open Badges 2.0 documents from the trust pack (badge classes, profiles, keys)."""

    @property
    def clock(self) -> Clock:
        return self.options.clock

    # ------------------------------------------------------------ requests

    def new_request(
        self, types: Sequence[str] = (), ttl: timedelta | None = None
    ) -> PresentationRequest:
        if self.store is None or self.domain is None:
            raise RuntimeError("this verifier has no request store")
        request = PresentationRequest.create(
            self.domain, now=self.clock(), ttl=ttl or self.request_ttl, types=tuple(types)
        )
        self.store.add(request, self.clock())
        return request

    def request_state(self, challenge: str) -> tuple[PresentationRequest | None, RequestState]:
        if self.store is None:
            return None, RequestState.unknown
        stored = self.store.get(challenge)
        if stored is None:
            return None, RequestState.unknown
        return stored.request, stored.state(self.clock())

    # ------------------------------------------------------------ verifying

    def verify_credential(self, credential: Any) -> VerificationResult:
        check_depth(credential)
        result = verify_credential(credential, self.options)
        attach_endorsements(credential, result, self._verify_endorsement)
        return result

    def _verify_endorsement(self, endorsement: Any) -> VerificationResult:
        return verify_credential(endorsement, self.options)

    def verify_offline_presentation(
        self,
        presentation: Any,
        *,
        challenge: str | None,
        domain: str | None,
        stapled: Mapping[str, dict[str, Any]] | None = None,
        links: tuple[dict[str, Any], ...] = (),
    ) -> VerificationResult:
        """No nonce store: compare with the given challenge/domain (the CLI, OpenID4VP).

        ``stapled``: status lists that came beside the presentation (``shared.status_staple``);
        ``links``: the holder's key links that came beside it (``shared.holder_link``).
        """
        check_depth(presentation)
        presentation, options = self._unstapled(presentation)
        if stapled:
            options = options.with_(stapled_status={**stapled, **(options.stapled_status or {})})
        if links:
            options = options.with_(holder_links=links + options.holder_links)
        result = verify_presentation(presentation, options, challenge=challenge, domain=domain)
        attach_endorsements(presentation, result, self._verify_endorsement)
        return result

    def _unstapled(self, document: Any) -> tuple[Any, VerifyOptions]:
        """A presentation and the options to check it with: with its stapled status lists
        and the holder's key links."""
        links = holder_links(document)
        presentation, stapled = unstaple(document)
        options = self.options
        if stapled:
            options = options.with_(stapled_status=stapled)
        if links:
            options = options.with_(holder_links=links)
        return presentation, options

    def verify_presentation(
        self, presentation: Any, *, challenge: str | None = None
    ) -> VerificationResult:
        """Verify against a request this verifier made; spend its nonce on success; the
        badges' embedded endorsements are verified too. ``presentation`` may be stapled
        (``shared.status_staple``)."""
        check_depth(presentation)
        presentation, options = self._unstapled(presentation)
        result = self._verify_presentation(presentation, options, challenge=challenge)
        attach_endorsements(presentation, result, self._verify_endorsement)
        return result

    def _verify_presentation(
        self, presentation: Any, options: VerifyOptions, *, challenge: str | None = None
    ) -> VerificationResult:
        if self.store is None:
            return verify_presentation(
                presentation, options, challenge=challenge, domain=self.domain
            )
        # Cheap first: the shape (and the credential cap) is checked before any proof
        # is canonicalized; a refused shape costs almost nothing.
        shape = check_presentation_shape(presentation, options)
        if shape.errors:
            return shape
        signed = _signed_challenge(presentation)
        wanted = challenge if challenge is not None else signed
        if isinstance(wanted, str) and wanted and self.domain is not None and self.store.can_spend:
            return self._verify_and_spend(presentation, options, wanted, self.domain, shape)
        stored = self.store.get(wanted) if isinstance(wanted, str) and wanted else None
        if stored is None:
            # Not made for a request of ours (or a copy): still checked in full, so the
            # page can show the badges as a copy ("possibly a copy").
            result = verify_presentation(
                presentation, options, challenge=wanted or "", domain=self.domain, shape=shape
            )
            return _not_ours(result, wanted)
        now = self.clock()
        result = verify_presentation(
            presentation,
            options.with_(now=now),
            challenge=stored.request.challenge,
            domain=stored.request.domain,
            shape=shape,
        )
        return self._nonce_verdict(result, stored, now)

    def _verify_and_spend(
        self,
        presentation: Any,
        options: VerifyOptions,
        wanted: str,
        domain: str,
        shape: VerificationResult,
    ) -> VerificationResult:
        """``_verify_presentation`` with one statement for the nonce on the way most
        presentations take: verified against ``wanted`` and this verifier's domain
        first, then (if it answers that) the request is looked up and its nonce spent
        together (``RequestStore.spend``). Any other outcome looks the request up as
        before and ends as it would have: unknown, another domain (verified again
        against the stored one), used, expired, or pending but not answered (the nonce
        is kept).
        """
        assert self.store is not None
        now = self.clock()
        result = verify_presentation(
            presentation, options.with_(now=now), challenge=wanted, domain=domain, shape=shape
        )
        if answers_request(result):
            request = self.store.spend(wanted, domain, now)
            if request is not None:
                _check_wanted_types(request, result)
                return result
        stored = self.store.get(wanted)
        if stored is None:
            return _not_ours(result, wanted)
        if stored.request.domain != domain or stored.request.challenge != wanted:
            # a request made under another domain: verified again against it, shape
            # and all (the first verification added its checks to ``shape``)
            result = verify_presentation(
                presentation,
                options.with_(now=now),
                challenge=stored.request.challenge,
                domain=stored.request.domain,
            )
        return self._nonce_verdict(result, stored, now)

    def _nonce_verdict(
        self, result: VerificationResult, stored: StoredRequest, now: datetime
    ) -> VerificationResult:
        """``result`` with the nonce's state as the last word on the challenge (and the
        nonce spent if the presentation answers a pending request)."""
        assert self.store is not None
        wanted = stored.request.challenge
        # The nonce's state is the last word on the challenge: it replaces the
        # purpose's "It answers this request", so a replay is reported once.
        state = stored.state(now)
        if state == RequestState.used:
            result.replace(_nonce_check(ErrorCode.nonce_reused, _REPLAYED, {"challenge": wanted}))
        elif state == RequestState.expired:
            result.replace(
                _nonce_check(
                    ErrorCode.nonce_expired,
                    "The request expired before this answer arrived; start a new request.",
                    {"challenge": wanted},
                )
            )
        elif answers_request(result) and not self.store.consume(stored.request.challenge, now):
            result.replace(_nonce_check(ErrorCode.nonce_reused, _REPLAYED, {"challenge": wanted}))
        _check_wanted_types(stored.request, result)
        return result

    def verify_document(self, document: Any, *, challenge: str | None = None) -> VerificationResult:
        """A presentation or a credential, by its type."""
        if not isinstance(document, dict):
            raise InvalidInput(
                "expected a credential or presentation (a JSON object)",
                code=ErrorCode.malformed_credential,
            )
        if VERIFIABLE_PRESENTATION in types_of(document) or is_stapled(document):
            return self.verify_presentation(document, challenge=challenge)
        return self.verify_credential(document)

    def verify_input(
        self,
        data: bytes | str,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        offline: bool = False,
    ) -> VerificationResult:
        """Any badge form (JSON, VC-JWT, baked PNG/SVG, OB 2.0, VP1-/RZ1: text, a link).

        A presentation goes through the request and nonce checks (``offline``: compared
        with the given challenge and domain instead, as the CLI does).
        """
        parsed = read_any(data)
        if parsed.format == "presentation" and parsed.document is not None:
            document = parsed.document
            if offline:
                result = self.verify_offline_presentation(
                    document, challenge=challenge, domain=domain
                )
            else:
                result = self.verify_presentation(document, challenge=challenge)
            if parsed.wrapper is not None:
                parsed.stamp(result.summary)
            return result
        if parsed.document is not None:
            check_depth(parsed.document)
        return verify_any(parsed, self.options, documents=self.documents)

    def verify_qr_texts(
        self, texts: Sequence[str], *, challenge: str | None = None
    ) -> VerificationResult:
        if len(texts) > MAX_QR_TEXTS:
            raise InvalidInput(
                f"at most {MAX_QR_TEXTS} QR texts can be sent at once",
                code=ErrorCode.payload_too_large,
            )
        return self.verify_document(decode_qr_texts(texts), challenge=challenge)

    def verify_qr_image(self, data: bytes, *, challenge: str | None = None) -> VerificationResult:
        """The QR code(s) in a photo or screenshot, or the badge baked into a PNG/SVG."""
        if (is_png(data) or is_svg(data)) and _baked(data):
            return self.verify_input(data, challenge=challenge)
        return self.verify_qr_texts(pick_qr_texts(qr.read_qr_image(data)), challenge=challenge)


def _baked(data: bytes) -> bool:
    try:
        return extract(data) is not None
    except InvalidInput:
        return False


def decode_qr_texts(texts: Sequence[str]) -> Any:
    """The document in scanned texts: ``RZ1:`` (one code or all parts) or one ``VP1-`` code."""
    # base45 includes the space: only line ends are trimmed, never spaces
    cleaned = [t.strip("\r\n") for t in texts if t.strip()]
    if any(vpqr.is_vpqr(t) for t in cleaned):
        if len(cleaned) != 1:
            raise InvalidInput(
                "a VP1- code is one QR code: send it on its own",
                code=ErrorCode.qr_decode_failed,
                detail={"texts": len(cleaned)},
            )
        return vpqr.decode(cleaned[0])
    return qr.decode(cleaned)


def pick_qr_texts(found: Sequence[str]) -> list[str]:
    """The texts of an image worth decoding: its ``RZ1:`` codes, else its first ``VP1-`` code."""
    ours = [t for t in found if t.startswith(qr.PREFIX)]
    if ours:
        return ours
    vp1 = [t for t in found if vpqr.is_vpqr(t)]
    if vp1:
        return vp1[:1]
    raise InvalidInput(
        "the image holds a QR code, but not a Rugzak (RZ1:) or VPQR (VP1-) one",
        code=ErrorCode.qr_decode_failed,
        detail={"found": len(found)},
    )


def _signed_challenge(presentation: Any) -> str | None:
    if not isinstance(presentation, dict):
        return None
    for proof in proofs_of(presentation):
        if isinstance(proof, dict) and isinstance(proof.get("challenge"), str):
            return str(proof["challenge"])
    return None


def answers_request(result: VerificationResult) -> bool:
    """The holder's proof verified and answers this request (challenge and domain).

    Only then may the request's nonce be spent: a forged or garbled attempt must
    not burn a learner's request.
    """
    names = (CheckName.proof, CheckName.challenge, CheckName.domain)
    proof_checks = [c for c in result.checks if c.name == CheckName.proof]
    return bool(proof_checks) and all(c.ok for c in result.checks if c.name in names)


def _check_wanted_types(request: PresentationRequest, result: VerificationResult) -> None:
    if not request.types:
        return
    wanted = set(request.types)
    for inner in result.credentials:
        if inner.is_endorsement:
            continue  # about a badge, not a badge: it has no achievementType to ask for
        achievement = inner.summary.get("achievement") or {}
        kind = achievement.get("achievementType")
        kinds = set(kind) if isinstance(kind, list) else {kind}
        if not wanted & kinds:
            inner.add(
                Check.warned(
                    CheckName.credentials,
                    ErrorCode.not_requested,
                    "This badge is not one of the kinds the request asked for.",
                    {"wanted": sorted(wanted), "achievementType": kind},
                )
            )
