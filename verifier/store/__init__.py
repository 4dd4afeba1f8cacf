"""The verifier's store: presentation requests and their nonces (SQLAlchemy Core)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.lazy import lazy_exports

if TYPE_CHECKING:
    from verifier.store.records import RequestState, StoredRequest
    from verifier.store.requests import RequestStore, make_engine

# Imported on first use (PEP 562): the records need no SQLAlchemy, and the command
# line verifying a file imports them without the store.
_HOMES = {
    "RequestState": "verifier.store.records",
    "StoredRequest": "verifier.store.records",
    "RequestStore": "verifier.store.requests",
    "make_engine": "verifier.store.requests",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES, globals())


__all__ = ["RequestState", "RequestStore", "StoredRequest", "make_engine"]
