"""The printed record of a check, in a real headless Chromium: the page printed to PDF
(CDP ``Page.printToPDF``) in Dutch and English, its text read back with ``pdftotext``.

On paper: a header saying what this is, when and by which verifier it was checked and
whether it answered this verifier's request; the result with every fold open (all
checks, criteria); no controls, scanner or request. On screen: a labelled, keyboard
reachable "Print or save as PDF" button with the result, nothing else changed.

PDFs go to the test's tmp dir, and to $RUGZAK_SCREENSHOT_DIR when set (render a page
with ``pdftoppm -png -r 60`` to look at it).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.verifier.browser_support import chromium_available
from tests.verifier.helpers import ISSUER
from tests.verifier.page_badges import LEARNER_NAME, level_badge
from tests.verifier.test_browser_verdict import (  # noqa: F401 - server is a fixture
    browser,
    fits,
    server,
    shot,
    text_of,
    three_badges,
    upload,
    wait_for,
)
from verifier.settings import Settings

PDFTOTEXT = shutil.which("pdftotext")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not chromium_available(),
        reason="Chromium is not installed (apt-get install chromium chromium-driver)",
    ),
]
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext is not installed (apt-get install poppler-utils)"
)

WORDS = {
    "en": {
        "title": "Record of a badge check",
        "checked": "Checked on",
        "answers": "Answers this verifier's request",
        "bare": "A badge on its own, not sent for a request of this verifier.",
        "all": "All checks of the presentation",
        "all_badge": "All checks",
        "criteria": "Criteria (what the issuer asks for)",
        "revoked": ["Revoked", "The issuer has revoked this badge."],
        "genuine": "Genuine",
        "valid": "Valid",
        "trust": "Known issuers: 1.",
        "given": "Name given by the person and checked:",
        "no_match": "The name does not match the badge.",
        "matches": "The name matches all 3 badges.",
        "not_checked": "The badge holds the learner's name in coded form; it was not checked.",
        "print": "Print or save as PDF",
        "absent": [
            "1. Ask for badges",
            "New request",
            "Code for the wallet",
            "Or type",
            "2. Scan the learner's code",
            "Start camera",
            "Or paste or upload",
            "Paste the code text",
            "Upload a badge file",
            "3. Result",
            "Print or save as PDF",
            "Check the name",
            "type the name the person gives you",
            "Nederlands",
        ],
    },
    "nl": {
        "title": "Verslag van een badgecontrole",
        "checked": "Gecontroleerd op",
        "answers": "Antwoord op verzoek",
        "bare": "Een losse badge, niet verstuurd voor een verzoek van deze controle.",
        "all": "Alle controles van de presentatie",
        "all_badge": "Alle controles",
        "criteria": "Criteria (wat de uitgever vraagt)",
        "revoked": ["Ingetrokken", "De uitgever heeft deze badge ingetrokken."],
        "genuine": "Echt",
        "valid": "Geldig",
        "trust": "Bekende uitgevers: 1.",
        "given": "Door de persoon opgegeven en gecontroleerde naam:",
        "no_match": "De naam klopt niet met de badge.",
        "matches": "De naam klopt met alle 3 badges.",
        "not_checked": "De badge bevat de naam van de leerling in gecodeerde vorm; die is niet"
        " gecontroleerd.",
        "print": "Afdrukken of opslaan als pdf",
        "absent": [
            "1. Vraag om badges",
            "Nieuw verzoek",
            "Code voor de wallet",
            "Of typ",
            "2. Scan de code van de leerling",
            "Camera starten",
            "Of plak of upload",
            "Plak de codetekst",
            "Upload een badgebestand",
            "3. Uitslag",
            "Afdrukken of opslaan als pdf",
            "Controleer de naam",
            "typ de naam die de persoon opgeeft",
            "English",
        ],
    },
}
# the page's locale formatting of the check's time: "28 Nov 2026, 14:05 UTC", "28 nov 2026, ..."
CHECKED_AT = re.compile(r"\d{1,2} \w{3,4}\.? \d{4},? (om )?\d{2}:\d{2} \S+")


def print_pdf(driver: Any, tmp_path: Path, name: str) -> str:
    """The page printed on A4 as Chromium prints it (no background graphics, the
    browser's default), saved; returns its text, white space made single spaces."""
    data = driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False}
    )["data"]
    for folder in [tmp_path, os.environ.get("RUGZAK_SCREENSHOT_DIR")]:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / f"record-{name}.pdf").write_bytes(base64.b64decode(data))
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(tmp_path / f"record-{name}.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any white space: a DID or URL wrapped across lines still matches."""
    return "".join(text.split())


def page_texts(driver: Any, css: str) -> list[str]:
    return [
        " ".join(str(t).split())
        for t in driver.execute_script(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css
        )
    ]


def check_the_print_button(driver: Any, lang: str) -> None:
    """Labelled, styled as the page's other buttons, reached by Tab from the result's
    heading (where focus goes with a new result), and Enter asks the browser to print."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    button = driver.find_element("id", "print")
    assert button.is_displayed()
    assert button.tag_name == "button"
    assert button.get_attribute("type") == "button"
    assert button.text == WORDS[lang]["print"]
    same = driver.execute_script(
        "const a = getComputedStyle(document.getElementById('print')),"
        " b = getComputedStyle(document.getElementById('check-paste'));"
        "return ['minHeight', 'borderTopWidth', 'borderTopColor', 'borderRadius', 'fontSize',"
        " 'fontFamily', 'paddingLeft'].filter(k => a[k] !== b[k])"
    )
    assert same == []
    assert driver.execute_script("return document.activeElement.id") == "result-h"
    driver.execute_script("window.print = () => { window.rzPrinted = (window.rzPrinted || 0) + 1 }")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.execute_script("return document.activeElement.id") == "print"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert driver.execute_script("return window.rzPrinted") == 1


def closed_folds(driver: Any) -> int:
    return int(
        driver.execute_script(
            "return document.querySelectorAll('#result details:not([open])').length"
        )
    )


@needs_pdftotext
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_printed_presentation_of_three_level_badges(
    server: tuple[str, Settings],  # noqa: F811
    tmp_path: Path,
    lang: str,
) -> None:
    base, settings = server
    words = WORDS[lang]
    driver = browser(tmp_path, 1100)
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        assert not driver.find_element("id", "print").is_displayed()  # nothing to print yet
        # the page's own request, answered by the learner's presentation
        driver.find_element("id", "new-request").click()
        qr = wait_for(driver, "#request-qr[src*='/requests/']").get_attribute("src")
        challenge = qr.split("/requests/", 1)[1].split("/", 1)[0]
        short_code = text_of(driver, "#short-code")
        short_text = text_of(driver, "#short-text")
        upload(driver, tmp_path, "vp.json", three_badges(settings, challenge))
        check_the_print_button(driver, lang)
        # on screen the record header is not shown and the folds stay closed
        assert not driver.find_element("id", "record").is_displayed()
        folds = closed_folds(driver)
        assert folds >= 7  # learner details, 3 x (criteria, all checks), the presentation's
        # the name HR typed: printed when the badges confirm it, never when they do not
        wrong = "Sanne de Vries-Bakker"
        box = driver.find_element("css selector", "[data-testid=name-input]")
        box.send_keys(wrong if lang == "en" else "  sanne DE   vries")
        driver.find_element("css selector", "[data-testid=name-button]").click()
        wait_for(driver, "[data-testid=name-result][data-match]")
        titles = page_texts(driver, ".verdict .title")
        levels = page_texts(driver, "[data-testid=level] > strong")
        checked = page_texts(driver, "[data-testid=record-checked]")[0]
        criteria = page_texts(driver, "details.criteria")
        dids = page_texts(driver, "details.all-checks p.wrap")

        text = print_pdf(driver, tmp_path, f"presentation-{lang}")
        flat = squeezed(text)

        # the header: what, when, where, and the request it answered
        assert text.startswith(words["title"]), text[:200]
        assert checked in text
        assert checked.startswith(words["checked"])
        assert CHECKED_AT.search(checked), checked
        assert squeezed(base) in squeezed(checked)
        assert f"{words['answers']} {short_code}" in text
        assert words["trust"] in text
        # the result: headline, learner, skills, each badge whole
        headline = {
            "en": "3 badges checked: 2 valid, 1 revoked",
            "nl": "3 badges gecontroleerd: 2 geldig, 1 ingetrokken",
        }[lang]
        assert headline in text
        assert {"en": "Skills at a glance", "nl": "Vaardigheden in één oogopslag"}[lang] in text
        assert len(titles) == 3
        for title in titles:
            assert title in text
        assert text.count("Leerhuis Utrecht (ROC)") >= 3
        assert len(levels) == 3
        for level in levels:
            assert level in text
        assert "Werkt een project van weken of maanden af" in text  # a behaviour
        assert "De nieuwe menukaart" in text  # evidence, its URL after it
        assert "(https://" in text
        assert "Hotel De Zwaan" in text  # an endorsement
        for said in words["revoked"]:
            assert said in text
        # every fold printed open: the criteria, every check, the DIDs under them
        assert words["all"] in text
        assert text.count(words["criteria"]) == 3
        for narrative in criteria:
            assert squeezed(narrative)[-200:] in flat
        assert len(dids) == 9
        for line in dids:
            assert squeezed(line) in flat
        assert text.count("✓") >= 20
        # and the screen gets its folds back
        assert closed_folds(driver) == folds
        # the name: on paper only when it matched
        if lang == "en":
            assert words["no_match"] in text
            assert wrong not in text
            assert words["given"] not in text
        else:
            assert f"{words['given']} sanne DE vries." in text
            assert words["matches"] in text
        assert LEARNER_NAME not in text.replace("sanne DE vries", "")
        # no controls, scanner or request on paper
        for absent in words["absent"]:
            assert absent not in text, absent
        assert short_text not in text
    finally:
        driver.quit()


@needs_pdftotext
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_printed_single_badge(
    server: tuple[str, Settings],  # noqa: F811
    tmp_path: Path,
    lang: str,
) -> None:
    base, _ = server
    words = WORDS[lang]
    driver = browser(tmp_path, 1100)
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        upload(driver, tmp_path, "badge.json", level_badge())
        check_the_print_button(driver, lang)
        title = page_texts(driver, ".verdict .title")[0]
        level = page_texts(driver, "[data-testid=level] > strong")[0]
        text = print_pdf(driver, tmp_path, f"single-{lang}")
        assert text.startswith(words["title"]), text[:200]
        assert words["checked"] in text
        assert words["bare"] in text
        assert squeezed(base) in squeezed(text)
        assert title in text
        assert level in text
        assert "Leerhuis Utrecht (ROC)" in text
        assert words["genuine"] in text
        assert words["not_checked"] in text
        assert words["all_badge"] in text
        assert squeezed(ISSUER.did) in squeezed(text)  # under "all checks", printed open
        assert text.count(words["criteria"]) == 1
        for absent in words["absent"]:
            assert absent not in text, absent
        # an error is no result: no button, and nothing to print but the page
        driver.find_element("id", "paste").send_keys("{not json")
        driver.find_element("id", "check-paste").click()
        wait_for(driver, "[data-testid=error]")
        assert not driver.find_element("id", "print").is_displayed()
        assert driver.find_element("id", "record").get_attribute("textContent") == ""
    finally:
        driver.quit()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_print_button_on_a_phone(
    server: tuple[str, Settings],  # noqa: F811
    tmp_path: Path,
    lang: str,
) -> None:
    base, _ = server
    driver = browser(tmp_path, 390)
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        upload(driver, tmp_path, "badge.json", level_badge())
        button = driver.find_element("id", "print")
        assert button.text == WORDS[lang]["print"]
        rect = driver.execute_script(
            "const r = document.getElementById('print').getBoundingClientRect();"
            "return [r.left, r.right, r.height, window.innerWidth]"
        )
        assert rect[0] >= 0
        assert rect[1] <= rect[3]
        assert rect[2] < 60  # one line of text
        fits(driver)
        shot(driver, tmp_path, f"print-button-390-{lang}")
    finally:
        driver.quit()
