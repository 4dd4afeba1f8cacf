"""Credentials and audit rows written in bulk (COPY on PostgreSQL, executemany on
SQLite) and the JSON text they are stored as: the same rows, the same values, and a
duplicate idempotency key refused as SQLAlchemy's IntegrityError on both databases
(what ``AwardOps._write`` catches to return the earlier credential)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from issuer.store import Store
from issuer.store import tables as t
from issuer.store.repository import _dump
from tests.issuer.multiprocess import pg_schema

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        made = Store(f"sqlite:///{tmp_path}/issuer.db")
        made.create_schema()
        yield made
        made.dispose()
        return
    with pg_schema() as url:
        made = Store(url)
        made.create_schema()
        yield made
        made.dispose()


def _credential(i: int, key: str | None = None) -> dict[str, Any]:
    return {
        "id": f"urn:uuid:c-{i}",
        "achievement_id": "a",
        "subject_id": "did:key:z6Mk-learner",
        "idempotency_key": key,
        "offer_id": None,
        "state": "active",
        "issued_at": NOW,
        "valid_until": None if i % 2 else NOW,
        "document": {"id": f"urn:uuid:c-{i}", "name": 'Zorg \\t\n"é" 🎓', "n": i},
    }


def _achievement(store: Store) -> None:
    with store.begin() as conn:
        store.insert_achievement(conn, id="a", document={"name": "A"}, valid_days=None, now=NOW)


def test_rows_written_in_bulk_read_back_the_same(store: Store) -> None:
    _achievement(store)
    rows = [_credential(i, key=f"k{i}" if i % 3 else None) for i in range(5)]
    audits = [
        {"at": NOW, "actor": "t" * 300, "action": "issue", "subject": f"urn:uuid:c-{i}",
         "detail": {"status": [f"list#{i}"], "note": None if i else "tab\there"}}
        for i in range(5)
    ]  # fmt: skip
    with store.begin() as conn:
        store.insert_credentials(conn, rows)
        store.audit_many(conn, audits)
    with store.read() as conn:
        stored = {r["id"]: r for r in conn.execute(select(t.credentials)).mappings()}
        logged = list(conn.execute(select(t.audit).order_by(t.audit.c.id)).mappings())
    for row in rows:
        back = stored[row["id"]]
        assert json.loads(back["document"]) == row["document"]
        assert back["idempotency_key"] == row["idempotency_key"]
        assert (back["valid_until"] is None) == (row["valid_until"] is None)
    assert [json.loads(r["detail"]) for r in logged] == [a["detail"] for a in audits]
    assert {len(r["actor"]) for r in logged} == {256}


def test_a_duplicate_key_is_an_integrity_error_and_nothing_is_kept(store: Store) -> None:
    _achievement(store)
    with store.begin() as conn:
        store.insert_credentials(conn, [_credential(0, key="same")])
    with pytest.raises(IntegrityError), store.begin() as conn:
        store.insert_credentials(conn, [_credential(1), _credential(2, key="same")])
    with store.read() as conn:
        ids = list(conn.execute(select(t.credentials.c.id)).scalars())
    assert ids == ["urn:uuid:c-0"]


@pytest.mark.parametrize(
    "value",
    [
        {"name": "Zorg é 🎓", "list": [1, 2.5, True, False], "nested": {"a": 'b\n"c"'}},
        {"none": None},
        {"nan": math.nan, "inf": math.inf},  # orjson would write null: the json module
        {"big": 2**70},  # orjson refuses it
        {1: "a key that is not a string"},
        ["a list", "\ud800"],  # a lone surrogate
    ],
)
def test_dump_gives_what_json_dumps_gives(value: Any) -> None:
    expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    text = _dump(value)
    assert json.loads(text) == json.loads(expected) or (
        text == expected  # NaN is not equal to itself
    )
    if "nan" in str(value):
        assert text == expected


def test_bulk_rows_are_stored_as_single_ones_are(store: Store) -> None:
    """The same stored text (dates included) as a row SQLAlchemy writes itself."""
    from sqlalchemy import text

    _achievement(store)
    with store.begin() as conn:
        store.insert_credential(conn, **_credential(0))
        store.insert_credentials(conn, [_credential(1) | {"valid_until": NOW}])
    with store.read() as conn:
        rows = conn.execute(
            text("SELECT CAST(issued_at AS TEXT), CAST(valid_until AS TEXT) FROM credentials")
        ).all()
    assert rows[0] == rows[1]
