"""What the verifier's tables share: times as milliseconds, the schema (migrations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.sql.compiler import SQLCompiler

from verifier.store.schema import migrations
from verifier.store.tables import verifier_metadata


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch (both dialects compare integers alike)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return int(moment.timestamp() * 1000)


def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


class Compiled:
    """One statement compiled for ``engine``'s database, run on a pooled DBAPI connection.

    For the few statements on the hot path only. Parameters must be plain ``str`` and
    ``int`` (no type conversion happens). On SQLite the verifier's connections are in
    autocommit mode (``shared.runtime.db``), so a single statement commits by itself;
    elsewhere the connection commits after it.
    """

    def __init__(self, statement: sa.ClauseElement, engine: Engine) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        self.names: list[str] | None = (
            list(compiled.positiontup or []) if compiled.positional else None
        )
        self.autocommit = engine.dialect.name == "sqlite"

    def _params(self, values: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        return values if self.names is None else tuple(values[name] for name in self.names)

    def fetch_one(self, engine: Engine, values: dict[str, Any]) -> tuple[Any, ...] | None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(self.sql, self._params(values))
                row = cursor.fetchone()
            finally:
                cursor.close()
            if not self.autocommit:
                connection.commit()
        finally:
            connection.close()
        return None if row is None else tuple(row)

    def change(self, engine: Engine, values: dict[str, Any]) -> int:
        """Run a write; the number of rows it changed (after its commit)."""
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(self.sql, self._params(values))
                changed = int(cursor.rowcount)
            finally:
                cursor.close()
            if not self.autocommit:
                connection.commit()
        finally:
            connection.close()
        return changed


class TableStore:
    """One of the verifier's tables over ``engine`` (``self.table``, named with ``prefix``)."""

    def __init__(self, engine: Engine, prefix: str, name: str) -> None:
        self.engine = engine
        self.prefix = prefix
        self.metadata = verifier_metadata(prefix)
        self.table = self.metadata.tables[f"{prefix}{name}"]

    def create_schema(self) -> None:
        """Make a new store at the newest migration; an existing one must be current
        (``database_outdated`` otherwise: ``rugzak-verifier db upgrade`` moves it)."""
        migrations(self.prefix).require_current(self.engine, create_empty=True)

    def drop_schema(self) -> None:
        """Drop every verifier table of this prefix (tests)."""
        self.metadata.drop_all(self.engine)
        version = sa.Table(migrations(self.prefix).version_table, sa.MetaData())
        version.drop(self.engine, checkfirst=True)
