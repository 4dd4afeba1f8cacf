"""Taking a warmed-up service's long-lived objects out of the cyclic collector's walks.

A worker that has started (modules, schemas and their compiled validators, JSON-LD
contexts, the trust pack) holds some 140,000 container objects that live as long as
the process. Python's cyclic collector walks all of them in every full collection,
and serving requests sets one off every few thousand requests (what the content memos
keep ages into the oldest generation): about a tenth of a second of CPU each time,
some 40 microseconds per verified presentation on average. ``gc.freeze`` moves what
is alive into a generation the collector never walks; objects keep dying by reference
counting as before, only cycles among the frozen ones would no longer be found.
"""

from __future__ import annotations

import gc
import threading

__all__ = ["settle"]

_lock = threading.Lock()
_settled = False


def settle(*, collect: bool = True) -> bool:
    """Once per process, after start-up: collect what start-up left as garbage, then
    freeze the rest. Returns whether this call did it (later calls do nothing: a
    process that builds several apps, as tests do, freezes once).

    ``collect=False`` freezes without the full collection first (about a tenth of a
    second): for a caller on a command's path, where that would be felt."""
    global _settled
    with _lock:
        if _settled:
            return False
        _settled = True
    if collect:
        gc.collect()
    gc.freeze()
    return True
