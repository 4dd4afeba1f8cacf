"""Killing the issuer (kill -9) in the middle of a batch, on SQLite and on PostgreSQL,
loses nothing reported as done, and a re-run completes the file without awarding anyone
twice or reusing an index."""

from __future__ import annotations

import csv
import io
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from random import Random

import pytest

from issuer.achievements import parse_input
from issuer.identity import ProfileIn, initialize
from issuer.service import Issuer, utc_now
from issuer.service.awarding import RESERVE_BLOCK
from issuer.settings import IssuerSettings
from issuer.store import Store
from issuer.store import tables as t
from issuer.store.repository import load
from shared.keys import SigningKey
from tests.issuer.conftest import ACHIEVEMENT, BASE_URL, ISSUER_SEED, PASSPHRASE
from tests.issuer.multiprocess import issuer_process, pg_schema

ROWS = 2000
KILL_AFTER = 200


def _reported(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8-sig")
    # The last line may be cut mid-write; only complete lines count as reported.
    complete = text[: text.rfind("\n") + 1]
    return list(csv.DictReader(io.StringIO(complete)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The batch's database: a SQLite file, or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'issuer.db'}"
        return
    with pg_schema() as url:
        yield url


@pytest.mark.slow
def test_kill_during_batch_then_rerun(tmp_path: Path, database_url: str) -> None:
    """kill -9 in the middle of a batch, on SQLite and on PostgreSQL: every line the
    results file holds was committed, a re-run completes the file, every learner has
    exactly one credential and no status index was handed out twice."""
    url = database_url
    store = Store(url)
    initialize(
        store,
        profile=ProfileIn(name="Academy"),
        passphrase=PASSPHRASE,
        now=utc_now(),
        base_url=BASE_URL,
        kdf="min",
        seed=ISSUER_SEED,
    )
    store.dispose()
    issuer = Issuer.open(IssuerSettings(database_url=url, data_dir=tmp_path), passphrase=PASSPHRASE)
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
    rng = Random(3)
    source = tmp_path / "learners.csv"
    lines = ["did,achievement,result"] + [
        f"{SigningKey.from_seed(rng.randbytes(32)).did},a,{rng.choice('1234')}" for _ in range(ROWS)
    ]
    source.write_text("\n".join(lines) + "\n")
    results = tmp_path / "results.csv"
    args = [
        "batch",
        str(source),
        "--chunk",
        "25",
        "--quiet",
        "--results",
        str(results),
        "--out-dir",
        str(tmp_path / "out"),
    ]

    worker = issuer_process(args, database_url=url)
    try:
        deadline = time.monotonic() + 120
        while len(_reported(results)) < KILL_AFTER and worker.poll() is None:
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
    assert worker.returncode == -signal.SIGKILL, "the batch finished before it could be killed"

    reported = {
        r["line"]: r["credential_id"] for r in _reported(results) if r["outcome"] == "issued"
    }
    assert KILL_AFTER <= len(reported) < ROWS
    with issuer.store.begin() as conn:
        stored = {
            r["id"]: load(r["document"]) for r in conn.execute(t.credentials.select()).mappings()
        }
    assert set(reported.values()) <= set(stored)  # nothing reported as done was lost
    assert all(c["proof"] for c in stored.values())  # nothing half-written

    killed_results = results.read_bytes()
    rerun = issuer_process(args, database_url=url)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr.decode()[-2000:]
    # the killed run's results file is kept as it was; the re-run writes the next name
    assert results.read_bytes() == killed_results
    final = {r["line"]: r for r in _reported(tmp_path / "results-2.csv")}
    assert len(final) == ROWS
    for line, credential_id in reported.items():
        assert final[line]["outcome"] == "already_issued"
        assert final[line]["credential_id"] == credential_id
    assert {r["outcome"] for r in final.values()} <= {"issued", "already_issued"}
    # the results file is whole: one line per learner, each naming its credential file
    assert len({r["credential_id"] for r in final.values()}) == ROWS
    for row in final.values():
        written = json.loads(Path(row["file"]).read_text("utf-8"))
        assert written["id"] == row["credential_id"]
    assert not list((tmp_path / "out").glob(".*.tmp"))  # nothing left of the killed run
    with issuer.store.begin() as conn:
        documents = [load(r["document"]) for r in conn.execute(t.credentials.select()).mappings()]
        entries = conn.execute(t.status_entries.select()).all()
    assert len(documents) == ROWS
    # Indexes are reserved before signing: those of the chunk the kill interrupted
    # stay taken (rows naming credentials that were never stored) and are never used.
    # at most the killed process's reserve: a chunk (--chunk 25) or a reserve block
    assert ROWS <= len(entries) <= ROWS + 25 + RESERVE_BLOCK
    owner = {(e.list_id, e.idx): e.credential_id for e in entries}
    indexes = set()
    for d in documents:
        entry = d["credentialStatus"]
        key = (entry["statusListCredential"].rsplit("/", 1)[-1], int(entry["statusListIndex"]))
        assert owner.get(key) == d["id"], key  # its row names this very credential
        indexes.add(key)
    assert len(indexes) == ROWS  # no index was ever handed out twice
    assert len({d["credentialSubject"]["id"] for d in documents}) == ROWS
    issuer.store.dispose()
    assert "already done" in stdout.decode()
