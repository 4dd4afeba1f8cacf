"""``present``: sign chosen badges for a verifier's request, as JSON or QR codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from wallet.cli.common import err, out, run, service_for, state

# The same default as wallet.presenting (a test checks), repeated so that loading the
# CLI does not load the QR stack.
FILE_MAX_VERSION = 25


def register(app: typer.Typer) -> None:
    app.command("present")(present)


def present(
    ctx: typer.Context,
    credential: Annotated[
        list[str],
        typer.Option("--credential", "-c", help="Badge id to include (repeat for several)."),
    ],
    request: Annotated[
        str | None,
        typer.Option(
            "--request", "-r", help="The verifier's request (code@host or the full link)."
        ),
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the VP JSON here.")] = None,
    qr_png: Annotated[
        Path | None, typer.Option("--qr-png", help="Write the QR code(s) as PNG.")
    ] = None,
    qr_svg: Annotated[
        Path | None, typer.Option("--qr-svg", help="Write the QR code(s) as SVG.")
    ] = None,
    show_qr: Annotated[bool, typer.Option("--show", help="Draw the QR code(s) here.")] = False,
    max_version: Annotated[
        int, typer.Option("--max-version", min=1, max=40, help="Largest QR version per code.")
    ] = FILE_MAX_VERSION,
) -> None:
    """Sign a presentation of chosen badges for a verifier's request."""
    from wallet.presenting import parse_request, save_json, save_png, save_svg, terminal_art

    t = state(ctx).t
    with service_for(ctx) as service:

        def action() -> None:
            parsed = parse_request(request) if request else None
            result = service.present(list(credential), parsed)
            texts = result.qr_texts(max_version)
            err.print(t("cli.presented", count=len(result.credential_ids)), markup=False)
            if parsed is None:
                err.print(t("cli.unbound"), markup=False)
            else:
                err.print(
                    t("present.for", domain=parsed.domain, code=parsed.short_code), markup=False
                )
            err.print(t("cli.parts", count=len(texts)), markup=False)
            if out_file:
                save_json(result.document, out_file)
                err.print(t("cli.written", path=out_file), markup=False)
            if qr_png:
                save_png(texts, qr_png)
                err.print(t("cli.written", path=qr_png), markup=False)
            if qr_svg:
                save_svg(texts, qr_svg)
                err.print(t("cli.written", path=qr_svg), markup=False)
            if show_qr:
                for index, text in enumerate(texts, start=1):
                    out.print(terminal_art(text), style="white on black", markup=False)
                    out.print(t("qr.part", index=index, total=len(texts)), markup=False)
            if not (out_file or qr_png or qr_svg or show_qr):
                out.print_json(json.dumps(result.document))

        run(ctx, action)
