"""Rows of the ``frameworks`` table (each call takes the caller's connection)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from issuer.store import tables as t
from issuer.store.repository import load


def get(conn: Connection, framework_id: str) -> RowMapping | None:
    query = select(t.frameworks).where(t.frameworks.c.id == framework_id)
    return conn.execute(query).mappings().first()


def all_rows(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(t.frameworks).order_by(t.frameworks.c.id)).mappings())


def put(
    conn: Connection, framework_id: str, document: dict[str, Any], *, language: str, now: datetime
) -> bool:
    """Insert or replace; True when the framework is new."""
    done = conn.execute(
        update(t.frameworks)
        .where(t.frameworks.c.id == framework_id)
        .values(document=dump(document), language=language, updated_at=now)
    )
    if done.rowcount:
        return False
    conn.execute(
        insert(t.frameworks).values(
            id=framework_id,
            document=dump(document),
            language=language,
            created_at=now,
            updated_at=now,
        )
    )
    return True


def document(row: RowMapping) -> dict[str, Any]:
    value: dict[str, Any] = load(row["document"])
    return value


def dump(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
