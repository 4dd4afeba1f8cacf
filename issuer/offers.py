"""OpenID4VCI pre-authorized code flow, issuer side (see shared.oid4vci).

An offer stands for one credential, or for one per skill level of a piece of work
(``skills``): the one credential request answers them all in ``credentials`` (OID4VCI
1.0 §8.3), issued in one transaction, all or none.

Offer states: ``open`` -> (token endpoint) ``token_issued`` -> (credential endpoint)
``redeemed``. Each step is a compare-and-set on the state, so an offer is redeemed
once even when two wallets race with the same code. Codes, tokens and transaction
codes are stored only as hashes. The credential is issued in the same transaction
that consumes the nonce and marks the offer redeemed: all three happen or none.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from issuer.awards import AwardIn, SkillLevelIn, check_email, idempotency_key
from issuer.service import AwardRequest, Issuer
from issuer.service.awarding import skill_requests
from issuer.store.db import aware
from issuer.store.repository import load
from issuer.vault import hash_token, new_token, new_tx_code, token_matches
from shared.did import StaticResolver
from shared.errors import (
    AccessDenied,
    Conflict,
    ErrorCode,
    InvalidInput,
    NotFound,
    RugzakError,
    VerificationFailed,
)
from shared.oid4vci import (
    OB_CONFIGURATION_ID,
    OB_TYPES,
    CredentialOffer,
    CredentialRequest,
    CredentialResponse,
    IssuedCredential,
    NonceResponse,
    TokenRequest,
    TokenResponse,
    TxCode,
    build_credential_offer,
    offer_link,
    offer_reference_link,
    unverified_claims,
    verify_proof_jwt,
)

OPEN, TOKEN_ISSUED, REDEEMED = "open", "token_issued", "redeemed"


class _RollbackError(Exception):
    """Leave a transaction without committing it."""


TX_CODE_LENGTH = 6


@dataclass(frozen=True)
class OfferCreated:
    id: str
    link: str  # the offer by value
    tx_code: str | None  # shown once, to be given to the learner by another channel
    expires_at: datetime
    created: bool  # False: an offer with the same idempotency key existed already
    reference_link: str = ""  # the same offer by reference (a short link, a small QR code)


class OfferService:
    """The OID4VCI endpoints' logic over an unlocked ``Issuer``."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.store = issuer.store
        # Holders prove possession with did:key (metadata announces exactly that).
        self.resolver = StaticResolver()

    @property
    def credential_issuer(self) -> str:
        return self.issuer.identity.base_url

    # ------------------------------------------------------------ admin side

    def create(
        self,
        achievement_id: str | None,
        *,
        actor: str,
        name: str | None = None,
        email: str | None = None,
        award: AwardIn | None = None,
        tx_code: bool = False,
        expires_in: timedelta | None = None,
        idempotency: str | None = None,
        skills: Sequence[SkillLevelIn] | None = None,
    ) -> OfferCreated:
        """One offer: of ``achievement_id``, or of several ``skills`` (one piece of work,
        one credential per skill level, all delivered by one credential request).

        Raises:
            InvalidInput: neither or both of ``achievement_id`` and ``skills``, a skill
                named twice, a bad level or e-mail; NotFound: an unknown achievement.
        """
        award = award or AwardIn()
        if name and award.learner_name is None:
            # The learner's name goes into the credential (hashed unless plain_name).
            award = award.model_copy(update={"learner_name": name})
        email = check_email(email) if email else None
        if (achievement_id is None) == (not skills):
            raise InvalidInput(
                "an offer names one achievement or several skills", code=ErrorCode.invalid_request
            )
        if skills and award.results:
            raise InvalidInput(
                "an offer of several skills takes each level from its skill, not 'results'",
                code=ErrorCode.invalid_request,
            )
        if skills:
            # Each level checked now (unknown achievement, bad level, a skill twice),
            # not when the learner redeems.
            # (the learner's DID is known only when they redeem: none here)
            for request in skill_requests("", skills, award, email=email):
                self.issuer.check_award(request.achievement_id, request.award)
            achievement_id = skills[0].achievement_id
        else:
            assert achievement_id is not None
            # Checks the achievement and results now, not when the learner redeems.
            self.issuer.check_award(achievement_id, award)
        now = self.issuer.now()
        expires_at = now + (expires_in or timedelta(seconds=self.issuer.settings.offer_ttl_seconds))
        code = new_token()
        pin = new_tx_code(TX_CODE_LENGTH) if tx_code else None
        offer_id = secrets.token_hex(8)
        try:
            with self.store.begin() as conn:
                existing = self._existing(conn, idempotency, now)
                if existing is not None:
                    return existing
                self.store.insert_offer(
                    conn,
                    id=offer_id,
                    code_hash=hash_token(code),
                    tx_code_hash=hash_token(pin) if pin else None,
                    tx_attempts=0,
                    achievement_id=achievement_id,
                    recipient_name=name,
                    recipient_email=email,
                    award=award.model_dump(mode="json"),
                    skills=[s.model_dump(mode="json") for s in skills] if skills else None,
                    idempotency_key=idempotency,
                    state=OPEN,
                    created_at=now,
                    expires_at=expires_at,
                )
                self.store.audit(
                    conn,
                    at=now,
                    actor=actor,
                    action="offer",
                    subject=offer_id,
                    detail={
                        "achievement": achievement_id,
                        "skills": [f"{s.achievement_id}={s.level}" for s in skills or ()],
                        "email": email,
                        "name": name,
                    },
                )
        except IntegrityError:
            # Another process created the offer for this key at the same moment.
            with self.store.begin() as conn:
                existing = self._existing(conn, idempotency, now)
            if existing is None:
                raise
            return existing
        tx = _tx_code() if pin else None
        offer = build_credential_offer(
            credential_issuer=self.credential_issuer, pre_authorized_code=code, tx_code=tx
        )
        return OfferCreated(
            offer_id,
            offer_link(offer),
            pin,
            expires_at,
            True,
            offer_reference_link(self.reference_url(code)),
        )

    def reference_url(self, code: str) -> str:
        """Where the wallet fetches an offer passed by reference.

        The URL holds the pre-authorized code itself, exactly as the offer by value
        does: nothing more is exposed, and the store still keeps only its hash.
        """
        return f"{self.credential_issuer}/oid4vci/offers/{code}"

    def by_reference(self, code: str) -> CredentialOffer:
        """The offer object for ``GET /oid4vci/offers/{code}`` (open offers only)."""
        now = self.issuer.now()
        with self.store.read() as conn:
            row = self.store.offer_by(conn, "code_hash", hash_token(code))
        if row is None:
            raise NotFound("unknown offer", code=ErrorCode.offer_not_found)
        if row["state"] != OPEN:
            raise Conflict("this offer was used already", code=ErrorCode.offer_used)
        if (aware(row["expires_at"]) or now) <= now:
            raise Conflict("this offer has expired", code=ErrorCode.offer_expired)
        tx = _tx_code() if row["tx_code_hash"] is not None else None
        return build_credential_offer(
            credential_issuer=self.credential_issuer, pre_authorized_code=code, tx_code=tx
        )

    def _existing(self, conn: Any, idempotency: str | None, now: datetime) -> OfferCreated | None:
        if idempotency is None:
            return None
        row = self.store.offer_by(conn, "idempotency_key", idempotency)
        if row is None:
            return None
        return OfferCreated(row["id"], "", None, aware(row["expires_at"]) or now, False)

    def view(self, offer_id: str) -> dict[str, Any]:
        with self.store.read() as conn:
            row = self.store.offer(conn, offer_id)
        if row is None:
            raise NotFound(f"no offer '{offer_id}'", code=ErrorCode.offer_not_found)
        return _offer_view(row, self.issuer.now())

    def list(self, *, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            rows = self.store.offers(conn, limit=limit, offset=offset)
        now = self.issuer.now()
        return [_offer_view(r, now) for r in rows]

    # ------------------------------------------------------------ wallet side

    def token(self, request: TokenRequest) -> TokenResponse:
        now = self.issuer.now()
        settings = self.issuer.settings
        with self.store.read() as conn:
            row = self.store.offer_by(conn, "code_hash", hash_token(request.pre_authorized_code))
        if row is None:
            raise NotFound("unknown pre-authorized code", code=ErrorCode.offer_not_found)
        if row["state"] != OPEN:
            raise Conflict("this offer was used already", code=ErrorCode.offer_used)
        if (aware(row["expires_at"]) or now) <= now:
            raise Conflict("this offer has expired", code=ErrorCode.offer_expired)
        if row["tx_code_hash"] is not None:
            if not request.tx_code:
                raise AccessDenied(
                    "this offer needs the transaction code", code=ErrorCode.tx_code_required
                )
            # Take one attempt before comparing, in one conditional UPDATE: concurrent
            # guesses each need their own attempt, so no more than the limit are compared.
            with self.store.begin() as conn:
                allowed = self.store.take_tx_attempt(
                    conn, row["id"], limit=settings.tx_code_max_attempts
                )
            if not allowed:
                raise AccessDenied(
                    "too many wrong transaction codes; ask the issuer for a new offer",
                    code=ErrorCode.tx_code_invalid,
                )
            if not token_matches(request.tx_code, row["tx_code_hash"]):
                raise AccessDenied("wrong transaction code", code=ErrorCode.tx_code_invalid)
        token = new_token()
        with self.store.begin() as conn:
            done = self.store.update_offer(
                conn,
                row["id"],
                expect_state=OPEN,
                state=TOKEN_ISSUED,
                token_hash=hash_token(token),
                token_expires_at=now + timedelta(seconds=settings.token_ttl_seconds),
            )
        if not done:
            raise Conflict("this offer was used already", code=ErrorCode.offer_used)
        # Drafts 13/14 have no nonce endpoint: their clients take c_nonce from here.
        return TokenResponse(
            access_token=token,
            expires_in=settings.token_ttl_seconds,
            c_nonce=self.nonce().c_nonce,
            c_nonce_expires_in=settings.nonce_ttl_seconds,
        )

    def nonce(self) -> NonceResponse:
        now = self.issuer.now()
        value = new_token(24)
        ttl = timedelta(seconds=self.issuer.settings.nonce_ttl_seconds)
        with self.store.begin() as conn:
            self.store.add_nonce(conn, hash_token(value), now + ttl)
            if secrets.randbelow(100) == 0:
                self.store.purge_nonces(conn, now - ttl)
        return NonceResponse(c_nonce=value)

    def credential(
        self, access_token: str | None, request: CredentialRequest
    ) -> CredentialResponse:
        now = self.issuer.now()
        row = self._offer_for_token(access_token, now)
        if not request.asks_for(OB_CONFIGURATION_ID, OB_TYPES):
            raise InvalidInput(
                "unknown credential configuration",
                code=ErrorCode.unknown_credential_configuration,
                detail=request.credential_configuration_id
                or request.credential_identifier
                or request.format,
            )
        jwt = request.jwt
        claimed = unverified_claims(jwt).get("nonce")
        if not isinstance(claimed, str) or not claimed:
            raise VerificationFailed("the proof has no nonce", code=ErrorCode.nonce_unknown)
        holder = verify_proof_jwt(
            jwt,
            audience=self.credential_issuer,
            nonce=claimed,
            now=now,
            max_age=timedelta(seconds=self.issuer.settings.proof_max_age_seconds),
            resolver=self.resolver,
        )
        requests = self._requests(row, holder)
        if request.by_format and len(requests) > 1:
            # Drafts 13/14 answer one credential per request and have no way to ask for
            # the next: refuse before anything is spent (the offer stays usable).
            raise InvalidInput(
                f"this offer holds {len(requests)} credentials: a wallet that speaks "
                "OpenID4VCI 1.0 (or draft 15) receives them in one response",
                code=ErrorCode.invalid_request,
                detail={"credentials": len(requests)},
            )
        cache: dict[str, Any] = {}
        prepared = [self.issuer.prepare(r, cache) for r in requests]
        signer = self.issuer.signer
        nonce_ok = redeemed = False
        try:
            # the process's writer (see issuer.service.group_commit): one transaction
            # that allocates status indexes at a time
            with self.issuer.group_commit.exclusive(), self.store.begin() as conn:
                nonce_ok = self.store.consume_nonce(conn, hash_token(claimed), now)
                redeemed = nonce_ok and self.store.update_offer(
                    conn,
                    row["id"],
                    expect_state=TOKEN_ISSUED,
                    state=REDEEMED,
                    holder_did=holder,
                    redeemed_at=now,
                )
                if not redeemed:
                    raise _RollbackError  # the nonce stays unused: nothing of this request stays
                issued = [
                    self.issuer.issue_in(conn, p, actor=f"wallet:{holder}", signer=signer)
                    for p in prepared
                ]
                self.store.update_offer(
                    conn,
                    row["id"],
                    expect_state=REDEEMED,
                    credential_id=issued[0].credential["id"],
                )
        except _RollbackError:
            pass
        except BaseException:
            self.issuer.allocator.forget()
            raise
        if not nonce_ok:
            raise self._nonce_error(claimed)
        if not redeemed:
            raise Conflict("this offer was redeemed already", code=ErrorCode.offer_used)
        if request.by_format:  # drafts 13/14: one credential, and a fresh c_nonce
            fresh = self.nonce()
            return CredentialResponse(
                credential=issued[0].credential,
                c_nonce=fresh.c_nonce,
                c_nonce_expires_in=self.issuer.settings.nonce_ttl_seconds,
            )
        # OID4VCI 1.0 §8.3: ``credentials`` holds every credential of the offer (one per
        # skill level of a multi-skill offer), issued in the one transaction above.
        return CredentialResponse(
            credentials=[IssuedCredential(credential=i.credential) for i in issued]
        )

    def _requests(self, row: Any, holder: str) -> Sequence[AwardRequest]:
        """The awards an offer stands for: one, or one per skill level."""
        award = AwardIn.model_validate(load(row["award"]))
        skills = load(row["skills"])
        if not skills:
            return [
                AwardRequest(
                    achievement_id=row["achievement_id"],
                    subject_id=holder,
                    award=award,
                    email=row["recipient_email"],
                    idempotency_key=idempotency_key("offer", row["id"]),
                    offer_id=row["id"],
                )
            ]
        return skill_requests(
            holder,
            [SkillLevelIn.model_validate(s) for s in skills],
            award,
            email=row["recipient_email"],
            key=idempotency_key("offer", row["id"]),
            offer_id=row["id"],
        )

    def _offer_for_token(self, access_token: str | None, now: datetime) -> Any:
        if not access_token:
            raise AccessDenied("an access token is required", code=ErrorCode.token_missing)
        with self.store.read() as conn:
            row = self.store.offer_by(conn, "token_hash", hash_token(access_token))
        if row is None:
            raise AccessDenied("unknown access token", code=ErrorCode.token_invalid)
        if row["state"] == REDEEMED:
            raise Conflict("this offer was redeemed already", code=ErrorCode.offer_used)
        if (aware(row["token_expires_at"]) or now) <= now:
            raise AccessDenied("the access token has expired", code=ErrorCode.token_expired)
        return row

    def _nonce_error(self, nonce: str) -> RugzakError:
        with self.store.read() as conn:
            row = self.store.nonce(conn, hash_token(nonce))
        if row is None:
            return VerificationFailed("unknown c_nonce", code=ErrorCode.nonce_unknown)
        if row["used"]:
            return VerificationFailed("this c_nonce was used already", code=ErrorCode.nonce_reused)
        return VerificationFailed("the c_nonce has expired", code=ErrorCode.nonce_expired)


def _tx_code() -> TxCode:
    return TxCode(
        input_mode="numeric",
        length=TX_CODE_LENGTH,
        description="the code the issuer gave you with this offer",
    )


def _offer_view(row: Any, now: datetime) -> dict[str, Any]:
    expires = aware(row["expires_at"])
    state = row["state"]
    if state == OPEN and expires is not None and expires <= now:
        state = "expired"
    return {
        "id": row["id"],
        "achievement_id": row["achievement_id"],
        "skills": load(row["skills"]),
        "recipient_name": row["recipient_name"],
        "recipient_email": row["recipient_email"],
        "state": state,
        "tx_code_required": row["tx_code_hash"] is not None,
        "created_at": aware(row["created_at"]),
        "expires_at": expires,
        "credential_id": row["credential_id"],
        "holder_did": row["holder_did"],
    }
