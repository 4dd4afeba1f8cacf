"""Several issuer processes awarding at once into one database: every status index
is unique and every credential verifies (PostgreSQL, and SQLite for comparison)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
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
from tests.issuer.helpers import status_source, verify
from tests.issuer.multiprocess import REPO, issuer_process, pg_schema

PROCESSES = 4
ROWS_PER_PROCESS = 60


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    with pg_schema() as url:
        yield url


@pytest.mark.slow
def test_parallel_processes_never_share_an_index(database_url: str, tmp_path: Path) -> None:
    store = Store(database_url)
    initialize(
        store,
        profile=ProfileIn(name="Academy"),
        passphrase=PASSPHRASE,
        now=utc_now(),
        base_url=BASE_URL,
        suspension=True,
        kdf="min",
        seed=ISSUER_SEED,
    )
    store.dispose()
    settings = IssuerSettings(database_url=database_url, data_dir=tmp_path)
    issuer = Issuer.open(settings, passphrase=PASSPHRASE)
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
    rng = Random(11)
    workers = []
    for p in range(PROCESSES):
        source = tmp_path / f"batch-{p}.csv"
        lines = ["did,achievement,result"]
        for _ in range(ROWS_PER_PROCESS):
            learner = SigningKey.from_seed(rng.randbytes(32))
            lines.append(f"{learner.did},a,{rng.choice('1234')}")
        source.write_text("\n".join(lines) + "\n")
        workers.append(
            issuer_process(
                [
                    "batch",
                    str(source),
                    "--chunk",
                    "7",
                    "--quiet",
                    "--out-dir",
                    str(tmp_path / f"out-{p}"),
                ],
                database_url=database_url,
                rng_seed=42,  # the same draws in every process: collisions on purpose
            )
        )
    try:
        for worker in workers:
            stdout, stderr = worker.communicate(timeout=180)
            assert worker.returncode == 0, stderr.decode()[-2000:]
            assert f"{ROWS_PER_PROCESS} issued" in stdout.decode()
    finally:
        for worker in workers:  # never leave a process behind, even on failure
            if worker.poll() is None:
                worker.kill()
            worker.communicate()

    total = PROCESSES * ROWS_PER_PROCESS
    with issuer.store.begin() as conn:
        documents = [
            load(d)
            for d in conn.execute(t.credentials.select()).mappings().all()
            for d in [d["document"]]
        ]
        entries = conn.execute(t.status_entries.select()).all()
    assert len(documents) == total
    # each process may end with ids reserved ahead and not used (never used later)
    assert 2 * total <= len(entries) <= 2 * total + 2 * PROCESSES * RESERVE_BLOCK
    owner = {(e.list_id, e.idx): e.credential_id for e in entries}
    seen: set[tuple[str, str]] = set()
    for credential in documents:
        for entry in credential["credentialStatus"]:
            key = (entry["statusListCredential"], entry["statusListIndex"])
            assert key not in seen, key
            seen.add(key)
            list_id = entry["statusListCredential"].rsplit("/", 1)[-1]
            assert owner[(list_id, int(entry["statusListIndex"]))] == credential["id"]
    assert len(seen) == 2 * total
    source = status_source(issuer)
    now = utc_now() + timedelta(seconds=5)
    for credential in documents:
        result = verify(credential, source, now)
        assert result.verified, result.to_dict()
    issuer.store.dispose()


@pytest.mark.slow
def test_one_by_one_awards_in_two_processes_never_share_an_index(
    database_url: str, tmp_path: Path
) -> None:
    """What `serve --workers 2` does under load: two processes, each with threads
    issuing one credential per call (group commit, ids and slots reserved ahead in
    blocks), the same index draws in both: no index is handed out twice, every stored
    credential's slots are rows naming it, and every credential verifies."""
    store = Store(database_url)
    initialize(
        store,
        profile=ProfileIn(name="Academy"),
        passphrase=PASSPHRASE,
        now=utc_now(),
        base_url=BASE_URL,
        suspension=True,
        kdf="min",
        seed=ISSUER_SEED,
    )
    store.dispose()
    issuer = Issuer.open(
        IssuerSettings(database_url=database_url, data_dir=tmp_path), passphrase=PASSPHRASE
    )
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")
    env = {
        **os.environ,
        "RUGZAK_ISSUER_PASSPHRASE": PASSPHRASE,
        "RUGZAK_ISSUER_DATABASE_URL": database_url,
        "PYTHONPATH": str(REPO),
        "TMPDIR": str(tmp_path),
    }
    count = 80
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.issuer.concurrent_awards", "42", str(count), "6"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    try:
        for worker in workers:
            stdout, stderr = worker.communicate(timeout=300)
            assert worker.returncode == 0, stderr.decode()[-2000:]
            assert f"{count} issued" in stdout.decode()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
            worker.communicate()
    with issuer.store.begin() as conn:
        documents = [load(r["document"]) for r in conn.execute(t.credentials.select()).mappings()]
        entries = conn.execute(t.status_entries.select()).all()
    assert len(documents) == 2 * count
    owner = {(e.list_id, e.idx): e.credential_id for e in entries}
    assert len(owner) == len(entries)
    seen: set[tuple[str, str]] = set()
    for credential in documents:
        for entry in credential["credentialStatus"]:
            key = (entry["statusListCredential"], entry["statusListIndex"])
            assert key not in seen, key
            seen.add(key)
            list_id = entry["statusListCredential"].rsplit("/", 1)[-1]
            assert owner[(list_id, int(entry["statusListIndex"]))] == credential["id"]
    source = status_source(issuer)
    now = utc_now() + timedelta(seconds=5)
    for credential in documents:
        result = verify(credential, source, now)
        assert result.verified, result.to_dict()
    issuer.store.dispose()
