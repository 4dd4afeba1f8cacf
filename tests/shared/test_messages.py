"""The message catalogue: every stable code has a sentence in English and Dutch, every
check a label, and the verifier page's generated copy is current."""

from __future__ import annotations

import json
import re
import runpy
import string
from pathlib import Path

import pytest

from shared import messages
from shared.errors import ErrorCode
from shared.verification import OK, CheckName

ROOT = Path(__file__).resolve().parents[2]
CHECK_CODES = {OK, "status_ok"}  # sentences for checks that passed


@pytest.mark.parametrize("lang", messages.LANGUAGES)
@pytest.mark.parametrize("code", [c.value for c in ErrorCode])
def test_every_error_code_has_a_sentence(code: str, lang: str) -> None:
    text = messages.sentence(code, lang)
    assert text, f"{code} has no {lang} sentence in shared/messages/{lang}.json"
    assert text == text.strip()
    assert text[0].isupper()
    assert text.endswith((".", "!", "?"))


def test_the_catalogue_holds_nothing_but_codes_and_checks() -> None:
    """No stale entries: a code removed from ErrorCode (never done: codes are public)
    or misspelt here would otherwise sit unused."""
    known = {c.value for c in ErrorCode} | CHECK_CODES
    for lang in messages.LANGUAGES:
        assert set(messages.catalogue(lang).codes) == known, lang
        assert set(messages.catalogue(lang).checks) == {c.value for c in CheckName}, lang


def test_every_plain_verdict_has_its_words() -> None:
    """shared.showing's states, statuses and bindings are said in both languages."""
    from shared.ob.disclosure import SELECTABLE
    from shared.showing.verdict import BINDINGS, FORM_WORDS, LIST_WORDS, STATES, STATUSES

    wanted = {f"state_{s}" for s in STATES} | {f"say_{s}" for s in STATES}
    wanted |= {f"count_{s}" for s in STATES} | {f"status_{s}" for s in STATUSES}
    wanted |= {f"bind_{b}" for b in BINDINGS} | {"schema_note", "status_stapled", "holder_linked"}
    # selective disclosure: "Not shown: ..." names every part a learner may hide
    wanted |= {"hidden"} | {f"part_{p}" for p in SELECTABLE}
    wanted |= set(FORM_WORDS)  # what another tool's badge was read from
    wanted |= set(LIST_WORDS)  # an issuer's status list checked on its own
    for lang in messages.LANGUAGES:
        assert set(messages.catalogue(lang).verdicts) == wanted, lang
    assert messages.verdict_word("bind_unbound", "en") == (
        "Not made for this request: possibly a copy. Ask the learner to answer a new request."
    )


def test_sentences_have_no_placeholders() -> None:
    """Sentences are shown as they are (the page does not format them)."""
    for lang in messages.LANGUAGES:
        for code, text in messages.catalogue(lang).codes.items():
            assert not [f for _, f, _, _ in string.Formatter().parse(text) if f], code


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_broken_linked_data_is_said_in_plain_words(lang: str) -> None:
    """HR reads what a badge whose data cannot be read one way means for them (it
    cannot be checked), not the term of the trade."""
    text = messages.sentence(ErrorCode.invalid_jsonld, lang) or ""
    assert "linked data" not in text.lower()
    assert ("cannot be checked" if lang == "en" else "niet gecontroleerd") in text


# Terms of the trade HR and learners do not know: they stay in the checks' own
# messages (``--details``, the API's ``checks[].message``), never in these sentences.
JARGON = re.compile(
    r"JSON-LD|(?-i:\bDIDs?\b)|proofValue|CBOR|VPQR|VCDM|\bschema|W3C|validator|\bcredential",
    re.IGNORECASE,
)


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_what_people_read_has_no_jargon(lang: str) -> None:
    """The sentences for codes and the plain verdict's words (what the page, the CLI
    and the wallet show) say "badge", "identity", "vocabulary", not the technical term."""
    said = {**messages.catalogue(lang).codes, **messages.catalogue(lang).verdicts}
    assert {k: v for k, v in said.items() if JARGON.search(v)} == {}


