"""The issuer store's schema version: Alembic migrations in ``issuer.store.migrations``."""

from __future__ import annotations

from shared.runtime.migrations import Migrations

MIGRATIONS = Migrations(
    package="issuer.store.migrations",
    version_table="rugzak_issuer_version",
    baseline="0001_baseline",
    baseline_tables=(
        "issuer_config",
        "signing_keys",
        "achievements",
        "frameworks",
        "credentials",
        "status_lists",
        "status_entries",
        "offers",
        "nonces",
        "audit_log",
        "images",
    ),
    upgrade_command="rugzak-issuer db upgrade",
    head_revision="0007_api_tokens",  # the newest in migrations/versions/
)
