"""Issuer benchmark: issuance throughput (sign + store) and status list regeneration.

    .venv/bin/python bench/bench_issuer.py [--quick | --tiny] [--out FILE]

(``--tiny``: a few dozen credentials, for the test that keeps the benchmark working.)

- Throughput on SQLite (a file, synchronous=FULL) and PostgreSQL (127.0.0.1:5432,
  database ``test``, a throw-away schema; skipped if unreachable), one credential per
  call unless it says batch:
  *single* = one client, one call at a time (each call waits for its own commit);
  *16 clients* = 16 threads in one process (the API's worker threads: concurrent calls
  share a transaction by group commit); *16 clients, 2 processes* = 8 threads in each
  of two processes, which is what ``rugzak-issuer serve --workers 2`` runs;
  *batch* = 200 credentials per call (the CSV path); *batch, 2 processes* = two
  processes batching at once. Each row prints its target from issue 12, the ratio,
  and the CPU milliseconds per credential of the issuing processes (and, on
  PostgreSQL, of their database server processes).
- The badge is a realistic one (as ``tests/sample_badges.py`` makes them): a did:web
  issuer with a 20 KB logo, an achievement with a 40 KB picture (stored once and
  linked by URL with its digest), a level result, evidence (URL, digest, narrative),
  the learner's hashed e-mail, and both a revocation and a suspension entry; every
  credential gets an eddsa-rdfc-2022 proof.
- Baseline in the same process: CPU to build and sign one credential without the
  database, with the achievement's shared part (``issuer.service.parts``) and on the
  general path (pictures linked, models validated and dumped per credential), and
  their ratio.
- Status list regeneration for a list of 1,000,000 entries, all allocated, 1% revoked:
  read the set bits, build the bitstring, gzip, base64url, sign.

Results are printed and written to ``bench/out/issuer.json``. Wall-clock figures depend
on what else the machine runs: the load average is printed with them.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import queue
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
from sqlalchemy import create_engine, event, insert, text, update
from sqlalchemy.exc import OperationalError

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from issuer import publish  # noqa: E402
from issuer.achievements import parse_input  # noqa: E402
from issuer.awards import AwardIn, ResultIn, evidence_file  # noqa: E402
from issuer.identity import ProfileIn, initialize  # noqa: E402
from issuer.service import AwardRequest, Issuer  # noqa: E402
from issuer.settings import IssuerSettings  # noqa: E402
from issuer.store import Store  # noqa: E402
from issuer.store import tables as t  # noqa: E402
from issuer.store.status import Slot, list_id  # noqa: E402
from shared.keys import SigningKey  # noqa: E402
from tests.sample_images import badge_png, data_uri  # noqa: E402

PASSPHRASE = "benchmark passphrase"
ACHIEVEMENT = {
    "name": "Samenwerken in de zorg",
    "description": "Samenwerken in de zorg: aangetoond in de praktijk tijdens een "
    "leerwerktraject van twintig weken, beoordeeld door een praktijkopleider.",
    "criteria_narrative": "De deelnemer laat het gedrag van het behaalde niveau zien in "
    "minstens drie situaties op de werkvloer, vastgelegd in het portfolio.",
    "achievement_type": "Competency",
    "image": data_uri(badge_png(40, seed=0)),
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
    "in_language": "nl",
    "valid_days": 730,
}
EVIDENCE_FILE = b"portfolio: drie maanden begeleiding van nieuwe collega's" * 40
console = Console(highlight=False, width=150)
#: Issue 12's targets (credentials per minute): one at a time >= 30,000 (the API path,
#: concurrent clients, group commit), batch >= 100,000. A single sequential client
#: waits for each durable commit (an fsync); its target is shown for comparison.
TARGETS = {
    "single": 30_000,
    "16_clients": 30_000,
    "16_clients_2_processes": 30_000,
    "batch": 100_000,
    "batch_2_processes": 100_000,
}
LABELS = {
    "single": "single (1 client)",
    "16_clients": "16 clients, 1 process",
    "16_clients_2_processes": "16 clients, 2 processes",
    "batch": "batch (200 per call)",
    "batch_2_processes": "batch, 2 processes",
}
TICK = os.sysconf("SC_CLK_TCK")


def setup(url: str, *, list_size: int = 131_072) -> Issuer:
    store = Store(url)
    initialize(
        store,
        profile=ProfileIn(
            name="Stichting Leerhuis IJsselvallei",
            url="https://leerhuis-ijsselvallei.example",
            email="badges@leerhuis-ijsselvallei.example",
            image=data_uri(badge_png(20, seed=100)),
            description="Leerwerkplaatsen voor zorg en welzijn in Zwolle en Deventer.",
        ),
        passphrase=PASSPHRASE,
        now=datetime.now(UTC),
        did_web="leerhuis-ijsselvallei.example",
        suspension=True,
        kdf="min",
        list_size=list_size,
    )
    store.dispose()
    issuer = open_issuer(url)
    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="bench", achievement_id="a")
    return issuer


def open_issuer(url: str) -> Issuer:
    issuer = Issuer.open(
        IssuerSettings(database_url=url, data_dir=Path(tempfile.gettempdir())),
        passphrase=PASSPHRASE,
    )
    if url.startswith("postgresql"):
        issuer.store.dispose()  # connections made from here on are tracked
        issuer._bench_backends = Backends(issuer.store.engine)  # type: ignore[attr-defined]
    return issuer


def requests(n: int, seed: int) -> list[AwardRequest]:
    rng = Random(seed)
    learners = [SigningKey.from_seed(rng.randbytes(32)).did for _ in range(min(n, 500))]
    out = []
    for i in range(n):
        evidence = evidence_file(
            EVIDENCE_FILE,
            url=f"https://portfolio.leerhuis-ijsselvallei.example/deelnemer-{i}/samenwerken",
            narrative="Begeleidde drie maanden lang nieuwe collega's op de afdeling "
            "geriatrie en organiseerde het wekelijkse teamoverleg.",
        )
        award = AwardIn(results=[ResultIn(value=str(1 + i % 4))], evidence=[evidence])
        out.append(
            AwardRequest("a", learners[i % len(learners)], award, email=f"deelnemer{i}@example.nl")
        )
    return out


class Cpu:
    """CPU seconds of this process and of its PostgreSQL server processes."""

    def __init__(self, issuer: Issuer) -> None:
        self.issuer = issuer
        self.start = self.now()

    def now(self) -> tuple[float, float]:
        return time.process_time(), backend_cpu(self.issuer)

    def used(self) -> tuple[float, float]:
        end = self.now()
        return end[0] - self.start[0], end[1] - self.start[1]


class Backends:
    """CPU seconds used by the PostgreSQL server processes of one engine's connections,
    including those already closed (their time is read just before they close)."""

    def __init__(self, engine: Any) -> None:
        self.live: set[int] = set()
        self.closed = 0.0
        event.listen(engine, "connect", self._connect)
        event.listen(engine, "close", self._close)

    def _connect(self, dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = int(cursor.fetchone()[0])
        dbapi_connection.commit()
        record.info["backend"] = pid
        self.live.add(pid)

    def _close(self, _dbapi_connection: Any, record: Any) -> None:
        pid = record.info.pop("backend", None)
        if pid is not None:
            self.live.discard(pid)
            self.closed += process_cpu(pid)

    def total(self) -> float:
        return self.closed + sum(process_cpu(pid) for pid in list(self.live))


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process on this machine (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def backend_cpu(issuer: Issuer) -> float:
    """CPU seconds used so far by this issuer's PostgreSQL server processes (0 on
    SQLite, or when the server runs elsewhere)."""
    backends = getattr(issuer, "_bench_backends", None)
    return 0.0 if backends is None else float(backends.total())


def single(issuer: Issuer, n: int) -> tuple[float, tuple[float, float]]:
    work = requests(n, 1)
    cpu = Cpu(issuer)
    start = time.perf_counter()
    for request in work:
        issuer.issue(request, actor="bench")
    return n / (time.perf_counter() - start) * 60, cpu.used()


def concurrent_single(
    issuer: Issuer, n: int, clients: int = 16, seed: int = 3
) -> tuple[float, tuple[float, float]]:
    """The API path under load: ``clients`` threads, each issuing one credential at a
    time (one request, one credential), as the service's worker threads do. Concurrent
    calls share transactions by group commit (``issuer.service.group_commit``)."""
    work = requests(n, seed)
    cpu = Cpu(issuer)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for _ in pool.map(lambda r: issuer.issue(r, actor="bench"), work):
            pass
    return n / (time.perf_counter() - start) * 60, cpu.used()


def batch(
    issuer: Issuer, n: int, chunk: int = 200, seed: int = 2
) -> tuple[float, tuple[float, float]]:
    work = requests(n, seed)
    cpu = Cpu(issuer)
    start = time.perf_counter()
    for i in range(0, n, chunk):
        issuer.issue_many(work[i : i + chunk], actor="bench")
    return n / (time.perf_counter() - start) * 60, cpu.used()


def _worker(url: str, mode: str, n: int, seed: int, ready: Any, go: Any, done: Any) -> None:
    issuer = open_issuer(url)
    work = requests(n + 1, seed)
    issuer.issue(work[0], actor="bench")  # warm up (contexts, schema, caches)
    ready.release()
    go.wait()
    cpu = Cpu(issuer)
    if mode == "batch":
        for i in range(1, n + 1, 200):
            issuer.issue_many(work[i : i + 200], actor="bench")
    else:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in pool.map(lambda r: issuer.issue(r, actor="bench"), work[1:]):
                pass
    done.put((time.perf_counter(), *cpu.used()))
    issuer.store.dispose()


class WorkerDiedError(RuntimeError):
    """A benchmark worker process ended without its result (it raised, or was killed)."""


def parallel(
    url: str, mode: str, n_per_process: int, processes: int = 2
) -> tuple[float, tuple[float, float]]:
    """``processes`` issuer processes at once on one store (``mode``: ``batch``, or
    ``clients``: 8 threads each issuing one credential per call).

    Raises:
        WorkerDiedError: as soon as a worker ends without its result (the others are
            stopped), rather than waiting for it.
    """
    ctx = multiprocessing.get_context("spawn")
    ready, go, done = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(url, mode, n_per_process, 10 + p, ready, go, done))
        for p in range(processes)
    ]
    for w in workers:
        w.start()
    try:
        for _ in workers:
            while not ready.acquire(timeout=WATCH_SECONDS):
                _check_alive(workers, mode)
        start = time.perf_counter()
        go.set()
        ends: list[tuple[float, float, float]] = []
        quiet_since: float | None = None
        while len(ends) < len(workers):
            try:
                ends.append(done.get(timeout=WATCH_SECONDS))
                continue
            except queue.Empty:
                _check_alive(workers, mode)
            # A worker that ended well sent its result first; give it a moment to come
            # through the queue before calling it lost.
            if sum(1 for w in workers if w.exitcode == 0) > len(ends):
                quiet_since = quiet_since or time.perf_counter()
                if time.perf_counter() - quiet_since > 10:
                    raise WorkerDiedError(f"a '{mode}' worker process ended without its result")
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.terminate()
        raise
    finally:
        for w in workers:
            w.join(timeout=60)
    rate = processes * n_per_process / (max(e[0] for e in ends) - start) * 60
    return rate, (sum(e[1] for e in ends), sum(e[2] for e in ends))


#: How often ``parallel`` looks whether its workers are still alive while it waits.
WATCH_SECONDS = 0.5


def _check_alive(workers: list[Any], mode: str) -> None:
    """Raise :class:`WorkerDiedError` if a worker ended with an error (or was killed)."""
    for w in workers:
        if w.exitcode not in (None, 0):
            raise WorkerDiedError(
                f"'{mode}' worker process {w.pid} died (exit code {w.exitcode}); "
                "its error is printed above"
            )


def build_cost(issuer: Issuer, n: int = 300, rounds: int = 3) -> dict[str, float]:
    """CPU ms to build and sign one credential (no database), in this process: with the
    achievement's shared part (what the issuer does) and on the general path (the part
    left out: pictures linked, models validated and dumped, for every credential),
    best of ``rounds`` runs of ``n`` each, alternating."""
    signer = issuer.signer
    work = [issuer.prepare(r) for r in requests(n, 7)]
    general = [dataclasses.replace(p, part=None) for p in work]
    slots = [
        [Slot("revocation-1", i, "revocation"), Slot("suspension-1", i, "suspension")]
        for i in range(n)
    ]
    best = {"shared_part": float("inf"), "general_path": float("inf")}
    for _ in range(rounds):
        for name, batch_ in (("shared_part", work), ("general_path", general)):
            start = time.process_time()
            for i, prepared in enumerate(batch_):
                issuer._make(
                    prepared, actor="bench", signer=signer,
                    credential_id=f"urn:uuid:bench-{i}", slots=slots[i],
                )  # fmt: skip
            best[name] = min(best[name], (time.process_time() - start) / n * 1000)
    return {k: round(v, 3) for k, v in best.items()}


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
    tiny = "--tiny" in sys.argv
    n_single, n_clients, n_batch = (
        (10, 32, 60) if tiny else (200, 800, 2000) if quick else (1000, 4000, 10000)
    )
    results: dict[str, Any] = {
        "machine_cpus": os.cpu_count(),
        "quick": quick,
        "tiny": tiny,
        "load_average_before": os.getloadavg(),
    }
    table = Table(
        "store", "mode", "credentials", "per minute", "target", "ratio", "CPU ms/cred",
        "db CPU ms/cred",
    )  # fmt: skip
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
                runs = {
                    "single": (n_single, single(issuer, n_single)),
                    "16_clients": (n_clients, concurrent_single(issuer, n_clients)),
                    "batch": (n_batch, batch(issuer, n_batch)),
                }
                issuer.store.dispose()
                runs["16_clients_2_processes"] = (
                    n_clients,
                    parallel(url, "clients", n_clients // 2),
                )
                runs["batch_2_processes"] = (n_batch, parallel(url, "batch", n_batch // 2))
                results[name] = {}
                for mode in TARGETS:
                    count, (rate, (cpu, db_cpu)) = runs[mode]
                    target = TARGETS[mode]
                    table.add_row(
                        name,
                        LABELS[mode],
                        f"{count:,}",
                        f"{rate:,.0f}",
                        f"{target:,}",
                        f"{rate / target:.2f}",
                        f"{cpu / count * 1000:.2f}",
                        f"{db_cpu / count * 1000:.2f}" if name == "postgresql" else "-",
                    )
                    results[name][mode] = {
                        "per_minute": round(rate),
                        "target": target,
                        "ratio": round(rate / target, 2),
                        "cpu_ms_per_credential": round(cpu / count * 1000, 3),
                        "db_cpu_ms_per_credential": round(db_cpu / count * 1000, 3),
                    }
        except WorkerDiedError as exc:
            console.print(f"[bold red]benchmark stopped: {exc}[/]")
            return 1
        finally:
            for _, _, handle in databases:
                if handle is not None:
                    drop(handle)
        results["load_average_after"] = os.getloadavg()
        console.print(table)
        cost = build_cost(setup(f"sqlite:///{tmp}/cost.db"), *((20, 1) if tiny else ()))
        results["build_and_sign_cpu_ms"] = cost
        console.print(
            f"building and signing one credential (no database), CPU: "
            f"{cost['shared_part']:.2f} ms with the achievement's shared part, "
            f"{cost['general_path']:.2f} ms on the general path "
            f"(ratio {cost['general_path'] / cost['shared_part']:.1f}x, same process)"
        )
        console.print(
            "load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f} "
            "(other work on the machine slows the wall-clock figures; CPU ms do not "
            "depend on it)".format(*results["load_average_before"], *results["load_average_after"])
        )
        regen = regeneration(
            f"sqlite:///{tmp}/regen.db", 131_072 if tiny else 200_000 if quick else 1_000_000
        )
        results["status_list_regeneration"] = regen
        console.print(
            f"status list of {regen['entries']:,} entries ({regen['revoked']:,} revoked): "
            f"regenerated and signed in {regen['regenerate_ms']} ms; "
            f"{regen['published_bytes']:,} bytes published"
        )
    target = (
        Path(sys.argv[sys.argv.index("--out") + 1])
        if "--out" in sys.argv
        else REPO / "bench" / "out" / "issuer.json"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2))
    console.print(f"written: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
