"""HTTP verification throughput and latency of the verifier under a loopback load.

Run: ``.venv/bin/python bench/bench_verifier.py [--duration 10] [--concurrency 16]
[--workers 2] [--pool 1000] [--runs 3] [--http-stack] [--database-url URL]``

What it does, bounded in time:
1. the real issuer (``tests.sample_badges``: a Dutch organisation, did:web) awards
   ``--pool`` badges, each to another learner (name, level result, evidence, assessor,
   hashed e-mail, picture by URL and digest, a revocation AND a suspension status
   entry), and a trust pack holds its DID document and both signed status lists;
   N fresh presentation requests are stored in the verifier's database, as
   ``POST /requests`` would;
2. each learner signs a presentation of their own badge for one request (eddsa-rdfc-2022),
   in a process pool, before the clock starts. Presentations show the badges in turn,
   so with the default pool (1,000, more than the largest content memo) no memo ever
   answers for a badge: each is verified as a first sight. ``--pool 1`` repeats one
   badge (the memos answer; printed as "repeated badge", not a realistic figure);
3. starts ``rugzak-verifier serve --workers N`` (uvicorn) on 127.0.0.1, offline
   (DIDs and status lists from the pack);
4. drives ``POST /verify/presentation`` from ``--concurrency`` keep-alive
   connections (a small asyncio HTTP/1.1 client, so the load tool costs little of
   the same 2 cores) for ``--duration`` seconds, each nonce used once;
5. reports presentations verified per second, latency percentiles and errors
   (any non-200 answer or a verdict other than valid), and checks that a replayed
   presentation is refused with ``nonce_reused``; also the server's CPU time per
   presentation (from /proc, so it does not depend on what else runs on the
   machine) and the rate the cores could sustain at that cost.

6. measures a same-process baseline first: the same presentations verified by the
   same ``Verifier`` (trust pack, SQLite nonce store) called directly, without HTTP
   (``overhead`` is the server's CPU minus this: it counts what the verification
   costs more inside a busy server, too);
7. ``--runs N``: N timed phases against the same server, the medians printed (CPU times
   on a shared machine wander from minute to minute); ``--http-stack``: then the same
   server without the verification (``bench/http_stack_app.py``), which measures the
   HTTP stack's own CPU per request instead of deriving it.

Targets (issue 12): >= 1,000 one-badge presentations/s over HTTP on 2 cores, p99 < 50 ms,
0 errors, server CPU <= 1.5 ms per presentation. The machine's load average is printed
before and after: on a shared machine throughput and latency follow the load; the CPU
time per presentation depends less on it (it still grows when cores are contended).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import uvloop

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import Engine  # noqa: E402

from issuer.awards import AssessorIn, AwardIn, EvidenceIn, ResultIn  # noqa: E402
from issuer.service import AwardRequest  # noqa: E402
from shared import native  # noqa: E402
from shared.credentials import create_presentation  # noqa: E402
from shared.keys import SigningKey  # noqa: E402
from shared.presentation_request import PresentationRequest  # noqa: E402
from tests import sample_badges as sb  # noqa: E402
from verifier.service import build_verifier  # noqa: E402
from verifier.settings import Settings  # noqa: E402
from verifier.store import RequestStore, make_engine  # noqa: E402

T = TypeVar("T")
TARGET_RATE, TARGET_P99_MS, TARGET_CPU_MS = 1000.0, 50.0, 1.5
BASELINE_COUNT = 300
BASELINE_WARM = 100  # what each of two server workers gets from the 200 warm-up bodies
#: More distinct badges than the largest content memo holds (the schema memo: 512), shown
#: in turn: no memo ever answers for a badge, as for a verifier that sees each badge once.
DEFAULT_POOL = 1000

FIRST_NAMES = (
    "Fatima", "Daan", "Sanne", "Mohammed", "Lotte", "Bram", "Noor", "Jesse", "Anouk", "Sem",
    "Yara", "Thijs", "Femke", "Ruben", "Ilse", "Kofi", "Esmee", "Joris", "Meryem", "Wouter",
)  # fmt: skip
LAST_NAMES = (
    "el Amrani", "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk",
    "Yilmaz", "Dekker", "Brouwer", "de Wit",
)  # fmt: skip
ASSESSORS = ("Marieke Hoekstra", "Erik Kuipers", "Saskia Willems", "Henk Postma")


def learner_key(number: int) -> SigningKey:
    """Learner ``number``'s wallet key (deterministic: the pool is the same every run)."""
    return SigningKey.from_seed(hashlib.sha256(b"rugzak-bench-learner-%d" % number).digest())


