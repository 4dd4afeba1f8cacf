"""Rows of the ``frameworks`` table (each call takes the caller's connection)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, RowMapping

from issuer.store import tables as t
from issuer.store.db import insert_ignore
from issuer.store.repository import load


def get(conn: Connection, framework_id: str) -> RowMapping | None:
    query = select(t.frameworks).where(t.frameworks.c.id == framework_id)
    return conn.execute(query).mappings().first()


def all_rows(conn: Connection) -> list[RowMapping]:
    return list(conn.execute(select(t.frameworks).order_by(t.frameworks.c.id)).mappings())


def put(
    conn: Connection, framework_id: str, document: dict[str, Any], *, language: str, now: datetime
) -> bool:
    """Insert or replace; True when the framework is new.

    Insert-if-absent first, so two processes importing the same new framework at
    once end with one row (the second one updates it) instead of a key conflict.
    """
    values = {
        "id": framework_id,
        "document": dump(document),
        "language": language,
        "created_at": now,
        "updated_at": now,
    }
    if insert_ignore(conn, t.frameworks, values):
        return True
    conn.execute(
        update(t.frameworks)
        .where(t.frameworks.c.id == framework_id)
        .values(document=values["document"], language=language, updated_at=now)
    )
    return False


def document(row: RowMapping) -> dict[str, Any]:
    value: dict[str, Any] = load(row["document"])
    return value


def dump(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
