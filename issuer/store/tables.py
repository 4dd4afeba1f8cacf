"""The issuer's database schema (SQLAlchemy Core; SQLite and PostgreSQL).

Invariants the schema itself enforces, so they hold across processes:
- ``status_entries`` primary key (list_id, idx): no status index is handed out twice.
  Entries are never deleted, so an index is never reused either.
- ``credentials.idempotency_key`` and ``offers.idempotency_key`` are unique: a batch
  row re-run awards nothing new.
- ``status_lists`` (purpose, seq) is unique: two processes opening the next list at
  once end up with one list.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.runtime.buckets import bucket_table

metadata = MetaData()

TS = DateTime(timezone=True)

config = Table(
    "issuer_config",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fragment", String(128), nullable=False, unique=True),
    Column("public_multibase", String(128), nullable=False),
    Column("sealed_seed", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("retired_at", TS, nullable=True),
)

achievements = Table(
    "achievements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("document", Text, nullable=False),
    Column("valid_days", Integer, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("retired_at", TS, nullable=True),
    # Raised by every change to the row (edit, retirement): an award prepared from
    # revision N is stored only while the row is still at N (``AwardOps._changed``).
    Column("revision", Integer, nullable=False, default=0, server_default="0"),
)

# Skill frameworks (shared.skills JSON); each skill's achievement lives in ``achievements``.
frameworks = Table(
    "frameworks",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("document", Text, nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("achievement_id", String(64), ForeignKey("achievements.id"), nullable=False),
    Column("subject_id", String(512), nullable=False),
    Column("idempotency_key", String(64), nullable=True, unique=True),
    Column("offer_id", String(64), nullable=True),
    Column("state", String(16), nullable=False),
    Column("issued_at", TS, nullable=False),
    Column("valid_until", TS, nullable=True),
    Column("document", Text, nullable=False),
)
Index("ix_credentials_achievement", credentials.c.achievement_id)

status_lists = Table(
    "status_lists",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("purpose", String(16), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("created_at", TS, nullable=False),
    # Bumped in the same transaction as every bit change; the signed copy is
    # regenerated when its version falls behind.
    Column("version", Integer, nullable=False, default=0),
    Column("signed_version", Integer, nullable=True),
    Column("signed_document", Text, nullable=True),
    Column("etag", String(80), nullable=True),
    UniqueConstraint("purpose", "seq", name="uq_status_lists_purpose_seq"),
)

status_entries = Table(
    "status_entries",
    metadata,
    Column("list_id", String(64), ForeignKey("status_lists.id"), primary_key=True),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("credential_id", String(80), nullable=False),
    Column("value", Integer, nullable=False, default=0),
)
Index("ix_status_entries_credential", status_entries.c.credential_id)
# The set bits of a list (revoked, suspended): only those entries are in it, so a new
# entry (value 0) costs this index nothing.
Index(
    "ix_status_entries_set_bits",
    status_entries.c.list_id,
    sqlite_where=status_entries.c.value != 0,
    postgresql_where=status_entries.c.value != 0,
)

offers = Table(
    "offers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("tx_code_hash", String(64), nullable=True),
    Column("tx_attempts", Integer, nullable=False, default=0),
    Column("achievement_id", String(64), ForeignKey("achievements.id"), nullable=False),
    Column("recipient_name", String(256), nullable=True),
    Column("recipient_email", String(320), nullable=True),
    Column("award", Text, nullable=False),
    # several skill levels in one offer (JSON list of {achievement_id, level}); NULL: one
    Column("skills", Text, nullable=True),
    Column("idempotency_key", String(64), nullable=True, unique=True),
    Column("state", String(16), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("token_hash", String(64), nullable=True, unique=True),
    Column("token_expires_at", TS, nullable=True),
    Column("credential_id", String(80), nullable=True),
    Column("holder_did", String(512), nullable=True),
    Column("redeemed_at", TS, nullable=True),
)

nonces = Table(
    "nonces",
    metadata,
    Column("nonce_hash", String(64), primary_key=True),
    Column("expires_at", TS, nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)
Index("ix_nonces_expires", nonces.c.expires_at)

audit = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TS, nullable=False),
    Column("actor", String(256), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(512), nullable=False),
    Column("detail", Text, nullable=True),
)
Index("ix_audit_at", audit.c.at)

# Badge and logo images, named by their content (``<sha-256 prefix>.<ext>``): a name
# never changes meaning, so ``GET /images/<name>`` is served as immutable.
images = Table(
    "images",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("media_type", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", TS, nullable=False),
)

# Named bearer tokens of the HTTP API (``issuer.api_tokens``): only their SHA-256 is kept.
# A revoked token stays as a row (the audit log names it); a name is unique among the
# tokens not revoked, compared case-insensitively (``name_key``).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("name_key", String(256), nullable=False),
    Column("scope", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", TS, nullable=False),
    Column("last_used_at", TS, nullable=True),
    Column("revoked_at", TS, nullable=True),
)
Index(
    "uq_api_tokens_active_name",
    api_tokens.c.name_key,
    unique=True,
    sqlite_where=api_tokens.c.revoked_at.is_(None),
    postgresql_where=api_tokens.c.revoked_at.is_(None),
)

# Token buckets of the public endpoints' rate limit, shared by every issuer process on
# this database (``shared.runtime.ratelimit.SharedBuckets``; clients stored hashed).
rate_limits = bucket_table("issuer_rate_limits", metadata)
