"""Baked badges: a credential carried inside its own PNG or SVG image.

Open Badges 3.0 (section 5.3) bakes into a PNG ``iTXt`` chunk with the keyword
``openbadgecredential`` and into an SVG ``<openbadges:credential>`` element of the
``https://purl.imsglobal.org/ob/v3p0`` namespace. The Open Badges 2.0 baking
specification uses the keyword ``openbadges`` and ``<openbadges:assertion>`` in the
``http://openbadges.org`` namespace (older PNGs carry a ``tEXt`` chunk instead). The
text is the credential's JSON or a compact JWS; in SVG a JWS sits in the element's
``verify`` attribute and JSON in its (CDATA) content.

Images come from strangers, so extraction is bounded (image size, chunk count,
decompressed text) and SVG is parsed without DTD entities or external references.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from shared.errors import ErrorCode, InvalidInput

MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_TEXT_BYTES = 4 * 1024 * 1024
MAX_CHUNKS = 10_000

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = "openbadgecredential"
OB2_KEYWORD = "openbadges"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"

Container = Literal["png", "svg"]


@dataclass(frozen=True)
class Baked:
    """What an image carries: the text, the image kind, and which baking it used."""

    text: str
    container: Container
    version: Literal["3.0", "2.0"]


def _too_large(what: str, limit: int) -> InvalidInput:
    return InvalidInput(
        f"the {what} is larger than {limit} bytes",
        code=ErrorCode.payload_too_large,
        detail={"max_bytes": limit},
    )


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def is_svg(data: bytes) -> bool:
    """An XML document whose root element is ``svg`` (looked for in the first 4 KB)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and re.search(rb"<svg[\s>]", head) is not None


RASTER_PICTURES = ("JPEG", "GIF", "WEBP")
MAX_PICTURE_PIXELS = 40_000_000


