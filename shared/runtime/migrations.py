"""Alembic schema migrations for the apps' stores, run from code (no alembic.ini).

Each app ships its migrations as a package (``issuer/store/migrations``,
``verifier/store/migrations``), so they work from a wheel as from a checkout. Its
``env.py`` takes the connection and settings from ``Config.attributes`` (see
``Migrations.config``). A store is in one of four states:

- empty: no tables at all. ``upgrade`` creates it at the head revision.
- unversioned: the tables of the baseline revision, made before migrations existed,
  without a version row. ``upgrade`` records the baseline (or runs it, see
  ``adopt_by_running``), then upgrades.
- behind or ahead: a recorded revision that is not the head; ``upgrade`` moves a store
  that is behind forward, a store ahead (made by newer code) is refused.
- current: at the head revision.

``require_current`` is what ``serve`` calls: anything but current (empty stores
excepted when the caller creates them) is refused with ``database_outdated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from shared.errors import ErrorCode, Unavailable

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Connection, Engine

# Alembic is imported where it is used: every command line that opens a store imports
# this module, and Alembic costs about a quarter of a second to import. A store at the
# head revision (``head_revision``, written down) is found so without it (``status``).


class SchemaState(StrEnum):
    empty = "empty"
    unversioned = "unversioned"
    behind = "behind"
    ahead = "ahead"
    current = "current"


@dataclass(frozen=True)
class SchemaStatus:
    """Where a store stands: its recorded revision against the code's head."""

    state: SchemaState
    revision: str | None
    head: str


@lru_cache(maxsize=8)
def _script(package: str) -> ScriptDirectory:
    """The parsed migration scripts of ``package`` (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    location = str(resources.files(package))
    config = Config()
    config.set_main_option("script_location", location)
    return ScriptDirectory.from_config(config)


@dataclass(frozen=True)
class Migrations:
    """The migrations of one store.

    ``package``: the importable package holding ``env.py`` and ``versions/``.
    ``version_table``: where Alembic records the revision (named per store, so an
    issuer and a verifier can share one PostgreSQL database).
    ``baseline_tables``: the tables a store made before migrations existed has; their
    presence without a version row means "unversioned at the baseline".
    ``upgrade_command``: what the operator runs, for messages.
    ``head_revision``: the newest revision in ``versions/``, written down so that
    ``status`` recognises a current store with one query and without Alembic (which
    parses every script). ``head`` checks it against Alembic's, and so do the tests.
    ``adopt_by_running``: an unversioned store is brought in by running the baseline
    (which then must create only what is missing) instead of recording it as done.
    """

    package: str
    version_table: str
    baseline: str
    baseline_tables: Sequence[str]
    upgrade_command: str
    head_revision: str
    adopt_by_running: bool = False
    attributes: dict[str, Any] = field(default_factory=dict)

    def head(self) -> str:
        head = _script(self.package).get_current_head()
        if head is None:  # a package without revisions is a packaging bug
            raise ValueError(f"no migrations in {self.package}")
        if head != self.head_revision:  # so is a head that was not written down
            raise ValueError(
                f"{self.package}: the newest migration is {head}, "
                f"but head_revision says {self.head_revision}"
            )
        return head

    def config(self, conn: Connection) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(resources.files(self.package)))
        config.attributes.update(self.attributes)
        config.attributes["connection"] = conn
        config.attributes["version_table"] = self.version_table
        return config

    def status(self, engine: Engine) -> SchemaStatus:
        """The store's state; one small query when it is versioned."""
        with engine.connect() as conn:
            recorded = self._recorded(conn)
        if recorded == [self.head_revision]:
            # The everyday case, found without Alembic; every other one is judged by it.
            return SchemaStatus(SchemaState.current, self.head_revision, self.head_revision)
        from alembic.runtime.migration import MigrationContext

        head = self.head()
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"version_table": self.version_table})
            revision = context.get_current_revision()
            if revision is None:
                tables = set(sa.inspect(conn).get_table_names())
                if not tables & set(self.baseline_tables):
                    return SchemaStatus(SchemaState.empty, None, head)
                return SchemaStatus(SchemaState.unversioned, None, head)
        if revision == head:
            return SchemaStatus(SchemaState.current, revision, head)
        known = {script.revision for script in _script(self.package).walk_revisions()}
        state = SchemaState.behind if revision in known else SchemaState.ahead
        return SchemaStatus(state, revision, head)

    def _recorded(self, conn: Connection) -> list[str] | None:
        """The revisions in the version table (Alembic's ``version_num``), None
        without one."""
        if not sa.inspect(conn).has_table(self.version_table):
            return None
        version = sa.table(self.version_table, sa.column("version_num"))
        return [row[0] for row in conn.execute(sa.select(version.c.version_num))]

    def upgrade(self, engine: Engine) -> tuple[SchemaStatus, SchemaStatus]:
        """Bring the store to head; returns its status before and after.

        An unversioned store must hold every baseline table (else it is not one of
        ours, or damaged, and nothing is touched). A store ahead is refused.
        """
        from alembic import command

        before = self.status(engine)
        if before.state is SchemaState.ahead:
            raise self.refusal(before)
        if before.state is SchemaState.current:
            return before, before
        with engine.begin() as conn:
            config = self.config(conn)
            if before.state is SchemaState.unversioned and not self.adopt_by_running:
                tables = set(sa.inspect(conn).get_table_names())
                missing = sorted(set(self.baseline_tables) - tables)
                if missing:
                    raise Unavailable(
                        "the database holds some of this store's tables but not all: "
                        "it is not a store this program made, or it is damaged",
                        code=ErrorCode.database_outdated,
                        detail={"missing_tables": missing},
                    )
                command.stamp(config, self.baseline)
            command.upgrade(config, "head")
        return before, self.status(engine)

    def require_current(self, engine: Engine, *, create_empty: bool) -> SchemaStatus:
        """Refuse (``database_outdated``) unless the store is at head. An empty store
        is created at head when ``create_empty`` (a brand-new database)."""
        status = self.status(engine)
        if status.state is SchemaState.empty and create_empty:
            try:
                return self.upgrade(engine)[1]
            except sa.exc.DBAPIError:
                # Several processes may create a new store at once: one wins.
                status = self.status(engine)
        if status.state is not SchemaState.current:
            raise self.refusal(status)
        return status

    @staticmethod
    def describe(before: SchemaStatus, after: SchemaStatus) -> str:
        """What ``upgrade`` did, in one sentence for the operator."""
        if before.revision == after.revision:
            return f"The database is up to date (revision {after.revision})."
        if before.state is SchemaState.empty:
            return f"Database created at revision {after.revision}."
        was = before.revision or "the schema from before migrations"
        return f"Database migrated from {was} to revision {after.revision}."

    def refusal(self, status: SchemaStatus) -> Unavailable:
        if status.state is SchemaState.ahead:
            message = (
                f"the database was migrated by a newer version of Rugzak (revision "
                f"{status.revision}, this version knows up to {status.head}): upgrade Rugzak"
            )
        elif status.state is SchemaState.empty:
            message = f"the database is empty: run '{self.upgrade_command}' first"
        else:
            message = (
                f"the database schema is not up to date: run '{self.upgrade_command}' "
                "(back the database up first)"
            )
        return Unavailable(
            message,
            code=ErrorCode.database_outdated,
            detail={"state": status.state.value, "revision": status.revision, "head": status.head},
        )
