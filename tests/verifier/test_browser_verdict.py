"""The verdict an HR person reads, in a real headless Chromium, desktop and 390 px wide,
in English and Dutch: the headline, the learner's name (plain, or checked against a
hashed one), the skills summary, a level with its five behaviours, evidence, revoked and
suspended sentences, a bare credential, an unbound and a replayed presentation.

Screenshots go to the test's tmp dir, and to $RUGZAK_SCREENSHOT_DIR when set.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import load_vector
from tests.verifier.browser_support import chromium_available, free_port, live_server, make_driver
from tests.verifier.helpers import (
    ISSUER,
    REVOKED_INDEX,
    SUSPENDED_INDEX,
    present,
    status_list_credentials,
)
from tests.verifier.page_badges import LEARNER_NAME, endorsement, level_badge
from verifier.service.trust import TrustPack
from verifier.settings import Settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not chromium_available(),
        reason="Chromium is not installed (apt-get install chromium chromium-driver)",
    ),
]
LCW = (
    "dcc/vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/"
    "legacy-noStatus-noExpiry-lcwExperience.json"
)
# Developer text that must never reach the page outside "all checks".
DEVELOPER = ("must be of type", "Overall", "Presentation:", "Error", "$.", "Traceback")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    port = free_port()
    now = datetime.now(UTC).replace(microsecond=0)
    TrustPack(
        created=now,
        issuers={ISSUER.did: "Leerhuis Utrecht (ROC)"},
        status_lists=status_list_credentials(valid_from=now - timedelta(days=1)),
    ).save(tmp_path / "pack.json")
    settings = Settings(
        public_origin=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{tmp_path / 'v.db'}",
        data_dir=tmp_path,
        offline=True,
        trust_pack=tmp_path / "pack.json",
        rate_limit_per_minute=600,
    )
    with live_server(settings, port) as base:
        yield base, settings


def browser(tmp_path: Path, width: int) -> Any:
    """Chromium showing the page ``width`` CSS pixels wide (a phone: emulated, since a
    headless window has a minimum width)."""
    driver = make_driver(tmp_path / "profile", width=max(width, 800), height=900)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    return driver


def shot(driver: Any, tmp_path: Path, name: str) -> None:
    """The whole result (from the result heading down) as one PNG."""
    import base64

    top = driver.execute_script(
        "return document.getElementById('result-section').getBoundingClientRect().top"
        " + window.scrollY"
    )
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    png = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": top, "width": width, "height": height - top, "scale": 1},
        },
    )["data"]
    for folder in [tmp_path, os.environ.get("RUGZAK_SCREENSHOT_DIR")]:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / f"verdict-{name}.png").write_bytes(base64.b64decode(png))


def wait_for(driver: Any, css: str, timeout: float = 30) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def upload(driver: Any, tmp_path: Path, name: str, document: Any) -> None:
    driver.execute_script("document.getElementById('result').replaceChildren()")
    path = tmp_path / name
    path.write_text(json.dumps(document))
    driver.find_element("id", "upload").send_keys(str(path))
    wait_for(driver, "[data-testid=credential-verdict]")


def text_of(driver: Any, css: str) -> str:
    return str(driver.find_element("css selector", css).text)


def fits(driver: Any) -> None:
    """Nothing runs out of the page sideways (a DID or URL would, unwrapped)."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    inner = driver.execute_script("return window.innerWidth")
    assert width <= inner, (width, inner)
    wide = driver.execute_script(
        "const r = document.getElementById('result').getBoundingClientRect();"
        "return [...document.querySelectorAll('#result *')]"
        ".filter(e => e.getBoundingClientRect().right > r.right + 1).length"
    )
    assert wide == 0
    # a one-word badge title ("Doorzettingsvermogen") stays on one line, unbroken
    broken = driver.execute_script(
        "return [...document.querySelectorAll('.verdict .title')].filter(t => {"
        " if (/\\s/.test(t.textContent)) return false;"
        " const r = document.createRange(); r.selectNodeContents(t);"
        " return r.getClientRects().length > 1; }).map(t => t.textContent)"
    )
    assert broken == []


