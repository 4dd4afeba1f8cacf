"""Trust packs carry badge images: 'pack build' fetches them from the real issuer app,
digest-checked; the offline verifier serves them from the pack, and a swapped image
is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest
from typer.testing import CliRunner

from issuer.api import create_app as issuer_app
from shared.digests import digest_multibase
from shared.runtime.fetch import SafeFetcher
from tests import sample_badges as sb
from tests.verifier.conftest import DOMAIN, MakeClient
from verifier.cli import app
from verifier.service.images import linked_images
from verifier.service.trust import TrustPack
from verifier.settings import Settings

runner = CliRunner()


@pytest.fixture
async def issued(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A badge with URL images, and 'pack build' fetching from the issuer's ASGI app."""
    with sb.issuer_with_badges() as issuer:
        credential = sb.award(issuer, 2)
        site_app = issuer_app(issuer.settings, issuer=issuer, clock=lambda: sb.NOW)
        async with site_app.router.lifespan_context(site_app):
            transport = httpx.ASGITransport(app=site_app)
            async with httpx.AsyncClient(transport=transport) as site:

                def fetcher(**kw: Any) -> SafeFetcher:
                    kw.pop("allow_private", None)
                    return SafeFetcher(
                        resolve=lambda name, port: ["93.184.216.34"],
                        transport=sb.Bridge(site),
                        **kw,
                    )

                # pack build imports its fetcher when it runs
                monkeypatch.setattr("shared.runtime.fetch.SafeFetcher", fetcher)
                yield issuer, credential


async def _build(tmp_path: Path, credential: dict[str, Any]) -> tuple[int, str, Path]:
    badge = tmp_path / "badge.json"
    badge.write_text(json.dumps(credential))
    out = tmp_path / "pack.json"
    args = ["pack", "build", "-o", str(out), "--credential", str(badge)]
    built = await anyio.to_thread.run_sync(lambda: runner.invoke(app, args))
    return built.exit_code, built.output, out


async def test_pack_carries_digest_checked_images_shown_offline(
    issued: Any, tmp_path: Path, make_client: MakeClient
) -> None:
    _issuer, credential = issued
    images = linked_images(credential)
    badge_url = credential["credentialSubject"]["achievement"]["image"]["id"]
    logo_url = credential["issuer"]["image"]["id"]
    assert set(images) == {badge_url, logo_url}
    code, output, out = await _build(tmp_path, credential)
    assert code == 0, output
    assert "2 images" in output
    pack = TrustPack.load(out)
    for url, digests in images.items():
        assert digest_multibase(pack.images[url]) == digests["digestMultibase"]
    assert set(pack.status_lists)
    assert set(pack.dids) == {credential["issuer"]["id"]}
    settings = Settings(
        public_origin=DOMAIN,
        database_url="sqlite://",
        data_dir=tmp_path / "verifier",
        offline=True,
        trust_pack=out,
        rate_limit_per_minute=0,
    )
    client = await make_client(settings)
    params = {"url": badge_url, "multibase": images[badge_url]["digestMultibase"]}
    shown = await client.get("/images", params=params)
    assert shown.status_code == 200
    assert shown.content == pack.images[badge_url]
    # a pack whose image was swapped: the page gets a plain refusal, not the picture
    swapped = pack.to_dict()
    swapped["images"][badge_url] = swapped["images"][logo_url]
    (tmp_path / "swapped.json").write_text(json.dumps(swapped))
    other = await make_client(settings.model_copy(update={"trust_pack": tmp_path / "swapped.json"}))
    refused = await other.get("/images", params=params)
    assert refused.status_code == 400
    assert refused.json()["detail"]["reason"] == "digest_mismatch"


async def test_pack_build_refuses_an_image_that_does_not_match(issued: Any, tmp_path: Path) -> None:
    _issuer, credential = issued
    tampered = json.loads(json.dumps(credential))
    tampered["relatedResource"][0]["digestMultibase"] = digest_multibase(b"another picture")
    code, output, out = await _build(tmp_path, tampered)
    assert code == 2
    assert "invalid_image" in output
    assert not out.exists()


def test_a_pack_with_garbage_for_an_image_is_refused(tmp_path: Path) -> None:
    pack = TrustPack.load(_minimal(tmp_path)).to_dict()
    pack["images"] = {"https://a.example/x.png": "PGh0bWw+"}  # "<html>"
    with pytest.raises(Exception, match="not an image"):
        TrustPack.from_dict(pack)


def _minimal(tmp_path: Path) -> Path:
    from tests.verifier.helpers import make_pack

    return make_pack(tmp_path / "p.json")


def test_images_without_a_digest_are_not_packed() -> None:
    credential = {
        "issuer": {"id": "did:web:a.example", "image": "https://a.example/logo.png"},
        "credentialSubject": {"achievement": {"image": {"id": "https://a.example/b.png"}}},
        "relatedResource": [{"id": "https://a.example/b.png", "digestSRI": "sha384-x"}],
    }
    assert linked_images(credential) == {"https://a.example/b.png": {"digestSRI": "sha384-x"}}
