"""Bundled JSON-LD contexts and the offline document loader.

Every context Rugzak needs ships as data in this package. The loader refuses any
URL it does not hold: no network, ever.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from shared.errors import ErrorCode, InvalidInput
from shared.vocab import (  # noqa: F401 - re-exported: the context URLs live in vocab
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DATA_INTEGRITY_V2,
    ED25519_2020_V1,
    MULTIKEY_V1,
    OB_EXTENSIONS,
    OB_V3P0_303,
    OB_V3P0_LEGACY,
    STATUS_V1,
)

DocumentLoader = Callable[..., dict[str, Any]]


@cache
def url_map() -> dict[str, str]:
    """Context URL -> bundled file name."""
    text = resources.files(__package__).joinpath("data", "url-map.json").read_text("utf-8")
    mapping: dict[str, str] = json.loads(text)
    return mapping


def known_urls() -> frozenset[str]:
    return frozenset(url_map())


def _normalise(url: str) -> str:
    # Loaders see the URL as written; tolerate a trailing '#' or an http alias of https.
    url = url.split("#", 1)[0]
    if url.startswith("http://") and url.replace("http://", "https://", 1) in url_map():
        return url.replace("http://", "https://", 1)
    return url


@cache
def load_context(url: str) -> dict[str, Any]:
    """The parsed bundled context document for ``url``; raises ``unknown_context``.

    The returned object is shared: callers must not mutate it.
    """
    name = url_map().get(_normalise(url))
    if name is None:
        raise InvalidInput(
            f"JSON-LD context is not bundled and will not be fetched: {url}",
            code=ErrorCode.unknown_context,
            detail=url,
        )
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld-compatible document loader that only serves bundled contexts."""
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
        "contentType": "application/ld+json",
    }
