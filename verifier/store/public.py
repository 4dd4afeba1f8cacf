"""Public presentations a learner published (opt-in), and the challenges that guard them.

One row per published presentation: a random id (the link), the holder's DID, the
challenge it was signed for (re-checked on every view) and the presentation itself.
A withdrawal deletes the presentation and keeps a tombstone (id, holder, times), so
the link answers 410 Gone instead of ever pointing at something else.

Challenges for publishing and withdrawing are single-use and expire; a withdrawal
challenge names the presentation it may withdraw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from verifier.store.base import TableStore, from_ms, to_ms

PURGE_CHALLENGES_AFTER = timedelta(days=1)
PUBLISH = "publish"
WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Published:
    """A public presentation, or its tombstone (``presentation`` None once withdrawn)."""

    id: str
    holder: str
    challenge: str
    presentation: dict[str, Any] | None
    created_at: datetime
    withdrawn_at: datetime | None


@dataclass(frozen=True)
class Challenge:
    """What a single-use challenge is for: ``publish``, or withdrawing ``target``."""

    challenge: str
    purpose: str
    target: str | None
    expires_at: datetime
    used_at: datetime | None


class PublicStore(TableStore):
    """Two tables: ``<prefix>public`` and ``<prefix>public_challenges``."""

    def __init__(self, engine: Engine, *, prefix: str = "rzv_") -> None:
        super().__init__(engine, prefix, "public")
        self.challenges = self.metadata.tables[f"{prefix}public_challenges"]

    def add_challenge(
        self, challenge: str, purpose: str, target: str | None, expires: datetime, now: datetime
    ) -> None:
        c = self.challenges
        with self.engine.begin() as conn:
            conn.execute(
                c.insert().values(
                    challenge=challenge,
                    purpose=purpose,
                    target=target,
                    expires_ms=to_ms(expires),
                    used_ms=None,
                )
            )
            conn.execute(c.delete().where(c.c.expires_ms < to_ms(now - PURGE_CHALLENGES_AFTER)))

    def challenge(self, challenge: str) -> Challenge | None:
        c = self.challenges
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(c).where(c.c.challenge == challenge)).first()
        if row is None:
            return None
        expires = from_ms(row.expires_ms)
        assert expires is not None
        return Challenge(row.challenge, row.purpose, row.target, expires, from_ms(row.used_ms))

    def publish(
        self, ident: str, holder: str, challenge: str, presentation: dict[str, Any], now: datetime
    ) -> bool:
        """Spend ``challenge`` and store the presentation in one transaction; False when
        the challenge was already used or has expired (nothing is stored then)."""
        t = self.table
        with self.engine.begin() as conn:
            if not self._spend(conn, challenge, PUBLISH, now):
                return False
            conn.execute(
                t.insert().values(
                    id=ident,
                    holder=holder,
                    challenge=challenge,
                    presentation=json.dumps(presentation, ensure_ascii=False),
                    created_ms=to_ms(now),
                    withdrawn_ms=None,
                )
            )
        return True

    def _spend(
        self,
        conn: sa.Connection,
        challenge: str,
        purpose: str,
        now: datetime,
        *,
        target: str | None = None,
    ) -> bool:
        """Mark a pending, unexpired ``challenge`` of ``purpose`` (for ``target``) used,
        in one conditional UPDATE, so two racing requests cannot both spend it."""
        c = self.challenges
        where = [
            c.c.challenge == challenge,
            c.c.purpose == purpose,
            c.c.used_ms.is_(None),
            c.c.expires_ms > to_ms(now),
        ]
        if target is not None:
            where.append(c.c.target == target)
        spent = conn.execute(c.update().where(*where).values(used_ms=to_ms(now)))
        return spent.rowcount == 1

    def get(self, ident: str) -> Published | None:
        t = self.table
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t).where(t.c.id == ident)).first()
        if row is None:
            return None
        created = from_ms(row.created_ms)
        assert created is not None
        document = json.loads(row.presentation) if row.presentation is not None else None
        return Published(
            row.id, row.holder, row.challenge, document, created, from_ms(row.withdrawn_ms)
        )

    def withdraw(self, ident: str, challenge: str, now: datetime) -> bool:
        """Spend the withdrawal ``challenge`` for ``ident`` and delete the presentation
        (keeping the tombstone) in one transaction; False when the challenge is not a
        pending one for this presentation."""
        t = self.table
        with self.engine.begin() as conn:
            if not self._spend(conn, challenge, WITHDRAW, now, target=ident):
                return False
            conn.execute(
                t.update()
                .where(t.c.id == ident, t.c.withdrawn_ms.is_(None))
                .values(presentation=None, withdrawn_ms=to_ms(now))
            )
        return True
