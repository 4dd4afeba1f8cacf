"""The verifier's tables, named with a prefix (``rzv_`` by default) so several verifiers,
or a verifier and an issuer, can share one PostgreSQL database."""

from __future__ import annotations

import sqlalchemy as sa

from shared.runtime.buckets import bucket_table


def verifier_metadata(prefix: str) -> sa.MetaData:
    """Every verifier table at the newest migration, for ``prefix``."""
    metadata = sa.MetaData()
    sa.Table(
        f"{prefix}requests",
        metadata,
        sa.Column("challenge", sa.String(32), primary_key=True),
        sa.Column("domain", sa.String(300), nullable=False),
        sa.Column("types", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_ms", sa.BigInteger, nullable=False, index=True),
        sa.Column("used_ms", sa.BigInteger, nullable=True),
    )
    sa.Table(
        f"{prefix}oid4vp",
        metadata,
        sa.Column("challenge", sa.String(32), primary_key=True),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("state", sa.String(64), nullable=False, unique=True),
        sa.Column("transaction", sa.String(64), nullable=False),
        sa.Column("expires_ms", sa.BigInteger, nullable=False, index=True),
        sa.Column("answered_ms", sa.BigInteger, nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    # Token buckets of the rate limit, shared by every process on this database.
    bucket_table(f"{prefix}rate_limits", metadata)
    # Public presentations a learner published (opt-in); ``presentation`` is NULL once
    # withdrawn (the row stays: the link answers 410, never something else).
    sa.Table(
        f"{prefix}public",
        metadata,
        sa.Column("id", sa.String(43), primary_key=True),
        sa.Column("holder", sa.String(300), nullable=False, index=True),
        sa.Column("challenge", sa.String(64), nullable=False),
        sa.Column("presentation", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("withdrawn_ms", sa.BigInteger, nullable=True),
    )
    sa.Table(
        f"{prefix}public_challenges",
        metadata,
        sa.Column("challenge", sa.String(64), primary_key=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("target", sa.String(43), nullable=True),
        sa.Column("expires_ms", sa.BigInteger, nullable=False, index=True),
        sa.Column("used_ms", sa.BigInteger, nullable=True),
    )
    return metadata