def test_english_and_dutch_differ_where_they_should() -> None:
    """A Dutch sentence copied from English by mistake shows up here."""
    same = [
        code
        for code in messages.catalogue("en").codes
        if messages.sentence(code, "en") == messages.sentence(code, "nl")
    ]
    assert same == []


def test_lookups() -> None:
    assert messages.sentence(ErrorCode.revoked, "nl") == "De uitgever heeft deze badge ingetrokken."
    assert messages.sentence("no_such_code") is None
    assert messages.check_label("proof", "nl") == "Handtekening"
    assert messages.check_label("something_new") == "something_new"
    with pytest.raises(ValueError, match="unknown language"):
        messages.catalogue("fr")


def test_page_copy_is_generated_from_the_catalogue() -> None:
    """verifier/static/messages.js is current: run `make messages` after an edit."""
    generated = runpy.run_path(str(ROOT / "scripts" / "gen_page_messages.py"))["render"]()
    on_disk = (ROOT / "verifier" / "static" / "messages.js").read_text("utf-8")
    assert on_disk == generated
    body = on_disk.split("window.RZ_MESSAGES = ", 1)[1].rstrip().rstrip(";")
    assert json.loads(body) == messages.as_json()


def test_python_checks_speak_the_catalogue_sentence() -> None:
    """A check's message for a plain failure is the catalogue's English sentence."""
    from datetime import UTC, datetime

    from shared.credentials import verify_credential
    from shared.keys import SigningKey
    from tests.factories import signed_badge

    key = SigningKey.from_seed(b"\x61" * 32)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    tampered = signed_badge(key.did, key, created=now)
    tampered["credentialSubject"]["achievement"]["name"] = "Iets groters"
    (proof,) = [c for c in verify_credential(tampered, now=now).checks if c.name == "proof"]
    assert proof.code == ErrorCode.proof_invalid
    assert proof.message == messages.plain(ErrorCode.proof_invalid)
    with pytest.raises(KeyError):
        messages.plain("no_such_code")


def test_the_wallet_texts_are_in_both_languages() -> None:
    """The wallet's screen texts kept in the catalogue (the skills passport's) exist in
    English and Dutch, with the same fields to fill in."""
    en, nl = messages.catalogue("en").wallet, messages.catalogue("nl").wallet
    assert set(en) == set(nl)
    assert "passport.title" in en
    for key, text in en.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(nl[key]) if f}, key


def test_the_verifier_cli_texts_are_in_both_languages() -> None:
    """``rugzak-verifier``'s headings: the same keys and fields in English and Dutch."""
    en, nl = messages.catalogue("en").verifier_cli, messages.catalogue("nl").verifier_cli
    assert set(en) == set(nl)
    assert {"bad_input", "issued_by", "checked_many", "request_code"} <= set(en)
    for key, text in en.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(nl[key]) if f}, key
    # A text the same in both is an untranslated one, but for words Dutch shares.
    same_in_both = {"credential"}  # "Badge"
    assert [k for k in en if en[k] == nl[k] and "{" not in en[k]] == sorted(same_in_both)


@pytest.mark.parametrize(
    ("chosen", "environ", "lang"),
    [
        (None, {}, "en"),
        ("nl", {"RUGZAK_LANG": "en"}, "nl"),
        ("NL", {}, "nl"),
        (None, {"RUGZAK_LANG": "nl", "LC_ALL": "en_US.UTF-8"}, "nl"),
        (None, {"LC_ALL": "nl_NL.UTF-8"}, "nl"),
        (None, {"LC_ALL": "", "LC_MESSAGES": "nl_BE", "LANG": "en_GB"}, "nl"),
        (None, {"LC_ALL": "C.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        (None, {"LANG": "nl_NL.UTF-8"}, "nl"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_pick_language(chosen: str | None, environ: dict[str, str], lang: str) -> None:
    assert messages.pick_language(chosen, environ) == lang


def test_pick_language_refuses_an_unknown_choice() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'; use one of en, nl"):
        messages.pick_language("fr", {})
    with pytest.raises(ValueError, match="unknown language 'de'"):
        messages.pick_language(None, {"RUGZAK_LANG": "de"})
