"""The employer page in real headless Chromium updates itself with an OpenID4VP verdict.

The test plays the wallet over HTTP (the wallet's own end-to-end test is in
tests/e2e): it reads the code the page shows, fetches the Request Object and
posts a presentation bound to its nonce and client_id; the page, polling, shows
the verdict without any scan.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.oid4vp import FORM_MEDIA_TYPE, decode_request_object, encode_response
from tests.verifier.browser_support import chromium_available, free_port, live_server, make_driver
from tests.verifier.helpers import (
    ISSUER,
    ISSUER_NAME,
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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    pack = TrustPack(
        created=datetime.now(UTC).replace(microsecond=0),
        issuers={ISSUER.did: ISSUER_NAME},
        status_lists=status_list_credentials(),
    )
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
        yield base


def _wait(driver: Any, css: str, timeout: float = 20) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def _shot(driver: Any, tmp_path: Path, name: str) -> None:
    """Screenshots for the docs: to the test's tmp dir, and $RUGZAK_SCREENSHOT_DIR when set."""
    driver.save_screenshot(str(tmp_path / f"verifier-{name}.png"))
    extra = os.environ.get("RUGZAK_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(extra) / f"verifier-{name}.png"))


def _answer(base: str, code: str, credential: dict[str, Any]) -> httpx.Response:
    """What a wallet does: GET the Request Object, POST a bound presentation."""
    got = httpx.get(f"{base}/oid4vp/request/{code}", follow_redirects=False)
    assert got.headers["content-type"] == "application/oauth-authz-req+jwt"
    request = decode_request_object(got.text, expected_client_id=None, allow_http_local=True)
    vp = present([credential], request.nonce, domain=request.client_id)
    body = encode_response({"open_badge": [vp]}, request.state)
    return httpx.post(request.response_uri, content=body, headers={"Content-Type": FORM_MEDIA_TYPE})


@pytest.mark.parametrize(
    ("index", "verdict"), [(7, "green"), (REVOKED_INDEX, "red")], ids=["valid", "revoked"]
)
def test_page_shows_the_openid4vp_verdict_by_itself(
    server: str, tmp_path: Path, index: int, verdict: str
) -> None:
    driver = make_driver(tmp_path / "profile")
    try:
        driver.get(server + "/")
        driver.find_element("id", "new-request").click()
        code = _wait(driver, "#short-code:not(:empty)").text
        src = driver.find_element("id", "request-qr").get_attribute("src")
        assert src.endswith("/oid4vp.svg")
        status = _wait(driver, "#wallet-status:not(:empty)").text
        assert "Waiting" in status
        if verdict == "green":
            _shot(driver, tmp_path, "oid4vp-waiting")
        reply = _answer(server, code, signed(badge(index=index)))
        assert reply.status_code == 200, reply.text
        overall = _wait(driver, "[data-testid=overall-verdict]", timeout=30)
        assert overall.get_attribute("data-verdict") == verdict
        card = driver.find_element("css selector", "[data-testid=credential-verdict]")
        assert "Doorzettingsvermogen" in card.text
        assert driver.find_element("id", "wallet-status").text == ""
        assert "answered" in driver.find_element("id", "expires").text
        if verdict == "green":
            _shot(driver, tmp_path, "oid4vp-verdict")
    finally:
        driver.quit()
