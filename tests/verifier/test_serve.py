"""``rugzak-verifier serve`` with two worker processes on one SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.runtime.serving import tcp_socket
from tests.verifier.browser_support import free_port


def test_listening_socket_is_tcp_so_connections_get_nodelay() -> None:
    sock = tcp_socket("127.0.0.1", 0)
    try:
        assert sock.proto == 6  # asyncio sets TCP_NODELAY only on IPPROTO_TCP sockets
    finally:
        sock.close()


@pytest.mark.slow
def test_serve_two_workers(tmp_path: Path) -> None:
    port = free_port()
    metrics_dir = tmp_path / "metrics"  # prometheus_client's multiprocess mode
    metrics_dir.mkdir()
    env = dict(os.environ)
    env.update(
        {
            "RUGZAK_VERIFIER_DATA_DIR": str(tmp_path),
            "RUGZAK_VERIFIER_OFFLINE": "true",
            "RUGZAK_VERIFIER_METRICS": "true",
            "RUGZAK_VERIFIER_RATE_LIMIT_PER_MINUTE": "0",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        }
    )
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [sys.executable, "-m", "verifier", "serve", "--port", str(port), "--workers", "2"],
        cwd=root,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=10) as client:
            made = [client.post("/requests").json() for _ in range(10)]
            assert all(r["domain"] == base for r in made)
            for r in made:  # every worker sees every nonce (one shared database)
                assert client.get(f"/requests/{r['challenge']}").json()["state"] == "pending"
        # new connections, so both workers answer some: /metrics adds every worker up
        for _ in range(20):
            assert httpx.post(f"{base}/requests", timeout=10).status_code == 201
        text = httpx.get(f"{base}/metrics", timeout=10).text
        assert (
            'rugzak_http_requests_total{method="POST",route="/requests",'
            'service="verifier",status="201"} 30.0'
        ) in text
        assert len({p.name.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}) == 2
        assert (tmp_path / "verifier.db").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def test_dependencies_run_on_the_event_loop() -> None:
    """A plain ``def`` dependency costs a worker-thread hand-off per request."""
    import inspect

    from verifier.api import deps
    from verifier.api.routers import oid4vp

    found = [deps.get_verifier, deps.get_settings, deps.get_pack, deps.get_limiter]
    found += [deps.get_thread_limiter, oid4vp.get_oid4vp]
    assert all(inspect.iscoroutinefunction(f) for f in found)