def make_badges(pool: int, now: datetime, tmp: Path) -> tuple[list[dict[str, Any]], str]:
    """``pool`` badges as ``rugzak-issuer`` makes them, each for another learner, and the
    trust pack (saved in ``tmp``); returns the badges and the issuer's DID.

    The issuer (``tests.sample_badges``: a Dutch organisation with a did:web identity,
    three achievements with linked pictures) awards badge ``i % 3`` to learner ``i``
    with a level result, evidence, an assessor, the learner's name and hashed e-mail,
    and a revocation and a suspension status entry, so no two badges are the same
    document (content memos cannot answer for them).
    """
    with sb.issuer_with_badges(now=now - timedelta(hours=1)) as issuer:
        badges = []
        for number in range(pool):
            aid, _name, _kb, level = sb.BADGES[number % len(sb.BADGES)]
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number // len(FIRST_NAMES)) % len(LAST_NAMES)]
            slug = f"{first}-{last}".lower().replace(" ", "-")
            award = AwardIn(
                results=[ResultIn(value=str(1 + (number + int(level)) % 4))],
                evidence=[
                    EvidenceIn(
                        url=f"https://portfolio.leerhuis-ijsselvallei.example/{slug}-{number}/{aid}",
                        narrative=f"{first} begeleidde nieuwe collega's op de afdeling en "
                        f"organiseerde het wekelijkse teamoverleg (dossier {number}).",
                    )
                ],
                assessor=AssessorIn(
                    name=ASSESSORS[number % len(ASSESSORS)], role="praktijkopleider"
                ),
                learner_name=f"{first} {last}",
            )
            request = AwardRequest(
                aid,
                learner_key(number).did,
                award=award,
                email=f"{slug}.{number}@example.nl",
            )
            badges.append(issuer.issue(request, actor="bench").credential)
        sb.trust_pack(issuer, created=now).save(tmp / "pack.json")
        did = issuer.identity.did
    return badges, did


def sign_batch(args: tuple[list[tuple[dict[str, Any], int]], list[str], str]) -> list[bytes]:
    """One request body per challenge: the learner's presentation of their badge."""
    owned, challenges, domain = args
    bodies = []
    for (badge, number), challenge in zip(owned, challenges, strict=True):
        presentation = create_presentation(
            [badge], learner_key(number), challenge=challenge, domain=domain
        )
        bodies.append(json.dumps({"presentation": presentation}).encode())
    return bodies


def prepare(
    engine: Engine,
    store: RequestStore,
    badges: list[dict[str, Any]],
    origin: str,
    now: datetime,
    count: int,
) -> list[bytes]:
    """``count`` stored requests and a body answering each; presentation ``i`` shows
    badge ``i % len(badges)`` (in turn, so a bounded memo never sees a badge again
    before it has seen every other one)."""
    requests = [
        PresentationRequest.create(origin, now=now, ttl=timedelta(minutes=30)) for _ in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(
            store.table.insert(),
            [
                {
                    "challenge": r.challenge,
                    "domain": r.domain,
                    "types": "[]",
                    "created_ms": int(now.timestamp() * 1000),
                    "expires_ms": int(r.expires_at.timestamp() * 1000),  # type: ignore[union-attr]
                    "used_ms": None,
                }
                for r in requests
            ],
        )
    owned = [(badges[i % len(badges)], i % len(badges)) for i in range(count)]
    challenges = [r.challenge for r in requests]
    step = 200
    batches = [
        (owned[i : i + step], challenges[i : i + step], origin) for i in range(0, count, step)
    ]
    with ProcessPoolExecutor(max(1, os.cpu_count() or 1)) as pool:
        return [b for batch in pool.map(sign_batch, batches) for b in batch]


# ---------------------------------------------------------------- a tiny HTTP client


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        close = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value.strip())
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, data


