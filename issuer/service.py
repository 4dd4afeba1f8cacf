"""The issuer's operations, shared by the CLI and the HTTP API.

Every award is one transaction: status indexes are allocated, the credential is
built, signed and stored, and the audit row written, then the transaction commits.
Nothing is reported (returned, printed, written to a file) before that commit, and
a crash before it leaves no trace: the indexes drawn were never handed to anyone.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from random import Random
from typing import Any

from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from issuer.achievements import (
    AchievementIn,
    AchievementUpdate,
    apply_update,
    normalize,
    parse_input,
    to_ob,
)
from issuer.awards import (
    AwardIn,
    build_credential,
    check_email,
    check_recipient_did,
    resolve_results,
)
from issuer.identity import Identity, load_identity, unlock
from issuer.settings import IssuerSettings
from issuer.store import Store
from issuer.store import status as st
from issuer.store.db import aware
from issuer.store.repository import load
from shared.credentials import issue_credential
from shared.errors import ErrorCode, InvalidInput
from shared.keys import SigningKey

Clock = Callable[[], datetime]
_SLUG = re.compile(r"[^a-z0-9]+")
ACTIVE, REVOKED, SUSPENDED = "active", "revoked", "suspended"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AwardRequest:
    """One credential to issue."""

    achievement_id: str
    subject_id: str
    award: AwardIn = field(default_factory=AwardIn)
    email: str | None = None
    idempotency_key: str | None = None
    offer_id: str | None = None


@dataclass(frozen=True)
class Issued:
    credential: dict[str, Any]
    created: bool  # False: the idempotency key matched an earlier award, returned as is


@dataclass(frozen=True)
class _Prepared:
    request: AwardRequest
    achievement: dict[str, Any]
    valid_days: int | None
    results: list[dict[str, Any]]


class Issuer:
    """One issuer over one store. ``key`` is None until unlocked (read-only use)."""

    def __init__(
        self,
        store: Store,
        identity: Identity,
        settings: IssuerSettings,
        *,
        key: SigningKey | None = None,
        clock: Clock = utc_now,
        rng: Random | None = None,
    ) -> None:
        self.store = store
        self.identity = identity
        self.settings = settings
        self._key = key
        self.clock = clock
        self.allocator = st.StatusAllocator(
            list_size=identity.list_size, fill_limit=settings.status_fill_limit, rng=rng
        )

    @classmethod
    def open(
        cls,
        settings: IssuerSettings,
        *,
        passphrase: str | None = None,
        clock: Clock = utc_now,
        rng: Random | None = None,
    ) -> Issuer:
        store = Store(settings.resolved_database_url())
        store.create_schema()
        identity = load_identity(store)
        key = unlock(store, identity, passphrase) if passphrase is not None else None
        if rng is None and settings.status_rng_seed is not None:
            rng = Random(settings.status_rng_seed)  # noqa: S311 (tests only, see settings)
        return cls(store, identity, settings, key=key, clock=clock, rng=rng)

    @property
    def signer(self) -> SigningKey:
        if self._key is None:
            raise InvalidInput(
                "the signing key is locked: set RUGZAK_ISSUER_PASSPHRASE",
                code=ErrorCode.passphrase_required,
            )
        return self._key

    def unlock(self, passphrase: str) -> None:
        self._key = unlock(self.store, self.identity, passphrase)

    def now(self) -> datetime:
        return self.clock()

    # ------------------------------------------------------------ achievements

    def create_achievement(
        self, data: AchievementIn, *, actor: str, achievement_id: str | None = None
    ) -> dict[str, Any]:
        data = normalize(data, max_image_bytes=self.settings.max_image_bytes)
        aid = achievement_id or _new_id(data.name)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", aid):
            raise InvalidInput(
                "an achievement id is 1-64 letters, digits, '-' or '_'",
                code=ErrorCode.invalid_request,
                detail=aid,
            )
        to_ob(data, self.identity.achievement_url(aid))
        now = self.now()
        with self.store.begin() as conn:
            if self.store.achievement(conn, aid) is not None:
                raise InvalidInput(
                    f"achievement '{aid}' exists already", code=ErrorCode.conflict, detail=aid
                )
            self.store.insert_achievement(
                conn,
                id=aid,
                document=data.model_dump(mode="json"),
                valid_days=data.valid_days,
                now=now,
            )
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="achievement_create",
                subject=aid,
                detail={"name": data.name},
            )
            return self._view(self._row(conn, aid))

    def update_achievement(
        self, achievement_id: str, change: AchievementUpdate, *, actor: str
    ) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            row = self._row(conn, achievement_id)
            data = apply_update(parse_input(load(row["document"])), change)
            data = normalize(data, max_image_bytes=self.settings.max_image_bytes)
            to_ob(data, self.identity.achievement_url(achievement_id))
            self.store.update_achievement(
                conn,
                achievement_id,
                document=data.model_dump(mode="json"),
                valid_days=data.valid_days,
                now=now,
            )
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action="achievement_update",
                subject=achievement_id,
                detail={"fields": sorted(change.model_dump(exclude_unset=True))},
            )
            return self._view(self._row(conn, achievement_id))

    def retire_achievement(self, achievement_id: str, *, actor: str) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            self._row(conn, achievement_id)
            if self.store.retire_achievement(conn, achievement_id, now):
                self.store.audit(
                    conn, at=now, actor=actor, action="achievement_retire", subject=achievement_id
                )
            return self._view(self._row(conn, achievement_id))

    def achievement(self, achievement_id: str) -> dict[str, Any]:
        with self.store.begin() as conn:
            return self._view(self._row(conn, achievement_id))

    def achievements(self, *, include_retired: bool = False) -> list[dict[str, Any]]:
        with self.store.begin() as conn:
            rows = self.store.achievements(conn, include_retired=include_retired)
        return [self._view(row) for row in rows]

    def _row(self, conn: Connection, achievement_id: str) -> RowMapping:
        row = self.store.achievement(conn, achievement_id)
        if row is None:
            raise InvalidInput(
                f"no achievement '{achievement_id}'",
                code=ErrorCode.achievement_not_found,
                detail=achievement_id,
            )
        return row

    def _view(self, row: RowMapping) -> dict[str, Any]:
        data = parse_input(load(row["document"]))
        url = self.identity.achievement_url(row["id"])
        return {
            "id": row["id"],
            "url": url,
            "retired": row["retired_at"] is not None,
            "created_at": aware(row["created_at"]),
            "updated_at": aware(row["updated_at"]),
            "definition": data.model_dump(mode="json", exclude_none=True),
            "achievement": to_ob(data, url),
        }

    # ------------------------------------------------------------ awards

    def prepare(
        self, request: AwardRequest, cache: dict[str, RowMapping] | None = None
    ) -> _Prepared:
        """Check one award without writing anything (unknown achievement, bad DID...)."""
        check_recipient_did(request.subject_id)
        if request.email is not None:
            check_email(request.email)
        achievement, valid_days, results = self.check_award(
            request.achievement_id, request.award, cache
        )
        return _Prepared(request, achievement, valid_days, results)

    def check_award(
        self, achievement_id: str, award: AwardIn, cache: dict[str, RowMapping] | None = None
    ) -> tuple[dict[str, Any], int | None, list[dict[str, Any]]]:
        """The OB achievement, validity and results of an award (nothing written)."""
        cache = cache if cache is not None else {}
        row = cache.get(achievement_id)
        if row is None:
            with self.store.begin() as conn:
                row = self._row(conn, achievement_id)
            cache[achievement_id] = row
        if row["retired_at"] is not None:
            raise InvalidInput(
                f"achievement '{achievement_id}' is retired",
                code=ErrorCode.achievement_retired,
                detail=achievement_id,
            )
        data = parse_input(load(row["document"]))
        url = self.identity.achievement_url(achievement_id)
        return to_ob(data, url), row["valid_days"], resolve_results(award, data, url)

    def issue(self, request: AwardRequest, *, actor: str) -> Issued:
        return self.issue_many([request], actor=actor)[0]

    def issue_many(self, requests: Sequence[AwardRequest], *, actor: str) -> list[Issued]:
        """Issue several awards in ONE transaction (all or nothing), after checking all."""
        cache: dict[str, RowMapping] = {}
        prepared = [self.prepare(r, cache) for r in requests]
        signer = self.signer
        for attempt in range(2):
            try:
                with self.store.begin() as conn:
                    return [self.issue_in(conn, p, actor=actor, signer=signer) for p in prepared]
            except IntegrityError:
                # Another process stored the same idempotency key first: the retry
                # finds it and returns the earlier credential.
                self.allocator.forget()
                if attempt == 1:
                    raise
            except BaseException:
                self.allocator.forget()
                raise
        raise AssertionError("unreachable")

    def issue_in(
        self, conn: Connection, prepared: _Prepared, *, actor: str, signer: SigningKey
    ) -> Issued:
        """Issue within the caller's transaction."""
        request = prepared.request
        if request.idempotency_key is not None:
            existing = self.store.credential_by_key(conn, request.idempotency_key)
            if existing is not None:
                return Issued(load(existing["document"]), created=False)
        now = self.now()
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        purposes = ["revocation", "suspension"] if self.identity.suspension else ["revocation"]
        status = []
        for purpose in purposes:
            slot = self.allocator.allocate(conn, purpose, credential_id, now)
            status.append(
                {
                    "id": f"{self.identity.status_url(slot.list_id)}#{slot.index}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": purpose,
                    "statusListIndex": str(slot.index),
                    "statusListCredential": self.identity.status_url(slot.list_id),
                }
            )
        unsigned = build_credential(
            credential_id=credential_id,
            issuer_profile=self.identity.profile,
            achievement=prepared.achievement,
            subject_id=request.subject_id,
            valid_from=now,
            valid_days=prepared.valid_days,
            results=prepared.results,
            evidence=request.award.evidence,
            status=status,
            email=check_email(request.email) if request.email else None,
        )
        signed = issue_credential(unsigned, signer, created=now)
        valid_until = unsigned.get("validUntil")
        self.store.insert_credential(
            conn,
            id=credential_id,
            achievement_id=request.achievement_id,
            subject_id=request.subject_id,
            idempotency_key=request.idempotency_key,
            offer_id=request.offer_id,
            state=ACTIVE,
            issued_at=now,
            valid_until=(
                datetime.fromisoformat(valid_until.replace("Z", "+00:00")) if valid_until else None
            ),
            document=signed,
        )
        self.store.audit(
            conn,
            at=now,
            actor=actor,
            action="issue",
            subject=credential_id,
            detail={
                "achievement": request.achievement_id,
                "recipient": request.subject_id,
                "status": [f"{s['statusListCredential']}#{s['statusListIndex']}" for s in status],
            },
        )
        return Issued(signed, created=True)

    # ------------------------------------------------------------ credentials

    def credential(self, credential_id: str) -> dict[str, Any]:
        with self.store.begin() as conn:
            row = self._credential_row(conn, credential_id)
            return _credential_view(row, st.entries_of(conn, credential_id), full=True)

    def credentials(
        self, *, achievement_id: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[dict[str, Any]]:
        with self.store.begin() as conn:
            rows = self.store.credentials(
                conn, achievement_id=achievement_id, limit=limit, offset=offset
            )
        return [_credential_view(row, [], full=False) for row in rows]

    def _credential_row(self, conn: Connection, credential_id: str) -> RowMapping:
        row = self.store.credential(conn, credential_id)
        if row is None:
            raise InvalidInput(
                f"no credential '{credential_id}'",
                code=ErrorCode.credential_not_found,
                detail=credential_id,
            )
        return row

    def revoke(
        self, credential_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        """Revoke for good (idempotent): the revocation bit is set and never cleared."""
        return self._set_status(credential_id, REVOKED, actor=actor, reason=reason)

    def suspend(
        self, credential_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        return self._set_status(credential_id, SUSPENDED, actor=actor, reason=reason)

    def unsuspend(
        self, credential_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        return self._set_status(credential_id, ACTIVE, actor=actor, reason=reason)

    def _set_status(
        self, credential_id: str, target: str, *, actor: str, reason: str | None
    ) -> dict[str, Any]:
        now = self.now()
        with self.store.begin() as conn:
            row = self._credential_row(conn, credential_id)
            entries = {e["purpose"]: e for e in st.entries_of(conn, credential_id)}
            state = row["state"]
            if target != REVOKED and "suspension" not in entries:
                raise InvalidInput(
                    "this credential has no suspension status (suspension is off for this issuer)",
                    code=ErrorCode.conflict,
                    detail=credential_id,
                )
            if state == REVOKED and target != REVOKED:
                raise InvalidInput(
                    "a revoked credential stays revoked",
                    code=ErrorCode.conflict,
                    detail=credential_id,
                )
            if state == target:
                return _credential_view(row, list(entries.values()), full=False) | {
                    "changed": False
                }
            if target == REVOKED:
                revocation = entries["revocation"]
                st.set_value(conn, revocation["list_id"], revocation["idx"], 1)
            else:
                suspension = entries["suspension"]
                st.set_value(
                    conn, suspension["list_id"], suspension["idx"], int(target == SUSPENDED)
                )
            self.store.set_credential_state(conn, credential_id, target)
            action = {REVOKED: "revoke", SUSPENDED: "suspend", ACTIVE: "unsuspend"}[target]
            self.store.audit(
                conn,
                at=now,
                actor=actor,
                action=action,
                subject=credential_id,
                detail={"reason": reason} if reason else None,
            )
            row = self._credential_row(conn, credential_id)
            return _credential_view(row, st.entries_of(conn, credential_id), full=False) | {
                "changed": True
            }

    # ------------------------------------------------------------ audit

    def audit_log(
        self, *, limit: int = 100, offset: int = 0, subject: str | None = None
    ) -> list[dict[str, Any]]:
        with self.store.begin() as conn:
            rows = self.store.audit_log(conn, limit=limit, offset=offset, subject=subject)
        return [
            {
                "id": r["id"],
                "at": aware(r["at"]),
                "actor": r["actor"],
                "action": r["action"],
                "subject": r["subject"],
                "detail": load(r["detail"]),
            }
            for r in rows
        ]


def _credential_view(
    row: RowMapping, entries: Sequence[RowMapping], *, full: bool
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row["id"],
        "achievement_id": row["achievement_id"],
        "subject_id": row["subject_id"],
        "state": row["state"],
        "issued_at": aware(row["issued_at"]),
        "valid_until": aware(row["valid_until"]),
        "offer_id": row["offer_id"],
        "status": [
            {"purpose": e["purpose"], "list": e["list_id"], "index": e["idx"], "value": e["value"]}
            for e in entries
        ],
    }
    if full:
        view["credential"] = load(row["document"])
    return view


def _new_id(name: str) -> str:
    slug = _SLUG.sub("-", name.lower()).strip("-")[:40] or "achievement"
    return f"{slug}-{secrets.token_hex(3)}"
