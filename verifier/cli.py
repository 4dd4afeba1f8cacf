"""``rugzak-verifier``: check credentials and presentations from the command line.

Exit codes: 0 valid, 1 not valid (or status unknown), 2 bad input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from shared.credentials import types_of, verify_credential, verify_presentation
from shared.errors import EXIT_BAD_INPUT, EXIT_INVALID, EXIT_OK, ErrorCode, RugzakError
from shared.verification import Check, Verdict, VerificationResult

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

MAX_INPUT_BYTES = 4 * 1024 * 1024


def _fail_input(console: Console, error: RugzakError, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"error": error.to_dict()}, indent=2))
    else:
        console.print(f"[bold red]Bad input[/] ({error.code}): {error.message}")
    raise typer.Exit(EXIT_BAD_INPUT)


def _read_json(path: Path) -> Any:
    try:
        raw = path.read_bytes() if str(path) != "-" else typer.get_binary_stream("stdin").read()
    except OSError as exc:
        raise RugzakError(
            f"cannot read {path}: {exc.strerror}", code=ErrorCode.invalid_request
        ) from exc
    if len(raw) > MAX_INPUT_BYTES:
        raise RugzakError("the file is too large", code=ErrorCode.payload_too_large)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RugzakError(f"not JSON: {exc}", code=ErrorCode.invalid_json) from exc


_MARK = {
    Verdict.valid: "[green]VALID[/]",
    Verdict.unknown: "[yellow]CANNOT TELL[/]",
    Verdict.invalid: "[red]NOT VALID[/]",
}


def _check_line(check: Check) -> str:
    if check.ok and check.severity != "warning":
        symbol = "[green]✓[/]"
    elif check.ok or check.severity == "warning":
        symbol = "[yellow]![/]"
    else:
        symbol = "[red]✗[/]"
    code = "" if check.code == "ok" else f" [dim]({check.code})[/]"
    return f"  {symbol} {check.message}{code}"


def _print_result(console: Console, result: VerificationResult) -> None:
    if result.kind == "presentation":
        console.print(f"Presentation by {result.summary.get('holder')}: {_MARK[result.verdict]}")
        for check in result.checks:
            console.print(_check_line(check))
        for i, inner in enumerate(result.credentials, 1):
            console.print()
            _print_credential(console, inner, f"Credential {i}")
    else:
        _print_credential(console, result, "Credential")


def _print_credential(console: Console, result: VerificationResult, label: str) -> None:
    summary = result.summary
    issuer = summary.get("issuer") or {}
    achievement = summary.get("achievement") or {}
    title = achievement.get("name") or summary.get("name") or summary.get("id") or "?"
    console.print(f"{label}: [bold]{title}[/] {_MARK[result.verdict]}")
    who = issuer.get("trustedName") or issuer.get("name") or ""
    console.print(f"  issued by {who} {issuer.get('id') or ''}".rstrip())
    if summary.get("subject"):
        console.print(f"  to {summary['subject']}")
    for check in result.checks:
        console.print(_check_line(check))


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="A credential or presentation (JSON); - for stdin")],
    challenge: Annotated[
        str | None, typer.Option(help="The nonce the presentation must answer")
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="The domain the presentation must name")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON")] = False,
) -> None:
    """Verify a credential or a presentation offline and print the verdict."""
    console = Console(highlight=False)
    try:
        document = _read_json(file)
    except RugzakError as error:
        _fail_input(console, error, as_json)
    if not isinstance(document, dict):
        _fail_input(
            console, RugzakError("expected a JSON object", code=ErrorCode.invalid_json), as_json
        )
    if "VerifiablePresentation" in types_of(document):
        result = verify_presentation(document, challenge=challenge, domain=domain)
    else:
        result = verify_credential(document)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_result(console, result)
    raise typer.Exit(EXIT_OK if result.verified else EXIT_INVALID)


@app.callback()
def _root() -> None:
    """Rugzak verifier: check Open Badges 3.0 credentials and presentations offline."""


def main() -> None:
    app()
