"""``shared.runtime.heap.settle``: a started service's objects are frozen out of the
cyclic collector's walks, once per process."""

from __future__ import annotations

import gc

import pytest

from shared.runtime import heap


def test_settle_collects_then_freezes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(heap, "_settled", False)
    monkeypatch.setattr(gc, "collect", lambda *_args: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    assert heap.settle() is True
    assert heap.settle() is False  # another app in the same process: nothing again
    assert calls == ["collect", "freeze"]
