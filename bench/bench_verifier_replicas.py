"""Verifier replicas on one PostgreSQL: does throughput scale, do nonces stay single-use?

Run: ``.venv/bin/python bench/bench_verifier_replicas.py [--duration 8] [--concurrency 16]
[--pool 1000] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
[--rate-limit-per-minute 0]``

What it does, bounded in time:
1. the same realistic, distinct badges as ``bench/bench_verifier.py`` (the real issuer,
   ``--pool`` learners each presenting their own badge) and one presentation per stored
   request, all in one set of tables (a throw-away table prefix) in PostgreSQL;
2. starts two replicas, each ``rugzak-verifier serve --workers 1`` on its own port,
   with the same settings and database, as two machines behind a load balancer;
3. *1 replica*: drives ``POST /verify/presentation`` on replica A alone from
   ``--concurrency`` keep-alive connections for ``--duration`` seconds;
4. *2 replicas*: the same load with the connections spread round robin over A and B
   (other presentations, same kind);
5. *race*: ``--race`` presentations each sent to A and B at the same moment: exactly one
   of the two may be valid, the other must be ``nonce_reused``;
6. checks in the database that every nonce was used at most once and that the nonces
   marked used are exactly the presentations answered valid.

It prints presentations/s, p50/p99 and errors for both runs, the scaling ratio (2
replicas against 1, measured in this process one after the other) and each replica's
CPU per presentation. On 2 cores the ideal ratio is below 2: the load tool and
PostgreSQL run on the same cores. The load average is printed before and after.

With ``--rate-limit-per-minute N`` (a high N: the load comes from one address) every
request also takes a token from the rate limit, shared by both replicas in PostgreSQL,
so its cost shows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import sqlalchemy as sa  # noqa: E402
from bench_verifier import (  # noqa: E402
    DEFAULT_POOL,
    TARGET_P99_MS,
    Connection,
    cpu_seconds,
    drive,
    free_port,
    make_badges,
    percentile,
    prepare,
    run,
    server_env,
    start_server,
    stop_server,
)

from verifier.store import RequestStore, make_engine  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test?connect_timeout=5"
ORIGIN = "https://verifier.bench.example"  # what both replicas are, behind the proxy
WARM = 100


def run_phase(
    ports: list[int], servers: list[Any], bodies: list[bytes], concurrency: int, duration: float
) -> dict[str, Any]:
    """One timed run; figures and the bodies answered (each answered once)."""
    before = [cpu_seconds(s.pid) for s in servers]
    latencies, errors, done, elapsed = run(drive(ports, bodies, concurrency, duration))
    cpu = [cpu_seconds(s.pid) - b for s, b in zip(servers, before, strict=True)]
    return {
        "replicas": len(ports),
        "presentations": done,
        "seconds": round(elapsed, 2),
        "presentations_per_s": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "errors": errors,
        "server_cpu_ms_per_presentation": round(sum(cpu) * 1000 / max(done, 1), 2),
        "valid": done - errors,
    }


async def race(ports: list[int], bodies: list[bytes]) -> tuple[int, int, int]:
    """Each body to both replicas at once: (pairs with one valid and one nonce_reused,
    pairs with two valid, other outcomes)."""
    single = double = other = 0
    for body in bodies:
        answers = await asyncio.gather(
            *(Connection("127.0.0.1", port).post("/verify/presentation", body) for port in ports)
        )
        verdicts = [json.loads(data).get("verdict") if s == 200 else None for s, data in answers]
        reused = ["nonce_reused" in data.decode() for _s, data in answers]
        valid = verdicts.count("valid")
        if valid == 1 and sum(reused) == len(ports) - 1:
            single += 1
        elif valid > 1:
            double += 1
        else:
            other += 1
    return single, double, other


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pool", type=int, default=DEFAULT_POOL)
    parser.add_argument("--rate", type=float, default=700.0, help="presentations/s to prepare for")
    parser.add_argument("--race", type=int, default=100, help="presentations sent to both at once")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rate-limit-per-minute", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("replicas share a PostgreSQL database: give a postgresql+psycopg:// URL")

    now = datetime.now(UTC).replace(microsecond=0)
    tmp = Path(tempfile.mkdtemp(prefix="rugzak-replicas-"))
    prefix = f"replicas{os.getpid()}_"
    load_before = os.getloadavg()
    badges, _issuer = make_badges(args.pool, now, tmp)
    engine = make_engine(args.database_url)
    store = RequestStore(engine, prefix=prefix)
    store.create_schema()
    per_run = int(args.rate * args.duration)
    count = 2 * (WARM + per_run) + args.race
    bodies = prepare(engine, store, badges, ORIGIN, now, count)
    warm, one, two, raced = (
        bodies[:WARM],
        bodies[WARM : WARM + per_run],
        bodies[WARM + per_run : WARM + 2 * per_run],
        bodies[WARM + 2 * per_run : WARM + 2 * per_run + args.race],
    )
    warm_b = bodies[-WARM:]

    env = server_env(ORIGIN, args.database_url, prefix, tmp)
    if args.rate_limit_per_minute:
        env["RUGZAK_VERIFIER_RATE_LIMIT_PER_MINUTE"] = str(args.rate_limit_per_minute)
        env["RUGZAK_VERIFIER_RATE_LIMIT_BURST"] = str(args.rate_limit_per_minute)
    ports = [free_port(), free_port()]
    servers: list[Any] = []
    try:
        try:
            for port in ports:
                servers.append(start_server(port, 1, env))
            pairs = zip(ports, (warm, warm_b), strict=True)
            warmed = [run(drive(port, some, 4, 30)) for port, some in pairs]
            single = run_phase(ports[:1], servers[:1], one, args.concurrency, args.duration)
            both = run_phase(ports, servers, two, args.concurrency, args.duration)
            raced_once, raced_twice, raced_other = run(race(ports, raced))
        finally:
            for server in servers:
                stop_server(server)
        t = store.table
        with engine.connect() as conn:
            used = conn.execute(
                sa.select(sa.func.count()).select_from(t).where(t.c.used_ms.is_not(None))
            ).scalar_one()
    finally:
        store.drop_schema()
        engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
    warm_valid = sum(done - errors for _lat, errors, done, _s in warmed)
    answered_valid = warm_valid + single["valid"] + both["valid"] + raced_once + 2 * raced_twice
    numbers = {
        "badges_in_pool": len(badges),
        "concurrency": args.concurrency,
        "rate_limit_per_minute": args.rate_limit_per_minute,
        "one_replica": single,
        "two_replicas": both,
        "scaling_ratio": round(both["presentations_per_s"] / single["presentations_per_s"], 2),
        "race_pairs": args.race,
        "race_one_valid_one_reused": raced_once,
        "race_both_valid": raced_twice,
        "race_other": raced_other,
        "nonces_used_in_database": used,
        "valid_answers": answered_valid,
        "every_nonce_used_once": used == answered_valid and raced_twice == 0,
        "cores": os.cpu_count(),
        "load_average_before": round(load_before[0], 2),
        "load_average_after": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(numbers, indent=2))
    else:
        print(f"{len(badges)} distinct badges, {args.concurrency} connections, PostgreSQL")
        print(f"{'':>12} {'pres/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'CPU ms':>7}")
        for label, phase in (("1 replica", single), ("2 replicas", both)):
            print(
                f"{label:>12} {phase['presentations_per_s']:8.1f} {phase['p50_ms']:8.2f} "
                f"{phase['p99_ms']:8.2f} {phase['errors']:7d} "
                f"{phase['server_cpu_ms_per_presentation']:7.2f}"
            )
        print(f"scaling 2 replicas / 1: {numbers['scaling_ratio']}x (p99 target < {TARGET_P99_MS})")
        print(
            f"race: {raced_once} of {args.race} pairs one valid + one nonce_reused, "
            f"{raced_twice} both valid, {raced_other} other"
        )
        print(
            f"nonces used in the database: {used}, valid answers: {answered_valid}: "
            + ("every nonce used once" if numbers["every_nonce_used_once"] else "MISMATCH")
        )
        print(
            f"load average (1 min): {numbers['load_average_before']} before, "
            f"{numbers['load_average_after']} after, on {numbers['cores']} cores"
        )
    ok = numbers["every_nonce_used_once"] and not single["errors"] and not both["errors"]
    return 0 if ok and raced_other == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
