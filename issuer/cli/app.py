"""The typer application and its top-level commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from issuer.cli import achievements, award, awards, batch, database, frameworks, setup, tokens
from issuer.cli.common import CliState, err, error_line
from shared.errors import EXIT_BAD_INPUT, ErrorCode
from shared.runtime.code_cache import install_code_cache
from shared.runtime.files import is_disk_full

DISK_FULL = "the disk is full. Free some space and run the command again."

app = typer.Typer(
    name="rugzak-issuer",
    help="Award Open Badges 3.0: achievements, credentials, offers, revocation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            help="Issuer data directory (default: the user data dir).",
            envvar="RUGZAK_ISSUER_DATA_DIR",
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="sqlite:///FILE or postgresql+psycopg://USER@HOST/DB (several processes "
            "can share PostgreSQL).",
            envvar="RUGZAK_ISSUER_DATABASE_URL",
        ),
    ] = None,
) -> None:
    ctx.obj = CliState(data_dir=data_dir, database_url=database_url)


setup.register(app)
app.add_typer(achievements.app, name="achievement", help="Define achievements (badge classes).")
app.add_typer(
    frameworks.app, name="framework", help="Skill frameworks: import, show, export, edit."
)
awards.register(app)
award.register(app)
batch.register(app)
app.add_typer(setup.status_app, name="status", help="Status lists.")
app.add_typer(database.app, name="db", help="The database schema: status and upgrade.")
app.add_typer(
    tokens.app, name="token", help="Named API tokens: create, list, revoke (scope issue or admin)."
)


def main() -> None:
    install_code_cache()  # schema validators compiled once, not by every command
    try:
        app()
    except Exception as exc:
        # imported here, not at start-up: a SQLAlchemy error means it is loaded already
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, OSError | SQLAlchemyError) or not is_disk_full(exc):
            raise
        # Not a bug and not damage: say what happened instead of a traceback.
        err.print(error_line(ErrorCode.disk_full, DISK_FULL))
        raise SystemExit(EXIT_BAD_INPUT) from None


__all__ = ["app", "main"]
