"""The interop matrix generator: a failed row is marked, a skipped row says why, and
docs/interop.md is the generator's output (not written by hand)."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GEN: dict[str, Any] = runpy.run_path(str(ROOT / "scripts" / "gen_interop.py"))


def test_rows_say_passed_failed_or_why_skipped() -> None:
    row = GEN["Row"]
    rows = {
        ("VPQR", "lib A", "both ways"): row(passed=3),
        ("OpenID4VCI", "lib B", "theirs to ours"): row(passed=2, failed=["t::x"]),
        ("VC-JWT", "lib C", "theirs read"): row(skipped=["no node", "no node"]),
    }
    text = GEN["render"](rows)
    lines = text.splitlines()
    assert "| OpenID4VCI | lib B | theirs to ours | **FAILED** | 3 |" in lines
    assert "| VPQR | lib A | both ways | passes | 3 |" in lines
    assert "| VC-JWT | lib C | theirs read | skipped: no node | 0 |" in lines
    # Sorted by format: the order does not depend on the order tests ran in.
    table = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    assert [line.split(" | ")[0] for line in table] == ["| OpenID4VCI", "| VC-JWT", "| VPQR"]


def test_the_committed_matrix_is_generated() -> None:
    text = (ROOT / "docs" / "interop.md").read_text("utf-8")
    assert text.startswith(GEN["HEADER"])
    assert "**FAILED**" not in text
