"""``rugzak-verifier``: serve the verifier, make requests, verify files and QR codes, packs.

Exit codes: 0 valid, 1 not valid (or status unknown), 2 bad input.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.markup import escape

from shared import qr
from shared.credentials import types_of
from shared.errors import EXIT_INVALID, EXIT_OK, ErrorCode, InvalidInput, RugzakError
from shared.presentation_request import PresentationRequest, normalize_origin
from shared.verification import VerificationResult
from shared.vocab import VERIFIABLE_PRESENTATION
from verifier.api import serving
from verifier.cli.output import fail_input, print_result, result_from_dict
from verifier.cli.pack import pack_app
from verifier.service import build_verifier, system_clock
from verifier.service.verifier import Verifier, decode_qr_texts, pick_qr_texts
from verifier.settings import Settings
from verifier.store import RequestStore, make_engine

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
app.add_typer(pack_app, name="pack")

MAX_INPUT_BYTES = 4 * 1024 * 1024


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        if str(path) == "-":
            raw: bytes = typer.get_binary_stream("stdin").read(limit + 1)
        else:
            with path.open("rb") as handle:
                raw = handle.read(limit + 1)
    except OSError as exc:
        raise RugzakError(
            f"cannot read {path}: {exc.strerror}", code=ErrorCode.invalid_request
        ) from exc
    if len(raw) > limit:
        raise RugzakError("the file is too large", code=ErrorCode.payload_too_large)
    return raw


def _read_json(path: Path) -> Any:
    raw = _read_bytes(path, MAX_INPUT_BYTES)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise RugzakError(f"not JSON: {exc}", code=ErrorCode.invalid_json) from exc


def _settings(trust_list: Path | None, trust_pack: Path | None, offline: bool | None) -> Settings:
    updates: dict[str, Any] = {}
    if trust_list is not None:
        updates["trust_list"] = trust_list
    if trust_pack is not None:
        updates["trust_pack"] = trust_pack
    if offline is not None:
        updates["offline"] = offline
    return Settings(**updates)


TrustListOpt = Annotated[
    Path | None, typer.Option(help="JSON list of known issuers (see docs/verifier.md)")
]
TrustPackOpt = Annotated[Path | None, typer.Option(help="Offline trust pack (DIDs, status lists)")]
OfflineOpt = Annotated[
    bool | None, typer.Option("--offline/--online", help="Never use the network")
]


@app.command()
def verify(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A badge: JSON, VC-JWT, baked PNG/SVG, OB 2.0 assertion or link; - for stdin"
        ),
    ] = None,
    qr_text: Annotated[
        list[str] | None,
        typer.Option("--qr-text", help="An RZ1: text (repeat for parts) or a VP1- text"),
    ] = None,
    qr_image: Annotated[
        list[Path] | None, typer.Option("--qr-image", help="An image with QR code(s) (repeat)")
    ] = None,
    challenge: Annotated[
        str | None, typer.Option(help="The nonce the presentation must answer")
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="The domain the presentation must name")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON")] = False,
    trust_list: TrustListOpt = None,
    trust_pack: TrustPackOpt = None,
    offline: OfflineOpt = None,
    server: Annotated[
        str | None,
        typer.Option(help="Send it to a running verifier (its URL), which spends the nonce"),
    ] = None,
) -> None:
    """Verify a credential or presentation (file, QR text or QR image) and print the verdict."""
    console = Console(highlight=False, emoji=False)
    sources = sum(bool(x) for x in (file, qr_text, qr_image))
    try:
        if sources != 1:
            raise InvalidInput(
                "give exactly one of FILE, --qr-text or --qr-image",
                code=ErrorCode.invalid_request,
            )
        if server is not None:
            data = _verify_via_server(server, file, qr_text or [], qr_image or [], challenge)
            if as_json:
                typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            else:
                print_result(console, result_from_dict(data))
            raise typer.Exit(EXIT_OK if data.get("verified") is True else EXIT_INVALID)
        raw = _read_bytes(file, MAX_INPUT_BYTES) if file is not None else None
        document = _load_document(None, qr_text or [], qr_image or []) if raw is None else None
        settings = _settings(trust_list, trust_pack, offline)
        parts = build_verifier(settings, clock=system_clock)
        try:
            if document is not None:
                result = _verify(parts.verifier, document, challenge, domain)
            else:  # any badge form: JSON, JWT, baked PNG/SVG, OB 2.0, VP1-
                result = parts.verifier.verify_input(
                    raw or b"", challenge=challenge, domain=domain, offline=True
                )
        finally:
            if parts.fetcher is not None:
                parts.fetcher.close()
    except RugzakError as error:
        fail_input(console, error, as_json)
        return
    print_result(console, result, as_json)
    raise typer.Exit(EXIT_OK if result.verified else EXIT_INVALID)


def _load_document(file: Path | None, texts: list[str], images: list[Path]) -> Any:
    if file is not None:
        document = _read_json(file)
    elif texts:
        document = decode_qr_texts(texts)
    else:
        found: list[str] = []
        for image in images:
            found.extend(qr.read_qr_image(_read_bytes(image, qr.image.MAX_IMAGE_BYTES)))
        document = decode_qr_texts(pick_qr_texts(found))
    if not isinstance(document, dict):
        raise RugzakError("expected a JSON object", code=ErrorCode.invalid_json)
    return document


def _verify_via_server(
    server: str, file: Path | None, texts: list[str], images: list[Path], challenge: str | None
) -> dict[str, Any]:
    base = server.rstrip("/")
    extra = {"challenge": challenge} if challenge else {}
    try:
        if images:
            if len(images) != 1:
                raise InvalidInput(
                    "send one image at a time to a verifier", code=ErrorCode.invalid_request
                )
            content = _read_bytes(images[0], qr.image.MAX_IMAGE_BYTES)
            reply = httpx.post(
                f"{base}/verify/image",
                files={"file": (images[0].name, content)},
                data=extra,
                timeout=60,
            )
        elif texts:
            reply = httpx.post(f"{base}/verify/qr", json={"texts": texts, **extra}, timeout=60)
        else:
            assert file is not None
            raw = _read_bytes(file, MAX_INPUT_BYTES)
            reply = httpx.post(
                f"{base}/verify/any", files={"file": (file.name, raw)}, data=extra, timeout=60
            )
    except httpx.HTTPError as exc:
        raise RugzakError(
            f"the verifier at {server} cannot be reached", code=ErrorCode.fetch_failed
        ) from exc
    return _reply_json(reply, server)


def _reply_json(reply: httpx.Response, server: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = reply.json()
    except ValueError as exc:
        raise RugzakError(
            f"the verifier answered HTTP {reply.status_code}", code=ErrorCode.fetch_failed
        ) from exc
    if reply.status_code != 200:
        code = data.get("code")
        known = isinstance(code, str) and code in ErrorCode.__members__
        raise RugzakError(
            str(data.get("message", f"the verifier answered HTTP {reply.status_code}")),
            code=ErrorCode(str(code)) if known else ErrorCode.fetch_failed,
            detail=data,
        )
    return data


def _verify(
    verifier: Verifier, document: dict[str, Any], challenge: str | None, domain: str | None
) -> VerificationResult:
    if VERIFIABLE_PRESENTATION in types_of(document):
        return verifier.verify_offline_presentation(document, challenge=challenge, domain=domain)
    return verifier.verify_credential(document)


@app.command()
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
) -> None:
    """Start a presentation request and print its code for the learner's wallet."""
    console = Console(highlight=False, emoji=False)
    try:
        if server is not None:
            data = _request_via_server(server, types or [], ttl)
        else:
            data = _request_locally(types or [], ttl)
    except RugzakError as error:
        fail_input(console, error, as_json)
        return
    if qr_png is not None:
        qr_png.write_bytes(qr.render_png(data["text"], scale=6))
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    console.print(f"Code for the wallet: [bold]{data['short_code']}[/]")
    console.print(f"Type in the wallet:  {data['short_text']}")
    console.print(f"Full request:        {data['text']}")
    console.print(f"Expires:             {data['expires_at']}")


