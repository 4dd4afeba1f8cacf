"""The badge detail text: everything the credential says, and nothing it can inject."""

from __future__ import annotations

from markdown_it import MarkdownIt

from shared.verification import VerificationResult
from tests.factories import level_badge
from tests.wallet.helpers import HOLDER_KEY, ISSUER_KEY, NOW, make_credential
from wallet.badge_text import describe
from wallet.data.cards import make_card
from wallet.i18n import Translator


def test_describe_shows_achievement_results_evidence_and_issuer() -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["result"] = [{"type": ["Result"], "value": "8,5"}]
    credential["evidence"] = [
        {"type": ["Evidence"], "name": "Portfolio", "id": "https://roc.example.nl/portfolio/1"}
    ]
    credential["issuer"]["email"] = "info@roc.example.nl"
    card = make_card(credential, VerificationResult("credential"), now=NOW, local_id="abc")
    text = describe(credential, card, Translator("nl"))
    for expected in (
        "Doorzettingsvermogen",
        "Drie reflectieverslagen",
        "Persoonlijke effectiviteit (PE-2)",
        "8,5",
        "Portfolio",
        "ROC Rivierenland",
        "info@roc.example.nl",
        "Uitgegeven aan",
        HOLDER_KEY.did,
        "`abc`",
    ):
        assert expected in text, expected


def test_credential_text_cannot_inject_markdown() -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["achievement"]["description"] = (
        "[click me](https://evil.example) <b>x</b> | # heading"
    )
    card = make_card(credential, VerificationResult("credential"), now=NOW)
    text = describe(credential, card, Translator("en"))
    assert "[click me](https://evil.example)" not in text
    assert "\\[click me\\]" in text
    assert "<b>" not in text


def test_a_levels_narrative_shows_its_levels_and_behaviours_as_lists() -> None:
    """Skill-level badges write each level in bold and its behaviours as a Markdown list;
    shown flat they read as ``**Niveau 1: Beginnend** ... - Maakt ... - Vraagt ...``."""
    credential = level_badge(HOLDER_KEY.did, ISSUER_KEY, language="nl")
    card = make_card(credential, VerificationResult("credential"), now=NOW)
    text = describe(credential, card, Translator("nl"))
    lines = text.splitlines()
    assert "**Niveau 2: Op weg**" in lines  # the level title stays bold, on its own
    assert "- Maakt taken af zonder dat iemand erop hoeft te letten." in lines
    assert not any(" - Maakt" in line for line in lines)  # no list run into a paragraph
    rendered = MarkdownIt("commonmark").parse(text)
    assert sum(token.type == "bullet_list_open" for token in rendered) >= 4


def test_a_narrative_keeps_its_lists_but_cannot_inject_links_or_html() -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["achievement"]["criteria"] = {
        "narrative": "**Doel**\n\n- [klik](https://evil.example)\n- <img src=x onerror=y>\n"
        "- ![beeld](https://evil.example/p.png)\n\n# Kop\n\n    code | tabel"
    }
    card = make_card(credential, VerificationResult("credential"), now=NOW)
    text = describe(credential, card, Translator("en")).split("## Criteria")[1].split("\n## ")[0]
    tokens = [t for block in MarkdownIt("commonmark").parse(text) for t in block.children or []]
    assert not [t for t in tokens if t.type in ("link_open", "image", "html_inline")]
    assert "- klik (https://evil.example)" in text  # its words and address, as text
    assert "**Kop**" in text  # a heading inside the criteria is a bold line, not a title
    assert "code \\| tabel" in text


def test_another_tools_results_and_evidence_narrative_read_for_people() -> None:
    """1EdTech's sample: its grade, its rubric level (by name, not by id) and its status
    in the reader's words, and its evidence narrative's heading not shown as "# ..."."""
    from tests.conftest import load_vector

    credential = load_vector("ob3/1edtech-validator/complete_v1.json")
    card = make_card(credential, VerificationResult("credential"), now=NOW)
    text = describe(credential, card, Translator("nl"))
    results = text.split("## Resultaten")[1].split("\n## ")[0]
    assert [line for line in results.splitlines() if line.startswith("- ")] == [
        "- Final Project Grade: A (schaal D tot A)",
        "- Final Project Grade: Mastery (niveau: Mastered; punten: 4)",
        "- Final Project Grade: afgerond",
    ]
    assert "urn:uuid:d05a0867" not in text
    evidence = text.split("## Bewijs")[1].split("\n## ")[0]
    assert "**Final Project Report**" in evidence
    assert "This project was ..." in evidence
    assert "#" not in evidence
    rendered = MarkdownIt("commonmark").parse(text)
    assert not [t for t in rendered if t.type == "heading_open" and t.tag == "h1"][1:]


def test_dates_and_type_read_as_people_say_them_in_their_language() -> None:
    """The detail table says "1 juni 2026", not "2026-06-01T09:00:00Z", and the
    achievement's type in the reader's language, not Open Badges' English term."""
    credential = make_credential(HOLDER_KEY.did)
    card = make_card(credential, VerificationResult("credential"), now=NOW, local_id="abc")
    dutch = describe(credential, card, Translator("nl"))
    assert "- **Geldig vanaf**: 1 juni 2026" in dutch
    assert "**Soort**: Competentie" in dutch
    english = describe(credential, card, Translator("en"))
    assert "- **Valid from**: 1 June 2026" in english
    assert "**Type**: Competency" in english
    for text in (dutch, english):
        assert "2026-06-01" not in text


def test_a_type_outside_the_standard_list_is_shown_as_it_is() -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["achievement"]["achievementType"] = "ext:Zwemdiploma"
    card = make_card(credential, VerificationResult("credential"), now=NOW, local_id="abc")
    assert "**Soort**: ext:Zwemdiploma" in describe(credential, card, Translator("nl"))


def test_the_facts_have_no_empty_header_and_say_you_for_the_wallets_own_did() -> None:
    """A badge issued to the wallet's own DID says "jij"/"you" (the DID says nothing to
    the learner); one issued to another DID shows it, because then it matters."""
    credential = make_credential(HOLDER_KEY.did)
    card = make_card(credential, VerificationResult("credential"), now=NOW, local_id="abc")
    own = describe(credential, card, Translator("nl"), own=("did:key:earlier", HOLDER_KEY.did))
    assert "| |" not in own
    assert "- **Uitgegeven aan**: jij" in own.splitlines()
    assert HOLDER_KEY.did not in own
    assert (
        "- **Issued to**: you"
        in describe(credential, card, Translator("en"), own=(HOLDER_KEY.did,)).splitlines()
    )
    someone = describe(credential, card, Translator("nl"), own=("did:key:someone-else",))
    assert f"- **Uitgegeven aan**: `{HOLDER_KEY.did}`" in someone.splitlines()


def test_alignments_have_a_plain_heading_in_english() -> None:
    credential = make_credential(HOLDER_KEY.did)
    card = make_card(credential, VerificationResult("credential"), now=NOW)
    english = describe(credential, card, Translator("en"))
    assert "Persoonlijke effectiviteit" in english  # the test badge has an alignment
    assert "Alignment" not in english
    assert "## Linked to frameworks" in english
    assert "## Koppelingen" in describe(credential, card, Translator("nl"))
