"""``rugzak-verifier verify``: a credential or presentation (file, QR text or image)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from shared.errors import EXIT_INVALID, EXIT_OK, ErrorCode, InvalidInput, RugzakError
from verifier.cli.common import (
    MAX_INPUT_BYTES,
    OfflineOpt,
    TrustListOpt,
    TrustPackOpt,
    read_bytes,
    read_json,
    settings_from,
)
from verifier.cli.language import LangOpt, choose_language
from verifier.cli.output import fail_input, print_result, result_from_dict, say

if TYPE_CHECKING:
    import httpx

    from shared.verification import VerificationResult
    from verifier.service.verifier import Verifier

# The verifier, QR codes and HTTP are imported by the paths that use them: every
# command line start-up imports this module (``--help`` too).


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)


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
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Print every check as it is (its own message and where it was found)",
        ),
    ] = False,
    trust_list: TrustListOpt = None,
    trust_pack: TrustPackOpt = None,
    offline: OfflineOpt = None,
    staple_max_age: Annotated[
        float | None,
        typer.Option(
            "--staple-max-age",
            help="Hours a status list stapled by the learner may be old (default 24)",
            min=0,
        ),
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(help="Send it to a running verifier (its URL), which spends the nonce"),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Verify a credential or presentation (file, QR text or QR image) and print the verdict."""
    console = Console(highlight=False, emoji=False)
    language = choose_language(lang)
    sources = sum(bool(x) for x in (file, qr_text, qr_image))
    try:
        if sources != 1:
            raise InvalidInput(say("one_source", language), code=ErrorCode.invalid_request)
        if server is not None:
            data = _verify_via_server(
                server, file, qr_text or [], qr_image or [], challenge, language
            )
            if as_json:
                typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            else:
                print_result(console, result_from_dict(data), lang=language, details=details)
            raise typer.Exit(EXIT_OK if data.get("verified") is True else EXIT_INVALID)
        raw = read_bytes(file, MAX_INPUT_BYTES) if file is not None else None
        document = _load_document(None, qr_text or [], qr_image or []) if raw is None else None
        from verifier.service import build_verifier, system_clock

        settings = settings_from(trust_list, trust_pack, offline)
        if staple_max_age is not None:
            settings = settings.model_copy(
                update={"staple_max_age_seconds": round(staple_max_age * 3600)}
            )
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
        fail_input(console, error, as_json, language)
        return
    print_result(console, result, as_json, language, details)
    raise typer.Exit(EXIT_OK if result.verified else EXIT_INVALID)


def _load_document(file: Path | None, texts: list[str], images: list[Path]) -> Any:
    from shared import qr
    from verifier.service.verifier import decode_qr_texts, pick_qr_texts

    if file is not None:
        document = read_json(file)
    elif texts:
        document = decode_qr_texts(texts)
    else:
        found: list[str] = []
        for image in images:
            found.extend(qr.read_qr_image(read_bytes(image, qr.image.MAX_IMAGE_BYTES)))
        document = decode_qr_texts(pick_qr_texts(found))
    if not isinstance(document, dict):
        raise RugzakError("expected a JSON object", code=ErrorCode.invalid_json)
    return document


def _verify_via_server(
    server: str,
    file: Path | None,
    texts: list[str],
    images: list[Path],
    challenge: str | None,
    lang: str,
) -> dict[str, Any]:
    import httpx

    from shared import qr

    base = server.rstrip("/")
    extra = {"challenge": challenge} if challenge else {}
    try:
        if images:
            if len(images) != 1:
                raise InvalidInput(say("one_image", lang), code=ErrorCode.invalid_request)
            content = read_bytes(images[0], qr.image.MAX_IMAGE_BYTES)
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
            raw = read_bytes(file, MAX_INPUT_BYTES)
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
    from shared.credentials import types_of
    from shared.status_staple import is_stapled
    from shared.vocab import VERIFIABLE_PRESENTATION

    if VERIFIABLE_PRESENTATION in types_of(document) or is_stapled(document):
        return verifier.verify_offline_presentation(document, challenge=challenge, domain=domain)
    return verifier.verify_credential(document)
