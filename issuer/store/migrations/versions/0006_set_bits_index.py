"""Status entries: the index of set bits holds only the set ones.

``ix_status_entries_set`` (list_id, value) held every entry, so each credential
issued added two rows to it (revocation and suspension), though it serves only the
read of a list's set bits (revoked or suspended: a few in a hundred). It is now
``ix_status_entries_set_bits`` on list_id for the entries whose value is not 0, a
partial index on SQLite and PostgreSQL alike: nothing to write for a new entry (value
0), and a smaller index to read when a list is signed again.

Revision ID: 0006_set_bits_index
Revises: 0005_achievement_revision
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_set_bits_index"
down_revision = "0005_achievement_revision"
branch_labels = None
depends_on = None

_SET = sa.text("value != 0")


def upgrade() -> None:
    with op.batch_alter_table("status_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_status_entries_set")
        batch_op.create_index(
            "ix_status_entries_set_bits",
            ["list_id"],
            unique=False,
            sqlite_where=_SET,
            postgresql_where=_SET,
        )


def downgrade() -> None:
    with op.batch_alter_table("status_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_status_entries_set_bits")
        batch_op.create_index("ix_status_entries_set", ["list_id", "value"], unique=False)
