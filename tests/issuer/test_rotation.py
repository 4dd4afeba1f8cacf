"""Key rotation without restart: an issuer that keeps running (``serve``, every worker)
signs with the key ``rotate-key`` made in another process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from issuer.achievements import parse_input
from issuer.identity import ProfileIn, initialize, rotate_key
from issuer.service import AwardRequest, Issuer
from issuer.settings import IssuerSettings
from issuer.store import Store
from tests.issuer.conftest import ACHIEVEMENT, HOLDER, PASSPHRASE, FakeClock
from tests.verifier.browser_support import free_port

REPO = Path(__file__).resolve().parents[2]
DID = "did:web:badges.leerhuis.example"


def did_web_issuer(settings: IssuerSettings, clock: FakeClock) -> str:
    """An initialised did:web issuer with one achievement; returns its admin token."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.resolved_database_url())
    try:
        _, token = initialize(
            store,
            profile=ProfileIn(name="Leerhuis Utrecht"),
            passphrase=PASSPHRASE,
            now=clock(),
            did_web="badges.leerhuis.example",
            kdf="min",
        )
    finally:
        store.dispose()
    issuer = Issuer.open(settings, passphrase=PASSPHRASE, clock=clock)
    try:
        issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="grit")
    finally:
        issuer.store.dispose()
    return token


def signed_by(issuer: Issuer) -> str:
    issued = issuer.issue(AwardRequest("grit", HOLDER.did), actor="t").credential
    return str(issued["proof"][0]["verificationMethod"])


def rotate(settings: IssuerSettings, clock: FakeClock) -> None:
    store = Store(settings.resolved_database_url())
    try:
        rotate_key(store, Issuer.open(settings).identity, PASSPHRASE, now=clock(), kdf="min")
    finally:
        store.dispose()


@pytest.mark.parametrize(("check_seconds", "after"), [(0.0, "key-2"), (3600.0, "key-1")])
def test_a_running_issuer_follows_a_rotation_made_elsewhere(
    tmp_path: Path, clock: FakeClock, check_seconds: float, after: str
) -> None:
    settings = IssuerSettings(data_dir=tmp_path, kdf="min", key_check_seconds=check_seconds)
    did_web_issuer(settings, clock)
    running = Issuer.open(settings, passphrase=PASSPHRASE, clock=clock)
    try:
        assert signed_by(running) == f"{DID}#key-1"
        rotate(settings, clock)  # another process: the CLI
        # with checks on every signing the new key signs at once; with a long interval
        # the old one (still in the DID document) signs until the next check
        assert signed_by(running) == f"{DID}#{after}"
    finally:
        running.store.dispose()


@pytest.mark.slow
def test_serve_with_two_workers_signs_with_the_rotated_key(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = IssuerSettings(data_dir=tmp_path / "issuer", kdf="min")
    token = did_web_issuer(settings, clock)
    port = free_port()
    env = dict(
        os.environ,
        RUGZAK_ISSUER_PASSPHRASE=PASSPHRASE,
        RUGZAK_ISSUER_KDF="min",
        RUGZAK_ISSUER_DATA_DIR=str(settings.data_dir),
        RUGZAK_ISSUER_KEY_CHECK_SECONDS="0.5",
        RUGZAK_ISSUER_LOG_FORMAT="json",
        RUGZAK_ISSUER_LOG_REQUESTS="true",
        PYTHONPATH=str(REPO),
    )
    env.pop("RUGZAK_ISSUER_DATABASE_URL", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "issuer", "serve", "--port", str(port), "--workers", "2"],
            cwd=REPO,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    headers = {"Authorization": f"Bearer {token}"}
    body = {"achievement_id": "grit", "recipient": HOLDER.did}

    def methods(client: httpx.Client, count: int) -> set[str]:
        found = set()
        for _ in range(count):
            answer = client.post("/credentials", json=body, headers=headers)
            assert answer.status_code == 201, answer.text
            found.add(answer.json()["credential"]["proof"][0]["verificationMethod"])
        return found

    try:
        # a new connection per request, so that both workers answer some
        limits = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20, limits=limits) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/.well-known/did.json").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert server.poll() is None, log.read_text("utf-8", "replace")
                assert time.monotonic() < deadline, "the issuer did not start"
                time.sleep(0.2)
            assert methods(client, 6) == {f"{DID}#key-1"}

            done = subprocess.run(
                [sys.executable, "-m", "issuer", "rotate-key"],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            document = client.get("/.well-known/did.json").json()
            assert document["assertionMethod"][-1] == f"{DID}#key-2"

            # every worker moves to the new key without a restart
            deadline = time.monotonic() + 30
            while methods(client, 1) != {f"{DID}#key-2"}:
                assert time.monotonic() < deadline, "the service kept the old key"
                time.sleep(0.1)
            time.sleep(1.0)  # past every worker's check interval (0.5 s)
            assert methods(client, 20) == {f"{DID}#key-2"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    # the service logged JSON lines (opt-in), one per request, without the learner's DID
    text = log.read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {r["route"] for r in requests} >= {"/credentials", "/.well-known/did.json"}
    assert HOLDER.did not in text
