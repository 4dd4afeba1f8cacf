"""The employer page checks a pasted badge JWT and an uploaded baked SVG."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.messages import sentence
from tests.conftest import VECTORS
from tests.shared.formats import makers as mk
from tests.verifier.browser_support import chromium_available, make_driver
from tests.verifier.helpers import LIST_URL, status_list_credentials
from tests.verifier.test_browser import server, wait_for  # noqa: F401
from verifier.settings import Settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not chromium_available(),
        reason="Chromium is not installed (apt-get install chromium chromium-driver)",
    ),
]


def poll(driver: Any, script: str, wanted: str) -> Any:
    """What ``script`` returns once its text (the first item, if it returns a list)
    holds ``wanted``, or after ten seconds (the caller's assert then says what was shown)."""
    value = driver.execute_script(script)
    for _ in range(100):
        if wanted in (value[0] if isinstance(value, list) else value):
            break
        time.sleep(0.1)
        value = driver.execute_script(script)
    return value


def test_pasted_jwt_and_uploaded_baked_svg(
    server: tuple[str, Settings],  # noqa: F811
    tmp_path: Path,
) -> None:
    base, _settings = server
    issuer = mk.ed25519_did(mk.ed25519_key())
    token = mk.pyjwt_sign(
        mk.claims(mk.credential(issuer)), mk.ed25519_key(), "EdDSA", {"kid": issuer}
    )
    driver = make_driver(tmp_path / "profile")
    try:
        driver.get(base + "/")
        driver.find_element("id", "paste").send_keys(token)
        driver.find_element("id", "check-paste").click()
        card = wait_for(driver, "[data-testid=credential-verdict]")
        # genuine, but the issuer is not on this verifier's list: amber, not red
        assert card.get_attribute("data-verdict") == "amber", card.text
        assert "Zorgtechnologie in de wijk" in card.text
        assert "VC-JWT" in card.text
        driver.find_element("id", "upload").send_keys(
            str(VECTORS / "ob3" / "1edtech-validator" / "simple-jwt.svg")
        )
        script = (
            "const c = document.querySelector('[data-testid=credential-verdict]');"
            "return c ? [c.textContent, c.getAttribute('data-verdict')] : ['', ''];"
        )
        text, colour = poll(driver, script, "Teamwork")
        assert "Teamwork" in text
        assert "Example Corp" in text
        assert "VC-JWT in an SVG image" in text
        assert colour == "amber", text
        # the reason in the catalogue's plain English, once; the check's own message
        # ("... is written in the badge itself ...") only under "All checks"
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        reasons = (
            "return [...arguments[0].querySelectorAll(':scope > ul.reasons li')]"
            ".map(li => li.textContent)"
        )
        unconfirmed = sentence("issuer_key_unconfirmed", "en")
        assert driver.execute_script(reasons, card) == ["! Issuer: " + unconfirmed]
        assert "written in the badge itself" not in card.text  # the closed fold's text is hidden
        assert "written in the badge itself" in text  # ... but there, under All checks
        # in Dutch the page says what it read in Dutch, not in English
        driver.find_element("id", "lang-nl").click()
        text, colour = poll(driver, script, "SVG-afbeelding")
        assert "VC-JWT in een SVG-afbeelding" in text
        assert "SVG image" not in text
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        dutch = sentence("issuer_key_unconfirmed", "nl")
        assert driver.execute_script(reasons, card) == ["! Uitgever: " + dutch]
    finally:
        driver.quit()


def test_a_status_list_and_a_learner_id_that_is_no_did(
    server: tuple[str, Settings],  # noqa: F811
    tmp_path: Path,
) -> None:
    """An issuer's status list uploaded alone is said to be one, not "Badge 1" with its
    address as the learner's key; a learner id that is a urn:uuid is no "key (DID)"."""
    base, _settings = server
    issuer = mk.ed25519_did(mk.ed25519_key())
    cred = mk.credential(issuer)
    cred["credentialSubject"]["id"] = "urn:uuid:0c4e2a58-95a3-4b0e-8d7e-2f9b6a1c3d55"
    token = mk.pyjwt_sign(mk.claims(cred), mk.ed25519_key(), "EdDSA", {"kid": issuer})
    lists = status_list_credentials(valid_from=datetime.now(UTC) - timedelta(days=1))
    revocation = json.dumps(lists[LIST_URL + "/revocation"])
    text = (
        "const r = document.getElementById('result');"
        "return r.querySelector('[data-testid=credential-verdict]') ? r.textContent : '';"
    )
    driver = make_driver(tmp_path / "profile")
    try:
        driver.set_window_size(900, 1400)
        driver.get(base + "/")
        driver.find_element("id", "paste").send_keys(token)
        driver.find_element("id", "check-paste").click()
        shown = poll(driver, text, "Zorgtechnologie")
        assert "Learner id: urn:uuid:0c4e2a58" in shown, shown
        assert "(DID)" not in shown
        driver.save_screenshot(str(tmp_path / "learner-id.png"))
        paste = driver.find_element("id", "paste")
        paste.clear()
        driver.execute_script("arguments[0].value = arguments[1];", paste, revocation)
        driver.find_element("id", "check-paste").click()
        shown = poll(driver, text, "Status list")
        assert "This is not a badge" in shown, shown
        assert "the issuer's list of revoked badges" in shown
        assert "Awarded" not in shown
        assert "revocation list for this badge" not in shown
        assert "Badge 1" not in shown
        assert "Learner" not in shown
        assert "badge checked" not in shown  # no "1 badge checked: ..." headline
        driver.save_screenshot(str(tmp_path / "status-list.png"))
        driver.find_element("id", "lang-nl").click()
        shown = poll(driver, text, "Statuslijst")
        assert "de lijst van de uitgever met ingetrokken badges" in shown, shown
        assert "leerling (DID)" not in shown
        driver.save_screenshot(str(tmp_path / "status-list-nl.png"))
    finally:
        driver.quit()
