"""What the verifier's tables share: times as milliseconds, the schema (migrations)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from verifier.store.schema import migrations
from verifier.store.tables import verifier_metadata


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch (both dialects compare integers alike)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return int(moment.timestamp() * 1000)


def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


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
