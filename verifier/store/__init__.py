"""The verifier's store: presentation requests and their nonces (SQLAlchemy Core)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'verifier.store' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = ["RequestState", "RequestStore", "StoredRequest", "make_engine"]
