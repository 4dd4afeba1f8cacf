"""Badge pictures for the wallet's screens: from the badge itself, or by URL and checked.

Badges name their picture (and their issuer's logo) by URL with the digest the bytes
must have (``relatedResource``); older ones carry a data URI. ``badge_image`` gives
the bytes to show, or None: fetched once through the wallet's guarded network
(https to public hosts only, body capped), kept sealed in the wallet file
(``WalletStore.keep_image``: which pictures someone has tells which badges they
hold, so they are not left in a plain cache folder), and never shown when the bytes
do not match the digest. A picture is decoration: any failure is None, never an
error in the learner's face.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from shared.digests import digest_matches
from shared.errors import RugzakError
from shared.showing import badge_view

if TYPE_CHECKING:
    from wallet.data.store import WalletStore
    from wallet.network import Network

MAX_IMAGE_BYTES = 1024 * 1024
_DATA_URI = re.compile(r"data:image/[a-z0-9.+-]+;base64,(?P<data>[A-Za-z0-9+/=\s]*)", re.I)
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")


def badge_image(
    credential: dict[str, Any],
    store: WalletStore,
    network: Network | None,
    *,
    logo: bool = False,
) -> bytes | None:
    """The badge's picture (or, with ``logo``, its issuer's), or None when there is none
    to show: no picture, offline and not kept, unreachable, not an image, or swapped
    (its bytes do not match the badge's digest)."""
    image = badge_view(credential).get("issuerImage" if logo else "image")
    if not isinstance(image, dict) or not isinstance(image.get("id"), str):
        return None
    url: str = image["id"]
    if url.startswith("data:"):
        return _from_data_uri(url)
    digests = {
        "digest_sri": image.get("digestSRI"),
        "digest_multibase": image.get("digestMultibase"),
    }
    kept = store.image(url)
    if kept is not None and digest_matches(kept, **digests) is not False:
        return kept
    if network is None:
        return None
    try:
        data = network.get_bytes(url, accept="image/*")
    except RugzakError:
        return None
    if len(data) > MAX_IMAGE_BYTES or not _looks_like_image(data):
        return None
    if digest_matches(data, **digests) is False:
        return None
    store.keep_image(url, data)
    return data


def _from_data_uri(uri: str) -> bytes | None:
    match = _DATA_URI.fullmatch(uri)
    if match is None:
        return None
    try:
        data = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if _looks_like_image(data) else None


def _looks_like_image(data: bytes) -> bool:
    head = data[:256].lstrip()
    return data.startswith(_MAGIC) or head.startswith((b"<svg", b"<?xml"))
