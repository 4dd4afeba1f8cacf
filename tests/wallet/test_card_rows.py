"""The badge list and the present picker tell badges apart by their result.

A learner with "Samenwerken" at level 2 (2025) and at level 3 (2026) must see two
different rows, at 80 columns, in the language they chose; the search finds a badge
by its level. The card keeps the result's parts, worded when shown
(``shared.showing.results``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Input, Label, OptionList, SelectionList

from tests.factories import level_badge
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY, make_credential
from tests.wallet.test_app import settle, type_into, unlock
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.cards import Card
from wallet.i18n import Translator
from wallet.service import WalletService
from wallet.widgets.cards import CardRow, card_option

LEERHUIS = "Stichting Leerhuis IJsselvallei"
# The list's text width in an 80-column terminal: 80, less the option's padding (1 each
# side) and the scrollbar (2) a list of 240 badges has.
WIDTH = 76


def samenwerken(level: int, year: int, **options: Any) -> dict[str, Any]:
    return level_badge(
        HOLDER_KEY.did,
        ISSUER_KEY,
        skill="samenwerken",
        level=level,
        credential_id=f"urn:uuid:2b6a0c1e-0000-4000-8000-00000000{year}{level}",
        awarded=datetime(year, 6, 1, tzinfo=UTC),
        issuer_name=LEERHUIS,
        **options,
    )


@pytest.fixture
def two_levels(service: WalletService) -> tuple[Card, Card]:
    """Level 2 of 2025 and level 3 of 2026 of one skill, from one issuer."""
    cards = []
    for level, year in ((2, 2025), (3, 2026)):
        (outcome,) = service.import_document(samenwerken(level, year))
        assert outcome.card is not None, outcome.refusal
        cards.append(outcome.card)
    return cards[0], cards[1]


def rendered(row: Visual, width: int = WIDTH) -> list[str]:
    """The row's lines as the list draws them ``width`` cells wide."""
    options = RenderOptions(get_style=lambda _: Style(), rules={})
    return [strip.text.rstrip() for strip in row.render_strips(width, None, Style(), options)]


def row(card: Card, lang: str, width: int = WIDTH) -> list[str]:
    prompt = card_option(card, Translator(lang)).prompt
    assert isinstance(prompt, CardRow)
    return rendered(prompt, width)


@pytest.mark.parametrize(
    ("lang", "second", "third"),
    [
        ("nl", "Niveau 2 van 4 — Op weg  ·  uitgegeven 1 jun 2025  ·  Stichting Leerh",
         "Niveau 3 van 4 — Zelfstandig  ·  uitgegeven 1 jun 2026  ·  Stichting"),
        ("en", "Level 2 of 4 — Op weg  ·  issued 1 Jun 2025  ·  Stichting Leerhuis",
         "Level 3 of 4 — Zelfstandig  ·  issued 1 Jun 2026  ·  Stichting Leerhuis"),
    ],
)  # fmt: skip
def test_two_levels_of_one_skill_read_apart_at_80_columns(
    two_levels: tuple[Card, Card], lang: str, second: str, third: str
) -> None:
    """Name and status first, whole; then the level in the learner's language, the
    date and the issuer, on one line cut at its end (never wrapped under it)."""
    level2, level3 = (row(card, lang) for card in two_levels)
    state = "geldig" if lang == "nl" else "valid"
    assert level2[0] == level3[0] == f"Samenwerken   {state}"
    assert len(level2) == len(level3) == 2
    assert level2[1].startswith(second)
    assert level3[1].startswith(third)
    assert level2[1] != level3[1]
    for line in (*level2, *level3):
        assert len(line) <= WIDTH
    assert level3[1].endswith("…")  # the issuer's name did not fit: cut, not wrapped


def test_a_wide_window_shows_the_whole_line(two_levels: tuple[Card, Card]) -> None:
    (_, line) = row(two_levels[1], "nl", width=116)
    assert line == f"Niveau 3 van 4 — Zelfstandig  ·  uitgegeven 1 jun 2026  ·  {LEERHUIS}"


def test_a_long_name_stays_whole_and_a_badge_without_result_reads_as_before(
    service: WalletService,
) -> None:
    name = "Samenwerken in de zorg en het welzijn, met collega's uit andere teams"
    (outcome,) = service.import_document(make_credential(HOLDER_KEY.did, number=9, name=name))
    assert outcome.card is not None
    first, *rest = row(outcome.card, "nl")
    assert first.startswith(name)  # the name is never cut for the result
    assert rest[-1] == "uitgegeven 1 jun 2026  ·  ROC Rivierenland"
    assert outcome.card.results == []


def test_a_card_keeps_the_parts_of_its_result_not_their_words(
    two_levels: tuple[Card, Card],
) -> None:
    (kept,) = two_levels[1].to_dict()["results"]
    assert "text" not in kept
    assert {k: kept["level"][k] for k in ("number", "of", "name")} == {
        "number": 3,
        "of": 4,
        "name": "Niveau 3: Zelfstandig",
    }
    assert Card.from_dict(two_levels[1].to_dict()) == two_levels[1]
    assert [two_levels[1].result_lines(lang) for lang in ("nl", "en")] == [
        ["Niveau 3 van 4 — Zelfstandig"],
        ["Level 3 of 4 — Zelfstandig"],
    ]


def test_the_search_finds_a_badge_by_its_level(two_levels: tuple[Card, Card]) -> None:
    level2, level3 = two_levels
    assert [c for c in two_levels if c.matches("niveau 3", "nl")] == [level3]
    assert [c for c in two_levels if c.matches("level 3", "en")] == [level3]
    assert [c for c in two_levels if c.matches("samenwerken op weg", "nl")] == [level2]
    assert [c for c in two_levels if c.matches("samenwerken", "en")] == [level2, level3]
    assert [c for c in two_levels if c.matches("2025", "en")] == [level2]
    assert [c for c in two_levels if c.matches("juni 2026", "nl")] == [level3]  # as shown
    assert [c for c in two_levels if c.matches("competentie", "nl")] == [level2, level3]
    assert [c for c in two_levels if c.matches("2", "nl")] == [level2]  # not in a DID or 2026


async def test_the_list_and_the_picker_show_the_levels(
    config: WalletConfig, service: WalletService, two_levels: tuple[Card, Card]
) -> None:
    """In the app at 80x24: each row says its level; the search narrows to level 3;
    the present picker names the level beside each badge."""
    service.store.close()
    app = WalletApp(replace(config, lang="nl"))
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        cards = app.screen.query_one("#cards", OptionList)
        lines = [cards.render_line(y).text for y in range(6)]
        assert lines[1].strip().startswith("Niveau 3 van 4 — Zelfstandig  ·  uitgegeven 1 jun 2026")
        assert lines[4].strip().startswith("Niveau 2 van 4 — Op weg  ·  uitgegeven 1 jun 2025")
        await type_into(pilot, app.screen.query_one("#search", Input), "niveau 3")
        await settle(app, pilot)
        assert cards.option_count == 1
        assert "1 van 2" in str(app.screen.query_one("#count-label", Label).render())
        app.screen.query_one("#search", Input).value = ""
        cards.focus()
        await pilot.press("p")
        await settle(app, pilot)
        picks = app.screen.query_one("#picks", SelectionList)
        shown = [str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)]
        assert [line.split("  ")[0] for line in shown] == ["Samenwerken", "Samenwerken"]
        assert "Niveau 3 van 4 — Zelfstandig" in shown[0]
        assert "Niveau 2 van 4 — Op weg" in shown[1]
        assert shown[0].index("geldig") < shown[0].index("Niveau 3")  # the status stays seen