def three_badges(settings: Settings, challenge: str | None) -> dict[str, Any]:
    creds = [
        level_badge(
            "doorzettingsvermogen",
            3,
            credential_id="urn:uuid:1",
            endorsements=[endorsement("urn:uuid:1")],
        ),
        level_badge("creativiteit", 2, language="nl", credential_id="urn:uuid:2"),
        level_badge("initiatief-nemen", 1, index=REVOKED_INDEX, credential_id="urn:uuid:3"),
    ]
    return present(creds, challenge, domain=settings.public_origin)


@pytest.mark.parametrize(("width", "lang"), [(1100, "nl"), (390, "en"), (360, "nl"), (1100, "en")])
def test_a_presentation_of_three_level_badges(
    server: tuple[str, Settings], tmp_path: Path, width: int, lang: str
) -> None:
    base, settings = server
    challenge = httpx.post(f"{base}/requests", json={}).json()["challenge"]
    driver = browser(tmp_path, width)
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        upload(driver, tmp_path, "vp.json", three_badges(settings, challenge))
        headline = text_of(driver, "[data-testid=headline]")
        assert (
            headline
            == {
                "en": "3 badges checked: 2 valid, 1 revoked",
                "nl": "3 badges gecontroleerd: 2 geldig, 1 ingetrokken",
            }[lang]
        )
        overall = driver.find_element("css selector", "[data-testid=overall-verdict]")
        assert overall.get_attribute("data-tone") == "mixed"
        assert overall.get_attribute("data-binding") == "bound"
        skills = text_of(driver, "[data-testid=skills]")
        level3 = {"en": "level 3 of 4", "nl": "niveau 3 van 4"}[lang]
        assert "Doorzettingsvermogen" in skills
        assert level3 in skills
        cards = driver.find_elements("css selector", "[data-testid=credential-verdict]")
        assert [c.get_attribute("data-state") for c in cards] == ["valid", "valid", "revoked"]
        first = cards[0]
        level = first.find_element("css selector", "[data-testid=level]")
        assert level3.capitalize() in level.text
        assert len(level.find_elements("css selector", ".behaviours li")) == 5
        assert "Werkt een project van weken of maanden af" in level.text
        # the criteria narrative's Markdown: each level in bold, its behaviours as a list
        criteria = first.find_element("css selector", "details.criteria")
        driver.execute_script("arguments[0].open = true", criteria)
        assert len(criteria.find_elements("css selector", "ul li")) == 20  # 4 levels x 5
        assert len(criteria.find_elements("css selector", "p > strong")) == 4
        assert "**" not in criteria.text
        assert " - " not in criteria.text
        evidence = first.find_element("css selector", "[data-testid=evidence]")
        assert "De nieuwe menukaart" in evidence.text
        assert "proefavonden" in evidence.text
        assert "Leerhuis Utrecht" in first.text
        assert "Leerhuis Utrecht (ROC)" in first.text  # the trust list's name
        endorsed = first.find_element("css selector", "[data-testid=endorsements]").text
        assert "Hotel De Zwaan" in endorsed
        assert "proefavonden mislukten" in endorsed
        status = {
            "en": "Not revoked and not suspended.",
            "nl": "Niet ingetrokken en niet geschorst.",
        }
        assert first.text.count(status[lang]) == 1
        revoked = {"en": "The issuer has revoked this badge.", "nl": "De uitgever heeft deze badge"}
        assert revoked[lang] in cards[2].text
        assert status[lang] not in cards[2].text
        # revocation + suspension: the status line says it; no note beside it, no schema
        # complaint, not red (the information line is only under all checks)
        assert first.find_elements("css selector", ".notes") == []
        two_lists = {"en": "It uses two status lists", "nl": "Gebruikt twee statuslijsten"}[lang]
        assert two_lists not in first.text
        all_checks = first.find_element("css selector", "details.all-checks")
        assert two_lists in all_checks.get_attribute("textContent")
        assert "schema" not in first.text.lower()
        visible = driver.execute_script(
            "return [...document.querySelectorAll('#result details:not([open])')]"
            ".reduce((t, d) => t.replace(d.innerText.replace(d.querySelector('summary')"
            ".innerText, ''), ''), document.getElementById('result').innerText)"
        )
        for word in DEVELOPER:
            assert word not in visible, word
        assert "did:key" not in visible
        # the hashed name: a wrong name, then the right one typed differently
        box = driver.find_element("css selector", "[data-testid=name-input]")
        box.send_keys("Sanne de Vries-Bakker")
        driver.find_element("css selector", "[data-testid=name-button]").click()
        result = wait_for(driver, "[data-testid=name-result][data-match]")
        assert result.get_attribute("data-match") == "false"
        box.clear()
        box.send_keys("  sanne DE   vries")
        driver.find_element("css selector", "[data-testid=name-button]").click()
        wait_for(driver, "[data-testid=name-result][data-match=true]")
        matches = {"en": "The name matches all 3 badges.", "nl": "De naam klopt met alle 3 badges."}
        assert text_of(driver, "[data-testid=name-result]") == matches[lang]
        fits(driver)
        loaded = driver.execute_script(
            "return [...document.querySelectorAll('.badge-img')].every(i => i.naturalWidth > 0)"
        )
        assert loaded
        shot(driver, tmp_path, f"presentation-{width}-{lang}")
    finally:
        driver.quit()


