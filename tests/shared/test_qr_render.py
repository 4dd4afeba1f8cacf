"""Drawing QR texts (PNG, SVG, terminal) and reading them back from images."""

from __future__ import annotations

import io
import math
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
from PIL import Image

from shared import qr
from shared.errors import ErrorCode, InvalidInput
from tests.shared.test_qr_samples import presentation

SVG_NS = "{http://www.w3.org/2000/svg}"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size; its pixel data is never valid."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def side_by_side(images: list[bytes]) -> bytes:
    """One PNG holding several codes, as a photo of a screen or a print might."""
    opened = [Image.open(io.BytesIO(data)).convert("L") for data in images]
    width = sum(im.width for im in opened)
    height = max(im.height for im in opened)
    canvas = Image.new("L", (width, height), 255)
    x = 0
    for im in opened:
        canvas.paste(im, (x, 0))
        x += im.width
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


def terminal_to_png(drawing: str, *, light_ink: bool = True, px: int = 4) -> bytes:
    """Rasterise half-block text back to pixels: what a phone sees on the screen."""
    lines = drawing.split("\n")
    width = len(lines[0])
    image = Image.new("L", (width * px, len(lines) * 2 * px), 0)
    halves = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}
    for y, line in enumerate(lines):
        for x, char in enumerate(line):
            for half, inked in enumerate(halves[char]):
                light = inked if light_ink else not inked
                box = (x * px, (2 * y + half) * px, (x + 1) * px, (2 * y + half + 1) * px)
                image.paste(255 if light else 0, box)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- PNG and reading images


def test_png_round_trip_single_code() -> None:
    vp = presentation(1)
    (text,) = qr.encode(vp)
    png = qr.render_png(text)
    assert png.startswith(b"\x89PNG")
    assert qr.read_qr_image(png) == [text]
    assert qr.decode(qr.read_qr_image(png)) == vp


def test_png_round_trip_multi_part_one_image_per_part() -> None:
    vp = presentation(3)
    texts = qr.encode(vp, max_version=15)
    scanned = [t for text in reversed(texts) for t in qr.read_qr_image(qr.render_png(text))]
    assert sorted(scanned) == sorted(texts)
    assert qr.decode(scanned) == vp


def test_all_parts_in_one_image_are_found() -> None:
    vp = presentation(2)
    texts = qr.encode(vp, max_version=12)
    assert len(texts) >= 2
    found = qr.read_qr_image(side_by_side([qr.render_png(t, scale=4) for t in texts]))
    assert sorted(found) == sorted(texts)
    assert qr.decode(found) == vp


def test_jpeg_photo_is_read() -> None:
    (text,) = qr.encode({"naam": "Zoë"})
    image = Image.open(io.BytesIO(qr.render_png(text))).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    assert qr.read_qr_image(out.getvalue()) == [text]


def test_byte_mode_text_is_drawn_and_read() -> None:
    link = "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example%2Fo%2F1"
    assert qr.read_qr_image(qr.render_png(link)) == [link]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, not an image",
        b"%PDF-1.7\n...",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 9 9\n",
    ],
)
def test_non_image_is_invalid_image(data: bytes) -> None:
    with pytest.raises(InvalidInput) as info:
        qr.read_qr_image(data)
    assert info.value.code is ErrorCode.invalid_image


def test_truncated_image_is_invalid_image() -> None:
    png = qr.render_png(qr.encode(presentation(1))[0])
    with pytest.raises(InvalidInput) as info:
        qr.read_qr_image(png[: len(png) // 2])
    assert info.value.code is ErrorCode.invalid_image


def test_image_without_a_code_is_decode_failure() -> None:
    out = io.BytesIO()
    Image.new("L", (300, 200), 255).save(out, format="PNG")
    with pytest.raises(InvalidInput) as info:
        qr.read_qr_image(out.getvalue())
    assert info.value.code is ErrorCode.qr_decode_failed


@pytest.mark.parametrize("side", [8_000, 10_000, 20_000])  # ours, Pillow's warning, Pillow's error
def test_huge_image_is_refused_before_decoding(side: int) -> None:
    with pytest.raises(InvalidInput) as info:
        qr.read_qr_image(png_claiming(side, side))
    assert info.value.code is ErrorCode.payload_too_large


def test_read_image_wants_bytes() -> None:
    with pytest.raises(TypeError):
        qr.read_qr_image("code.png")  # type: ignore[arg-type]


# --- SVG


def test_svg_is_well_formed_and_sized() -> None:
    (text,) = qr.encode(presentation(1))
    svg = qr.render_svg(text, scale=2, border=4)
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG_NS}svg"
    side = 2 * (17 + 4 * qr.qr_version(text) + 8)
    assert (root.get("width"), root.get("height")) == (str(side), str(side))
    assert root.find(f"{SVG_NS}path") is not None


# --- terminal


@pytest.mark.parametrize("border", [0, 2, 4])
def test_terminal_dimensions(border: int) -> None:
    (text,) = qr.encode(presentation(1))
    size = 17 + 4 * qr.qr_version(text) + 2 * border
    lines = qr.render_terminal(text, border=border).split("\n")
    assert len(lines) == math.ceil(size / 2)
    assert {len(line) for line in lines} == {size}
    assert set("".join(lines)) <= set("█▀▄ ")


def test_terminal_quiet_zone_and_inversion() -> None:
    light = qr.render_terminal("RZ1:ZHELLO")
    dark = qr.render_terminal("RZ1:ZHELLO", dark_on_light=True)
    assert set(light.split("\n")[0]) == {"█"}  # quiet zone drawn as light ink
    assert set(dark.split("\n")[0]) == {" "}
    swap = str.maketrans("█▀▄ ", " ▄▀█")
    assert light.translate(swap) == dark


@pytest.mark.parametrize("dark_on_light", [False, True])
def test_terminal_drawing_scans(dark_on_light: bool) -> None:
    vp = presentation(1)
    texts = qr.encode(vp, max_version=qr.version_for_terminal(100, 50))
    scanned = []
    for text in texts:
        drawing = qr.render_terminal(text, dark_on_light=dark_on_light)
        scanned += qr.read_qr_image(terminal_to_png(drawing, light_ink=not dark_on_light))
    assert qr.decode(scanned) == vp


def test_version_for_terminal_fits_the_window() -> None:
    version = qr.version_for_terminal(120, 45, border=2)
    side = 17 + 4 * version + 4
    assert side <= 120
    assert math.ceil(side / 2) <= 45
    assert 17 + 4 * (version + 1) + 4 > 90  # the next version would not fit 45 rows


# --- versions and ECC


def test_version_follows_ecc_without_boosting() -> None:
    text = qr.encode(presentation(1))[0]
    versions = [qr.qr_version(text, ecc) for ecc in "LMQH"]
    assert versions == sorted(versions)
    assert versions[0] < versions[-1]
    assert qr.render.make_symbol(text, ecc="L").error == "L"


def test_forced_version_and_overflow() -> None:
    symbol = qr.render.make_symbol("RZ1:ZAB", version=10)
    assert symbol.version == 10
    with pytest.raises(InvalidInput) as info:
        qr.render_png("RZ1:Z" + "A" * 100, version=2)
    assert info.value.code is ErrorCode.payload_too_large
    with pytest.raises(InvalidInput):
        qr.qr_version("A" * 5000)
