"""The verifier's benchmarks still run end to end (tiny sizes, no timing asserted): the
realistic distinct badges verify over HTTP with no error and a refused replay, in
several runs and with the stack-only server (``--http-stack``); two
replicas on PostgreSQL use every nonce once, also when both get a presentation at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.verifier.test_store import PG_URL
from verifier.store import make_engine

REPO = Path(__file__).resolve().parents[2]


def _bench(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, *args, "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    numbers: dict[str, object] = json.loads(done.stdout[done.stdout.index("{") :])
    return numbers


@pytest.mark.slow
def test_bench_verifier_runs_on_distinct_realistic_badges() -> None:
    numbers = _bench(
        "bench/bench_verifier.py", "--duration", "1", "--rate", "20", "--pool", "7",
        "--workers", "1", "--concurrency", "4", "--runs", "2", "--http-stack",
    )  # fmt: skip
    assert numbers["mode"] == "distinct badges"
    runs = numbers["each_run"]
    assert isinstance(runs, list)
    assert len(runs) == 2
    assert all(run["errors"] == 0 and run["presentations"] > 0 for run in runs)
    # The stack-only server answered (every worker found a valid presentation first).
    assert isinstance(numbers["http_stack_cpu_ms_per_request"], float)
    assert numbers["http_stack_cpu_ms_per_request"] > 0
    assert numbers["http_stack_errors"] == 0
    assert numbers["badges_in_pool"] == 7
    assert numbers["errors"] == 0
    assert numbers["replay_refused"] is True
    assert isinstance(numbers["presentations"], int)
    assert numbers["presentations"] > 0


@pytest.mark.slow
@pytest.mark.postgres
def test_bench_verifier_replicas_uses_every_nonce_once() -> None:
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    finally:
        engine.dispose()
    numbers = _bench(
        "bench/bench_verifier_replicas.py", "--duration", "1", "--rate", "20", "--pool", "5",
        "--race", "6", "--concurrency", "4", "--database-url", PG_URL,
    )  # fmt: skip
    assert numbers["every_nonce_used_once"] is True
    assert numbers["race_one_valid_one_reused"] == 6
    assert numbers["race_both_valid"] == 0
    for phase in ("one_replica", "two_replicas"):
        run = numbers[phase]
        assert isinstance(run, dict)
        assert run["errors"] == 0
