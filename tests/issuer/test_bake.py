"""The issuer bakes a credential into its badge picture for the learner (API and CLI);
the baked image reads back as the same, still verifying, credential."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from typer.testing import CliRunner

from issuer.service import AwardRequest, Issuer
from shared.formats.baking import extract
from tests.issuer.conftest import HOLDER
from tests.issuer.test_cli import cli, data, runner  # noqa: F401 - fixtures
from tests.sample_images import badge_png


async def test_api_bakes_into_the_png_and_refuses_without_a_picture(
    client: httpx.AsyncClient, admin: dict[str, str], issuer: Issuer, achievement_id: str
) -> None:
    plain = issuer.issue(AwardRequest(achievement_id, HOLDER.did), actor="test").credential
    refused = await client.get(f"/credentials/{plain['id']}/baked", headers=admin)
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_image"
    assert (await client.get(f"/credentials/{plain['id']}/baked")).status_code == 401


def test_cli_bakes_the_credential_into_its_picture(
    runner: CliRunner,  # noqa: F811
    data: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    picture = tmp_path / "gastvrijheid.png"
    picture.write_bytes(badge_png(20, seed=3))
    cli(runner, data, "achievement", "create", "--id", "gast", "--name", "Gastvrijheid",
        "--description", "Ontvangt gasten.", "--criteria", "Drie diensten.",
        "--image", str(picture))  # fmt: skip
    out = tmp_path / "credential.json"
    cli(runner, data, "issue", "-a", "gast", "--recipient", HOLDER.did, "--out", str(out))
    credential = json.loads(out.read_text("utf-8"))
    png = tmp_path / "badge.png"
    done = cli(runner, data, "credentials", "bake", credential["id"], "--out", str(png))
    assert "image/png" in done.output
    baked = extract(png.read_bytes())
    assert baked is not None
    assert (baked.container, baked.version) == ("png", "3.0")
    assert json.loads(baked.text) == credential
    missing = cli(runner, data, "credentials", "bake", "urn:uuid:x", "--out", str(png), code=2)
    assert "not_found" in missing.output


def test_cli_bakes_a_photo_badge_into_a_png_of_its_photo(
    runner: CliRunner,  # noqa: F811
    data: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Baking knows PNG and SVG only; an achievement pictured by a JPEG bakes as a PNG."""
    import io

    from PIL import Image

    picture = tmp_path / "koken.jpg"
    Image.effect_noise((240, 240), 50).convert("RGB").save(picture, "JPEG", quality=80)
    cli(runner, data, "achievement", "create", "--id", "koken", "--name", "Koken",
        "--description", "Kookt.", "--criteria", "Een menu.", "--image", str(picture))  # fmt: skip
    out = tmp_path / "credential.json"
    cli(runner, data, "issue", "-a", "koken", "--recipient", HOLDER.did, "--out", str(out))
    credential = json.loads(out.read_text("utf-8"))
    png = tmp_path / "badge.png"
    done = cli(runner, data, "credentials", "bake", credential["id"], "--out", str(png))
    assert "image/png" in done.output
    baked = extract(png.read_bytes())
    assert baked is not None
    assert json.loads(baked.text) == credential
    with Image.open(io.BytesIO(png.read_bytes())) as image:
        assert (image.format, image.size) == ("PNG", (240, 240))


def test_a_baked_picture_carries_no_base_proof() -> None:
    """A selective-disclosure issuer's badge picture goes on web sites and to employers:
    the base proof (for the learner's wallet only) is left out, the eddsa proof stays and
    the badge still verifies."""
    from shared.credentials import verify_credential
    from shared.did import StaticResolver
    from shared.ob.disclosure import is_base_proof
    from shared.vocab import as_list
    from tests import sample_badges as sb

    with sb.issuer_with_badges(embed=True, sd=True) as issuer:
        credential = sb.award(issuer, 2)
        assert any(is_base_proof(p) for p in as_list(credential["proof"]))
        data, media_type = issuer.baked(credential["id"])
        pack = sb.trust_pack(issuer)
    assert media_type == "image/png"
    baked = extract(data)
    assert baked is not None
    shown = json.loads(baked.text)
    proofs = as_list(shown["proof"])
    assert [p["cryptosuite"] for p in proofs] == ["eddsa-rdfc-2022"]
    assert {k: v for k, v in shown.items() if k != "proof"} == {
        k: v for k, v in credential.items() if k != "proof"
    }
    result = verify_credential(shown, resolver=StaticResolver(pack.dids), now=sb.NOW)
    assert [c.code for c in result.checks if c.name == "proof"] == ["ok"]  # the status: offline
