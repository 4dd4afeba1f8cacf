"""The employer page reads a ``VP1-`` code (VPQR) from the camera and from the paste box."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from shared import qr, vpqr
from tests.verifier.browser_support import chromium_available, make_driver, write_y4m
from tests.verifier.helpers import badge as make_badge
from tests.verifier.helpers import present, signed
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


def test_camera_and_paste_read_vp1_codes(
    server: tuple[str, Settings],  # noqa: F811
    tmp_path: Path,
) -> None:
    base, settings = server
    request = httpx.post(f"{base}/requests", json={}).json()
    vp = present([signed(make_badge())], request["challenge"], domain=settings.public_origin)
    text = vpqr.encode(vp)
    video = tmp_path / "camera.y4m"
    write_y4m([qr.render_png(text, scale=4, ecc="L")], video, frames_each=2)
    driver = make_driver(tmp_path / "profile", video=video)
    try:
        driver.get(base + "/")
        driver.find_element("id", "camera").click()
        card = wait_for(driver, "[data-testid=credential-verdict]", timeout=60)
        assert card.get_attribute("data-verdict") == "green"
        assert "Leerhuis Utrecht" in card.text
        box = driver.find_element("id", "paste")
        box.clear()
        box.send_keys("VP1-B1189")
        driver.find_element("id", "check-paste").click()
        error = wait_for(driver, "[data-testid=error]")
        assert error.get_attribute("data-code") == "invalid_base32"
    finally:
        driver.quit()
