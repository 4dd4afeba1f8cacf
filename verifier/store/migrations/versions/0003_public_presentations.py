"""Public presentations (opt-in) and the single-use challenges that guard them.

Revision ID: 0003_public_presentations
Revises: 0002_rate_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0003_public_presentations"
down_revision = "0002_rate_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    prefix = context.config.attributes["table_prefix"]
    op.create_table(
        f"{prefix}public",
        sa.Column("id", sa.String(length=43), nullable=False),
        sa.Column("holder", sa.String(length=300), nullable=False),
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("presentation", sa.Text(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("withdrawn_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(f"ix_{prefix}public_holder", f"{prefix}public", ["holder"], unique=False)
    op.create_table(
        f"{prefix}public_challenges",
        sa.Column("challenge", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=43), nullable=True),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("used_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("challenge"),
    )
    op.create_index(
        f"ix_{prefix}public_challenges_expires_ms",
        f"{prefix}public_challenges",
        ["expires_ms"],
        unique=False,
    )


def downgrade() -> None:
    prefix = context.config.attributes["table_prefix"]
    op.drop_table(f"{prefix}public_challenges")
    op.drop_table(f"{prefix}public")
