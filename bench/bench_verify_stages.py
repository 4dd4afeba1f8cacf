"""CPU per stage of verifying a one-badge presentation, in this process, before/after.

Run: ``.venv/bin/python bench/bench_verify_stages.py [--count 400] [--profile]``

The presentation is realistic (``tests.sample_badges``): a badge of a Dutch issuer
(did:web) with a level result, evidence, a hashed e-mail, linked 40 KB picture and
logo, and both a revocation and a suspension status entry; the learner signs a
presentation bound to a request of the verifier. The verifier is the service's own
(``build_verifier``: trust pack offline, SQLite nonce store); each presentation
answers its own stored request, so every nonce is spent once, as over HTTP.

Three passes over the same presentations, in the same process:
- *first sight* (the headline figure): a badge this process never saw, of an issuer
  whose status lists it already checked (those lists are shared by every badge of
  the issuer, so a running verifier has them after its first badge): the badge-level
  memo (the schema findings of ``shared.ob.schema``) is cleared before each
  verification, the status-list memos are kept;
- *cold*: also the status-list memos (the status list verdicts of
  ``shared.credentials.verify``, the decoded status lists of
  ``shared.status_list.check``) are cleared, as for the first badge of an issuer
  (the code before these memos, give or take the cost of computing the content keys);
- *warm*: as a running verifier sees a badge again (another learner's request for
  the same badge, a re-check): memoized results are used.

Each stage's CPU time is exclusive (a stage inside another is counted once, in the
inner one): structure (JSON-LD term check, OB structure), schema (OB 3.0 JSON
Schema), proofs (every Data Integrity proof: the presentation's, the badge's and the
status lists'), status (reading the lists, apart from their proofs), other (nonce
store, shape checks, endorsements, building the result).

Target (issue 12): server CPU <= 1.5 ms per presentation over HTTP. The HTTP stack
itself, measured with the verification taken out (``bench/bench_verifier.py
--http-stack``), takes about 0.2 ms of that (0.18 to 0.30 ms on 2026-11-28). The sum
printed below is a lower bound: inside a busy server the same verification costs
more CPU than in this loop (0.25 to 0.5 ms more in those runs: the cores go idle
between requests and come back with cold caches), so ``bench_verifier.py`` is the
figure that counts. The machine's load average is printed: on a shared machine CPU
times grow when cores are contended.
"""

from __future__ import annotations

import argparse
import atexit
import cProfile
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared import native  # noqa: E402
from shared.credentials import checks, create_presentation  # noqa: E402
from shared.credentials import verify as verify_module  # noqa: E402
from shared.credentials.verify import clear_list_memo  # noqa: E402
from shared.ob.schema import clear_memo  # noqa: E402
from shared.status_list.check import clear_decoded_lists  # noqa: E402
from tests import sample_badges as sb  # noqa: E402
from verifier.service import build_verifier  # noqa: E402
from verifier.service.verifier import Verifier  # noqa: E402
from verifier.settings import Settings  # noqa: E402
from verifier.store import RequestStore, make_engine  # noqa: E402

TARGET_SERVER_MS, HTTP_MS = 1.5, 0.2
STAGES = ("structure", "schema", "proofs", "status", "other")
PASSES = ("first", "cold", "warm")


