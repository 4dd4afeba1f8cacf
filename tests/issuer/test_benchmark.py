"""The issuer's benchmark still runs end to end (a few dozen credentials, no timing
asserted): every mode on SQLite, and on PostgreSQL when the server is there."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODES = {"single", "16_clients", "16_clients_2_processes", "batch", "batch_2_processes"}


@pytest.mark.slow
def test_bench_issuer_runs_every_mode(tmp_path: Path) -> None:
    out = tmp_path / "issuer.json"
    done = subprocess.run(
        [sys.executable, "bench/bench_issuer.py", "--tiny", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    numbers = json.loads(out.read_text())
    for store in ("sqlite", "postgresql"):
        if store == "postgresql" and store not in numbers:
            continue  # no server: the bench says so and skips it
        assert set(numbers[store]) == MODES
        for mode in MODES:
            row = numbers[store][mode]
            assert row["per_minute"] > 0
            assert row["cpu_ms_per_credential"] > 0
            assert row["target"] in (30_000, 100_000)
    cost = numbers["build_and_sign_cpu_ms"]
    assert cost["shared_part"] > 0
    assert cost["general_path"] > 0
    assert numbers["status_list_regeneration"]["entries"] > 0


def test_a_dead_worker_is_noticed_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies (here: its store cannot be opened) stops the run within
    seconds with WorkerDiedError, instead of a wait of many minutes for its result."""
    monkeypatch.syspath_prepend(str(REPO))
    from bench.bench_issuer import WorkerDiedError, parallel

    start = time.monotonic()
    with pytest.raises(WorkerDiedError, match="died"):
        parallel(f"sqlite:///{tmp_path}/no/such/folder/issuer.db", "batch", 10)
    assert time.monotonic() - start < 60  # the worker's imports take a few seconds
