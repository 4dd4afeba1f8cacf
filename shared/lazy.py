"""A package's public names imported on first use (PEP 562).

For packages whose ``__init__`` would otherwise import costly modules: importing any
``shared.*`` module runs ``shared/__init__.py`` first, and a command line printing
``--help`` should not pay for JSON-LD, cryptography and the models it never uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``homes`` maps each public name
    to the module it lives in; a name is imported when first asked for and kept in the
    package's ``namespace`` (its ``globals()``), so later lookups cost nothing."""

    def getattr_(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *homes})

    return getattr_, dir_
