"""``rugzak-verifier``: the commands, and the help text people read (``HELP``)."""

from __future__ import annotations

import typer

from shared.runtime.code_cache import install_code_cache
from verifier.cli import database, requests, serve, verify
from verifier.cli.pack import pack_app

HELP = """Rugzak verifier: check Open Badges 3.0 badges and presentations, make requests for
a learner's wallet, serve the employer page, and build offline trust packs.

Exit codes: 0 valid, 1 not valid (or status unknown), 2 bad input.
"""

app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
app.add_typer(pack_app, name="pack")
app.add_typer(database.app, name="db", help="The database schema: status and upgrade.")
verify.register(app)
requests.register(app)
serve.register(app)


@app.callback()
def _root() -> None:
    """A group of commands: its help is HELP (a docstring here would lose to it)."""


def main() -> None:
    install_code_cache()  # schema validators compiled once, not by every command
    app()


__all__ = ["app", "main"]
