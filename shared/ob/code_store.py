"""Where compiled schema validators may be kept between processes: the hook.

Compiling the Open Badges JSON Schemas into Python costs each process up to a
second of CPU (:mod:`shared.ob.schema_engine`); the code object that comes out can
be kept (``marshal``) and loaded again by a later process in about a millisecond.
The core does no I/O, so an app installs a store at its edge
(:mod:`shared.runtime.code_cache` keeps one on disk). Without one, validators are
compiled in memory, as every process did before.

This module imports nothing heavy: command lines install a store before they know
whether the command will validate anything at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CodeKey:
    """What a compiled validator is kept under.

    ``slot`` names what was compiled (``achievement-formal``,
    ``achievement-formal-Achievement``: letters, digits and ``-``); a store keeps one
    entry per slot. ``digest`` is the SHA-256 (hex) of everything the compiled code
    depends on, so a changed schema, library or Python finds no entry.
    """

    slot: str
    digest: str


class CodeStore(Protocol):
    """Bytes kept under a :class:`CodeKey`.

    ``get`` answers exactly the bytes last ``put`` under that key, or ``None``; a store
    that cannot read or write says ``None`` and drops the ``put``, it never raises.
    """

    def get(self, key: CodeKey) -> bytes | None: ...

    def put(self, key: CodeKey, payload: bytes) -> None: ...


_installed: CodeStore | None = None


def install(store: CodeStore | None) -> None:
    """Keep compiled validators in ``store`` from now on (``None``: in memory only).

    Validators already compiled in this process stay as they are.
    """
    global _installed
    _installed = store


def installed() -> CodeStore | None:
    """The store validators are kept in, if an app installed one."""
    return _installed
