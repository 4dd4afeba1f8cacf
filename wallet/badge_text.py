"""A badge in the learner's words, as Markdown: what the detail screen shows and
``rugzak-wallet show`` prints (one text for both; Textual and rich render it).

Everything taken from the credential is made inert (``_md``): a badge cannot inject
links, tables or markup into the wallet."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from shared import messages
from shared.showing import narrative
from shared.showing.results import results_of
from shared.verification import OK, VerificationResult
from shared.vocab import as_list
from wallet.data.cards import Card, Status
from wallet.data.endorsements import Endorsement
from wallet.i18n import Translator
from wallet.reasons import reasons_for


def describe(
    credential: dict[str, Any],
    card: Card,
    t: Translator,
    result: VerificationResult | None = None,
    endorsements: Sequence[Endorsement] = (),
    own: Collection[str] = (),
    *,
    head: bool = True,
) -> str:
    """The credential as Markdown: ``headline`` (left out without ``head``: the detail
    screen shows it above the picture), achievement, criteria, alignments, results (in
    the reader's words, ``shared.showing.results``), evidence with its narrative,
    issuer profile, dates, ids and (after a re-check) what the checks found, in the
    reader's words (``wallet.reasons``; ``every_check`` says each check as it is).
    ``own`` are the wallet's DIDs: a badge issued to one of them was issued to "you"."""
    subjects = _items(credential.get("credentialSubject"))
    subject: dict[str, Any] = subjects[0] if subjects else {}
    found = _items(subject.get("achievement"))
    achievement: dict[str, Any] = found[0] if found else {}
    issuers = _items(credential.get("issuer"))
    issuer: dict[str, Any] = issuers[0] if issuers else {}
    lines = [headline(card, t), ""] if head else []
    if achievement.get("description"):
        lines += [f"**{t('detail.description')}**: {_md(achievement['description'])}", ""]
    if achievement.get("achievementType"):
        kind = t.achievement_type(str(achievement["achievementType"]))
        lines += [f"**{t('detail.type')}**: {_md(kind)}", ""]
    criteria = achievement.get("criteria")
    if isinstance(criteria, dict):
        lines += [f"## {t('detail.criteria')}", ""]
        if isinstance(criteria.get("narrative"), str):
            lines += _narrative(criteria["narrative"])
        if criteria.get("id"):
            lines += [f"<{criteria['id']}>", ""]
    alignments = _items(achievement.get("alignment"))
    if alignments:
        lines += [f"## {t('detail.alignments')}", ""]
        for a in alignments:
            code = f" ({_md(a['targetCode'])})" if a.get("targetCode") else ""
            framework = f" — {_md(a['targetFramework'])}" if a.get("targetFramework") else ""
            lines.append(
                f"- {_md(a.get('targetName', '?'))}{code}{framework}"
                + (f" <{a['targetUrl']}>" if a.get("targetUrl") else "")
            )
        lines.append("")
    results = results_of(credential)
    if results:
        lines += [f"## {t('detail.results')}", ""]
        lines += [f"- {_md(r['text'][t.lang])}" for r in results]
        lines.append("")
    evidence = _items(credential.get("evidence"))
    if evidence:
        lines += [f"## {t('detail.evidence')}", ""]
        for e in evidence:
            lines += _evidence(e)
        lines.append("")
    if endorsements:
        lines += [f"## {t('endorse.title')}", ""]
        for endorsement in endorsements:
            said = t(
                "passport.endorsed_by",
                issuer=_md(endorsement.endorser),
                text=_md(endorsement.comment),
            )
            status = endorsement.status
            state = "" if status is Status.valid else f" ({t.status(status)})"
            lines.append(f"- {said}{state}")
        lines.append("")
    lines += [
        f"## {t('detail.issuer')}",
        "",
        f"**{_md(issuer.get('name') or card.issuer_name)}**",
        "",
        f"`{card.issuer_id}`",
        "",
    ]
    if issuer.get("url"):
        lines += [f"{t('detail.issuer_url')}: <{issuer['url']}>", ""]
    if issuer.get("email"):
        lines += [f"{t('detail.issuer_email')}: {_md(issuer['email'])}", ""]
    holder = subject.get("id")
    rows = [
        (t("detail.subject"), t("detail.you") if holder in own else f"`{holder or '-'}`"),
        (t("detail.valid_from"), _md(t.date(card.issued)) or "-"),
        (t("detail.valid_until"), _md(t.date(card.valid_until)) or "-"),
        (t("detail.status"), t.status(card.status)),
        (t("detail.credential_id"), f"`{card.credential_id or '-'}`"),
        (t("detail.local_id"), f"`{card.id}`"),
    ]
    lines += [f"- **{k}**: {v}" for k, v in rows] + [""]
    if result is not None:
        # each reason once, not the one the status line says (``wallet.reasons``)
        told = reasons_for(result, str(card.status), t, said={card.status_code})
        lines += [f"## {t('detail.checks')}", ""]
        lines += [f"- {line.mark} {_md(line.text)}" for line in told.reasons + told.passed]
        if told.notes:
            lines += ["", _md(t("checks.notes")), ""]
            lines += [f"- {_md(line.text)}" for line in told.notes]
        lines.append("")
    return "\n".join(lines)


def headline(card: Card, t: Translator) -> str:
    """The badge's name and why its status is what it is (once, under the name): what
    a learner must read first, at any window size."""
    lines = [f"# {_md(card.name)}"]
    if card.status_code != OK:
        # the sentence only: a learner never needs the code ("All checks" keeps it)
        sentence = t.code_sentence(card.status_code, messages.sentence(card.status_code) or "")
        if sentence:
            lines += ["", f"> {_md(sentence)}"]
    return "\n".join(lines)


def every_check(result: VerificationResult) -> str:
    """Every check as the verification wrote it, one a line, for whoever wants all of
    them: "✘ status: <its own message> (revoked)"."""
    marks = {"passed": "✔", "failed": "✘", "info": "i", "warning": "!"}
    lines = []
    for check in result.checks:
        code = "" if check.code == OK else f" ({check.code})"
        lines.append(f"{marks[check.outcome]} {check.name}: {check.message}{code}")
    return "\n".join(lines)


def _items(value: Any) -> list[dict[str, Any]]:
    return [i for i in as_list(value) if isinstance(i, dict)]


def _evidence(item: dict[str, Any]) -> list[str]:
    """One piece of evidence as a list item: its name and link, then its narrative (or
    else its description) below, indented so it stays inside the item."""
    head = " ".join(
        part
        for part in (
            _md(item["name"]) if isinstance(item.get("name"), str) else "",
            f"<{item['id']}>" if isinstance(item.get("id"), str) else "",
        )
        if part
    )
    told = item.get("narrative")
    body = _narrative(told) if isinstance(told, str) else []
    if not body and isinstance(item.get("description"), str):
        body = [_md(item["description"]), ""]
    lines = ([head, ""] if head else []) + body
    lines = [line for n, line in enumerate(lines) if line or n + 1 < len(lines)]
    if not lines:
        return []
    return [f"- {lines[0]}"] + [f"  {line}" if line else "" for line in lines[1:]]


def _narrative(text: str) -> list[str]:
    """A narrative's safe Markdown (``shared.showing.narrative``) as inert lines: its
    paragraphs, lists and bold kept, every character of its text escaped."""
    lines: list[str] = []
    for block in narrative.blocks(text):
        shown = ["".join(f"**{_md(s.text)}**" if s.bold else _md(s.text) for s in item)
                 for item in block.items]  # fmt: skip
        if block.kind == "paragraph":
            lines += [shown[0], ""]
        elif block.kind == "heading":
            text = "".join(span.text for span in block.items[0])
            lines += [f"**{_md(text)}**", ""]  # below the section's own heading
        elif block.kind == "bullets":
            lines += [f"- {item}" for item in shown] + [""]
        else:
            lines += [f"{n}. {item}" for n, item in enumerate(shown, 1)] + [""]
    return lines


def _md(value: Any) -> str:
    """Text from a credential, inert in Markdown (no links, tables or HTML injected)."""
    text = str(value)
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "|", "#"):
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")
