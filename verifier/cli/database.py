"""``rugzak-verifier db``: the store's schema version (Alembic migrations)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from shared.errors import EXIT_BAD_INPUT, RugzakError
from verifier.cli.common import load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from shared.runtime.migrations import Migrations, SchemaStatus

app = typer.Typer(no_args_is_help=True)
DatabaseOpt = Annotated[
    str | None, typer.Option(help="SQLAlchemy URL (default: RUGZAK_VERIFIER_DATABASE_URL)")
]


def open_store(database_url: str | None) -> tuple[Engine, Migrations]:
    """The engine and migrations of the configured store (a SQLite folder is made)."""
    # the store is imported here, not by every command's start-up (``--help`` too)
    from verifier.store import make_engine
    from verifier.store.schema import migrations

    settings = load_settings()
    url = database_url or settings.resolved_database_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    return make_engine(url), migrations(settings.table_prefix)


def fail(exc: RugzakError) -> typer.Exit:
    console = Console(stderr=True, emoji=False, highlight=False)
    console.print(f"[red]error[/red] [bold]{exc.code}[/bold]: {escape(exc.message)}")
    return typer.Exit(EXIT_BAD_INPUT)


@app.command("upgrade")
def upgrade(database_url: DatabaseOpt = None) -> None:
    """Migrate the verifier's database to this version's schema (new ones are created).

    Safe to run again. Stop every `serve` process first, and start them afterwards.
    """
    engine, schema = open_store(database_url)
    try:
        before, after = schema.upgrade(engine)
    except RugzakError as exc:
        raise fail(exc) from None
    finally:
        engine.dispose()
    typer.echo(schema.describe(before, after))


@app.command("status")
def status(
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Show the database's schema revision and the one this version needs."""
    engine, schema = open_store(database_url)
    try:
        now: SchemaStatus = schema.status(engine)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"state": now.state, "revision": now.revision, "head": now.head}))
        return
    typer.echo(
        f"state: {now.state.value}\nrevision: {now.revision or '-'}\nthis version needs: {now.head}"
    )
