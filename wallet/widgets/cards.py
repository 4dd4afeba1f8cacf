"""Badge cards for the list, and the coloured status badge."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.option_list import Option

from wallet.data.cards import Card, Status
from wallet.i18n import Translator

STATUS_STYLE: dict[Status, str] = {
    Status.valid: "bold black on green",
    Status.expired: "bold black on yellow",
    Status.not_yet_valid: "bold black on yellow",
    Status.revoked: "bold white on red",
    Status.suspended: "bold black on dark_orange",
    Status.unknown: "bold black on grey70",
    Status.invalid: "bold white on red",
}


def status_badge(status: Status, t: Translator) -> Text:
    return Text(f" {t.status(status)} ", style=STATUS_STYLE[status])


def card_option(card: Card, t: Translator, *, stale: bool = False) -> Option:
    """Two lines per badge: name and status; issuer and date (and, when the last
    re-check could not reach the issuer, since when the status is not checked)."""
    text = Text()
    text.append(card.name, style="bold")
    text.append("  ")
    text.append_text(status_badge(card.status, t))
    text.append("\n")
    issued = (card.issued or "")[:10]
    text.append(card.issuer_name, style="italic")
    if issued:
        text.append("  ·  " + t("badges.issued", date=issued), style="dim")
    if stale:
        since = card.checked_at[:10]
        text.append("  ·  " + t("badges.not_checked", date=since), style="dim")
    return Option(text, id=card.id)