class StageClock:
    """Exclusive CPU time per stage: entering a stage pauses the enclosing one."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self._stack: list[list[Any]] = []

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.process_time()
            if self._stack:
                self.totals[self._stack[-1][0]] += now - self._stack[-1][1]
            self._stack.append([name, now])
            try:
                return fn(*args, **kwargs)
            finally:
                end = time.process_time()
                stage, start = self._stack.pop()
                self.totals[stage] += end - start
                if self._stack:
                    self._stack[-1][1] = end

        return timed


def setup(count: int) -> tuple[Verifier, list[dict[str, Any]], int]:
    """The verifier, ``count`` presentations answering its requests, the badge's size."""
    tmp = Path(tempfile.mkdtemp(prefix="rugzak-stages-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # also when stopped early
    with sb.issuer_with_badges() as issuer:
        badge = sb.award(issuer, 0)
        pack = sb.trust_pack(issuer)
    pack.save(tmp / "pack.json")
    url = f"sqlite:///{tmp / 'verifier.db'}"
    store = RequestStore(make_engine(url), prefix="stages_")
    store.create_schema()
    settings = Settings(
        public_origin=sb.DOMAIN,
        database_url=url,
        table_prefix="stages_",
        data_dir=tmp,
        trust_pack=tmp / "pack.json",
        offline=True,
    )
    verifier = build_verifier(
        settings, store=store, clock=lambda: sb.NOW + timedelta(minutes=1)
    ).verifier
    documents = []
    for _ in range(count):
        request = verifier.new_request()
        documents.append(
            create_presentation(
                [badge], sb.LEARNER, challenge=request.challenge, domain=request.domain,
                created=sb.NOW,
            )
        )  # fmt: skip
    return verifier, documents, len(json.dumps(badge))


def run(
    verifier: Verifier, documents: list[dict[str, Any]], *, memos: str
) -> tuple[float, dict[str, float]]:
    """CPU ms per presentation and per stage; ``memos``: one of ``PASSES``."""
    clock = StageClock()
    patches = {
        (verify_module, "_structure"): "structure",
        (checks, "_schema"): "schema",
        (verify_module, "_proof"): "proofs",
        (verify_module, "check_status_entries"): "status",
    }
    originals = {key: getattr(*key) for key in patches}
    for (module, name), stage in patches.items():
        setattr(module, name, clock.wrap(stage, originals[(module, name)]))
    verify = clock.wrap("other", verifier.verify_presentation)
    try:
        start = time.process_time()
        for document in documents:
            if memos in ("first", "cold"):
                clear_memo()
            if memos == "cold":
                clear_list_memo()
                clear_decoded_lists()
            result = verify(document)
            if str(result.verdict) != "valid":
                raise SystemExit(f"not valid: {result.to_dict()}")
        total = time.process_time() - start
    finally:
        for (module, name), original in originals.items():
            setattr(module, name, original)
    n = len(documents)
    return total * 1000 / n, {s: clock.totals[s] * 1000 / n for s in STAGES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=400, help="presentations per pass")
    parser.add_argument("--profile", action="store_true", help="also print a first-sight cProfile")
    args = parser.parse_args()
    load_before = os.getloadavg()
    verifier, documents, size = setup(args.count * len(PASSES) + 40)
    warmup, documents = documents[:40], documents[40:]
    for document in warmup:  # compiled contexts and schemas, as a server has them
        verifier.verify_presentation(document)
    figures = {
        name: run(verifier, documents[i * args.count : (i + 1) * args.count], memos=name)
        for i, name in enumerate(PASSES)
    }
    load_after = os.getloadavg()

    print(f"one-badge presentation (badge {size:,} B JSON), {args.count} per pass, CPU ms each")
    print(f"{'stage':<10} {'first':>8} {'cold':>8} {'warm':>8} {'first/warm':>11}")
    for stage in (*STAGES, "total"):
        values = [
            figures[name][0] if stage == "total" else figures[name][1][stage] for name in PASSES
        ]
        ratio = f"{values[0] / values[2]:10.1f}x" if values[2] > 0.0005 else "         -"
        print(f"{stage:<10} {values[0]:8.3f} {values[1]:8.3f} {values[2]:8.3f} {ratio}")
    budget = TARGET_SERVER_MS - HTTP_MS
    for label, name in (("first sight", "first"), ("cold", "cold"), ("warm", "warm")):
        value = figures[name][0]
        verdict = "meets" if value <= budget else "misses"
        print(
            f"{label}: {value:.2f} ms + HTTP ~{HTTP_MS} ms = {value + HTTP_MS:.2f} ms server CPU "
            f"per presentation at least; target <= {TARGET_SERVER_MS} ms ({verdict} it)"
        )
    print(
        f"load average (1/5/15 min) before {load_before[0]:.1f}/{load_before[1]:.1f}/"
        f"{load_before[2]:.1f}, after {load_after[0]:.1f}/{load_after[1]:.1f}/"
        f"{load_after[2]:.1f} on {os.cpu_count()} cores"
    )
    print(f"compiled hot paths (shared.native): {native.state()}")
    if args.profile:  # first sight, as the headline figure
        again, more, _size = setup(args.count + 20)
        for document in more[:20]:
            again.verify_presentation(document)
        profile = cProfile.Profile()
        profile.enable()
        for document in more[20:]:
            clear_memo()
            again.verify_presentation(document)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