def _request_locally(types: list[str], ttl: int | None) -> dict[str, Any]:
    settings = Settings()
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


@app.command()
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
) -> None:
    """Run the verifier service and the employer page."""
    env = {
        "PUBLIC_ORIGIN": public_origin
        or os.environ.get("RUGZAK_VERIFIER_PUBLIC_ORIGIN", f"http://{host}:{port}"),
        "DATABASE_URL": database_url,
        "TRUST_LIST": trust_list,
        "TRUST_PACK": trust_pack,
        "OFFLINE": None if offline is None else str(offline).lower(),
        "ALLOW_PRIVATE_NETWORK": "true" if allow_private_network else None,
    }
    for key, value in env.items():
        if value is not None:
            os.environ[f"RUGZAK_VERIFIER_{key}"] = str(value)
    try:
        # fail here, with a message, on bad configuration (origin, trust list, pack)
        parts = build_verifier(Settings())
        if parts.fetcher is not None:
            parts.fetcher.close()
    except (RugzakError, ValueError) as exc:
        Console(emoji=False).print(f"[bold red]Bad configuration[/]: {escape(str(exc))}")
        raise typer.Exit(2) from exc
    serving.run(host, port, workers=workers)


@app.callback()
def _root() -> None:
    """Rugzak verifier: check Open Badges 3.0 credentials and presentations."""


def main() -> None:
    app()
