"""Rate-limit token buckets in the database, shared by every issuer process.

Revision ID: 0002_rate_limits
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_rate_limits"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issuer_rate_limits",
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("client"),
    )
    op.create_index(
        "ix_issuer_rate_limits_updated_ms", "issuer_rate_limits", ["updated_ms"], unique=False
    )


def downgrade() -> None:
    op.drop_table("issuer_rate_limits")
