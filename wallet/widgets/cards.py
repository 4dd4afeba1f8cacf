"""Badge cards for the list and the present picker, and the coloured status badge."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
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
_BETWEEN = "  ·  "


def status_badge(status: Status, t: Translator) -> Text:
    return Text(f" {t.status(status)} ", style=STATUS_STYLE[status])


def card_option(card: Card, t: Translator, *, stale: bool = False) -> Option:
    """Two lines per badge. The name and its status (and, when the last re-check could
    not reach the issuer, since when the status is not checked), wrapped when long:
    never cut. Then what tells a badge apart from others of the same name, most
    telling first: its main result in the learner's language ("Niveau 3 van 4 —
    Zelfstandig"), the date, the issuer; on one line, cut at its end where the
    window is too narrow."""
    head = Text()
    head.append(card.name, style="bold")
    head.append("  ")
    head.append_text(status_badge(card.status, t))
    if stale:
        since = t.date(card.checked_at, short=True)
        head.append("  " + t("badges.not_checked", date=since), style="dim")
    return Option(CardRow(head, card_about(card, t)), id=card.id)


class CardRow(Visual):
    """Two parts of a row: ``head`` wraps (a name is never cut), ``tail`` is one line,
    cut at its end (…) where the window is too narrow.

    Drawn as Textual ``Content``: the list measures every row it holds (1,000 badges),
    and a Rich renderable there costs three times as much.
    """

    def __init__(self, head: Text, tail: Text) -> None:
        self.head = Content.from_rich_text(head)
        self.tail = Content.from_rich_text(tail)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        strips = self.head.render_strips(width, None, style, options)
        tail = self.tail.truncate(width, ellipsis=True)
        strips += tail.render_strips(width, None, style, options)
        return strips if height is None else strips[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            self.head.get_optimal_width(rules, container_width),
            self.tail.get_optimal_width(rules, container_width),
        )

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.head.get_height(rules, width) + 1


def card_pick(card: Card, t: Translator) -> Text:
    """One line per badge in the present picker: name and status first (the picker
    cuts a line at its end), then what ``card_option`` says below them."""
    text = Text(card.name, style="bold")
    text.append("  ")
    text.append_text(status_badge(card.status, t))
    text.append("  ")
    text.append_text(card_about(card, t))
    return text


def card_about(card: Card, t: Translator) -> Text:
    """The badge's main result, its date and its issuer, as one line."""
    issued = t.date(card.issued, short=True)
    lines = card.result_lines(t.lang)
    parts = (
        (lines[0] if lines else "", ""),
        (t("badges.issued", date=issued) if issued else "", "dim"),
        (card.issuer_name, "italic"),
    )
    text = Text()
    for part, style in parts:
        if not part:
            continue
        if text:
            text.append(_BETWEEN, style="dim")
        text.append(part, style=style)
    return text
