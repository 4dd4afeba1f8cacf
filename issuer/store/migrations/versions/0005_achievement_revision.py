"""``achievements.revision``: a number every change to an achievement's row raises.

An award is checked, in the transaction that stores it, against the achievement it
was prepared from (edited or retired meanwhile: made again or refused). That check
read the whole stored document (tens of KB with a picture) for every transaction, and
every batch call read it once more to see whether its copy was still current; the
revision answers both in a few bytes. Rows made before start at 0.

Revision ID: 0005_achievement_revision
Revises: 0004_lz4_documents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_achievement_revision"
down_revision = "0004_lz4_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_column("revision")