@pytest.mark.parametrize(("width", "lang"), [(390, "nl"), (1100, "en")])
def test_bare_unbound_replayed_and_suspended(
    server: tuple[str, Settings], tmp_path: Path, width: int, lang: str
) -> None:
    base, settings = server
    driver = browser(tmp_path, width)
    words = {
        "en": {
            "bare": "not presented by its owner",
            "unbound": "Not made for this request: possibly a copy.",
            "replayed": "This request was already answered: this is a replayed copy.",
            "suspended": "The issuer has suspended this badge for now.",
            "no_name": "Name not in the badge.",
            "results": [
                "Final Project Grade: A (scale D to A)",
                "Final Project Grade: Mastery (level: Mastered; points: 4)",
                "Final Project Grade: completed",
            ],
        },
        "nl": {
            "bare": "niet door de eigenaar getoond",
            "unbound": "Niet voor dit verzoek gemaakt: mogelijk een kopie.",
            "replayed": "Dit verzoek was al beantwoord: dit is een herhaalde kopie.",
            "suspended": "De uitgever heeft deze badge tijdelijk geschorst.",
            "no_name": "Naam staat niet in de badge.",
            "results": [
                "Final Project Grade: A (schaal D tot A)",
                "Final Project Grade: Mastery (niveau: Mastered; punten: 4)",
                "Final Project Grade: afgerond",
            ],
        },
    }[lang]
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        # a bare credential with a plain name: genuine, but not presented by its owner
        upload(driver, tmp_path, "bare.json", level_badge(hashed=False))
        overall = driver.find_element("css selector", "[data-testid=overall-verdict]")
        assert overall.get_attribute("data-binding") == "bare"
        assert words["bare"] in overall.text
        assert overall.get_attribute("data-tone") == "amber"
        assert text_of(driver, "[data-testid=learner-name]") == LEARNER_NAME
        label = text_of(driver, "[data-testid=credential-verdict] .badge-label")
        assert label == {"en": "Genuine", "nl": "Echt"}[lang]
        fits(driver)
        shot(driver, tmp_path, f"bare-{width}-{lang}")
        # another tool's badge (1EdTech's sample): its grade, rubric level and status in
        # plain words (no "level ? of 2"), its evidence narrative's heading not as "#"
        other = load_vector("ob3/1edtech-validator/complete_v1.json")
        upload(driver, tmp_path, "other.json", other)
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        shown = [r.text for r in card.find_elements("css selector", "[data-testid=result]")]
        assert shown == words["results"]
        assert "The author demonstrated..." in text_of(driver, "[data-testid=level]")
        evidence = card.find_element("css selector", "[data-testid=evidence]")
        assert "#" not in evidence.text
        heading = evidence.find_element("css selector", "p > strong")
        assert heading.text == "Final Project Report"
        assert "This project was ..." in evidence.text
        # its picture's site cannot be reached (offline): left out, never a "?" box
        for _ in range(50):
            if not card.find_elements("css selector", ".badge-img"):
                break
            time.sleep(0.1)
        assert card.find_elements("css selector", ".badge-img") == []
        assert not card.find_element("css selector", ".card-head").text.startswith("?")
        fits(driver)
        shot(driver, tmp_path, f"other-tool-{width}-{lang}")
        # the Digital Credentials Consortium's LCW badge: its criteria's Markdown links
        # read as words and address, never as "[words](address)", and open nothing
        upload(driver, tmp_path, "lcw.json", load_vector(LCW))
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        criteria = card.find_element("css selector", "details.criteria")
        said = criteria.get_attribute("textContent")
        assert (
            "the LCW Experience Badge (https://badging.dcconsortium.org/lcw-experience-badge)"
            in said
        )
        assert "](" not in said
        assert criteria.find_elements("css selector", "a") == []
        # a suspended badge without a name
        upload(
            driver, tmp_path, "sus.json", level_badge(suspension_index=SUSPENDED_INDEX, name=None)
        )
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        assert card.get_attribute("data-state") == "suspended"
        assert card.text.count(words["suspended"]) == 1
        assert text_of(driver, "[data-testid=no-name]") == words["no_name"]
        shot(driver, tmp_path, f"suspended-{width}-{lang}")
        # a presentation without a challenge: not made for this request
        upload(driver, tmp_path, "unbound.json", present([level_badge()], None, domain=None))
        overall = driver.find_element("css selector", "[data-testid=overall-verdict]")
        assert overall.get_attribute("data-binding") == "unbound"
        assert words["unbound"] in text_of(driver, "[data-testid=binding]")
        fits(driver)
        shot(driver, tmp_path, f"unbound-{width}-{lang}")
        # the same answer twice: the second is a replayed copy
        challenge = httpx.post(f"{base}/requests", json={}).json()["challenge"]
        vp = present([level_badge()], challenge, domain=settings.public_origin)
        upload(driver, tmp_path, "first.json", vp)
        overall = driver.find_element("css selector", "[data-testid=overall-verdict]")
        assert overall.get_attribute("data-binding") == "bound"
        upload(driver, tmp_path, "again.json", vp)
        assert words["replayed"] in text_of(driver, "[data-testid=binding]")
    finally:
        driver.quit()


