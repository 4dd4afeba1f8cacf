"""Rate-limit token buckets in the database, shared by every verifier process.

Revision ID: 0002_rate_limits
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0002_rate_limits"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    prefix = context.config.attributes["table_prefix"]
    op.create_table(
        f"{prefix}rate_limits",
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("client"),
    )
    op.create_index(
        f"ix_{prefix}rate_limits_updated_ms", f"{prefix}rate_limits", ["updated_ms"], unique=False
    )


def downgrade() -> None:
    prefix = context.config.attributes["table_prefix"]
    op.drop_table(f"{prefix}rate_limits")
