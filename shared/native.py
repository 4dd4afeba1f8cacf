"""Compiled copies of the verifier's hot paths, used only while they match the source.

Verifying a badge is pure Python spread thin over many small functions; the
canonicalization and term walks are compiled with mypyc (``make native``, part of
``make setup``) into ``shared/_native``, a build folder git ignores. A compiled module
is the same source, so it gives the same answers; it is loaded only if every listed
source file still has the SHA-256 recorded when it was built (all or none: the
compiled modules call each other directly). Otherwise, without a C compiler, or with
``RUGZAK_PURE_PYTHON=1``, Python imports the source as always: nothing depends on
the build but speed.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["GROUP", "MODULES", "NativePlan", "install", "plan", "source_file", "state"]

# The modules compiled, by import name: pure functions and small classes that carry
# most of a verification's interpreter time. Each must be mypyc-clean; see
# docs/operations.md, "Compiled hot paths".
MODULES: tuple[str, ...] = (
    "shared.jsonld.rdfc",
    "shared.jsonld.to_rdf",
    "shared.plain_terms",
    "shared.json_depth",
    "shared.proof.verify",
    "shared.credentials.checks",
    "shared.credentials.fields",
    "shared.showing.results",
    "shared.showing.badge",
    "shared.verification",
    "shared.ob.structure",
    "shared.ob.issues",
    "shared.status_list.check",
    "shared.credentials.status",
    "shared.proof.report",
)
# The shared library of the group; mypyc names it "<group>__mypyc".
GROUP = "rugzak"
MANIFEST = "manifest.json"
PURE_ENV = "RUGZAK_PURE_PYTHON"

_ROOT = Path(__file__).resolve().parent.parent  # the folder holding the shared package
_state = "off: not installed"


@dataclass(frozen=True)
class NativePlan:
    """What to load: module name -> compiled file; empty with ``why`` when none."""

    files: dict[str, Path]
    why: str = ""


def source_file(module: str, root: Path = _ROOT) -> Path:
    return root.joinpath(*module.split(".")).with_suffix(".py")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan(root: Path = _ROOT, modules: Sequence[str] = MODULES) -> NativePlan:
    """Which compiled files match the sources under ``root`` (all of ``modules``)."""
    folder = root / "shared" / "_native"
    try:
        manifest: Any = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return NativePlan({}, "not built (make native)")
    except (OSError, ValueError):
        return NativePlan({}, "its list of compiled files cannot be read (make native)")
    if not isinstance(manifest, dict) or manifest.get("abi") != _abi():
        return NativePlan({}, "built for another Python (make native)")
    entries = manifest.get("modules")
    group = manifest.get("group")
    if not isinstance(entries, dict) or set(entries) != set(modules) or not isinstance(group, str):
        return NativePlan({}, "built for another set of modules (make native)")
    files = {f"{GROUP}__mypyc": folder / group}
    for module in modules:
        entry = entries[module]
        try:
            if not isinstance(entry, dict) or digest(source_file(module, root)) != entry["source"]:
                return NativePlan({}, f"{module} changed since it was compiled (make native)")
        except (OSError, KeyError):
            return NativePlan({}, f"{module} cannot be read")
        files[module] = folder / str(entry["file"])
    if not all(path.is_file() for path in files.values()):
        return NativePlan({}, "a compiled file is missing (make native)")
    return NativePlan(files)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the compiled file of a listed module before Python's own finders do.

    The sources are hashed when the first listed module is imported, not when
    ``shared`` is: a command that never canonicalizes pays nothing."""

    def __init__(self) -> None:
        self.files: dict[str, Path] | None = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in _NAMES:
            return None
        file = self.plan().get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)

    def plan(self) -> dict[str, Path]:
        global _state
        if self.files is None:
            if os.environ.get(PURE_ENV, "") not in ("", "0"):
                found = NativePlan({}, f"{PURE_ENV} is set")
            else:
                found = plan()
            self.files = found.files
            _state = "on" if found.files else f"off: {found.why}"
        return self.files


_NAMES = frozenset((*MODULES, f"{GROUP}__mypyc"))
_finder = _Finder()


def install() -> None:
    """Put the finder in front of Python's own, once per process. Called when the
    ``shared`` package is imported, before any compiled module can be."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def state() -> str:
    """``on``, or ``off: <why>``: what the benchmarks print, for whoever compares runs."""
    _finder.plan()
    return _state


def _abi() -> str:
    return f"{sys.implementation.cache_tag}{importlib.machinery.EXTENSION_SUFFIXES[0]}"
