"""Plain-Python copies of modules that ``shared.native`` may load compiled.

A compiled module binds its own functions and ``Final`` constants at build time, so a
test that swaps one of them (a spy, a smaller limit) swaps it in such a copy: the same
source, loaded under another name, beside whatever the process imported.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from types import ModuleType
from typing import Any

from shared import native


def pure_copy(module: str) -> ModuleType:
    path = native.source_file(module)
    spec = importlib.util.spec_from_file_location(f"_pure_{module.replace('.', '_')}", path)
    assert spec is not None
    assert spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def n_degree_steps(quads: Iterable[Any]) -> int:
    """How often canonicalizing ``quads`` takes RDFC-1.0's N-degree step (first-degree
    hashes that collide): counted by a spy in a plain copy of ``shared.jsonld.rdfc``."""
    rdfc = pure_copy("shared.jsonld.rdfc")
    calls: list[int] = []
    original = rdfc._n_degree_labels

    def spy(quad_list: list[Any], by_hash: dict[str, list[int]]) -> Any:
        calls.append(len(quad_list))
        return original(quad_list, by_hash)

    rdfc._n_degree_labels = spy
    rdfc.canonicalize(quads)
    return len(calls)
