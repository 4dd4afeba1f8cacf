"""The employer page in a real headless Chromium: fake camera with multi-part QR codes
from the shared renderer, a pasted revoked credential, Dutch, a phone screen.

Screenshots go to the test's tmp dir, and to $RUGZAK_SCREENSHOT_DIR when set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared import qr
from tests.verifier.browser_support import (
    chromium_available,
    free_port,
    live_server,
    make_driver,
    write_y4m,
)
from tests.verifier.helpers import (
    REVOKED_INDEX,
    badge,
    present,
    signed,
    status_list_credentials,
)
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


def shot(driver: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"verifier-{name}.png"
    driver.save_screenshot(str(path))
    extra = os.environ.get("RUGZAK_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(extra) / f"verifier-{name}.png"))
    return path


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    port = free_port()
    pack = TrustPack(
        created=datetime.now(UTC).replace(microsecond=0),
        issuers={"did:key:z6MkqrGiR6U33ZqbXkw9mYpiFtNWNm6bbCU6n5Z4jgwnBmiV": "x"},
        status_lists=status_list_credentials(),
    )
    from tests.verifier.helpers import ISSUER, ISSUER_NAME

    pack.issuers = {ISSUER.did: ISSUER_NAME}
    pack.save(tmp_path / "pack.json")
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


def wait_for(driver: Any, css: str, timeout: float = 30) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def test_fake_camera_scans_multi_part_presentation(
    server: tuple[str, Settings], tmp_path: Path
) -> None:
    base, settings = server
    request = httpx.post(f"{base}/requests", json={}).json()
    vp = present([signed(badge())], request["challenge"], domain=settings.public_origin)
    texts = qr.encode(vp, max_version=8)
    assert len(texts) >= 3
    video = tmp_path / "camera.y4m"
    write_y4m([qr.render_png(t, scale=4) for t in texts], video)
    driver = make_driver(tmp_path / "profile", video=video)
    try:
        driver.get(base + "/")
        wait_for(driver, "#info:not(:empty)")
        driver.find_element("id", "camera").click()
        card = wait_for(driver, "[data-testid=credential-verdict]", timeout=60)
        overall = driver.find_element("css selector", "[data-testid=overall-verdict]")
        assert overall.get_attribute("data-verdict") == "green", overall.text
        assert card.get_attribute("data-verdict") == "green"
        assert "Doorzettingsvermogen" in card.text
        assert "Leerhuis Utrecht" in card.text
        assert "Valid" in card.text
        progress = driver.find_element("id", "progress")
        assert progress.get_attribute("max") == str(len(texts))
        shot(driver, tmp_path, "valid")
        state = httpx.get(f"{base}/requests/{request['challenge']}").json()["state"]
        assert state == "used"
        driver.find_element("id", "lang-nl").click()
        assert (
            "Geldig" in driver.find_element("css selector", "[data-testid=credential-verdict]").text
        )
        assert driver.find_element("tag name", "html").get_attribute("lang") == "nl"
        shot(driver, tmp_path, "valid-nl")
    finally:
        driver.quit()


def test_pasted_revoked_credential_turns_red(server: tuple[str, Settings], tmp_path: Path) -> None:
    base, _settings = server
    (text,) = qr.encode(signed(badge(index=REVOKED_INDEX)), max_version=40)
    driver = make_driver(tmp_path / "profile")
    try:
        driver.get(base + "/")
        driver.find_element("id", "paste").send_keys(text)
        driver.find_element("id", "check-paste").click()
        card = wait_for(driver, "[data-testid=credential-verdict]")
        assert card.get_attribute("data-verdict") == "red"
        assert "Revoked" in card.text
        assert "revoked" in card.text.lower()
        # the focus moved to the result for keyboard and screen-reader users
        assert driver.switch_to.active_element.get_attribute("id") == "result-h"
        shot(driver, tmp_path, "revoked")
        driver.find_element("id", "lang-nl").click()
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        assert "ingetrokken" in card.text
        # garbage gets a plain error, not a crash
        box = driver.find_element("id", "paste")
        box.clear()
        box.send_keys("RZ1:Z!!!!")
        driver.find_element("id", "check-paste").click()
        error = wait_for(driver, "[data-testid=error]")
        assert error.get_attribute("data-code") == "invalid_base45"
    finally:
        driver.quit()


def test_phone_screen_request_and_accessibility(
    server: tuple[str, Settings], tmp_path: Path
) -> None:
    base, _settings = server
    driver = make_driver(tmp_path / "profile", width=390, height=844)
    try:
        driver.get(base + "/")
        driver.find_element("id", "new-request").click()
        code = wait_for(driver, "#short-code:not(:empty)").text
        assert len(code.replace("-", "")) == 16
        width = driver.execute_script("return document.documentElement.scrollWidth")
        inner = driver.execute_script("return window.innerWidth")
        assert width <= inner, (width, inner)
        unlabeled = driver.execute_script(
            "return [...document.querySelectorAll('input, textarea')]"
            ".filter(e => !(e.labels && e.labels.length)).map(e => e.id)"
        )
        assert unlabeled == []
        nameless = driver.execute_script(
            "return [...document.querySelectorAll('button')]"
            ".filter(b => !b.textContent.trim()).length"
        )
        assert nameless == 0
        # the code image loads after the short code shows (a second request): wait for it
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script(
                "const i = document.getElementById('request-qr');"
                "return i.complete && i.naturalWidth > 0"
            )
        )
        shot(driver, tmp_path, "phone")
        # an uploaded JSON file of a credential works too
        cred = tmp_path / "badge.json"
        cred.write_text(json.dumps(signed(badge())))
        driver.find_element("id", "upload").send_keys(str(cred))
        card = wait_for(driver, "[data-testid=credential-verdict]")
        assert card.get_attribute("data-verdict") == "green"
    finally:
        driver.quit()


@pytest.mark.parametrize("invert", [False, True], ids=["dark-on-light", "light-on-dark"])
def test_fake_camera_reads_one_large_code(
    server: tuple[str, Settings], tmp_path: Path, invert: bool
) -> None:
    """The wallet's default: one code up to version 25, filmed at 640x480, either polarity."""
    base, settings = server
    request = httpx.post(f"{base}/requests", json={}).json()
    vp = present([signed(badge())], request["challenge"], domain=settings.public_origin)
    (text,) = qr.encode(vp)
    assert qr.qr_version(text) >= 15
    video = tmp_path / "camera.y4m"
    write_y4m([qr.render_png(text, scale=4)], video, frames_each=2, invert=invert)
    driver = make_driver(tmp_path / "profile", video=video)
    try:
        driver.get(base + "/")
        driver.find_element("id", "camera").click()
        card = wait_for(driver, "[data-testid=credential-verdict]", timeout=60)
        assert card.get_attribute("data-verdict") == "green"
        # the camera is released once the code is read
        assert driver.find_element("id", "viewer").get_attribute("hidden") is not None
    finally:
        driver.quit()
