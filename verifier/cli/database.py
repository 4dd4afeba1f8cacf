"""``rugzak-verifier db``: the store's schema version (Alembic migrations).

The lines are the catalogue's (``verifier_cli``), in the language of ``--lang``;
``db status --json`` is the same in every language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from shared.errors import EXIT_BAD_INPUT, ErrorCode, RugzakError
from verifier.cli.common import load_settings
from verifier.cli.language import LangOpt, choose_language
from verifier.cli.output import DETAILED, error_text, say

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from shared.runtime.migrations import Migrations, SchemaStatus

app = typer.Typer(no_args_is_help=True)
DatabaseOpt = Annotated[
    str | None, typer.Option(help="SQLAlchemy URL (default: RUGZAK_VERIFIER_DATABASE_URL)")
]
# What a store that is not current needs (``Migrations.refusal``'s detail ``state``).
_REFUSED = {"ahead": "db_refused_ahead", "empty": "db_refused_empty"}


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


def store_error_text(error: RugzakError, lang: str) -> str:
    """An error of the store for the operator: a store that is not at this version's
    schema says what it needs (upgrade the store, or Rugzak) from the refusal's detail."""
    detail = error.detail if isinstance(error.detail, Mapping) else {}
    if error.code is not ErrorCode.database_outdated or not detail:
        return error_text(error, lang, DETAILED)
    if "missing_tables" in detail:
        return say("db_refused_partial", lang)
    key = _REFUSED.get(str(detail.get("state")), "db_refused_behind")
    return say(key, lang, revision=detail.get("revision"), head=detail.get("head"))


def fail(exc: RugzakError, lang: str) -> typer.Exit:
    console = Console(stderr=True, emoji=False, highlight=False)
    console.print(
        Text.assemble(
            (say("error", lang), "red"),
            " ",
            (str(exc.code), "bold"),
            f": {store_error_text(exc, lang)}",
        )
    )
    return typer.Exit(EXIT_BAD_INPUT)


def upgraded(before: SchemaStatus, after: SchemaStatus, lang: str) -> str:
    """What ``upgrade`` did, in one sentence for the operator."""
    from shared.runtime.migrations import SchemaState

    if before.revision == after.revision:
        return say("db_up_to_date", lang, revision=after.revision)
    if before.state is SchemaState.empty:
        return say("db_created", lang, revision=after.revision)
    if before.revision is None:  # tables made before migrations existed
        return say("db_migrated_baseline", lang, revision=after.revision)
    return say("db_migrated", lang, was=before.revision, revision=after.revision)


@app.command("upgrade")
def upgrade(database_url: DatabaseOpt = None, lang: LangOpt = None) -> None:
    """Migrate the verifier's database to this version's schema (new ones are created).

    Safe to run again. Stop every 'serve' process first, and start them afterwards.
    """
    language = choose_language(lang)
    engine, schema = open_store(database_url)
    try:
        before, after = schema.upgrade(engine)
    except RugzakError as exc:
        raise fail(exc, language) from None
    finally:
        engine.dispose()
    typer.echo(upgraded(before, after, language))


@app.command("status")
def status(
    database_url: DatabaseOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    lang: LangOpt = None,
) -> None:
    """Show the database's schema revision and the one this version needs."""
    language = choose_language(lang)
    engine, schema = open_store(database_url)
    try:
        now: SchemaStatus = schema.status(engine)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"state": now.state, "revision": now.revision, "head": now.head}))
        return
    state = say(f"db_state_{now.state.value}", language)
    typer.echo(say("db_status_state", language, state=state))
    typer.echo(say("db_status_revision", language, revision=now.revision or "-"))
    typer.echo(say("db_status_head", language, head=now.head))