async def drive(
    ports: int | list[int], bodies: list[bytes], concurrency: int, duration: float
) -> tuple[list[float], int, int, float]:
    """POST each body once from ``concurrency`` keep-alive connections (connection ``i``
    to ``ports[i % len(ports)]``: round robin over replicas) until ``duration`` passes.
    Returns the latencies, errors (not 200 or not valid), answers and seconds."""
    targets = [ports] if isinstance(ports, int) else ports
    queue = iter(bodies)
    latencies: list[float] = []
    errors = 0
    done = 0
    deadline = time.perf_counter() + duration

    async def worker(port: int) -> None:
        nonlocal errors, done
        conn = Connection("127.0.0.1", port)
        for body in queue:
            if time.perf_counter() > deadline:
                break
            start = time.perf_counter()
            try:
                status, data = await conn.post("/verify/presentation", body)
                ok = status == 200 and json.loads(data).get("verdict") == "valid"
            except (OSError, asyncio.IncompleteReadError, ValueError):
                conn = Connection("127.0.0.1", port)
                ok = False
            latencies.append(time.perf_counter() - start)
            done += 1
            if not ok:
                errors += 1
        if conn.writer is not None:
            conn.writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(targets[i % len(targets)]) for i in range(concurrency)))
    return latencies, errors, done, time.perf_counter() - start


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run the load tool on uvloop, as the server runs (its CPU per request is printed:
    it shares the cores it measures)."""
    return uvloop.run(coroutine)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(origin: str, db_url: str, prefix: str, tmp: Path) -> dict[str, str]:
    """The environment of ``rugzak-verifier serve`` for the benchmark: offline, the trust
    pack in ``tmp``, no rate limit (the load comes from one address)."""
    env = dict(os.environ)
    env.update(
        {
            "RUGZAK_VERIFIER_PUBLIC_ORIGIN": origin,
            "RUGZAK_VERIFIER_DATABASE_URL": db_url,
            "RUGZAK_VERIFIER_TABLE_PREFIX": prefix,
            "RUGZAK_VERIFIER_DATA_DIR": str(tmp),
            "RUGZAK_VERIFIER_TRUST_PACK": str(tmp / "pack.json"),
            "RUGZAK_VERIFIER_OFFLINE": "true",
            "RUGZAK_VERIFIER_RATE_LIMIT_PER_MINUTE": "0",
        }
    )
    return env


def start_server(
    port: int, workers: int, env: dict[str, str], *, stack_only: bool = False
) -> subprocess.Popen[bytes]:
    """``rugzak-verifier serve`` on 127.0.0.1:``port``, once it answers ``/health``;
    ``stack_only``: the same app and server without the verification
    (``bench/http_stack_app.py``)."""
    if stack_only:
        command = [
            sys.executable, str(ROOT / "bench" / "http_stack_app.py"),
            "127.0.0.1", str(port), str(workers),
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "verifier", "serve",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        ]  # fmt: skip
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as reply:
                if reply.status == 200:
                    return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stop_server(server)
                raise SystemExit("the verifier did not start") from None
            time.sleep(0.2)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)


def cpu_seconds(root: int) -> float:
    """User + system CPU of ``root`` and its descendants (Linux /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, wanted = 0.0, {root}
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _cpu) in stats.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        if pid in stats:
            total += stats[pid][1]
    return total


