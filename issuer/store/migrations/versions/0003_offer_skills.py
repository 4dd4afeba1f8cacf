"""Offers of several skill levels: ``offers.skills``.

One offer may deliver one credential per skill level of one piece of work (the
award command's "new menu card" -> creativity 2, perseverance 2, initiative 1): the
skills are kept as JSON (``[{"achievement_id": ..., "level": ...}]``); NULL for an
offer of one achievement, as every offer made before this revision is.

Revision ID: 0003_offer_skills
Revises: 0002_rate_limits
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_offer_skills"
down_revision = "0002_rate_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skills", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("skills")
