"""Baseline: the verifier tables as they were before migrations existed.

Tables are named with the configured prefix (``context.config.attributes``). A store
from before migrations may hold some of them already: only missing ones are made.

Revision ID: 0001_baseline
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    prefix = context.config.attributes["table_prefix"]
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if f"{prefix}requests" not in existing:
        op.create_table(
            f"{prefix}requests",
            sa.Column("challenge", sa.String(length=32), nullable=False),
            sa.Column("domain", sa.String(length=300), nullable=False),
            sa.Column("types", sa.Text(), nullable=False),
            sa.Column("created_ms", sa.BigInteger(), nullable=False),
            sa.Column("expires_ms", sa.BigInteger(), nullable=False),
            sa.Column("used_ms", sa.BigInteger(), nullable=True),
            sa.PrimaryKeyConstraint("challenge"),
        )
        op.create_index(
            f"ix_{prefix}requests_expires_ms", f"{prefix}requests", ["expires_ms"], unique=False
        )
    if f"{prefix}oid4vp" not in existing:
        op.create_table(
            f"{prefix}oid4vp",
            sa.Column("challenge", sa.String(length=32), nullable=False),
            sa.Column("nonce", sa.String(length=64), nullable=False),
            sa.Column("state", sa.String(length=64), nullable=False),
            sa.Column("transaction", sa.String(length=64), nullable=False),
            sa.Column("expires_ms", sa.BigInteger(), nullable=False),
            sa.Column("answered_ms", sa.BigInteger(), nullable=True),
            sa.Column("result", sa.Text(), nullable=True),
            sa.Column("error", sa.Text(), nullable=True),
            sa.PrimaryKeyConstraint("challenge"),
            sa.UniqueConstraint("state"),
        )
        op.create_index(
            f"ix_{prefix}oid4vp_expires_ms", f"{prefix}oid4vp", ["expires_ms"], unique=False
        )


def downgrade() -> None:
    prefix = context.config.attributes["table_prefix"]
    op.drop_table(f"{prefix}oid4vp")
    op.drop_table(f"{prefix}requests")
