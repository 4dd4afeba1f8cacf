"""Sharing for a CV, end to end: the real issuer awards a badge, the learner's wallet
publishes it to a verifier with public presentations on, and the public link shows it
valid; after the issuer revokes it, revoked; after the learner withdraws it, gone (410).

Everything runs in-process: the issuer's and the verifier's ASGI apps behind blocking
transports (the wallet and the verifier's fetcher are synchronous), the verifier
fetching the issuer's DID document and status list over its guarded fetcher.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio.to_thread
import httpx
import pytest

from issuer.api import create_app as issuer_app
from shared.errors import ErrorCode, NotFound
from shared.runtime.fetch import SafeFetcher
from shared.runtime.sealing import FAST_KDF
from tests import sample_badges as sb
from verifier.api import create_app as verifier_app
from verifier.settings import Settings
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.service import WalletService
from wallet.sharing import linkedin_url, publications, publish, withdraw

VERIFIER = "https://badges.werkgever.example"
PASSPHRASE = "zomer-in-zwolle-2026"


class Clock:
    def __init__(self) -> None:
        self.now = sb.NOW

    def __call__(self) -> Any:
        return self.now


class Hosts(httpx.BaseTransport):
    """Blocking requests to in-process apps, by host name."""

    def __init__(self, sites: dict[str, httpx.AsyncClient]) -> None:
        self.bridges = {host: sb.Bridge(site) for host, site in sites.items()}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # The verifier's fetcher pins the checked address: the name is in the Host header.
        host = request.headers.get("host", request.url.host).split(":")[0]
        bridge = self.bridges.get(host)
        if bridge is None:
            return httpx.Response(404)
        return bridge.handle_request(request)


@dataclass
class World:
    issuer: Any
    credential: dict[str, Any]
    wallet: WalletService
    verifier: httpx.AsyncClient
    clock: Clock


@pytest.fixture
async def world(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    clock = Clock()
    # ``@pytest.mark.parametrize("world", [True], indirect=True)``: selective disclosure
    with sb.issuer_with_badges(sd=getattr(request, "param", False)) as issuer:
        credential = sb.award(issuer, 0)
        site_app = issuer_app(issuer.settings, issuer=issuer, clock=lambda: sb.NOW)
        async with site_app.router.lifespan_context(site_app):
            site = httpx.AsyncClient(transport=httpx.ASGITransport(app=site_app))
            issuer_host = "leerhuis-ijsselvallei.example"
            fetcher = SafeFetcher(
                resolve=lambda name, port: ["93.184.216.34"],
                transport=Hosts({issuer_host: site}),
            )
            settings = Settings(
                public_origin=VERIFIER,
                database_url="sqlite://",
                data_dir=tmp_path / "verifier",
                public_presentations=True,
                rate_limit_per_minute=0,
            )
            app = verifier_app(settings, clock=clock, fetcher=fetcher)
            async with app.router.lifespan_context(app):
                verifier = httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url=VERIFIER
                )
                config = WalletConfig(
                    data_dir=tmp_path / "wallet",
                    kdf=FAST_KDF,
                    clock=lambda: sb.NOW,
                    transport=Hosts({issuer_host: site, "badges.werkgever.example": verifier}),
                )
                store = WalletStore.create(
                    config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=sb.LEARNER, now=sb.NOW
                )
                wallet = WalletService(config, store)
                (kept,) = await anyio.to_thread.run_sync(wallet.import_document, credential)
                assert kept.accepted, kept
                yield World(issuer, credential, wallet, verifier, clock)
                store.close()
                await verifier.aclose()
            await site.aclose()


async def _page(world: World, url: str, lang: str = "en") -> httpx.Response:
    return await world.verifier.get(urlsplit(url).path, params={"lang": lang})


def _state(html: str) -> list[str]:
    return re.findall(r'data-state="([a-z_]+)"', html)


async def test_public_link_valid_then_revoked_then_gone(world: World) -> None:
    card = world.wallet.cards()[0]
    published = await anyio.to_thread.run_sync(lambda: publish(world.wallet, VERIFIER, [card.id]))
    assert published.url.startswith(VERIFIER + "/p/")
    assert [p.url for p in publications(world.wallet)] == [published.url]

    page = await _page(world, published.url)
    assert page.status_code == 200
    assert _state(page.text) == ["valid"]
    assert "Samenwerken in de zorg" in page.text
    assert "Stichting Leerhuis IJsselvallei" in page.text
    assert "Fatima begeleidde" in page.text  # the evidence
    assert "<script" not in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src" not in csp
    assert page.headers["cache-control"] == "no-store"
    dutch = await _page(world, published.url, "nl")
    assert "Geldig" in dutch.text
    assert '<html lang="nl">' in dutch.text
    api = (await world.verifier.get(f"/public/{published.id}")).json()
    assert api["result"]["plain"]["badges"][0]["state"] == "valid"

    world.issuer.revoke(world.credential["id"], actor="e2e")
    world.clock.now += timedelta(minutes=10)  # past the status list's max-age (5 minutes)
    page = await _page(world, published.url)
    assert page.status_code == 200
    assert _state(page.text) == ["revoked"]

    done = await anyio.to_thread.run_sync(lambda: withdraw(world.wallet, published.url))
    assert done is not None
    assert done.withdrawn is not None
    page = await _page(world, published.url)
    assert page.status_code == 410
    assert "withdrew" in page.text
    assert "Samenwerken" not in page.text
    assert (await world.verifier.get(f"/public/{published.id}")).json()["code"] == (
        "presentation_withdrawn"
    )
    with pytest.raises(NotFound) as again:
        await anyio.to_thread.run_sync(lambda: withdraw(world.wallet, published.url))
    assert again.value.code == ErrorCode.presentation_withdrawn


async def test_only_the_holder_can_withdraw_and_challenges_are_single_use(
    world: World,
) -> None:
    from shared.credentials import create_presentation
    from shared.keys import SigningKey

    card = world.wallet.cards()[0]
    published = await anyio.to_thread.run_sync(lambda: publish(world.wallet, VERIFIER, [card.id]))
    challenge = (await world.verifier.post(f"/public/{published.id}/challenge")).json()
    stranger = SigningKey.from_seed(b"\x77" * 32)
    forged = create_presentation(
        [], stranger, challenge=challenge["challenge"], domain=VERIFIER, created=sb.NOW
    )
    refused = await world.verifier.post(f"/public/{published.id}/withdraw", json=forged)
    assert refused.status_code == 400
    assert refused.json()["code"] == "holder_mismatch"
    assert (await _page(world, published.url)).status_code == 200

    # A presentation signed for a publish challenge cannot be published twice.
    ask = (await world.verifier.post("/public/challenge")).json()
    from shared.presentation_request import PresentationRequest

    request = PresentationRequest(ask["challenge"], VERIFIER)
    vp = await anyio.to_thread.run_sync(lambda: world.wallet.present([card.id], request).document)
    assert (await world.verifier.post("/public", json=vp)).status_code == 201
    replayed = await world.verifier.post("/public", json=vp)
    assert replayed.json()["code"] == "nonce_reused"
    # Someone else's badges cannot be published as one's own.
    ask = (await world.verifier.post("/public/challenge")).json()
    theirs = create_presentation(
        [world.credential], stranger, challenge=ask["challenge"], domain=VERIFIER, created=sb.NOW
    )
    stolen = await world.verifier.post("/public", json=theirs)
    assert stolen.json()["code"] == "holder_mismatch"


def test_linkedin_link_fills_the_certification_fields() -> None:
    credential = {
        "id": "urn:uuid:6c0f4e9a-1d2b-4c3e-8f5a-000000000001",
        "issuer": {"id": "did:web:leerhuis.example", "name": "Leerhuis Utrecht"},
        "validFrom": "2026-06-01T09:00:00Z",
        "validUntil": "2028-05-31T09:00:00Z",
        "credentialSubject": {"achievement": {"name": "Lassen, niveau 2"}},
    }
    url = linkedin_url(credential, VERIFIER + "/p/abc")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    fields = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert fields == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Lassen, niveau 2",
        "organizationName": "Leerhuis Utrecht",
        "issueYear": "2026",
        "issueMonth": "6",
        "expirationYear": "2028",
        "expirationMonth": "5",
        "certUrl": VERIFIER + "/p/abc",
        "certId": "urn:uuid:6c0f4e9a-1d2b-4c3e-8f5a-000000000001",
    }


async def test_public_presentations_are_off_by_default(tmp_path: Path) -> None:
    settings = Settings(
        public_origin=VERIFIER, database_url="sqlite://", data_dir=tmp_path, offline=True
    )
    app = verifier_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=VERIFIER
        ) as client:
            assert (await client.post("/public/challenge")).status_code == 404
            assert (await client.get("/p/abc")).status_code == 404


async def test_the_cli_publishes_links_prints_a_certificate_and_withdraws(
    world: World, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from wallet.cli import make_cli

    card = world.wallet.cards()[0]
    world.wallet.store.close()
    env = {"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "nl_NL.UTF-8"}

    def cli(*args: str) -> Any:
        return CliRunner().invoke(make_cli(world.wallet.config), list(args), env=env)

    done = await anyio.to_thread.run_sync(
        lambda: cli("publish", "-c", card.id, "--to", "badges.werkgever.example")
    )
    assert done.exit_code == 0, done.output
    link, linkedin = done.stdout.split()
    assert link.startswith(VERIFIER + "/p/")
    assert "Gepubliceerd bij https://badges.werkgever.example" in done.stderr
    fields = parse_qs(urlsplit(linkedin).query)
    assert fields["certUrl"] == [link]
    assert fields["name"] == ["Samenwerken in de zorg"]
    assert fields["organizationName"] == ["Stichting Leerhuis IJsselvallei"]

    listed = await anyio.to_thread.run_sync(lambda: cli("published"))
    assert f"{link}  Samenwerken in de zorg  (openbaar)" in listed.stdout
    again = await anyio.to_thread.run_sync(lambda: cli("linkedin", card.id[:6]))
    assert again.stdout.strip() == linkedin

    pdf = tmp_path / "certificaat.pdf"
    printed = await anyio.to_thread.run_sync(
        lambda: cli("certificate", card.id, "--out", str(pdf), "--name", "Fatima el Amrani")
    )
    assert printed.exit_code == 0, printed.output
    assert pdf.read_bytes().startswith(b"%PDF-")

    gone = await anyio.to_thread.run_sync(lambda: cli("withdraw", link))
    assert gone.exit_code == 0, gone.output
    assert (await _page(world, link)).status_code == 410
    listed = await anyio.to_thread.run_sync(lambda: cli("published"))
    assert "(ingetrokken 2026-11-23)" in listed.stdout
    missing = await anyio.to_thread.run_sync(lambda: cli("certificate", card.id, "--out", str(pdf)))
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output


async def test_public_page_views_count_against_the_rate_limit(tmp_path: Path) -> None:
    """Each view verifies a presentation again, so views are limited like POSTs."""
    settings = Settings(
        public_origin=VERIFIER,
        database_url="sqlite://",
        data_dir=tmp_path,
        offline=True,
        public_presentations=True,
        rate_limit_per_minute=1,
        rate_limit_burst=2,
    )
    app = verifier_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=VERIFIER
        ) as client:
            codes = [(await client.get("/p/abc")).status_code for _ in range(3)]
            assert codes == [404, 404, 429]
            assert (await client.get("/health")).status_code == 200  # other GETs are not


@pytest.mark.parametrize("world", [True], indirect=True)
async def test_a_badge_published_in_part_says_what_it_does_not_show(world: World) -> None:
    """The issuer signs for selective disclosure; the learner publishes the badge without
    the e-mail and the evidence; the public page checks the derived proof and says so."""
    card = world.wallet.cards()[0]
    published = await anyio.to_thread.run_sync(
        lambda: publish(world.wallet, VERIFIER, [card.id], hide={"identifier", "evidence"})
    )
    page = await _page(world, published.url)
    assert _state(page.text) == ["valid"]
    assert "Not shown: the learner&#x27;s name or e-mail, evidence" in page.text
    assert "Fatima begeleidde" not in page.text  # the evidence is not there to show
    world.issuer.revoke(world.credential["id"], actor="e2e")
    world.clock.now += timedelta(minutes=10)
    assert _state((await _page(world, published.url)).text) == ["revoked"]
