"""How the CLI prints verdicts (plain, coloured) and errors, in English or Dutch.

Every word comes from the shared catalogue (``shared.messages``: the verdict words
the page shows, the code sentences, and the ``verifier_cli`` headings). Beside a
verdict the CLI says what the page says (``shared.showing.reasons``): each reason
once, with its check's label and the catalogue's sentence for its code, the checks
that found nothing, and the notes apart. ``--details`` prints every check as it is
instead (its own English message and where it was found), for technical readers.
``--json`` output is never translated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from shared.dates import read_datetime
from shared.errors import EXIT_BAD_INPUT, ErrorCode, RugzakError
from shared.messages import DEFAULT_LANGUAGE, catalogue, check_label, sentence
from shared.verification import OK, Check, CheckName, Severity, Verdict, VerificationResult

# ``shared.showing`` and the verifier service are imported by the functions printing a
# verdict: every command's start-up imports this module (for ``fail_input``).

_COLOUR = {Verdict.valid: "green", Verdict.unknown: "yellow", Verdict.invalid: "red"}
# Codes that cover many cases: in Dutch the specific (English) message follows the
# catalogue sentence, as in the wallet.
_BROAD = frozenset({ErrorCode.invalid_request, ErrorCode.internal_error, ErrorCode.fetch_failed})
# The operator's commands (``pack``, ``db``, ``serve``) add the codes of the files an
# operator fixes: the reason (which issuer, which field) is what they need to fix it.
DETAILED = _BROAD | {
    ErrorCode.invalid_trust_list,
    ErrorCode.invalid_trust_pack,
    ErrorCode.malformed_did,
    ErrorCode.malformed_status_list,
}


def say(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """A ``verifier_cli`` text of the catalogue, filled in."""
    text = catalogue(lang).verifier_cli[key]
    return text.format(**values) if values else text


def _words(lang: str) -> Mapping[str, str]:
    return catalogue(lang).verdicts


def mark(verdict: Verdict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The coloured verdict word: VALID, CANNOT TELL, NOT VALID (GELDIG, ONZEKER, ...)."""
    word = _words(lang)[f"state_{verdict}"].upper()
    return f"[{_COLOUR[verdict]}]{escape(word)}[/]"


def worded(key: str, code: ErrorCode, **values: object) -> RugzakError:
    """An error a command words itself (naming the file or address it is about): its
    message is the catalogue's English, and ``error_text`` says it in the reader's
    language from the same ``verifier_cli`` key and values, kept in its detail."""
    return RugzakError(
        say(key, DEFAULT_LANGUAGE, **values), code=code, detail={"wording": key, **values}
    )


def error_text(
    error: RugzakError, lang: str = DEFAULT_LANGUAGE, broad: frozenset[ErrorCode] = _BROAD
) -> str:
    """The sentence for an error: its own message in English; in Dutch the command's own
    wording (``worded``), else the catalogue's sentence for the code, followed by the
    specific message for the ``broad`` codes."""
    if lang == DEFAULT_LANGUAGE:
        return error.message
    detail = error.detail if isinstance(error.detail, Mapping) else {}
    key = detail.get("wording")
    if isinstance(key, str) and key in catalogue(lang).verifier_cli:
        return say(key, lang, **{k: v for k, v in detail.items() if k != "wording"})
    text = sentence(error.code, lang) or error.message
    return f"{text} {error.message}" if error.code in broad and text != error.message else text


def error_line(heading: str, error: RugzakError, text: str) -> Text:
    """ "Heading (code): text" with the heading in bold red, whatever the console reads
    as markup (the operator's commands read none): nothing in it is parsed."""
    return Text.assemble((heading, "bold red"), f" ({error.code}): {text}")


def fail_input(
    console: Console,
    error: RugzakError,
    as_json: bool,
    lang: str = DEFAULT_LANGUAGE,
    broad: frozenset[ErrorCode] = _BROAD,
) -> None:
    """Print a bad-input error and exit 2."""
    if as_json:
        typer.echo(json.dumps({"error": error.to_dict()}, indent=2))
    else:
        console.print(error_line(say("bad_input", lang), error, error_text(error, lang, broad)))
    raise typer.Exit(EXIT_BAD_INPUT)


def _sentence(code: str, lang: str) -> str:
    return sentence(code, lang) or sentence(code) or code