def same_process(
    origin: str, db_url: str, prefix: str, tmp: Path, bodies: list[bytes]
) -> tuple[float, bool]:
    """CPU ms per presentation of the service's ``Verifier`` called directly (after as
    many warm-up presentations as each server worker gets), and whether all were valid."""
    settings = Settings(
        public_origin=origin,
        database_url=db_url,
        table_prefix=prefix,
        data_dir=tmp,
        trust_pack=tmp / "pack.json",
        offline=True,
    )
    engine = make_engine(db_url)
    direct = build_verifier(settings, store=RequestStore(engine, prefix=prefix)).verifier
    documents = [json.loads(b)["presentation"] for b in bodies]
    warm = BASELINE_WARM
    for document in documents[:warm]:
        direct.verify_presentation(document)
    cpu_start = time.process_time()
    verdicts = [direct.verify_presentation(d).verdict for d in documents[warm:]]
    spent = (time.process_time() - cpu_start) * 1000 / max(1, len(verdicts))
    engine.dispose()
    return spent, all(str(v) == "valid" for v in verdicts)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed_run(
    pid: int, port: int, bodies: list[bytes], args: argparse.Namespace
) -> dict[str, float]:
    """One timed phase of ``args.duration`` seconds: rate, latencies, errors, and the
    server's (process ``pid`` and its workers) and the load tool's CPU per answer."""
    cpu_before = cpu_seconds(pid)
    client_before = time.process_time()
    latencies, errors, done, elapsed = run(drive(port, bodies, args.concurrency, args.duration))
    client_cpu = time.process_time() - client_before
    server_cpu = cpu_seconds(pid) - cpu_before
    return {
        "presentations": done,
        "seconds": round(elapsed, 2),
        "presentations_per_s": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p90_ms": round(percentile(latencies, 90) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
        "errors": errors,
        "server_cpu_ms_per_presentation": round(server_cpu * 1000 / max(done, 1), 3),
        "load_tool_cpu_ms_per_presentation": round(client_cpu * 1000 / max(done, 1), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=1100.0, help="presentations/s to prepare for")
    parser.add_argument(
        "--pool",
        type=int,
        default=DEFAULT_POOL,
        help="distinct badges (one learner each) shown in turn; 1: the same badge every time "
        "(a repeated-badge run: content memos answer, not a realistic figure)",
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="timed phases of --duration each against the same server; the figures printed "
        "are their medians (CPU times on a shared machine wander from minute to minute)",
    )
    parser.add_argument(
        "--http-stack",
        action="store_true",
        help="then measure the same server without the verification "
        "(bench/http_stack_app.py): the HTTP stack's own CPU per request",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()

    args.port = args.port or free_port()
    now = datetime.now(UTC).replace(microsecond=0)
    origin = f"http://127.0.0.1:{args.port}"
    tmp = Path(tempfile.mkdtemp(prefix="rugzak-bench-"))
    db_url = args.database_url or f"sqlite:///{tmp / 'verifier.db'}"
    prefix = f"bench{os.getpid()}_"
    count = int(args.rate * args.duration) * args.runs + 340 + BASELINE_COUNT
    load_before = os.getloadavg()

    t0 = time.perf_counter()
    badges, _issuer = make_badges(args.pool, now, tmp)
    issue_s = time.perf_counter() - t0
    engine = make_engine(db_url)
    store = RequestStore(engine, prefix=prefix)
    store.create_schema()
    bodies = prepare(engine, store, badges, origin, now, count)
    prepare_s = time.perf_counter() - t0

    # Same-process baseline: the same Verifier and store, called directly, in a fresh
    # process (this one issued the badges: its canonicalization memos know them).
    baseline_bodies, bodies = bodies[:BASELINE_COUNT], bodies[BASELINE_COUNT:]
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
        same_process_ms, all_valid = fresh.submit(
            same_process, origin, db_url, prefix, tmp, baseline_bodies
        ).result()
    if not all_valid:
        print("the same-process baseline did not verify", file=sys.stderr)
        store.drop_schema()
        engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
        return 2

    env = server_env(origin, db_url, prefix, tmp)
    server = start_server(args.port, args.workers, env)
    stack: dict[str, float] | None = None
    try:
        # The last bodies are kept for the stack-only server: each of its workers
        # verifies them at start until one is valid (a nonce not spent yet).
        warm, rest, spare = bodies[:200], bodies[200:-40], bodies[-40:]
        run(drive(args.port, warm, args.concurrency, 30))  # every worker warms up
        share = len(rest) // args.runs
        runs = [
            timed_run(server.pid, args.port, rest[i * share : (i + 1) * share], args)
            for i in range(args.runs)
        ]

        async def replay() -> tuple[int, bytes]:
            return await Connection("127.0.0.1", args.port).post("/verify/presentation", rest[0])

        _status, data = run(replay())
        replay_refused = "nonce_reused" in data.decode()
        stop_server(server)
        if args.http_stack:
            # The same server without the verification: what the stack itself costs.
            spare_file = tmp / "stack-bodies.json"
            spare_file.write_text(json.dumps([body.decode() for body in spare]))
            stack_env = {**env, "RUGZAK_BENCH_STACK_BODIES": str(spare_file)}
            server = start_server(args.port, args.workers, stack_env, stack_only=True)
            # Each worker answers with a valid result it found at start, so bodies can
            # be sent again (several times as many requests per second).
            run(drive(args.port, warm, args.concurrency, 30))
            stack = timed_run(server.pid, args.port, rest * 10, args)
    finally:
        stop_server(server)
        store.drop_schema()
        engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)

    def median(key: str) -> float:
        return round(statistics.median(r[key] for r in runs), 2)

    errors = sum(int(r["errors"]) for r in runs)
    cpu = median("server_cpu_ms_per_presentation")
    numbers: dict[str, Any] = {
        "mode": "distinct badges" if args.pool > 1 else "repeated badge (memos answer)",
        "badges_in_pool": len(badges),
        "badge_bytes": round(statistics.mean(len(json.dumps(b)) for b in badges)),
        "workers": args.workers,
        "concurrency": args.concurrency,
        "runs": args.runs,
        "presentations": sum(int(r["presentations"]) for r in runs),
        "seconds": round(sum(r["seconds"] for r in runs), 2),
        "presentations_per_s": median("presentations_per_s"),
        "p50_ms": median("p50_ms"),
        "p90_ms": median("p90_ms"),
        "p99_ms": median("p99_ms"),
        "max_ms": round(max(r["max_ms"] for r in runs), 2),
        "errors": errors,
        "replay_refused": replay_refused,
        "server_cpu_ms_per_presentation": cpu,
        "load_tool_cpu_ms_per_presentation": median("load_tool_cpu_ms_per_presentation"),
        "capacity_per_s_on_idle_cores": round((os.cpu_count() or 1) * 1000 / max(cpu, 1e-9)),
        "same_process_cpu_ms_per_presentation": round(same_process_ms, 2),
        "http_overhead_cpu_ms_per_presentation": round(cpu - same_process_ms, 2),
        "issue_s": round(issue_s, 1),
        "prepare_s": round(prepare_s, 1),
        "cores": os.cpu_count(),
        # The server is started from this folder with this environment: the same state.
        "compiled_hot_paths": native.state(),
        "load_average_before": round(load_before[0], 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    if args.runs > 1:
        numbers["each_run"] = runs
    if stack is not None:
        numbers["http_stack_cpu_ms_per_request"] = stack["server_cpu_ms_per_presentation"]
        numbers["http_stack_requests_per_s"] = stack["presentations_per_s"]
        numbers["http_stack_errors"] = stack["errors"]
        numbers["verification_in_server_cpu_ms"] = round(
            cpu - stack["server_cpu_ms_per_presentation"], 2
        )
    if args.json:
        print(json.dumps(numbers, indent=2))
    else:
        for key, value in numbers.items():
            if key != "each_run":
                print(f"{key:>38}: {value}")
        for index, each in enumerate(numbers.get("each_run", ()), 1):
            print(
                f"{'run ' + str(index):>38}: {each['presentations_per_s']}/s, "
                f"p99 {each['p99_ms']} ms, {each['errors']} errors, "
                f"server CPU {each['server_cpu_ms_per_presentation']} ms/presentation"
            )
        cpu = numbers["server_cpu_ms_per_presentation"]
        checks = [
            ("presentations/s", numbers["presentations_per_s"], f">= {TARGET_RATE:.0f}",
             numbers["presentations_per_s"] >= TARGET_RATE),
            ("p99 latency (ms)", numbers["p99_ms"], f"< {TARGET_P99_MS:.0f}",
             numbers["p99_ms"] < TARGET_P99_MS),
            ("errors", errors, "0", errors == 0),
            ("server CPU ms/presentation", cpu, f"<= {TARGET_CPU_MS}", cpu <= TARGET_CPU_MS),
            ("  of which same-process verify", numbers["same_process_cpu_ms_per_presentation"],
             "", True),
            ("  of which HTTP stack", numbers["http_overhead_cpu_ms_per_presentation"], "", True),
        ]  # fmt: skip
        if stack is not None:
            checks[-2:] = [
                ("  of which HTTP stack (measured)", numbers["http_stack_cpu_ms_per_request"],
                 "", True),
                ("  of which verification in server", numbers["verification_in_server_cpu_ms"],
                 "", True),
                ("  (same-process verification)", numbers["same_process_cpu_ms_per_presentation"],
                 "", True),
            ]  # fmt: skip
        print()
        for name, value, target, met in checks:
            mark = "" if not target else ("met" if met else "NOT met")
            print(f"{name:>32}: {value!s:>9}  {target:>8}  {mark}")
        print(
            f"{'load average (1 min)':>32}: {numbers['load_average_before']} before, "
            f"{numbers['load_average_after']} after, on {numbers['cores']} cores"
        )
        print(f"{'compiled hot paths':>32}: {numbers['compiled_hot_paths']}")
    return 0 if errors == 0 and replay_refused else 1


if __name__ == "__main__":
    sys.exit(main())
