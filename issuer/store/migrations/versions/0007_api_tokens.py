"""Named API tokens: ``api_tokens`` replaces the one admin token in ``issuer_config``.

Each token has a name (the audit log records it), a scope (``admin`` or ``issue``),
its SHA-256 (never the token), when it was made, last used and revoked. The admin token
of a store made before is moved in as the token named ``admin`` with scope ``admin``:
the same token keeps working, and ``rugzak-issuer admin-token`` replaces it as before.
A name is unique among the tokens not revoked (a partial unique index on SQLite and
PostgreSQL alike), compared case-insensitively through ``name_key``.

Downgrading puts the hash of the active token named ``admin`` back in the config (the
others are dropped with the table).

Revision ID: 0007_api_tokens
Revises: 0006_set_bits_index
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_api_tokens"
down_revision = "0006_set_bits_index"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("revoked_at IS NULL")
_HASH_KEY = "admin_token_hash"
_config = sa.table("issuer_config", sa.column("key", sa.String), sa.column("value", sa.Text))
_tokens = sa.table(
    "api_tokens",
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("scope", sa.String),
    sa.column("token_hash", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("name_key", sa.String(length=256), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        "uq_api_tokens_active_name",
        "api_tokens",
        ["name_key"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    bind = op.get_bind()
    config = dict(
        bind.execute(
            sa.select(_config.c.key, _config.c.value).where(
                _config.c.key.in_([_HASH_KEY, "created_at"])
            )
        ).all()
    )
    stored = config.get(_HASH_KEY)
    if stored:
        bind.execute(
            _tokens.insert().values(
                name="admin",
                name_key="admin",
                scope="admin",
                token_hash=stored,
                created_at=_created(config.get("created_at")),
            )
        )
    bind.execute(_config.delete().where(_config.c.key == _HASH_KEY))


def _created(value: str | None) -> datetime:
    """When the issuer was set up (its admin token is as old), else now."""
    try:
        moment = datetime.fromisoformat(value) if value else datetime.now(UTC)
    except ValueError:
        moment = datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def downgrade() -> None:
    bind = op.get_bind()
    stored = bind.execute(
        sa.select(_tokens.c.token_hash).where(
            _tokens.c.name_key == "admin", _tokens.c.revoked_at.is_(None)
        )
    ).scalar_one_or_none()
    if stored is not None:
        bind.execute(_config.insert().values(key=_HASH_KEY, value=stored))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index("uq_api_tokens_active_name")
    op.drop_table("api_tokens")