def reason_line(reason: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """ "✗ Signature: <the catalogue's sentence> (code)": one reason of ``shared.showing``."""
    symbol = "[red]✗[/]" if reason["severity"] == "error" else "[yellow]![/]"
    text = f"{check_label(reason['check'], lang)}: {_sentence(reason['code'], lang)}"
    return f"  {symbol} {escape(text)} [dim]({reason['code']})[/]"


def passed_line(name: str, lang: str = DEFAULT_LANGUAGE, status: str | None = None) -> str:
    """ "✓ Signature: Passed."; a passed status check says what it ruled out."""
    text = sentence(OK, lang) or ""
    if name == CheckName.status and status:
        text = _words(lang).get(f"status_{status}", text)
    return f"  [green]✓[/] {escape(check_label(name, lang) + ': ' + text)}"


def print_reasons(
    console: Console,
    checks: list[Check],
    plain: Mapping[str, Any],
    lang: str = DEFAULT_LANGUAGE,
    details: bool = False,
) -> None:
    """What the checks say beside a verdict: the reasons in ``plain`` (each once, errors
    first), a line for each check that found nothing, then the notes; with ``details``
    every check as it is."""
    if details:
        for check in checks:
            for line in detail_lines(check):
                console.print(line)
        return
    from shared.showing.reasons import passed_checks

    for reason in plain.get("reasons") or []:
        console.print(reason_line(reason, lang))
    for name in passed_checks(checks):
        console.print(passed_line(name, lang, plain.get("status")))
    notes = plain.get("notes") or []
    if notes:
        console.print(f"  {escape(say('notes', lang))}")
        for note in notes:
            text = escape(_sentence(note["code"], lang))
            console.print(f"  - {text} [dim]({note['code']})[/]")


_SYMBOLS = {"passed": "[green]✓[/]", "failed": "[red]✗[/]", "info": "[blue]i[/]",
            "warning": "[yellow]![/]"}  # fmt: skip


def detail_lines(check: Check) -> list[str]:
    """A check as the verification wrote it: "! structure: <message> (code) $.path",
    and under it each place its list of findings names."""
    symbol = _SYMBOLS[check.outcome]
    code = "" if check.code == OK else f" [dim]({check.code})[/]"
    detail = check.detail
    where = detail.get("path") if isinstance(detail, Mapping) else None
    at = f" [dim]{escape(str(where))}[/]" if isinstance(where, str) else ""
    lines = [f"  {symbol} {escape(check.name + ': ' + check.message)}{code}{at}"]
    if isinstance(detail, list):
        for item in detail:
            if isinstance(item, Mapping) and isinstance(item.get("path"), str):
                said = f": {item['message']}" if item.get("message") else ""
                lines.append(f"      [dim]{escape(item['path'] + said)}[/]")
    return lines


def print_result(
    console: Console,
    result: VerificationResult,
    as_json: bool = False,
    lang: str = DEFAULT_LANGUAGE,
    details: bool = False,
) -> None:
    """The verdict as the page says it (``details``: every check as it is), or the
    answer's JSON."""
    from shared.showing.verdict import plain_verdict
    from verifier.service.verifier import result_dict

    if as_json:
        typer.echo(json.dumps(result_dict(result), indent=2, ensure_ascii=False))
        return
    words = _words(lang)
    plain = plain_verdict(result)
    if result.kind == "presentation":
        holder = str(result.summary.get("holder") or "")
        console.print(f"[bold]{escape(headline(plain, lang))}[/]")
        console.print(escape(words.get("bind_" + plain["binding"], plain["binding"])))
        for skill in plain["skills"]:
            console.print(f"  {escape(skill_line(skill, lang))}")
        console.print(f"{escape(say('presentation', lang))} {mark(result.verdict, lang)}")
        print_reasons(console, result.checks, plain, lang, details)
        if holder:  # the learner's DID: last, as on the page (no name would do here)
            console.print(f"  [dim]{escape(say('id_learner', lang, id=holder))}[/]")
        shown = plain["badges"]
        number = 0
        for inner, badge in zip(result.credentials, shown, strict=True):
            if badge.get("endorsement"):
                continue  # printed under the badge it endorses
            number += 1
            console.print()
            print_credential(console, inner, say("badge_n", lang, n=number), badge, lang, details)
        unrelated = [result.credentials[i] for i in plain.get("unrelatedEndorsements", [])]
        if unrelated:
            console.print()
            console.print(escape(say("unrelated", lang)))
            for inner in unrelated:
                view = dict(inner.summary.get("endorsement") or {})
                view["state"] = plain["badges"][result.credentials.index(inner)]["state"]
                console.print(f"  {escape(endorsement_line(view, lang))}")
    else:
        print_credential(console, result, say("credential", lang), plain, lang, details)


def headline(plain: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """What the page says first: "3 badges checked: 2 valid, 1 revoked"."""
    from shared.showing.verdict import STATES

    total = int(plain.get("total") or 0)
    counts: Mapping[str, int] = plain.get("counts") or {}
    words = _words(lang)
    parts = [f"{counts[s]} {words.get('count_' + s, s)}" for s in STATES if counts.get(s)]
    checked = say("checked_one" if total == 1 else "checked_many", lang, n=total)
    return checked + (": " + ", ".join(parts) if parts else "")


def level_text(level: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    number = level.get("number") or "?"
    if level.get("of"):
        return say("level_of", lang, number=number, of=level["of"])
    return say("level", lang, number=number)


def skill_line(skill: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """One line of the skills summary: "Creativiteit: level 2 of 4" (and a state not valid)."""
    state = skill.get("state")
    tail = f" ({_words(lang).get('count_' + str(state), state)})" if state != "valid" else ""
    return f"{skill.get('skill')}: {level_text(skill, lang)}{tail}"


def endorsement_line(view: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """'endorsed by Hotel De Zwaan: "..." (signature checked)' with the endorsement's own state."""
    who = view.get("trustedName") or view.get("endorser") or view.get("endorserId") or "?"
    said = f': "{view["comment"]}"' if view.get("comment") else ""
    state = str(view.get("state") or "unknown")
    verdict = (
        say("signature_checked", lang)
        if state == "valid"
        else _words(lang).get("count_" + state, state)
    )
    return say("endorsed_by", lang, who=who, said=said, verdict=verdict)


def print_credential(
    console: Console,
    result: VerificationResult,
    label: str,
    plain: Mapping[str, Any] | None = None,
    lang: str = DEFAULT_LANGUAGE,
    details: bool = False,
) -> None:
    """One badge: title and verdict, issuer, learner, results, evidence, endorsements
    (embedded in it, and presented beside it: ``plain["endorsements"]``), and what its
    checks say. ``plain`` is its part of ``plain_verdict`` (a badge in a presentation);
    a badge on its own gets its own."""
    from shared.showing.narrative import plain_text
    from shared.showing.results import result_text
    from shared.showing.verdict import form_text, list_text, plain_verdict

    if plain is None:
        plain = plain_verdict(result)

    summary = result.summary
    issuer = summary.get("issuer") or {}
    achievement = summary.get("achievement") or {}
    words = _words(lang)
    # an issuer's status list checked on its own: no badge, and no learner in it
    status_list = list_text(summary.get("statusList"), words)
    if status_list is not None:
        label = status_list[0]
    # Everything below comes from the credential: never let it be read as markup.
    title = escape(str(achievement.get("name") or summary.get("name") or summary.get("id") or "?"))
    console.print(f"{escape(label)}: [bold]{title}[/] {mark(result.verdict, lang)}")
    # Names up front, as the page shows them; the ids (DIDs) come last, for whoever
    # needs them. The badge names its issuer itself: the trust list says if it knows it.
    named, trusted = issuer.get("name"), issuer.get("trustedName")
    who = str(named or trusted or say("unknown_issuer", lang))
    if trusted and trusted != named:
        who += f" ({say('on_list', lang, name=trusted)})"
    elif trusted:
        who += f" ({say('on_list_same', lang)})"
    console.print(f"  {escape(say('issued_by', lang, who=who))}")
    state = str(plain.get("state"))
    said = status_list[1] if status_list else words.get("say_" + state, state)
    console.print(f"  {escape(said)}")
    checked_at = plain.get("status_checked_at")
    if isinstance(checked_at, str):  # a list the learner brought: say how old it is
        when = read_datetime(checked_at)
        shown = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if when else checked_at
        console.print(f"  {escape(words['status_stapled'].format(time=shown))}")
    results = [r for r in summary.get("results") or [] if isinstance(r, Mapping)]
    for item in results:
        console.print(f"  {escape(result_text(item, lang, lone=len(results) == 1))}")
    for item in summary.get("evidence") or []:
        if isinstance(item, dict):
            told = plain_text(str(item.get("narrative") or item.get("description") or ""))
            what = item.get("name") or item.get("id") or ""
            fixed = item.get("digestMultibase") or item.get("digestSRI")
            line = say("evidence_fixed" if fixed else "evidence", lang, what=what or told)
            console.print(f"  {escape(line)}")
            for said in told.splitlines() if what else ():
                if said:
                    console.print(f"    {escape(said)}")
    hidden = [str(h) for h in summary.get("hidden") or []]
    if hidden:  # selective disclosure: the learner showed the rest of the badge
        parts = ", ".join(words.get("part_" + h, h) for h in hidden)
        console.print("  " + escape(words["hidden"].format(parts=parts)))
    for view in [*(summary.get("endorsements") or []), *(plain.get("endorsements") or [])]:
        if isinstance(view, Mapping):
            console.print(f"  {escape(endorsement_line(view, lang))}")
    form = form_text(summary.get("form"), words) or " · ".join(
        str(summary[k]) for k in ("source", "label") if summary.get(k)
    )
    if form:  # another tool's format: a VC-JWT, a baked image, Open Badges 2.0
        console.print(f"  {escape(say('form', lang, form=form))}")
    print_reasons(console, result.checks, plain, lang, details)
    for key, value in (
        ("id_issuer", issuer.get("id")),
        ("id_learner", None if status_list else summary.get("subject")),
        ("id_badge", summary.get("id")),
    ):
        if value:
            console.print(f"  [dim]{escape(say(key, lang, id=value))}[/]")


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
