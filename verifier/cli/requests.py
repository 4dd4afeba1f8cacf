"""``rugzak-verifier request``: start a presentation request for a learner's wallet."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from shared.errors import ErrorCode, RugzakError
from verifier.cli.common import load_settings
from verifier.cli.language import LangOpt, choose_language
from verifier.cli.output import fail_input, say


def register(app: typer.Typer) -> None:
    app.command("request")(request)


def request(
    server: Annotated[
        str | None,
        typer.Option(help="Ask a running verifier (its URL) instead of the local database"),
    ] = None,
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Wanted achievement type (repeat)")
    ] = None,
    ttl: Annotated[int | None, typer.Option(help="Seconds until it expires")] = None,
    qr_png: Annotated[Path | None, typer.Option(help="Also save the request as a QR PNG")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the request as JSON")] = False,
    lang: LangOpt = None,
) -> None:
    """Start a presentation request and print its code for the learner's wallet."""
    console = Console(highlight=False, emoji=False)
    language = choose_language(lang)
    try:
        if server is not None:
            data = _request_via_server(server, types or [], ttl)
        else:
            data = _request_locally(types or [], ttl)
    except RugzakError as error:
        fail_input(console, error, as_json, language)
        return
    if qr_png is not None:
        from shared import qr

        qr_png.write_bytes(qr.render_png(data["text"], scale=6))
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    rows = [
        ("request_code", f"[bold]{escape(str(data['short_code']))}[/]"),
        ("request_type", escape(str(data["short_text"]))),
        ("request_full", escape(str(data["text"]))),
        ("request_expires", escape(str(data["expires_at"]))),
    ]
    labels = {key: say(key, language) for key, _ in rows}
    width = max(len(label) for label in labels.values()) + 1
    for key, value in rows:
        console.print(f"{escape(labels[key]).ljust(width)}{value}")


def _request_locally(types: list[str], ttl: int | None) -> dict[str, Any]:
    # the store and the request model are imported here: every command's start-up
    # imports this module
    from shared.presentation_request import PresentationRequest, normalize_origin
    from verifier.service import system_clock
    from verifier.store import RequestStore, make_engine

    settings = load_settings()
    url = settings.resolved_database_url()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        store = RequestStore(engine, prefix=settings.table_prefix)
        store.create_schema()
        now = system_clock()
        req = PresentationRequest.create(
            normalize_origin(settings.public_origin),
            now=now,
            ttl=timedelta(seconds=ttl or settings.request_ttl_seconds),
            types=types,
        )
        store.add(req, now)
    finally:
        engine.dispose()
    return req.to_dict()


def _request_via_server(server: str, types: list[str], ttl: int | None) -> dict[str, Any]:
    import httpx

    body: dict[str, Any] = {"types": types}
    if ttl is not None:
        body["ttl_seconds"] = ttl
    try:
        reply = httpx.post(server.rstrip("/") + "/requests", json=body, timeout=10)
    except httpx.HTTPError as exc:
        raise RugzakError(
            f"the verifier at {server} cannot be reached", code=ErrorCode.fetch_failed
        ) from exc
    if reply.status_code != 201:
        raise RugzakError(
            f"the verifier answered HTTP {reply.status_code}", code=ErrorCode.fetch_failed
        )
    data: dict[str, Any] = reply.json()
    return data
