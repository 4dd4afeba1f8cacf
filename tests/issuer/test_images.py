"""Badge and logo images by URL with their digest: issued, served, exported, embedded
on request; through the real ASGI app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from issuer import publish
from issuer.achievements import parse_input
from issuer.images import IMMUTABLE, from_data_uri, link_images
from issuer.service import Issuer
from issuer.service.base import AwardRequest
from shared.digests import digest_matches, digest_multibase
from shared.ob.schema import validate_credential_schema, vcdm_allows
from tests.issuer.conftest import ACHIEVEMENT, BASE_URL, HOLDER, FakeClock
from tests.issuer.helpers import status_source_http, verify
from tests.sample_images import badge_png, data_uri

BADGE = badge_png(40, seed=3)
LOGO = badge_png(20, seed=4)


async def _award(client: httpx.AsyncClient, admin: dict[str, str], aid: str) -> dict[str, Any]:
    body = {"achievement_id": aid, "recipient": HOLDER.did}
    response = await client.post("/credentials", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return dict(response.json()["credential"])


def _with_logo(issuer: Issuer) -> None:
    issuer.identity.profile["image"] = {"id": data_uri(LOGO), "type": "Image"}


async def test_images_are_urls_with_digests_served_immutable(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer, clock: FakeClock
) -> None:
    _with_logo(issuer)
    made = await client.post(
        "/achievements", json=ACHIEVEMENT | {"image": data_uri(BADGE)}, headers=admin
    )
    credential = await _award(client, admin, made.json()["id"])
    badge_url = credential["credentialSubject"]["achievement"]["image"]["id"]
    logo_url = credential["issuer"]["image"]["id"]
    assert badge_url == f"{BASE_URL}/images/{digest_multibase(BADGE)}.png"
    assert logo_url.startswith(f"{BASE_URL}/images/")
    assert logo_url != badge_url
    assert len(str(credential)) < 6000  # no base64 image inside
    related = {r["id"]: r for r in credential["relatedResource"]}
    assert set(related) == {badge_url, logo_url}
    # signed, valid under the OB 3.0 schema, and no undefined JSON-LD term
    assert verify(credential, await status_source_http(client), clock()).verified
    issues = validate_credential_schema(credential)
    assert not [i for i in issues if i.severity == "error" and not vcdm_allows(i, credential)]
    for url, original in ((badge_url, BADGE), (logo_url, LOGO)):
        served = await client.get(url.removeprefix(BASE_URL))
        assert served.status_code == 200
        assert served.content == original
        assert served.headers["content-type"] == "image/png"
        assert served.headers["cache-control"] == IMMUTABLE
        assert (
            digest_matches(served.content, digest_multibase=related[url]["digestMultibase"]) is True
        )
        again = await client.get(
            url.removeprefix(BASE_URL), headers={"If-None-Match": served.headers["etag"]}
        )
        assert again.status_code == 304


async def test_unknown_or_odd_image_names_are_404(client: httpx.AsyncClient) -> None:
    unknown = digest_multibase(b"nothing") + ".png"
    for name in (unknown, "../issuer.db", "x.png", unknown[:-4] + ".exe"):
        response = await client.get(f"/images/{name}")
        assert response.status_code == 404, name
        assert response.json()["code"] == "not_found"


async def test_embedding_on_request_per_achievement_and_per_issuer(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer
) -> None:
    image = data_uri(badge_png(2, seed=5))
    asked = ACHIEVEMENT | {"image": image, "embed_image": True}
    made = await client.post("/achievements", json=asked, headers=admin)
    credential = await _award(client, admin, made.json()["id"])
    assert credential["credentialSubject"]["achievement"]["image"]["id"] == image
    assert "relatedResource" not in credential
    plain = await client.post("/achievements", json=ACHIEVEMENT | {"image": image}, headers=admin)
    issuer.settings.embed_images = True
    credential = await _award(client, admin, plain.json()["id"])
    assert credential["credentialSubject"]["achievement"]["image"]["id"] == image
    issuer.settings.embed_images = False
    credential = await _award(client, admin, plain.json()["id"])
    assert credential["credentialSubject"]["achievement"]["image"]["id"].startswith(BASE_URL)


def test_stored_data_uri_achievements_get_url_images_and_export(
    issuer: Issuer, tmp_path: Path
) -> None:
    """Migration: an achievement stored with a data URI before images were linked."""
    made = issuer.create_achievement(
        parse_input(ACHIEVEMENT | {"image": data_uri(BADGE)}), actor="test", achievement_id="old"
    )
    assert made["achievement"]["image"]["id"].startswith("data:")  # stored as given
    issued = issuer.issue(AwardRequest("old", HOLDER.did), actor="test")
    url = issued.credential["credentialSubject"]["achievement"]["image"]["id"]
    assert url.startswith(f"{BASE_URL}/images/")
    written = publish.export(issuer, tmp_path / "site")
    image_file = tmp_path / "site" / "images" / url.rsplit("/", 1)[1]
    assert image_file in written
    assert image_file.read_bytes() == BADGE


def test_link_images_leaves_other_hosts_and_bad_data_alone() -> None:
    achievement = {"id": "x", "image": {"id": "https://other.example/b.png", "type": "Image"}}
    profile = {"id": "did:web:a", "image": "data:image/png;base64,%%%"}
    linked = link_images(achievement, profile, base_url=BASE_URL, embed=False)
    assert linked.achievement == achievement
    assert linked.related == []
    assert linked.images == []
    assert from_data_uri("data:text/plain;base64,AAAA") is None
