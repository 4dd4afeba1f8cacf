"""``rugzak-verifier serve``: the verifier service and the employer page.

What it prints before the server's own log (where it listens, or why it cannot start)
is in the language of ``--lang``; the log is for machines and stays as it is.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from shared.errors import EXIT_BAD_INPUT, RugzakError
from verifier.cli.common import OfflineOpt, TrustListOpt, TrustPackOpt, load_settings
from verifier.cli.database import open_store, store_error_text
from verifier.cli.language import LangOpt, choose_language
from verifier.cli.output import say


def ready_store(database_url: str | None) -> None:
    """A new store is made at the newest migration; one that is behind is refused
    (``database_outdated``) before any worker starts."""
    engine, schema = open_store(database_url)
    try:
        schema.require_current(engine, create_empty=True)
    finally:
        engine.dispose()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    public_origin: Annotated[
        str | None, typer.Option(help="The address employers open (the request domain)")
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="SQLAlchemy URL of the nonces")] = None,
    trust_list: TrustListOpt = None,
    trust_pack: TrustPackOpt = None,
    offline: OfflineOpt = None,
    allow_private_network: Annotated[
        bool, typer.Option(help="Development: fetch from http:// and private addresses")
    ] = False,
    public_presentations: Annotated[
        bool,
        typer.Option(
            help="Let learners publish presentations here (links for a CV, /p/<id>; off by default)"
        ),
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Run the verifier service and the employer page."""
    language = choose_language(lang)
    # the server and the service are imported here, not by every command's start-up
    from verifier.api import serving
    from verifier.service import build_verifier

    env = {
        "PUBLIC_ORIGIN": public_origin
        or os.environ.get("RUGZAK_VERIFIER_PUBLIC_ORIGIN", f"http://{host}:{port}"),
        "DATABASE_URL": database_url,
        "TRUST_LIST": trust_list,
        "TRUST_PACK": trust_pack,
        "OFFLINE": None if offline is None else str(offline).lower(),
        "ALLOW_PRIVATE_NETWORK": "true" if allow_private_network else None,
        "PUBLIC_PRESENTATIONS": "true" if public_presentations else None,
    }
    for key, value in env.items():
        if value is not None:
            os.environ[f"RUGZAK_VERIFIER_{key}"] = str(value)
    try:
        # fail here, with a message, on bad configuration (origin, trust list, pack)
        settings = load_settings()
        parts = build_verifier(settings)
        if parts.fetcher is not None:
            parts.fetcher.close()
        ready_store(database_url)
    except (RugzakError, ValueError) as exc:
        if isinstance(exc, RugzakError):
            code, text = f" ({exc.code})", store_error_text(exc, language)
        else:  # the settings' own (pydantic's) account, which only English has
            code, text = "", str(exc)
        line = Text.assemble((say("bad_config", language), "bold red"), f"{code}: {text}")
        Console(emoji=False, soft_wrap=True).print(line)
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    level = "info" if settings.log_requests else "warning"
    console = Console(emoji=False, soft_wrap=True, highlight=False, markup=False)
    serving.run(
        host,
        port,
        workers=workers,
        log_level=level,
        log_format=settings.log_format,
        limits=settings.server_limits(),
        on_listen=lambda url: console.print(say("serve_listening", language, url=url)),
    )
