"""The wallet's network door checks where a stranger's URL really leads (SSRF guard)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from shared.errors import ErrorCode, ResolutionFailed
from wallet.config import ALLOW_PRIVATE_ENV, WalletConfig
from wallet.network import Network


def clock() -> datetime:
    return datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


class Recorder(httpx.BaseTransport):
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"ok": True})


def network(addresses: list[str], *, allow_private: bool = False) -> tuple[Network, Recorder]:
    recorder = Recorder()

    def resolve(host: str, port: int) -> list[str]:
        return addresses

    return (
        Network(transport=recorder, clock=clock, resolve=resolve, allow_private=allow_private),
        recorder,
    )


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.1.2.3"], ["93.184.216.34", "192.168.1.1"], ["64:ff9b::a00:1"]],
)
def test_a_name_that_resolves_to_a_local_address_is_never_contacted(
    addresses: list[str],
) -> None:
    net, recorder = network(addresses)
    with pytest.raises(ResolutionFailed) as caught:
        net.get_json("https://badges.leerhuis.example.nl/status/1")
    assert caught.value.code == ErrorCode.fetch_refused
    with pytest.raises(ResolutionFailed):
        net.post("https://badges.leerhuis.example.nl/token", form={"code": "x"})
    assert recorder.requests == []


def test_a_public_name_is_pinned_to_the_address_that_was_checked() -> None:
    net, recorder = network(["93.184.216.34"])
    assert net.get_json("https://badges.leerhuis.example.nl/status/1") == {"ok": True}
    [request] = recorder.requests
    assert request.url.host == "93.184.216.34"
    assert request.headers["Host"] == "badges.leerhuis.example.nl"
    assert request.extensions["sni_hostname"] == "badges.leerhuis.example.nl"


def test_the_explicit_development_switch_reaches_this_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net, recorder = network(["127.0.0.1"], allow_private=True)
    assert net.get_json("http://localhost:8000/status/1") == {"ok": True}
    assert len(recorder.requests) == 1
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)
    assert WalletConfig().allow_private_network is False
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    assert WalletConfig().allow_private_network is True
    assert WalletConfig().network().allow_private is True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/status/1",
        "https://127.0.0.1/status/1",
        "https://[::1]/status/1",
        "https://169.254.169.254/latest/meta-data",
        "https://badges.leerhuis.example.nl/status/1",  # resolves to a private address
    ],
)
def test_every_fetch_a_badge_can_cause_goes_through_the_guard(url: str) -> None:
    """Status lists, did:web documents and pictures: each door refuses a local address."""
    net, recorder = network(["10.0.0.7"])
    with pytest.raises(ResolutionFailed):
        net.status_fetcher().fetch(url)
    with pytest.raises(ResolutionFailed):
        net.get_bytes(url, accept="image/*")
    # did:web names a domain; this one resolves to a private address: never contacted
    with pytest.raises(ResolutionFailed):
        net.resolver().resolve("did:web:badges.leerhuis.example.nl")
    assert recorder.requests == []
