"""Baked PNG and SVG badges: made by 1EdTech, openbadgeslib and Pillow; read by Rugzak and back."""

from __future__ import annotations

import io
import json
import struct
import zlib
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from shared.errors import ErrorCode, InvalidInput
from shared.formats import bake_png, bake_svg, extract, read_any, verify_any
from shared.formats.baking import MAX_TEXT_BYTES
from shared.verification import Verdict
from tests.conftest import VECTORS
from tests.shared.formats import makers as mk

VALIDATOR = VECTORS / "ob3" / "1edtech-validator"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
    b'<circle cx="60" cy="60" r="50" fill="#e4002b"/><text x="30" y="65">Hanze</text></svg>\n'
)


def _png(text_chunks: list[tuple[str, str]] | None = None) -> bytes:
    image = Image.new("RGB", (96, 96), (228, 0, 43))
    info = PngImagePlugin.PngInfo()
    for keyword, value in text_chunks or []:
        info.add_itxt(keyword, value, zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _ob3_badge() -> Any:
    from openbadgeslib.ob3 import Achievement, Issuer, OpenBadgeCredential

    return OpenBadgeCredential(
        issuer=Issuer(id="https://www.fontys.nl/badges", name="Fontys Hogescholen"),
        recipient_id=mk.LEARNER,
        achievement=Achievement(
            id="https://www.fontys.nl/badges/duurzaam-bouwen",
            name="Duurzaam bouwen",
            description="Rekent de milieu-impact van een renovatie door.",
            criteria_narrative="Renovatieplan voor een rijtjeshuis in Eindhoven beoordeeld.",
        ),
        issuance_date=mk.ISSUED,
    )


@pytest.mark.parametrize(
    ("name", "fmt", "wrapper"),
    [
        ("simple-jwt.png", "vc_jwt", "png"),
        ("simple-jwt.svg", "vc_jwt", "svg"),
        ("simple-jwt_v1.png", "vc_jwt", "png"),
        ("simple-json.png", "credential", "png"),
        ("simple-json.svg", "credential", "svg"),
    ],
)
def test_1edtech_baked_samples_are_read(name: str, fmt: str, wrapper: str) -> None:
    parsed = read_any((VALIDATOR / name).read_bytes())
    assert (parsed.format, parsed.wrapper, parsed.baking) == (fmt, wrapper, "3.0")


@pytest.mark.parametrize("name", ["simple-jwt.png", "simple-jwt.svg"])
def test_1edtech_baked_jwt_verifies(name: str) -> None:
    result = verify_any(read_any((VALIDATOR / name).read_bytes()), now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.summary["source"].startswith("VC-JWT in a")


@pytest.mark.parametrize("container", ["png", "svg"])
def test_openbadgeslib_baked_ob3_jwt(container: str) -> None:
    from openbadgeslib.ob3 import OB3Signer

    signer = OB3Signer(privkey_pem=mk.pem(mk.p256_key()), algorithm="ES256")
    baked = (
        signer.sign_into_png(_ob3_badge(), _png())
        if container == "png"
        else signer.sign_into_svg(_ob3_badge(), SVG)
    )
    parsed = read_any(baked)
    assert (parsed.format, parsed.wrapper) == ("vc_jwt", container)
    result = verify_any(parsed, now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.summary["achievement"]["name"] == "Duurzaam bouwen"


@pytest.mark.parametrize("container", ["png", "svg"])
def test_openbadgeslib_baked_ob2_signed(container: str) -> None:
    from openbadgeslib.ob2.models import Assertion, IdentityObject, Verification
    from openbadgeslib.ob2.signer import OB2Signer

    from tests.shared.formats.test_ob2 import KEY_URL, _documents

    assertion = Assertion(
        id="urn:uuid:0c9d6e1a-8b7f-4c3d-9e2a-1b0c9d8e7f60",
        recipient=IdentityObject.create("sanne.bakker@student.saxion.example", "zout"),
        badge="https://badges.saxion.example/badges/eerste-hulp.json",
        verification=Verification(type="SignedBadge", creator=KEY_URL),
        issued_on=mk.ISSUED,
    )
    signer = OB2Signer(privkey_pem=mk.pem(mk.rsa_key()), algorithm="RS256")
    baked = (
        signer.sign_into_png(assertion, _png())
        if container == "png"
        else signer.sign_into_svg(assertion, SVG)
    )
    parsed = read_any(baked)
    assert (parsed.format, parsed.wrapper, parsed.baking) == ("ob2", container, "2.0")
    result = verify_any(parsed, documents=_documents(mk.rsa_key()), now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()


def test_pillow_itxt_chunk_is_read() -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.ed25519_key(), "EdDSA", {})
    baked = extract(_png([("openbadgecredential", token)]))
    assert baked is not None
    assert (baked.text, baked.version) == (token, "3.0")


@pytest.mark.parametrize("container", ["png", "svg"])
@pytest.mark.parametrize("kind", ["jwt", "json"])
def test_rugzak_bake_is_read_by_openbadgeslib(container: str, kind: str) -> None:
    """Baking round trip, checked by an independent reader (openbadgeslib.baking)."""
    from openbadgeslib import baking as theirs

    issuer = mk.ed25519_did(mk.ed25519_key())
    cred = mk.credential(issuer, name="Rekenen ]]> en taal")
    text = (
        mk.pyjwt_sign(mk.claims(cred), mk.ed25519_key(), "EdDSA", {})
        if kind == "jwt"
        else json.dumps(cred, ensure_ascii=False)
    )
    if container == "png":
        baked = bake_png(_png(), text)
        assert bake_png(baked, text) == baked  # re-baking replaces, never duplicates
        found = theirs.extract_png(baked, keyword=theirs.ITXT_KEYWORD_OB3)
        assert Image.open(io.BytesIO(baked)).size == (96, 96)
    else:
        baked = bake_svg(SVG, text)
        assert bake_svg(baked, text) == baked
        found = theirs.extract_svg(baked, element=theirs.SVG_ELEMENT_OB3, text_fallback=True)
    found_text = found.decode() if isinstance(found, bytes) else found
    mine = extract(baked)
    assert mine is not None
    if kind == "jwt":
        assert found_text.strip() == text == mine.text
    else:
        assert json.loads(found_text) == cred == json.loads(mine.text)


def test_bake_ob2_keyword() -> None:
    baked = extract(bake_png(_png(), '{"type": "Assertion"}', version="2.0"))
    assert baked is not None
    assert baked.version == "2.0"


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>niet gesloten</svg>',
    ],
    ids=["entity-expansion", "external-entity", "not-well-formed"],
)
def test_hostile_svg_is_refused(svg: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_any(svg)
    assert caught.value.code == ErrorCode.invalid_image


def test_png_damage_and_bombs_are_refused() -> None:
    good = bake_png(_png(), "eyJhbGciOiJFZERTQSJ9.e30.c2ln")
    broken = bytearray(good)
    broken[40] ^= 0xFF  # inside the first chunks: the CRC no longer matches
    with pytest.raises(InvalidInput) as caught:
        read_any(bytes(broken))
    assert caught.value.code == ErrorCode.invalid_image
    bomb = zlib.compress(b"{" + b" " * (MAX_TEXT_BYTES + 10), 9)
    body = b"openbadgecredential\0\x01\x00\0\0" + bomb
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + body))
    plain = _png()
    with_bomb = plain[:33] + chunk + plain[33:]
    with pytest.raises(InvalidInput) as caught:
        read_any(with_bomb)
    assert caught.value.code == ErrorCode.payload_too_large


def test_image_without_a_badge() -> None:
    for image in (_png(), SVG):
        with pytest.raises(InvalidInput) as caught:
            read_any(image)
        assert caught.value.code == ErrorCode.unsupported_format