def png_picture(data: bytes) -> bytes | None:
    """A JPEG, GIF or WebP badge picture as a PNG (a GIF's first frame), so it can be
    baked: Open Badges bakes only into PNG and SVG. None when ``data`` is none of these.

    The credential names its picture by URL and digest, not by the baked file's bytes,
    so a baked PNG of a JPEG picture still carries a badge that verifies.
    """
    import io

    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise _too_large("image", MAX_IMAGE_BYTES)
    try:
        with Image.open(io.BytesIO(data), formats=RASTER_PICTURES) as image:
            if image.width * image.height > MAX_PICTURE_PIXELS:
                raise _too_large("image", MAX_IMAGE_BYTES)
            converted = image.convert(
                "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
            )
    except (UnidentifiedImageError, Image.DecompressionBombError):
        return None
    except (OSError, ValueError, SyntaxError) as exc:
        raise InvalidInput("the badge picture is damaged", code=ErrorCode.invalid_image) from exc
    out = io.BytesIO()
    converted.save(out, "PNG", optimize=True)
    return out.getvalue()


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, body) chunks of a PNG, CRCs checked, up to ``IEND``."""
    if not is_png(data):
        raise InvalidInput("not a PNG image", code=ErrorCode.invalid_image)
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_large("image", MAX_IMAGE_BYTES)
    out: list[tuple[bytes, bytes]] = []
    offset = len(PNG_SIGNATURE)
    while offset + 12 <= len(data) and len(out) < MAX_CHUNKS:
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        end = offset + 12 + length
        if end > len(data):
            raise InvalidInput("the PNG is truncated", code=ErrorCode.invalid_image)
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise InvalidInput("a PNG chunk is damaged (CRC)", code=ErrorCode.invalid_image)
        out.append((kind, body))
        offset = end
        if kind == b"IEND":
            return out
    raise InvalidInput("the PNG has no end chunk", code=ErrorCode.invalid_image)


def _itxt(body: bytes) -> tuple[str, str] | None:
    """(keyword, text) of an iTXt chunk; compressed text is inflated within bounds."""
    keyword, sep, rest = body.partition(b"\0")
    if not sep or len(rest) < 2:
        return None
    flag, method, rest = rest[0], rest[1], rest[2:]
    _language, sep1, rest = rest.partition(b"\0")
    _translated, sep2, text = rest.partition(b"\0")
    if not (sep1 and sep2):
        return None
    if flag:
        if method != 0:
            return None
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_TEXT_BYTES + 1)
        except zlib.error as exc:
            raise InvalidInput(
                "the baked text does not decompress", code=ErrorCode.decompression_failed
            ) from exc
        if len(text) > MAX_TEXT_BYTES:
            raise _too_large("baked text", MAX_TEXT_BYTES)
    return keyword.decode("latin-1"), text.decode("utf-8", errors="strict")


def extract_png(data: bytes) -> Baked | None:
    """The badge baked into a PNG (OB 3.0 first, then OB 2.0), or None."""
    found: dict[str, str] = {}
    for kind, body in _chunks(data):
        if kind == b"iTXt":
            try:
                item = _itxt(body)
            except UnicodeDecodeError as exc:
                raise InvalidInput(
                    "the baked text is not UTF-8", code=ErrorCode.invalid_image
                ) from exc
            if item is not None and item[0] in (OB3_KEYWORD, OB2_KEYWORD):
                found.setdefault(item[0], item[1])
        elif kind == b"tEXt":
            keyword, _, text = body.partition(b"\0")
            if keyword == OB2_KEYWORD.encode():
                found.setdefault(OB2_KEYWORD, text.decode("latin-1"))
    if OB3_KEYWORD in found:
        return Baked(found[OB3_KEYWORD].strip(), "png", "3.0")
    if OB2_KEYWORD in found:
        return Baked(found[OB2_KEYWORD].strip(), "png", "2.0")
    return None


def _parse_svg(data: bytes) -> Element:
    if len(data) > MAX_IMAGE_BYTES:
        raise _too_large("image", MAX_IMAGE_BYTES)
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InvalidInput(
            "the SVG uses XML entities or external references, which are refused",
            code=ErrorCode.invalid_image,
        ) from exc
    except Exception as exc:  # ParseError and expat errors: not well-formed XML
        raise InvalidInput("the SVG is not well-formed XML", code=ErrorCode.invalid_image) from exc
    if not isinstance(root, Element) or not root.tag.endswith("svg"):
        raise InvalidInput("not an SVG image", code=ErrorCode.invalid_image)
    return root


def extract_svg(data: bytes) -> Baked | None:
    """The badge baked into an SVG (OB 3.0 first, then OB 2.0), or None."""
    root = _parse_svg(data)
    for namespace, name, version in (
        (OB3_NAMESPACE, "credential", "3.0"),
        (OB2_NAMESPACE, "assertion", "2.0"),
    ):
        element = root.find(f".//{{{namespace}}}{name}")
        if element is None:
            continue
        text = element.get("verify") or element.text or ""
        if text.strip():
            return Baked(text.strip(), "svg", version)  # type: ignore[arg-type]
    return None


def extract(data: bytes) -> Baked | None:
    """The badge in a PNG or SVG image; None when the image carries none."""
    if is_png(data):
        return extract_png(data)
    if is_svg(data):
        return extract_svg(data)
    raise InvalidInput("not a PNG or SVG image", code=ErrorCode.invalid_image)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bake_png(image: bytes, text: str, *, version: Literal["3.0", "2.0"] = "3.0") -> bytes:
    """The PNG with ``text`` (JSON or a JWS) baked in, replacing any earlier badge.

    The chunk goes right after ``IHDR`` so readers that stop early find it, and is
    not compressed (the baking specifications forbid compression).
    """
    keyword = OB3_KEYWORD if version == "3.0" else OB2_KEYWORD
    payload = text.encode("utf-8")
    if len(payload) > MAX_TEXT_BYTES:
        raise _too_large("credential", MAX_TEXT_BYTES)
    itxt = _chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + payload)
    out = [PNG_SIGNATURE]
    for kind, body in _chunks(image):
        if kind in (b"iTXt", b"tEXt", b"zTXt") and body.split(b"\0", 1)[0] in (
            OB3_KEYWORD.encode(),
            OB2_KEYWORD.encode(),
        ):
            continue
        out.append(_chunk(kind, body))
        if kind == b"IHDR":
            out.append(itxt)
    return b"".join(out)


_SVG_START = re.compile(rb"<svg\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
_BAKED_ELEMENT = re.compile(
    rb"\n?<openbadges:(?:credential|assertion)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
    rb"(?:/>|>.*?</openbadges:(?:credential|assertion)\s*>)",
    re.DOTALL,
)


def _escape_attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def bake_svg(image: bytes, text: str, *, version: Literal["3.0", "2.0"] = "3.0") -> bytes:
    """The SVG with ``text`` baked in as the first child of its root element.

    A JWS goes in the ``verify`` attribute; JSON in a CDATA section (a ``]]>`` inside a
    JSON string is written ``]]\\u003e``, which JSON reads back as the same string).
    The image is edited as text so the rest of the file stays byte for byte.
    """
    _parse_svg(image)
    namespace, name = (
        (OB3_NAMESPACE, "credential") if version == "3.0" else (OB2_NAMESPACE, "assertion")
    )
    stripped = text.strip()
    if stripped.startswith("{"):
        stripped = stripped.replace("]]>", "]]\\u003e")
        element = f"<openbadges:{name}><![CDATA[{stripped}]]></openbadges:{name}>"
    else:
        element = f'<openbadges:{name} verify="{_escape_attribute(stripped)}"/>'
    cleaned = _BAKED_ELEMENT.sub(b"", image)
    match = _SVG_START.search(cleaned)
    if match is None:
        raise InvalidInput("the SVG root element was not found", code=ErrorCode.invalid_image)
    start_tag = match.group(0)
    new_tag = re.sub(rb'\s+xmlns:openbadges\s*=\s*("[^"]*"|\'[^\']*\')', b"", start_tag)
    closing = match.group(1)
    head_end = len(new_tag) - (2 if closing else 1)
    new_tag = new_tag[:head_end] + f' xmlns:openbadges="{namespace}"'.encode() + b">"
    inner = b"\n" + element.encode("utf-8")
    if closing:
        inner += b"\n</svg>"
    baked = cleaned[: match.start()] + new_tag + inner + cleaned[match.end() :]
    result = extract_svg(baked)
    if result is None or result.text != stripped:
        raise InvalidInput("the SVG could not be baked", code=ErrorCode.invalid_image)
    return baked
