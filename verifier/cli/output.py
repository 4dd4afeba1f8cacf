"""How the CLI prints verdicts (plain, coloured) and errors."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from shared import messages
from shared.errors import EXIT_BAD_INPUT, RugzakError
from shared.verification import Check, Severity, Verdict, VerificationResult
from verifier.service.verifier import result_dict

_MARK = {
    Verdict.valid: "[green]VALID[/]",
    Verdict.unknown: "[yellow]CANNOT TELL[/]",
    Verdict.invalid: "[red]NOT VALID[/]",
}


def fail_input(console: Console, error: RugzakError, as_json: bool) -> None:
    """Print a bad-input error and exit 2."""
    if as_json:
        typer.echo(json.dumps({"error": error.to_dict()}, indent=2))
    else:
        console.print(f"[bold red]Bad input[/] ({error.code}): {escape(error.message)}")
    raise typer.Exit(EXIT_BAD_INPUT)


def check_line(check: Check) -> str:
    if check.ok and check.severity != "warning":
        symbol = "[green]✓[/]"
    elif check.ok or check.severity == "warning":
        symbol = "[yellow]![/]"
    else:
        symbol = "[red]✗[/]"
    code = "" if check.code == "ok" else f" [dim]({check.code})[/]"
    return f"  {symbol} {escape(check.message)}{code}"


def print_result(console: Console, result: VerificationResult, as_json: bool = False) -> None:
    if as_json:
        typer.echo(json.dumps(result_dict(result), indent=2, ensure_ascii=False))
        return
    if result.kind == "presentation":
        holder = escape(str(result.summary.get("holder")))
        console.print(f"Presentation by {holder}: {_MARK[result.verdict]}")
        for check in result.checks:
            console.print(check_line(check))
        for i, inner in enumerate(result.credentials, 1):
            console.print()
            print_credential(console, inner, f"Credential {i}")
    else:
        print_credential(console, result, "Credential")


def print_credential(console: Console, result: VerificationResult, label: str) -> None:
    summary = result.summary
    issuer = summary.get("issuer") or {}
    achievement = summary.get("achievement") or {}
    # Everything below comes from the credential: never let it be read as markup.
    title = escape(str(achievement.get("name") or summary.get("name") or summary.get("id") or "?"))
    console.print(f"{label}: [bold]{title}[/] {_MARK[result.verdict]}")
    who = escape(str(issuer.get("trustedName") or issuer.get("name") or ""))
    console.print(f"  issued by {who} {escape(str(issuer.get('id') or ''))}".rstrip())
    if summary.get("subject"):
        console.print(f"  to {escape(str(summary['subject']))}")
    level = summary.get("level")
    if isinstance(level, dict) and level.get("number"):
        of = f" of {level['of']}" if level.get("of") else ""
        console.print(
            f"  level {level['number']}{of}: {escape(str(level.get('name') or ''))}".rstrip()
        )
    for item in summary.get("evidence") or []:
        if isinstance(item, dict):
            what = item.get("name") or item.get("id") or item.get("narrative") or ""
            fixed = (
                " (file fixed by its digest)"
                if item.get("digestMultibase") or item.get("digestSRI")
                else ""
            )
            console.print(f"  evidence: {escape(str(what))}{fixed}")
    hidden = [str(h) for h in summary.get("hidden") or []]
    if hidden:  # selective disclosure: the learner showed the rest of the badge
        words = messages.catalogue("en").verdicts
        parts = ", ".join(words.get("part_" + h, h) for h in hidden)
        console.print("  " + escape(words["hidden"].format(parts=parts)))
    form = " · ".join(str(summary[k]) for k in ("source", "label") if summary.get(k))
    if form:  # another tool's format: a VC-JWT, a baked image, Open Badges 2.0
        console.print(f"  form: {escape(form)}")
    for check in result.checks:
        console.print(check_line(check))


def result_from_dict(data: dict[str, Any]) -> VerificationResult:
    """A result received from a verifier service, for printing like a local one."""
    result = VerificationResult(
        str(data.get("kind", "credential")),
        [
            Check(
                str(c.get("name")),
                bool(c.get("ok")),
                str(c.get("code")),
                str(c.get("message")),
                Severity(c.get("severity", "info")),
                c.get("detail"),
            )
            for c in data.get("checks", [])
            if isinstance(c, dict)
        ],
        data.get("summary") or {},
    )
    inner = data.get("credentials") or []
    result.credentials = [result_from_dict(c) for c in inner if isinstance(c, dict)]
    return result