@pytest.mark.parametrize(("width", "lang"), [(1100, "en"), (390, "nl")])
def test_endorsements_presented_beside_the_badges(
    server: tuple[str, Settings], tmp_path: Path, width: int, lang: str
) -> None:
    """Endorsements the learner keeps apart travel beside the badge: shown on the badge
    they endorse (not as badges), a forged one as not valid, an unrelated one apart."""
    from tests.verifier.helpers import STRANGER

    base, settings = server
    challenge = httpx.post(f"{base}/requests", json={}).json()["challenge"]
    forged = endorsement("urn:uuid:2", key=STRANGER, name="Stranger BV")
    forged["credentialSubject"]["endorsementComment"] = "Beste medewerker ooit."  # changed
    creds = [
        level_badge("creativiteit", 2, credential_id="urn:uuid:2"),
        level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:1"),
        endorsement("urn:uuid:2"),
        forged,
        endorsement("urn:uuid:elsewhere", name="Restaurant De Kas"),
    ]
    driver = browser(tmp_path, width)
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        upload(
            driver, tmp_path, "vp.json", present(creds, challenge, domain=settings.public_origin)
        )
        headline = text_of(driver, "[data-testid=headline]")
        assert (
            headline
            == {
                "en": "2 badges checked: 2 valid",
                "nl": "2 badges gecontroleerd: 2 geldig",
            }[lang]
        )
        cards = driver.find_elements("css selector", "[data-testid=credential-verdict]")
        assert len(cards) == 2  # the endorsements are no cards of their own
        items = cards[0].find_elements("css selector", "[data-testid=endorsements] li")
        said = [(li.get_attribute("data-state"), li.text) for li in items]
        assert said[0][0] == "unknown_issuer"
        assert said[0][1].startswith("Hotel De Zwaan: “Sanne")
        assert said[1][0] == "invalid"
        assert said[1][1].startswith("Stranger BV")
        assert not cards[1].find_elements("css selector", "[data-testid=endorsements]")
        apart = text_of(driver, "[data-testid=unrelated-endorsements]")
        assert "Restaurant De Kas" in apart
        assert {"en": "not shown here", "nl": "niet getoond"}[lang] in apart
        fits(driver)
        shot(driver, tmp_path, f"endorsements-{width}-{lang}")
    finally:
        driver.quit()
