"""Badge images for the page, fetched by the verifier and never by the browser.

A badge names its images by URL (or carries them as data URIs, which the page shows
itself). The employer's browser must not contact a host a stranger's badge chose (it
would tell that host who looks at the badge, and when), so the page asks the
verifier: ``GET /images?url=...``. Here the URL goes through the SSRF-guarded fetcher
(offline: only what the trust pack carries), the bytes must be a PNG, JPEG, GIF, WebP
or SVG image (read from the bytes, not from the sender's header) within a size limit,
and must match the digest the credential gives for them (``relatedResource``). Good
images are kept in a small in-memory cache, bounded in entries and bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.digests import digest_matches
from shared.errors import ErrorCode, InvalidInput, NotFound, ResolutionFailed
from shared.formats.baking import is_svg
from shared.status_cache import HttpReply
from shared.vocab import as_list

Fetch = Callable[[str, int], HttpReply]
MAX_IMAGE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Image:
    """Image bytes and their media type, read from the bytes themselves."""

    data: bytes
    media_type: str


def sniff(data: bytes) -> str | None:
    """The media type of an image the page may show, from its first bytes (else None)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if is_svg(data):
        return "image/svg+xml"
    return None


class ImageProxy:
    """Images by URL: from the trust pack, the cache or the network (in that order).

    Args:
        fetch: ``(url, max_bytes) -> HttpReply`` through the SSRF guard; None offline.
        packed: images the trust pack carries, by URL.
        max_bytes: the largest image accepted.
        max_entries / max_total: bounds of the in-memory cache.
    """

    def __init__(
        self,
        fetch: Fetch | None,
        *,
        packed: Mapping[str, bytes] | None = None,
        max_bytes: int = MAX_IMAGE_BYTES,
        max_entries: int = 256,
        max_total: int = 32 * 1024 * 1024,
    ) -> None:
        self._fetch = fetch
        self._packed = dict(packed or {})
        self.max_bytes = max_bytes
        self._max_entries = max_entries
        self._max_total = max_total
        self._cache: OrderedDict[str, Image] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(
        self, url: str, *, digest_sri: str | None = None, digest_multibase: str | None = None
    ) -> Image:
        """The image at ``url``; raises ``InvalidInput``/``ResolutionFailed`` with a code."""
        image = self._cached(url)
        if image is None:
            image = self._load(url)
            self._remember(url, image)
        ok = digest_matches(image.data, digest_sri=digest_sri, digest_multibase=digest_multibase)
        if ok is False:
            raise InvalidInput(
                "the image is not the one the badge was signed with (its digest differs)",
                code=ErrorCode.invalid_image,
                detail={"url": url, "reason": "digest_mismatch"},
            )
        return image

    def _load(self, url: str) -> Image:
        data = self._packed.get(url)
        if data is None:
            if self._fetch is None:
                # Not a failing upstream (502): offline, the image just is not here.
                raise NotFound(
                    "offline, and the trust pack does not hold this image",
                    code=ErrorCode.not_found,
                    detail={"url": url},
                )
            reply = self._fetch(url, self.max_bytes)
            if reply.status != 200:
                raise ResolutionFailed(
                    f"the image's host answered HTTP {reply.status}",
                    code=ErrorCode.fetch_failed,
                    detail={"url": url, "http_status": reply.status},
                )
            data = reply.body
        if len(data) > self.max_bytes:
            raise InvalidInput(
                f"the image is larger than {self.max_bytes} bytes",
                code=ErrorCode.payload_too_large,
                detail={"url": url, "max_bytes": self.max_bytes},
            )
        media_type = sniff(data)
        if media_type is None:
            raise InvalidInput(
                "this is not a PNG, JPEG, GIF, WebP or SVG image",
                code=ErrorCode.invalid_image,
                detail={"url": url},
            )
        return Image(data, media_type)

    def _cached(self, url: str) -> Image | None:
        with self._lock:
            image = self._cache.get(url)
            if image is not None:
                self._cache.move_to_end(url)
            return image

    def _remember(self, url: str, image: Image) -> None:
        with self._lock:
            if url in self._cache:
                return
            self._cache[url] = image
            self._total += len(image.data)
            while self._cache and (
                len(self._cache) > self._max_entries or self._total > self._max_total
            ):
                _, old = self._cache.popitem(last=False)
                self._total -= len(old.data)


def linked_images(credential: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The badge's and its issuer's image URLs that come with a digest, with the digests.

    Those are the images a trust pack may carry: their bytes can be checked. (A
    data URI needs no fetching; an image without a digest could be swapped.)
    """
    related: dict[str, dict[str, str]] = {}
    for entry in as_list(credential.get("relatedResource")):
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            digests = {
                k: entry[k]
                for k in ("digestSRI", "digestMultibase")
                if isinstance(entry.get(k), str)
            }
            if digests:
                related[entry["id"]] = digests
    subject = credential.get("credentialSubject")
    holders = [credential.get("issuer"), credential]
    for item in as_list(subject):
        if isinstance(item, Mapping) and isinstance(item.get("achievement"), Mapping):
            achievement = item["achievement"]
            holders += [achievement, achievement.get("creator")]
    out: dict[str, dict[str, str]] = {}
    for holder in holders:
        image = holder.get("image") if isinstance(holder, Mapping) else None
        url = image.get("id") if isinstance(image, Mapping) else image
        if isinstance(url, str) and url in related:
            out[url] = related[url]
    return out
