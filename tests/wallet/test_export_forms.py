"""export --as json|png|vpqr: one badge as its JSON, baked into its own PNG picture, or
as a VP1- code; each form reads back as the same badge."""

from __future__ import annotations

import json
from pathlib import Path

from shared import vpqr
from shared.credentials import issue_credential
from shared.formats.baking import extract
from tests.factories import unsigned_badge
from tests.sample_images import badge_png, data_uri
from tests.wallet.helpers import ISSUER_KEY, NOW, make_credential
from tests.wallet.test_cli import did_of, run
from wallet.config import WalletConfig


def _badge_with_picture(did: str) -> dict[str, object]:
    unsigned = unsigned_badge(did, ISSUER_KEY, name="Gastvrijheid")
    unsigned["credentialSubject"]["achievement"]["image"] = {
        "id": data_uri(badge_png(20, seed=7)),
        "type": "Image",
    }
    return issue_credential(unsigned, ISSUER_KEY, created=NOW)


def test_export_as_json_png_and_vpqr(config: WalletConfig, tmp_path: Path) -> None:
    assert run(config, "init")[0] == 0
    credential = _badge_with_picture(did_of(config))
    (tmp_path / "badge.json").write_text(json.dumps(credential))
    code, _, err = run(config, "import", str(tmp_path / "badge.json"))
    assert code == 0, err
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]

    assert run(config, "export", local_id, str(tmp_path / "b.json"))[0] == 0
    assert json.loads((tmp_path / "b.json").read_text()) == credential

    code, _, err = run(config, "export", local_id, str(tmp_path / "b.png"), "--as", "png")
    assert code == 0, err
    baked = extract((tmp_path / "b.png").read_bytes())
    assert baked is not None
    assert (baked.container, baked.version) == ("png", "3.0")
    assert json.loads(baked.text) == credential

    # A 20 KB picture does not fit one QR code: said plainly, nothing written.
    code, _, err = run(config, "export", local_id, str(tmp_path / "big.txt"), "--as", "vpqr")
    assert code == 2
    assert "too large" in err
    assert not (tmp_path / "big.txt").exists()
    small = make_credential(did_of(config), number=2)
    (tmp_path / "small.json").write_text(json.dumps(small))
    assert run(config, "import", str(tmp_path / "small.json"))[0] == 0
    listed = json.loads(run(config, "list", "--json")[1])
    [small_id] = [c["id"] for c in listed if c["id"] != local_id]
    code, _, err = run(config, "export", small_id, str(tmp_path / "b.txt"), "--as", "vpqr")
    assert code == 0, err
    text = (tmp_path / "b.txt").read_text().strip()
    assert text.startswith("VP1-")
    assert vpqr.decode(text)["verifiableCredential"] == [small]
    no_picture = run(config, "export", small_id, str(tmp_path / "s.png"), "--as", "png")
    assert no_picture[0] == 2
    assert "has no picture kept in the wallet" in no_picture[2]

    code, _, err = run(config, "export", local_id, str(tmp_path / "b.x"), "--as", "gif")
    assert code == 2
    assert "json, image, png, svg or vpqr" in err


def test_a_jpeg_badge_is_baked_into_a_png_of_its_picture(
    config: WalletConfig, tmp_path: Path
) -> None:
    """Baking knows only PNG and SVG; a photo badge (JPEG) is baked into a PNG of it."""
    import base64
    import io

    from PIL import Image

    assert run(config, "init")[0] == 0
    photo = io.BytesIO()
    Image.effect_noise((300, 200), 50).convert("RGB").save(photo, "JPEG", quality=80)
    unsigned = unsigned_badge(did_of(config), ISSUER_KEY, name="Fotografie")
    unsigned["credentialSubject"]["achievement"]["image"] = {
        "id": "data:image/jpeg;base64," + base64.b64encode(photo.getvalue()).decode(),
        "type": "Image",
    }
    credential = issue_credential(unsigned, ISSUER_KEY, created=NOW)
    (tmp_path / "photo.json").write_text(json.dumps(credential))
    assert run(config, "import", str(tmp_path / "photo.json"))[0] == 0
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]

    code, _, err = run(config, "export", local_id, str(tmp_path / "b.png"), "--as", "image")
    assert code == 0, err
    baked_png = (tmp_path / "b.png").read_bytes()
    baked = extract(baked_png)
    assert baked is not None
    assert (baked.container, baked.version) == ("png", "3.0")
    assert json.loads(baked.text) == credential
    with Image.open(io.BytesIO(baked_png)) as image:
        assert (image.format, image.size) == ("PNG", (300, 200))
    code, _, err = run(config, "export", local_id, str(tmp_path / "b.svg"), "--as", "svg")
    assert code == 2
    assert "not SVG: export it --as image" in err


SVG_PICTURE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
    '<circle cx="48" cy="48" r="44" fill="#1f4e9c"/><text x="48" y="56" font-size="24" '
    'text-anchor="middle" fill="#fff">Ö</text></svg>'
)


def test_an_svg_badge_is_baked_into_its_svg(config: WalletConfig, tmp_path: Path) -> None:
    import base64

    assert run(config, "init")[0] == 0
    unsigned = unsigned_badge(did_of(config), ISSUER_KEY, name="Samenwerken")
    unsigned["credentialSubject"]["achievement"]["image"] = {
        "id": "data:image/svg+xml;base64," + base64.b64encode(SVG_PICTURE.encode()).decode(),
        "type": "Image",
    }
    credential = issue_credential(unsigned, ISSUER_KEY, created=NOW)
    (tmp_path / "badge.json").write_text(json.dumps(credential))
    assert run(config, "import", str(tmp_path / "badge.json"))[0] == 0
    local_id = json.loads(run(config, "list", "--json")[1])[0]["id"]

    code, _, err = run(config, "export", local_id, str(tmp_path / "b.svg"), "--as", "image")
    assert code == 0, err
    baked = extract((tmp_path / "b.svg").read_bytes())
    assert baked is not None
    assert baked.container == "svg"
    assert json.loads(baked.text) == credential
    assert run(config, "export", local_id, str(tmp_path / "c.svg"), "--as", "svg")[0] == 0
    # Asked for a PNG of an SVG badge: the sentence names the form that works.
    code, _, err = run(config, "export", local_id, str(tmp_path / "b.png"), "--as", "png")
    assert code == 2
    assert "--as image" in err
