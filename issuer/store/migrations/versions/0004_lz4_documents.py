"""PostgreSQL: credential and achievement documents are compressed with lz4.

A signed credential is about 4 KB of JSON, over PostgreSQL's TOAST threshold (2 KB),
so every row stored is compressed by the server; with the default method (pglz) that
was the largest part of the server's CPU per credential in batch issuance (about
0.05 ms of 0.3 ms; lz4 compresses these documents as small, several times quicker,
and reads back quicker too). Rows stored before keep their method (both are read
alike). Only where the server has lz4 (PostgreSQL 14 and later, built with it); SQLite
and other servers are left as they are.

Revision ID: 0004_lz4_documents
Revises: 0003_offer_skills
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_lz4_documents"
down_revision = "0003_offer_skills"
branch_labels = None
depends_on = None

#: (table, column) of the large JSON documents.
DOCUMENTS = (("credentials", "document"), ("achievements", "document"))


def _has_lz4() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    methods = bind.execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    ).scalar()
    return methods is not None and "lz4" in methods


def upgrade() -> None:
    if _has_lz4():
        for table, column in DOCUMENTS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION lz4")


def downgrade() -> None:
    if _has_lz4():
        for table, column in DOCUMENTS:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION default")
