"""What the verifier's tables share: times as milliseconds, creating the schema."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch (both dialects compare integers alike)."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return int(moment.timestamp() * 1000)


def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


class TableStore:
    """One table over ``engine``; subclasses define ``self.table`` in ``self.metadata``."""

    engine: Engine
    metadata: sa.MetaData
    table: sa.Table

    def create_schema(self) -> None:
        """Create the table if missing; several worker processes may race to do it."""
        try:
            self.metadata.create_all(self.engine)
        except sa.exc.DBAPIError:
            if not sa.inspect(self.engine).has_table(self.table.name):
                raise

    def drop_schema(self) -> None:
        self.metadata.drop_all(self.engine)
