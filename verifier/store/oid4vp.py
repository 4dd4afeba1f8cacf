"""OpenID4VP transactions next to the requests table: nonce, state, verdict.

One row per presentation request (keyed by its short code). ``state`` is what the
wallet sends back (OpenID4VP 1.0 §8.2, §14.4.2); ``transaction`` is the second
random value only the verifier's page knows, needed to read the verdict
(§14.4.3 "two cryptographically random numbers"). The verdict is written once:
a conditional ``UPDATE`` so two responses can never both be recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from verifier.store.base import TableStore, from_ms, to_ms


@dataclass(frozen=True)
class Transaction:
    """A stored OpenID4VP transaction."""

    challenge: str
    nonce: str
    state: str
    transaction: str
    expires_at: datetime
    answered_at: datetime | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None


class Oid4vpStore(TableStore):
    """The verifier's OpenID4VP transactions table."""

    def __init__(self, engine: Engine, *, prefix: str = "rzv_") -> None:
        super().__init__(engine, prefix, "oid4vp")

    def add(
        self, *, challenge: str, nonce: str, state: str, transaction: str, expires_at: datetime
    ) -> None:
        t = self.table
        with self.engine.begin() as conn:
            conn.execute(
                t.insert().values(
                    challenge=challenge,
                    nonce=nonce,
                    state=state,
                    transaction=transaction,
                    expires_ms=to_ms(expires_at),
                    answered_ms=None,
                    result=None,
                    error=None,
                )
            )

    def _one(self, where: Any) -> Transaction | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.table).where(where)).first()
        if row is None:
            return None
        expires = from_ms(row.expires_ms)
        assert expires is not None
        return Transaction(
            challenge=row.challenge,
            nonce=row.nonce,
            state=row.state,
            transaction=row.transaction,
            expires_at=expires,
            answered_at=from_ms(row.answered_ms),
            result=None if row.result is None else json.loads(row.result),
            error=None if row.error is None else json.loads(row.error),
        )

    def by_challenge(self, challenge: str) -> Transaction | None:
        return self._one(self.table.c.challenge == challenge)

    def by_state(self, state: str) -> Transaction | None:
        return self._one(self.table.c.state == state)

    def record(
        self,
        challenge: str,
        now: datetime,
        *,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> bool:
        """Write the verdict (or the wallet's error answer) once; False if already written."""
        t = self.table
        with self.engine.begin() as conn:
            done = conn.execute(
                t.update()
                .where(t.c.challenge == challenge, t.c.answered_ms.is_(None))
                .values(
                    answered_ms=to_ms(now),
                    result=None if result is None else json.dumps(result),
                    error=None if error is None else json.dumps(error),
                )
            )
        return done.rowcount == 1
