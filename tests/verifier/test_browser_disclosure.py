"""The verifier page says what a selectively disclosed badge does not show, and that a
badge sent with only its base proof is the learner's wallet copy, in a real headless
Chromium, desktop and 390 px wide, in English and Dutch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.messages import catalogue
from shared.ob.disclosure import disclose_hiding
from tests.verifier.browser_support import chromium_available, free_port, live_server
from tests.verifier.test_browser_verdict import browser, fits, shot, text_of, upload
from tests.wallet.helpers import HOLDER_KEY
from tests.wallet.sd_badges import SD_ISSUER, SD_LIST_URL, did_document, sd_badge, sd_status_list
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    TrustPack(
        created=datetime.now(UTC).replace(microsecond=0),
        issuers={SD_ISSUER: "Leerhuis Utrecht"},
        dids={SD_ISSUER: did_document()},
        status_lists={SD_LIST_URL: sd_status_list()},
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
        yield base


@pytest.mark.parametrize(("width", "lang"), [(1100, "en"), (390, "nl")])
def test_the_page_says_what_the_learner_did_not_show(
    server: str, tmp_path: Path, width: int, lang: str
) -> None:
    shown = disclose_hiding(sd_badge(HOLDER_KEY.did), {"identifier", "evidence", "image"})
    driver = browser(tmp_path, width)
    try:
        driver.get(server + "/")
        driver.find_element("id", f"lang-{lang}").click()
        upload(driver, tmp_path, "disclosed.json", shown)
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        assert card.get_attribute("data-state") == "valid"
        hidden = driver.find_element("css selector", "[data-testid=hidden-parts]").text
        expected = {
            "en": "Not shown: the learner's name or e-mail, evidence, the badge picture.",
            "nl": "Niet getoond: de naam of het e-mailadres van de leerling, bewijs, "
            "de badge-afbeelding.",
        }[lang]
        assert expected in hidden
        assert "identifier" not in hidden
        fits(driver)
        shot(driver, tmp_path, f"disclosed-{lang}-{width}")

        # the learner's own copy, with only its base proof: said so, not "not genuine"
        upload(driver, tmp_path, "wallet-copy.json", sd_badge(HOLDER_KEY.did, eddsa=False))
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        assert card.get_attribute("data-state") == "wallet_copy"
        said = text_of(driver, "[data-testid=state-line]")
        assert said == catalogue(lang).verdicts["say_wallet_copy"]
        assert {"en": "from their wallet", "nl": "vanuit de wallet"}[lang] in said
        assert catalogue(lang).verdicts["say_invalid"] not in text_of(driver, "#result")
        fits(driver)
        shot(driver, tmp_path, f"wallet-copy-{lang}-{width}")
    finally:
        driver.quit()
