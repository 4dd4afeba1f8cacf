"""How the CLI prints verdicts (plain, coloured) and errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from shared import messages
from shared.errors import EXIT_BAD_INPUT, RugzakError
from shared.messages import catalogue
from shared.showing.verdict import STATES, badge_state, plain_verdict
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
        plain = plain_verdict(result)
        holder = escape(str(result.summary.get("holder")))
        console.print(f"[bold]{escape(headline(plain))}[/]")
        console.print(escape(_words().get("bind_" + plain["binding"], plain["binding"])))
        for skill in plain["skills"]:
            console.print(f"  {escape(skill_line(skill))}")
        console.print(f"Presentation by {holder}: {_MARK[result.verdict]}")
        for check in result.checks:
            console.print(check_line(check))
        shown = plain["badges"]
        number = 0
        for inner, badge in zip(result.credentials, shown, strict=True):
            if badge.get("endorsement"):
                continue  # printed under the badge it endorses
            number += 1
            console.print()
            print_credential(console, inner, f"Badge {number}", badge)
        unrelated = [result.credentials[i] for i in plain.get("unrelatedEndorsements", [])]
        if unrelated:
            console.print()
            console.print("Endorsements of something not in this presentation:")
            for inner in unrelated:
                view = dict(inner.summary.get("endorsement") or {})
                view["state"] = plain["badges"][result.credentials.index(inner)]["state"]
                console.print(f"  {escape(endorsement_line(view))}")
    else:
        print_credential(console, result, "Credential")


def _words() -> Mapping[str, str]:
    return catalogue("en").verdicts


def headline(plain: Mapping[str, Any]) -> str:
    """What the page says first: "3 badges checked: 2 valid, 1 revoked"."""
    total = int(plain.get("total") or 0)
    counts: Mapping[str, int] = plain.get("counts") or {}
    words = _words()
    parts = [f"{counts[s]} {words.get('count_' + s, s)}" for s in STATES if counts.get(s)]
    noun = "badge" if total == 1 else "badges"
    return f"{total} {noun} checked" + (": " + ", ".join(parts) if parts else "")


def level_text(level: Mapping[str, Any]) -> str:
    of = f" of {level['of']}" if level.get("of") else ""
    return f"level {level.get('number') or '?'}{of}"


def skill_line(skill: Mapping[str, Any]) -> str:
    """One line of the skills summary: "Creativiteit: level 2 of 4" (and a state not valid)."""
    state = skill.get("state")
    tail = f" ({_words().get('count_' + str(state), state)})" if state != "valid" else ""
    return f"{skill.get('skill')}: {level_text(skill)}{tail}"


def endorsement_line(view: Mapping[str, Any]) -> str:
    """'endorsed by Hotel De Zwaan: "..." (signature checked)' with the endorsement's own state."""
    who = view.get("trustedName") or view.get("endorser") or view.get("endorserId") or "?"
    said = f': "{view["comment"]}"' if view.get("comment") else ""
    state = str(view.get("state") or "unknown")
    verdict = "signature checked" if state == "valid" else _words().get("count_" + state, state)
    return f"endorsed by {who}{said} ({verdict})"


def print_credential(
    console: Console,
    result: VerificationResult,
    label: str,
    plain: Mapping[str, Any] | None = None,
) -> None:
    """One badge: title and verdict, issuer, learner, level, evidence, endorsements
    (embedded in it, and presented beside it: ``plain["endorsements"]``), checks."""
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
    state = (plain or {}).get("state") or badge_state(result)
    console.print(f"  {escape(_words().get('say_' + state, state))}")
    level = summary.get("level")
    if isinstance(level, dict) and level.get("number"):
        skill = f"{level['skill']}: " if level.get("skill") else ""
        name = str(level.get("name") or "")
        console.print(
            f"  {escape(skill + level_text(level))}" + (f" — {escape(name)}" if name else "")
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
    for view in [*(summary.get("endorsements") or []), *((plain or {}).get("endorsements") or [])]:
        if isinstance(view, Mapping):
            console.print(f"  {escape(endorsement_line(view))}")
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
