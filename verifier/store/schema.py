"""The verifier store's schema version: Alembic migrations in ``verifier.store.migrations``."""

from __future__ import annotations

from shared.runtime.migrations import Migrations


def migrations(prefix: str) -> Migrations:
    """The migrations of the verifier tables named with ``prefix``.

    A store from before migrations may hold only some tables (``rugzak-verifier
    request`` made just the requests table), so it is adopted by running the
    baseline, which creates the tables that are missing.
    """
    return Migrations(
        package="verifier.store.migrations",
        version_table=f"{prefix}schema_version",
        baseline="0001_baseline",
        baseline_tables=(f"{prefix}requests", f"{prefix}oid4vp"),
        upgrade_command="rugzak-verifier db upgrade",
        head_revision="0003_public_presentations",  # the newest in migrations/versions/
        adopt_by_running=True,
        attributes={"table_prefix": prefix},
    )
