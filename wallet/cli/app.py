"""The typer application: global options, the terminal app when no verb is given, and
the verb groups (each module registers its own commands, in the order help shows)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from shared.errors import EXIT_BAD_INPUT
from shared.runtime.code_cache import install_code_cache
from wallet.cli import badges, endorse, present, recovery, setup, share, upkeep
from wallet.cli.common import CliState, err
from wallet.config import StapleMode, WalletConfig, default_data_dir
from wallet.i18n import LANGUAGES, detect_language


def make_cli(base: WalletConfig | None = None) -> typer.Typer:
    """The CLI; tests pass a ``base`` config (fast KDF, fixed clock, fake network)."""
    app = typer.Typer(
        name="rugzak-wallet",
        help="Rugzak wallet: keep your Open Badges encrypted on this computer and present them.",
        no_args_is_help=False,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback(invoke_without_command=True)
    def _root(
        ctx: typer.Context,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                "--data-dir",
                help="Where the wallet file lives (default: your data directory).",
                envvar="RUGZAK_WALLET_DIR",
            ),
        ] = None,
        lang: Annotated[
            str | None,
            typer.Option("--lang", help="Language: en or nl (default: from the system locale)."),
        ] = None,
        staple: Annotated[
            StapleMode | None,
            typer.Option(
                "--staple",
                help="Carry the issuers' status lists with presentations: auto (when the QR "
                "codes stay as few), always, never.",
                envvar="RUGZAK_WALLET_STAPLE",
            ),
        ] = None,
    ) -> None:
        chosen = lang or detect_language()
        if chosen not in LANGUAGES:
            err.print(f"--lang must be one of: {', '.join(LANGUAGES)}")
            raise typer.Exit(EXIT_BAD_INPUT)
        cfg = base or WalletConfig()
        where = data_dir or (base.data_dir if base else default_data_dir())
        ctx.obj = CliState(replace(cfg, data_dir=where, lang=chosen, staple=staple or cfg.staple))
        if ctx.invoked_subcommand is None:
            setup.start_tui(ctx)

    setup.register(app)
    badges.register(app)
    present.register(app)
    share.register(app)
    upkeep.register(app)
    recovery.register(app)
    endorse.register(app)
    return app


app = make_cli()


def main() -> None:
    """Entry point of ``rugzak-wallet``."""
    install_code_cache()  # schema validators compiled once, not on every import
    app()


__all__ = ["app", "main", "make_cli"]
