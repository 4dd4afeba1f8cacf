"""The page for a stapled presentation, in a real headless Chromium (desktop and 390 px,
English and Dutch): a verifier whose trust pack holds no status lists says which issuer's
list decided each badge, and that a badge of the learner's earlier key was presented by
the same learner under a new key. Screenshots go to the test's tmp dir, and to
$RUGZAK_SCREENSHOT_DIR when set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.credentials import create_presentation, issue_credential
from shared.holder_link import link_statement
from shared.keys import SigningKey
from shared.status_staple import staple
from tests.verifier.browser_support import chromium_available, free_port, live_server
from tests.verifier.helpers import ISSUER, LEARNER, REVOKED_INDEX, status_list_credentials
from tests.verifier.page_badges import level_badge
from tests.verifier.test_browser_verdict import browser, fits, shot, text_of, upload
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

NEW_KEY = SigningKey.from_seed(b"\x7a" * 32)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """An offline verifier whose trust pack names the issuer but holds no status list."""
    port = free_port()
    now = datetime.now(UTC).replace(microsecond=0)
    TrustPack(created=now, issuers={ISSUER.did: "Leerhuis Utrecht (ROC)"}).save(
        tmp_path / "pack.json"
    )
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


def stapled(settings: Settings, challenge: str) -> dict[str, Any]:
    """Two badges of the learner's earlier key, presented under the new key, with the
    issuer's lists of six hours ago and the link from the old key."""
    made = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)
    creds = [
        level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:s1"),
        level_badge("initiatief-nemen", 1, index=REVOKED_INDEX, credential_id="urn:uuid:s2"),
    ]
    vp = create_presentation(
        creds, NEW_KEY, challenge=challenge, domain=settings.public_origin, created=made
    )
    link = issue_credential(link_statement(LEARNER, NEW_KEY.did, now=made), LEARNER, created=made)
    lists = list(status_list_credentials(valid_from=made).values())
    return staple(vp, lists, [link])


@pytest.mark.parametrize(("width", "lang"), [(1100, "en"), (390, "nl"), (1100, "nl"), (390, "en")])
def test_a_stapled_presentation_under_a_new_key(
    server: tuple[str, Settings], tmp_path: Path, width: int, lang: str
) -> None:
    base, settings = server
    challenge = httpx.post(f"{base}/requests", json={}).json()["challenge"]
    driver = browser(tmp_path, width)
    try:
        driver.get(base + "/")
        driver.find_element("id", f"lang-{lang}").click()
        upload(driver, tmp_path, "vp.json", stapled(settings, challenge))
        cards = driver.find_elements("css selector", "[data-testid=credential-verdict]")
        assert [c.get_attribute("data-state") for c in cards] == ["valid", "revoked"]
        said = {
            "en": "Status checked against the issuer's list of",
            "nl": "Status gecontroleerd met de lijst van de uitgever van",
        }[lang]
        assert said in cards[0].text
        assert said in cards[1].text  # the revocation came from the stapled list too
        linked = {
            "en": "Presented by the same learner under a new key",
            "nl": "Getoond door dezelfde leerling met een nieuwe sleutel",
        }[lang]
        assert all(linked in text_of(card, "[data-testid=holder-linked]") for card in cards)
        assert (
            driver.find_element("css selector", "[data-testid=overall-verdict]").get_attribute(
                "data-binding"
            )
            == "bound"
        )
        fits(driver)
        shot(driver, tmp_path, f"stapled-{lang}-{width}")
    finally:
        driver.quit()
