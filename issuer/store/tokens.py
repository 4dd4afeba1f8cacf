"""Rows of the ``api_tokens`` table (each call takes the caller's connection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.engine import Connection, RowMapping

from issuer.store import tables as t

_TOKENS = t.api_tokens
# Built once: the lookup runs on every authenticated request.
_BY_HASH = select(_TOKENS).where(_TOKENS.c.token_hash == bindparam("token_hash"))


def by_hash(conn: Connection, token_hash: str) -> RowMapping | None:
    """The token row (revoked or not) whose hash this is (one read of a unique index)."""
    return conn.execute(_BY_HASH, {"token_hash": token_hash}).mappings().first()


def active_by_key(conn: Connection, name_key: str) -> RowMapping | None:
    query = select(_TOKENS).where(_TOKENS.c.name_key == name_key, _TOKENS.c.revoked_at.is_(None))
    return conn.execute(query).mappings().first()


def all_rows(conn: Connection) -> list[RowMapping]:
    """Every token, oldest first (revoked ones too: the audit trail names them)."""
    return list(conn.execute(select(_TOKENS).order_by(_TOKENS.c.id)).mappings())


def add(
    conn: Connection,
    *,
    name: str,
    name_key: str,
    scope: str,
    token_hash: str,
    now: datetime,
) -> None:
    conn.execute(
        insert(_TOKENS).values(
            name=name, name_key=name_key, scope=scope, token_hash=token_hash, created_at=now
        )
    )


def revoke(conn: Connection, token_id: int, now: datetime) -> bool:
    """Mark a token revoked; False when it was revoked already (by another process)."""
    done = conn.execute(
        update(_TOKENS)
        .where(_TOKENS.c.id == token_id, _TOKENS.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return done.rowcount == 1


def touch(conn: Connection, token_id: int, now: datetime, before: datetime) -> None:
    """Record a use at ``now`` unless one at or after ``before`` is recorded already
    (another process or thread got there first)."""
    conn.execute(
        update(_TOKENS)
        .where(
            _TOKENS.c.id == token_id,
            or_(_TOKENS.c.last_used_at.is_(None), _TOKENS.c.last_used_at < before),
        )
        .values(last_used_at=now)
    )
