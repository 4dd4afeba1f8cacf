"""Issuer benchmark: issuance throughput (sign + store) and status list regeneration.

    .venv/bin/python bench/bench_issuer.py [--quick]

- Throughput on SQLite (a file, synchronous=FULL) and PostgreSQL (127.0.0.1:5432,
  database ``test``, a throw-away schema; skipped if unreachable): *single* = one
  client issuing one credential per call, *single, 16 clients* = the API path under
  load (16 threads, one credential per call; concurrent calls share a transaction by
  group commit), *batch* = 200 credentials per transaction (the CSV path), and
  *batch, 2 processes* (the machine has 2 cores). Each row prints its target from
  issue 12 and the ratio.
  Every credential gets a random revocation index and an eddsa-rdfc-2022 proof.
- Status list regeneration for a list of 1,000,000 entries, all allocated, 1% revoked:
  read the set bits, build the bitstring, gzip, base64url, sign.

Results are printed and written to ``bench/out/issuer.json``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from random import Random
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, insert, text, update
from sqlalchemy.exc import OperationalError

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from issuer import publish  # noqa: E402
from issuer.achievements import parse_input  # noqa: E402
from issuer.awards import AwardIn, ResultIn  # noqa: E402
from issuer.identity import ProfileIn, initialize  # noqa: E402
from issuer.service import AwardRequest, Issuer  # noqa: E402
from issuer.settings import IssuerSettings  # noqa: E402
from issuer.store import Store  # noqa: E402
from issuer.store import tables as t  # noqa: E402
from issuer.store.status import list_id  # noqa: E402
from shared.keys import SigningKey  # noqa: E402

PASSPHRASE = "benchmark passphrase"
ACHIEVEMENT = {
    "name": "Samenwerken",
    "description": "Werkt samen aan een gedeeld doel.",
    "criteria_narrative": "Laat de vijf gedragingen van het niveau zien.",
    "achievement_type": "Competency",
    "tags": ["levensvaardigheden"],
    "alignments": [
        {
            "target_name": "Samenwerken",
            "target_url": "https://kader.example/samenwerken",
            "target_framework": "Levensvaardigheden",
            "target_code": "LV-03",
        }
    ],
    "result_descriptions": [{"name": "Niveau", "allowed_values": ["1", "2", "3", "4"]}],
    "valid_days": 730,
}
console = Console(highlight=False)
#: Issue 12's targets (credentials per minute): one at a time >= 30,000 (the API path,
#: concurrent clients, group commit), batch >= 100,000. Sequential single issuance by
#: one client waits for each commit; its target is shown for comparison only.
TARGETS = {
    "single": 30_000,
    "single_16_clients": 30_000,
    "batch": 100_000,
    "batch_2_processes": 100_000,
}


def setup(url: str, *, list_size: int = 131_072) -> Issuer:
    store = Store(url)
    initialize(
        store,
        profile=ProfileIn(name="Leerhuis", url="https://leerhuis.example"),
        passphrase=PASSPHRASE,
        now=datetime.now(UTC),
        base_url="https://leerhuis.example",
        kdf="min",
        list_size=list_size,
    )
    store.dispose()
    issuer = Issuer.open(
        IssuerSettings(database_url=url, data_dir=Path(tempfile.gettempdir())),
        passphrase=PASSPHRASE,
    )
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="bench", achievement_id="a")
    return issuer


def requests(n: int, seed: int) -> list[AwardRequest]:
    rng = Random(seed)
    learners = [SigningKey.from_seed(rng.randbytes(32)).did for _ in range(min(n, 500))]
    return [
        AwardRequest(
            "a", learners[i % len(learners)], AwardIn(results=[ResultIn(value=str(1 + i % 4))])
        )
        for i in range(n)
    ]


def single(issuer: Issuer, n: int) -> float:
    work = requests(n, 1)
    start = time.perf_counter()
    for request in work:
        issuer.issue(request, actor="bench")
    return n / (time.perf_counter() - start) * 60


def concurrent_single(issuer: Issuer, n: int, clients: int = 16, seed: int = 3) -> float:
    """The API path under load: ``clients`` threads, each issuing one credential at a
    time (one request, one credential), as the service's worker threads do. Concurrent
    calls share transactions by group commit (``issuer.service.group_commit``)."""
    work = requests(n, seed)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in pool.map(lambda r: issuer.issue(r, actor="bench"), work):
            pass
    return n / (time.perf_counter() - start) * 60


def batch(issuer: Issuer, n: int, chunk: int = 200, seed: int = 2) -> float:
    work = requests(n, seed)
    start = time.perf_counter()
    for i in range(0, n, chunk):
        issuer.issue_many(work[i : i + chunk], actor="bench")
    return n / (time.perf_counter() - start) * 60


def _worker(url: str, n: int, seed: int, ready: Any, go: Any, done: Any) -> None:
    issuer = Issuer.open(
        IssuerSettings(database_url=url, data_dir=Path(tempfile.gettempdir())),
        passphrase=PASSPHRASE,
    )
    work = requests(n, seed)
    issuer.issue(work[0], actor="bench")  # warm up (contexts, schema)
    ready.release()
    go.wait()
    for i in range(1, n, 200):
        issuer.issue_many(work[i : i + 200], actor="bench")
    done.put(time.perf_counter())
    issuer.store.dispose()


def parallel_batch(url: str, n_per_process: int, processes: int = 2) -> float:
    ctx = multiprocessing.get_context("spawn")
    ready, go, done = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(url, n_per_process, 10 + p, ready, go, done))
        for p in range(processes)
    ]
    for w in workers:
        w.start()
    for _ in workers:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    ends = [done.get(timeout=600) for _ in workers]
    for w in workers:
        w.join()
    return processes * (n_per_process - 1) / (max(ends) - start) * 60


def regeneration(url: str, entries: int = 1_000_000, revoked_share: float = 0.01) -> dict[str, Any]:
    issuer = setup(url, list_size=entries)
    lid = list_id("revocation", 1)
    rng = Random(4)
    revoked = set(rng.sample(range(entries), int(entries * revoked_share)))
    start = time.perf_counter()
    with issuer.store.begin() as conn:
        issuer.allocator.current_list(conn, "revocation", issuer.now())
        rows = [
            {"list_id": lid, "idx": i, "credential_id": f"c{i}", "value": int(i in revoked)}
            for i in range(entries)
        ]
        for k in range(0, entries, 50_000):
            conn.execute(insert(t.status_entries), rows[k : k + 50_000])
        conn.execute(update(t.status_lists).where(t.status_lists.c.id == lid).values(version=1))
    fill = time.perf_counter() - start
    timings = []
    for round_ in range(3):
        with issuer.store.begin() as conn:
            conn.execute(
                update(t.status_lists).where(t.status_lists.c.id == lid).values(version=2 + round_)
            )
        start = time.perf_counter()
        published = publish.status_list(issuer, lid)
        timings.append(time.perf_counter() - start)
    body = json.loads(published.body)
    issuer.store.dispose()
    return {
        "entries": entries,
        "revoked": len(revoked),
        "fill_seconds": round(fill, 2),
        "regenerate_ms": round(min(timings) * 1000, 1),
        "regenerate_ms_all": [round(x * 1000, 1) for x in timings],
        "published_bytes": len(published.body),
        "encoded_list_chars": len(body["credentialSubject"]["encodedList"]),
    }


def postgres_url() -> tuple[str, Any] | None:
    for user in ("postgres", "root"):
        base = f"postgresql+psycopg://{user}@127.0.0.1:5432/test?connect_timeout=3"
        engine = create_engine(base)
        try:
            schema = f"rz_bench_{os.getpid()}_{secrets.token_hex(3)}"
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except OperationalError:
            engine.dispose()
            continue
        return f"{base}&options=-csearch_path%3D{schema}", (engine, schema)
    return None


def drop(handle: Any) -> None:
    engine, schema = handle
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> int:
    quick = "--quick" in sys.argv
    n_single, n_batch = (200, 1000) if quick else (1000, 5000)
    results: dict[str, Any] = {"machine_cpus": os.cpu_count(), "quick": quick}
    table = Table("store", "mode", "credentials", "per minute", "target", "ratio")
    with tempfile.TemporaryDirectory() as tmp:
        databases: list[tuple[str, str, Any]] = [("sqlite", f"sqlite:///{tmp}/bench.db", None)]
        pg = postgres_url()
        if pg is None:
            console.print("PostgreSQL not reachable: skipped")
        else:
            databases.append(("postgresql", pg[0], pg[1]))
        try:
            for name, url, _ in databases:
                issuer = setup(url)
                issuer.issue(requests(1, 0)[0], actor="bench")  # warm-up
                rates = {
                    "single": single(issuer, n_single),
                    "single_16_clients": concurrent_single(issuer, n_single * 2),
                    "batch": batch(issuer, n_batch),
                }
                issuer.store.dispose()
                rates["batch_2_processes"] = parallel_batch(url, n_batch // 2 + 1)
                for mode, rate in rates.items():
                    count = {"single": n_single, "single_16_clients": n_single * 2}.get(
                        mode, n_batch
                    )
                    target = TARGETS[mode]
                    table.add_row(
                        name,
                        mode,
                        str(count),
                        f"{rate:,.0f}",
                        f"{target:,}",
                        f"{rate / target:.2f}",
                    )
                results[name] = {k: round(v) for k, v in rates.items()}
        finally:
            for _, _, handle in databases:
                if handle is not None:
                    drop(handle)
        console.print(table)
        regen = regeneration(f"sqlite:///{tmp}/regen.db", 200_000 if quick else 1_000_000)
        results["status_list_regeneration"] = regen
        console.print(
            f"status list of {regen['entries']:,} entries ({regen['revoked']:,} revoked): "
            f"regenerated and signed in {regen['regenerate_ms']} ms; "
            f"{regen['published_bytes']:,} bytes published"
        )
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "issuer.json").write_text(json.dumps(results, indent=2))
    console.print(f"written: {out / 'issuer.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
