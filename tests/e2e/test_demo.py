"""`make demo` keeps working: run the demo script end to end in a temp folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
@pytest.mark.slow
def test_demo_runs_to_the_end(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Demo finished" in proc.stdout
    assert "identical = True" in proc.stdout
    assert (tmp_path / "demo-out" / "presentation-1.png").is_file()
    revoked = proc.stdout.split("12. Issuer revokes")[-1].split("13. The learner's wallet")[0]
    assert "1 badge checked: 1 revoked" in revoked
    assert "The issuer has revoked this badge." in revoked
    # step headings in full: a bare "14." also occurs inside random ids and times
    assert "revoked" in proc.stdout.split("13. The learner's wallet refreshes")[-1]
    disclosure = proc.stdout.split("14. Selective disclosure")[-1].split("15. Skill levels")[0]
    assert "The signature is genuine (ecdsa-sd-2023)" in disclosure
    employer = proc.stdout.split("16. The employer")[-1]
    assert "Level 2 of 4" in employer  # the badge's own line: "Level 2 of 4 — Op weg"
    assert "Level 1 of 4" in employer
    assert "file fixed by its digest" in employer
    assert "match = True" in employer
