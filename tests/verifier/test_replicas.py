"""Two verifier replicas (two real ``serve`` processes) on one PostgreSQL database behave
as one: a request's nonce is accepted once whichever replica the presentations reach,
and the rate limit counts a client's calls to both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.verifier.browser_support import free_port
from tests.verifier.helpers import DOMAIN, LEARNER, badge, make_pack, present, signed
from tests.verifier.test_store import PG_URL
from verifier.store import RequestStore, make_engine

REPO = Path(__file__).resolve().parents[2]
BURST = 40


@contextmanager
def replica(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "verifier", "serve", "--port", str(port), "--offline"],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, log.read_text("utf-8", "replace")
            assert time.monotonic() < deadline, "the replica did not start"
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


@pytest.mark.slow
@pytest.mark.postgres
def test_two_replicas_on_one_postgres_accept_a_nonce_once_and_share_the_rate_limit(
    tmp_path: Path,
) -> None:
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        engine.dispose()
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    prefix = f"rzv_{uuid.uuid4().hex[:10]}_"
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        RUGZAK_VERIFIER_DATABASE_URL=PG_URL,
        RUGZAK_VERIFIER_TABLE_PREFIX=prefix,
        RUGZAK_VERIFIER_PUBLIC_ORIGIN=DOMAIN,
        RUGZAK_VERIFIER_DATA_DIR=str(tmp_path),
        RUGZAK_VERIFIER_TRUST_PACK=str(make_pack(tmp_path / "pack.json")),
        RUGZAK_VERIFIER_RATE_LIMIT_PER_MINUTE="1",
        RUGZAK_VERIFIER_RATE_LIMIT_BURST=str(BURST),
    )
    try:
        with ExitStack() as stack:
            bases = [stack.enter_context(replica(env, tmp_path / f"r{i}.log")) for i in range(2)]
            clients = [stack.enter_context(httpx.Client(base_url=b, timeout=30)) for b in bases]
            made = clients[0].post("/requests")
            assert made.status_code == 201, made.text
            challenge = made.json()["challenge"]
            body = {"presentation": present([signed(badge(LEARNER.did))], challenge)}

            # 16 presentations of one nonce at once, half to each replica
            answers: list[dict[str, Any]] = []
            gate = threading.Barrier(16)

            def send(i: int) -> None:
                with httpx.Client(base_url=bases[i % 2], timeout=30) as own:
                    gate.wait()
                    answers.append(own.post("/verify/presentation", json=body).json())

            threads = [threading.Thread(target=send, args=(i,)) for i in range(16)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert [a["verdict"] for a in answers].count("valid") == 1, answers
            refused = [a for a in answers if a["verdict"] != "valid"]
            assert all("nonce_reused" in {c["code"] for c in a["errors"]} for a in refused)

            # the rate limit: 17 calls so far; both replicas draw on one bucket of 40
            statuses = [clients[i % 2].post("/requests").status_code for i in range(30)]
            assert statuses.count(201) == BURST - 17
            assert set(statuses[BURST - 17 :]) == {429}
    finally:
        RequestStore(engine, prefix=prefix).drop_schema()
        engine.dispose()
