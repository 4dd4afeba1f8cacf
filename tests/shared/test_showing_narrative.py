"""Narratives (``shared.showing.narrative``): the safe Markdown subset every app shows."""

from __future__ import annotations

from shared.showing.narrative import MAX_CHARS, Block, Span, blocks, plain_text, spans
from shared.skills import builtin
from shared.skills.ob import criteria_narrative


def test_paragraphs_lists_and_bold_are_kept_apart() -> None:
    text = (
        "Intro line one\nline two.\n\n**Niveau 1: Beginnend**\n\nMet hulp.\n\n- Maakt af.\n"
        "- Vraagt hulp,\n  ook bij twijfel.\n\n1. eerst\n2) dan"
    )
    assert blocks(text) == [
        Block("paragraph", ((Span("Intro line one line two."),),)),
        Block("paragraph", ((Span("Niveau 1: Beginnend", bold=True),),)),
        Block("paragraph", ((Span("Met hulp."),),)),
        Block("bullets", ((Span("Maakt af."),), (Span("Vraagt hulp, ook bij twijfel."),))),
        Block("numbered", ((Span("eerst"),), (Span("dan"),))),
    ]


def test_everything_else_is_literal_text() -> None:
    assert spans("![logo](https://x.example/l.png) <b>x</b> `code` *schuin* a_b_c") == (
        Span("![logo](https://x.example/l.png) <b>x</b> `code` *schuin* a_b_c"),
    )
    assert spans("vóór **vet** en __ook vet__ na") == (
        Span("vóór "),
        Span("vet", bold=True),
        Span(" en "),
        Span("ook vet", bold=True),
        Span(" na"),
    )
    assert spans("** niet vet **") == (Span("** niet vet **"),)


def test_headings_rules_and_line_endings() -> None:
    assert blocks("# Titel #\r\n---\r\nTekst\r===\r") == [
        Block("heading", ((Span("Titel"),),)),
        Block("paragraph", ((Span("Tekst"),),)),
    ]
    assert blocks("") == []
    assert blocks("\n \n") == []


def test_a_huge_narrative_is_cut() -> None:
    shown = plain_text("x" * (MAX_CHARS + 5000))
    assert len(shown) == MAX_CHARS


def test_plain_text_of_a_levels_narrative() -> None:
    framework = builtin("levensvaardigheden")
    skill = next(s for s in framework.skills if s.id == "doorzettingsvermogen")
    text = plain_text(criteria_narrative(framework, skill, "nl"))
    assert "**" not in text
    assert "\nNiveau 2: Op weg\n" in text
    assert "\n• Maakt taken af zonder dat iemand erop hoeft te letten.\n" in text


def test_a_link_reads_as_its_words_and_address_never_as_markup() -> None:
    # the Digital Credentials Consortium's LCW badge: a reader saw "[LCW ...](https://...)"
    said = "Claimed the [LCW Experience Badge](https://badging.example/lcw), **twice**."
    assert spans(said) == (
        Span("Claimed the LCW Experience Badge (https://badging.example/lcw), "),
        Span("twice", bold=True),
        Span("."),
    )
    assert spans("[https://x.example](https://x.example)") == (Span("https://x.example"),)
    assert spans("**[vet](https://x.example)**") == (Span("vet (https://x.example)", bold=True),)
    assert (
        plain_text("- zie [de site](javascript:alert(1))") == "• zie de site (javascript:alert(1))"
    )
