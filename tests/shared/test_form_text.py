"""What another tool's badge was read from, said in each language from codes."""

from __future__ import annotations

import pytest

from shared.messages import catalogue
from shared.showing import form_text


@pytest.mark.parametrize(
    ("form", "en", "nl"),
    [
        ({"format": "credential"}, "", ""),
        ({"format": "presentation"}, "", ""),
        (
            {"format": "vc_jwt", "wrapper": "png"},
            "VC-JWT in a PNG image",
            "VC-JWT in een PNG-afbeelding",
        ),
        (
            {"format": "presentation", "wrapper": "vp1"},
            "presentation (JSON) from a VP1 QR code",
            "presentatie (JSON) uit een VP1-QR-code",
        ),
        (
            {"format": "ob2", "wrapper": "svg", "ob2": "signed", "alg": "ES256"},
            "Open Badges 2.0 assertion in an SVG image · OB 2.0 signed (ES256)",
            "Open Badges 2.0-badge in een SVG-afbeelding · OB 2.0, ondertekend (ES256)",
        ),
        (
            {"format": "url", "ob2": "hosted", "checked": "2026-11-28T06:40:00Z"},
            "link to a hosted badge · OB 2.0, checked at the issuer's site on 2026-11-28",
            "link naar een badge op de site van de uitgever · OB 2.0, nagekeken op de site "
            "van de uitgever op 2026-11-28",
        ),
        (None, "", ""),
    ],
)
def test_form_text_in_english_and_dutch(form: object, en: str, nl: str) -> None:
    assert form_text(form, catalogue("en").verdicts) == en
    assert form_text(form, catalogue("nl").verdicts) == nl


def test_every_form_word_is_in_both_languages() -> None:
    from shared.showing.verdict import FORM_WORDS

    for lang in ("en", "nl"):
        assert {k for k in catalogue(lang).verdicts if k.startswith("form_")} == set(FORM_WORDS)
