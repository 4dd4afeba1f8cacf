"""Badge and logo images by reference: small credentials that still cannot be swapped.

An image embedded as a data URI is signed with the credential but makes it large
(a 40 KB badge picture is 55 KB of base64 in every badge, far beyond one QR code).
So the issuer keeps each image once, named by its content, serves it at
``<base URL>/images/<name>`` (``serve`` and the static export), and the credential
names it by that URL together with its digest in ``relatedResource`` (VC Data Model
2.0 "Integrity of Related Resources"): whoever shows the image checks the bytes.

Achievements and the issuer profile keep the form they were given (a data URI from
an image file); the link is made when a credential is built. That is also the
migration: achievements stored with data URIs before this existed get URL images
in their next credentials. An organisation that wants images inside the
credentials says so (``embed_images`` setting, or ``embed_image`` per achievement).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from shared.digests import digest_multibase

IMAGES_PATH = "images"
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
MEDIA_TYPES = {ext: media for media, ext in EXTENSIONS.items()}
# A file is named by its digestMultibase (``u`` + base64url of the sha2-256 multihash),
# the very string the credential's relatedResource entry carries: the compressor of
# the QR transport then finds it twice and stores it once (about 30 bytes per image).
_NAME = re.compile(r"u[A-Za-z0-9_-]{46}\.(png|jpg|gif|webp|svg)")
_DATA_URI = re.compile(r"data:(?P<mime>[a-z0-9.+/-]+);base64,(?P<data>[A-Za-z0-9+/=\s]*)", re.I)
# A year, and never revalidated: a name is a digest, its bytes never change.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class StoredImage:
    """An image under its content name."""

    name: str
    media_type: str
    data: bytes


def is_image_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def stored_image(data: bytes, media_type: str) -> StoredImage:
    """The image under its content name (``<digestMultibase>.<ext>``)."""
    return StoredImage(f"{digest_multibase(data)}.{EXTENSIONS[media_type]}", media_type, data)


def from_data_uri(uri: str) -> StoredImage | None:
    """The image a base64 data URI of a known type holds (else None)."""
    match = _DATA_URI.fullmatch(uri)
    if match is None or match["mime"].lower() not in EXTENSIONS:
        return None
    try:
        data = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
    except (binascii.Error, ValueError):
        return None
    return stored_image(data, match["mime"].lower())


def related_entry(url: str, data: bytes) -> dict[str, str]:
    """A ``relatedResource`` entry: the URL and the digest its bytes must match.

    ``digestMultibase`` with SHA-256 rather than ``digestSRI`` with SHA-384: both are
    VC Data Model 2.0 ways, and this one is 25 characters shorter and equal to the
    file's name (see ``_NAME``), which matters for a badge that must fit a QR code.
    """
    return {"id": url, "digestMultibase": digest_multibase(data)}


@dataclass(frozen=True)
class Linked:
    """An achievement and issuer profile with URL images, and what that needs."""

    achievement: dict[str, Any]
    profile: dict[str, Any]
    related: list[dict[str, str]]
    images: list[StoredImage]


def link_images(
    achievement: dict[str, Any],
    profile: dict[str, Any],
    *,
    base_url: str,
    embed: bool,
    known: dict[str, bytes] | None = None,
) -> Linked:
    """Replace data-URI images by URLs under ``base_url`` (unless ``embed``), with digests.

    ``known`` maps names of images already stored to their bytes, so an image URL
    of this issuer given directly (``<base URL>/images/<name>``) gets its digest too.
    Other URLs are left as they are (the issuer does not fetch other hosts).
    """
    prefix = f"{base_url.rstrip('/')}/{IMAGES_PATH}/"
    related: dict[str, dict[str, str]] = {}
    images: dict[str, StoredImage] = {}
    out: list[dict[str, Any]] = []
    for document in (achievement, profile):
        document = dict(document)
        for holder in _image_holders(document):
            value = holder.get("id")
            if not isinstance(value, str):
                continue
            if value.startswith("data:"):
                image = None if embed else from_data_uri(value)
                if image is None:
                    continue
                url = prefix + image.name
                holder["id"] = url
                images[image.name] = image
                related[url] = related_entry(url, image.data)
            elif value.startswith(prefix) and known and value[len(prefix) :] in known:
                related[value] = related_entry(value, known[value[len(prefix) :]])
        out.append(document)
    return Linked(out[0], out[1], list(related.values()), list(images.values()))


def _image_holders(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``image`` objects of a document (copied, so the caller's stays as it was)."""
    image = document.get("image")
    if isinstance(image, str):
        document["image"] = image = {"id": image, "type": "Image"}
    if isinstance(image, dict):
        document["image"] = image = dict(image)
        yield image
