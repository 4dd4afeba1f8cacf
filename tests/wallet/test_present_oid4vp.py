"""The terminal app's present screen over OpenID4VP: sent without a scan, or QR codes
when the verifier cannot be reached (pilot, with an in-process verifier stand-in)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

import httpx
from textual.widgets import Input, SelectionList, Static

from shared.credentials import verify_presentation
from shared.oid4vp import verifier_request
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.screens.qr import QRScreen

VERIFIER = "https://verify.example.nl"
MADE = verifier_request(
    VERIFIER,
    request_id="K7QM3XHD9RTPW2B5",
    nonce="n-0S6_WzA2Mj0123456789",
    state="st-0S6_WzA2Mj012345678",
    max_qr_parts=64,
    code="K7QM-3XHD-9RTP-W2B5",
)


class Verifier(httpx.BaseTransport):
    """Answers the Response URI like Rugzak's verifier, or is unreachable; else delegates."""

    def __init__(self, inner: httpx.BaseTransport | None, *, reachable: bool) -> None:
        self.inner = inner
        self.reachable = reachable
        self.posted: list[dict[str, list[str]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not str(request.url).startswith(VERIFIER):
            assert self.inner is not None
            return self.inner.handle_request(request)
        if not self.reachable:
            raise httpx.ConnectError("no route to host", request=request)
        assert "user-agent" not in request.headers  # §15.8: the wallet does not name itself
        self.posted.append(parse_qs(request.read().decode()))
        return httpx.Response(200, json={"rugzak_verdict": "valid"})


async def _present(config: WalletConfig, store: WalletStore, reachable: bool) -> Any:
    from wallet.service import WalletService

    WalletService(config, store).import_document(make_credential(HOLDER_KEY.did, number=1))
    store.close()
    verifier = Verifier(config.transport, reachable=reachable)
    app = WalletApp(replace(config, transport=verifier))
    async with app.run_test(size=(100, 40)) as pilot:
        field = app.screen.query_one("#passphrase", Input)
        field.value = PASSPHRASE
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        field = app.screen.query_one("#request", Input)
        field.value = MADE.link.to_text()
        await pilot.pause()
        info = str(app.screen.query_one("#request-info", Static).render())
        assert "https://verify.example.nl" in info
        picks = app.screen.query_one("#picks", SelectionList)
        picks.focus()
        await pilot.press("space", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, QRScreen):
            return verifier, screen, ""
        return verifier, screen, str(screen.query_one("#request-info", Static).render())


async def test_present_screen_sends_over_openid4vp(
    config: WalletConfig, store: WalletStore
) -> None:
    verifier, screen, info = await _present(config, store, reachable=True)
    assert not isinstance(screen, QRScreen)
    assert "Sent 1 badge(s) to https://verify.example.nl" in info
    assert "The verifier says: valid" in info
    (form,) = verifier.posted
    assert form["state"] == [MADE.request.state]
    (vp,) = json.loads(form["vp_token"][0])["open_badge"]
    assert vp["proof"]["challenge"] == MADE.request.nonce
    assert vp["proof"]["domain"] == MADE.request.client_id
    result = verify_presentation(
        vp, challenge=MADE.request.nonce, domain=MADE.request.client_id, now=NOW
    )
    assert result.summary["holder"] == HOLDER_KEY.did


async def test_present_screen_falls_back_to_qr_codes(
    config: WalletConfig, store: WalletStore
) -> None:
    verifier, screen, _info = await _present(config, store, reachable=False)
    assert verifier.posted == []
    assert isinstance(screen, QRScreen)
    assert screen.presentation.max_parts == 64  # the request's rugzak_max_qr_parts
    assert len(screen.texts) <= 64
    proof = screen.presentation.document["proof"]
    assert proof["challenge"] == "K7QM3XHD9RTPW2B5"
    assert proof["domain"] == VERIFIER
