"""The language the verifier's commands speak to people (English or Dutch, like the page).

``--lang``, else ``RUGZAK_LANG``, else the locale (``shared.messages.pick_language``).
Only what people read changes: ``--json`` output and the codes stay the same.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from shared.errors import EXIT_BAD_INPUT
from shared.messages import pick_language

LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="en|nl",
        help="Language of the output: en or nl (default: RUGZAK_LANG, else the locale)",
        show_default=False,
    ),
]


def choose_language(option: str | None) -> str:
    """The language for this run; an unknown one ends the command (exit 2) saying so."""
    try:
        return pick_language(option, os.environ)
    except ValueError as exc:
        # Said in both languages: the wanted one is what could not be understood.
        typer.echo(f"Error: {exc} (--lang en|nl or RUGZAK_LANG).", err=True)
        typer.echo("Fout: onbekende taal; kies --lang en of --lang nl.", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
