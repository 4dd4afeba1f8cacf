"""The rate limit's table, apart from its middleware.

Both stores declare this table with the rest of their schema, and every command that
opens a store imports that schema; ``shared.runtime.ratelimit`` imports the web layer
(FastAPI), which only the services need.
"""

from __future__ import annotations

import sqlalchemy as sa


def bucket_table(name: str, metadata: sa.MetaData) -> sa.Table:
    """The table ``SharedBuckets`` keeps its buckets in (each app names its own)."""
    return sa.Table(
        name,
        metadata,
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False, index=True),
    )
