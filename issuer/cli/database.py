"""``rugzak-issuer db``: the store's schema version (Alembic migrations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from issuer.cli.common import out, print_json, run, state
from shared.errors import ErrorCode, Unavailable

if TYPE_CHECKING:
    from issuer.store import Store

app = typer.Typer(no_args_is_help=True)


def _store(ctx: typer.Context) -> Store:
    from issuer.store import Store

    settings = state(ctx).settings()
    if settings.database_url is None and not (settings.data_dir / "issuer.db").exists():
        raise Unavailable(
            f"no issuer in {settings.data_dir}: run 'rugzak-issuer init' first",
            code=ErrorCode.not_initialized,
        )
    return Store(settings.resolved_database_url())


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Migrate the issuer's database to this version's schema (back it up first).

    Safe to run again: a database that is up to date is left alone. Stop every
    'serve' process first, and start them again afterwards.
    """
    from issuer.store.schema import MIGRATIONS

    def act() -> None:
        store = _store(ctx)
        try:
            before, after = store.upgrade_schema()
        finally:
            store.dispose()
        out.print(MIGRATIONS.describe(before, after), soft_wrap=True)

    run(act)


@app.command("status")
def status(
    ctx: typer.Context,
    json_: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the database's schema revision and the one this version needs."""

    def act() -> None:
        store = _store(ctx)
        try:
            now = store.schema_status()
        finally:
            store.dispose()
        if json_:
            print_json({"state": now.state, "revision": now.revision, "head": now.head})
            return
        out.print(f"state: {now.state.value}")
        out.print(f"revision: {now.revision or '-'}")
        out.print(f"this version needs: {now.head}")

    run(act)
