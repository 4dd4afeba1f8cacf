"""Both services served for real (a uvicorn process, real sockets): connections that
never finish their request head are closed, connections over the cap are closed at
once, a stalled body is answered 408, X-Forwarded-For from loopback does not choose
the rate-limit key, and none of it writes a traceback."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.issuer.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]
HEADER_TIMEOUT = 0.5
MAX_CONNECTIONS = 4
WAIT = 20.0  # generous upper bound for the server to act; the test never sleeps


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"Listening on (http://\S+)", line)
        if found:
            _wait_ready(found.group(1), process)
            return process, found.group(1)
    raise AssertionError(
        f"the server did not start: {process.stderr.read() if process.stderr else ''}"
    )


def _wait_ready(url: str, process: subprocess.Popen[str]) -> None:
    """The socket is bound before uvicorn listens on it: wait for a first answer."""
    for _ in range(400):
        assert process.poll() is None, "the server exited"
        try:
            httpx.get(f"{url}/openapi.json", timeout=WAIT)
            return
        except httpx.ConnectError:
            threading.Event().wait(0.05)
    raise AssertionError("the server did not answer")


def _stop(process: subprocess.Popen[str]) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    return err


@pytest.fixture(params=["verifier", "issuer"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    service = request.param
    prefix = f"RUGZAK_{service.upper()}_"
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            f"{prefix}DATA_DIR": str(tmp_path / service),
            f"{prefix}HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
            f"{prefix}BODY_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
            f"{prefix}MAX_CONNECTIONS": str(MAX_CONNECTIONS),
            f"{prefix}RATE_LIMIT_BURST": "3",
            "RUGZAK_LANG": "en",  # the start line is read below, whatever the machine's locale
        }
    )
    if service == "verifier":
        env[f"{prefix}OFFLINE"] = "true"
        limited = "/requests"
    else:
        env.update({f"{prefix}PASSPHRASE": PASSPHRASE, f"{prefix}KDF": "min"})
        subprocess.run(
            [
                sys.executable,
                "-m",
                "issuer",
                "init",
                "--name",
                "Academy",
                "--base-url",
                "https://academy.example",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        limited = "/oid4vci/nonce"
    process, url = _start([service, "serve", "--port", "0"], env)
    err = ""
    try:
        yield url, limited
    finally:
        err = _stop(process)
    assert "Traceback" not in err, err


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=WAIT)
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


@pytest.mark.slow
def test_connection_limits_with_real_sockets(served: tuple[str, str]) -> None:
    url, limited = served
    # 1. a request head that never completes is closed after the header timeout
    slow = _connect(url)
    slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    assert _closed_by_server(slow)
    slow.close()

    # 2. an idle connection (nothing sent at all) is closed too
    idle = _connect(url)
    assert _closed_by_server(idle)
    idle.close()

    # 3. over the cap: the extra connection is closed at once, the others stay usable
    held = [_connect(url) for _ in range(MAX_CONNECTIONS)]
    extra = _connect(url)
    assert _closed_by_server(extra)
    extra.close()
    for sock in held:
        sock.close()

    # 4. a body that stalls is answered 408 with the Rugzak error shape
    stalled = _connect(url)
    stalled.sendall(
        f"POST {limited} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n{".encode()
    )
    answer = b""
    while chunk := stalled.recv(4096):
        answer += chunk
    stalled.close()
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"request_timeout" in answer

    # 5. X-Forwarded-For from loopback does not pick the rate-limit key (no proxy set)
    with httpx.Client(base_url=url, timeout=WAIT) as client:
        statuses = [
            client.post(limited, headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
            for n in range(5)
        ]
    assert statuses[:3] != [429] * 3
    assert statuses[-1] == 429
