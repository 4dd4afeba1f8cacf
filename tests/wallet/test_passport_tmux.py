"""The skills passport in a real terminal (tmux, 80x24): the wallet starts, unlocks,
opens the passport with ``s`` and shows the route; skipped where tmux is missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from shared.runtime.sealing import FAST_KDF
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW
from tests.wallet.test_passport import level_badges
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.service import WalletService

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", *args], capture_output=True, text=True, check=True)
    return done.stdout


def wait_for(session: str, text: str, patience: float = 60.0) -> str:
    """The pane once it shows ``text`` (fails with the last capture when it never does)."""
    deadline = time.monotonic() + patience
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never showed; the pane was:\n{screen}")


def filter_skills(session: str, text: str, expected: str) -> str:
    """Type into the skill filter; keys sent before the field has focus go to the
    screen beneath, so on a busy machine the field is focused again and retyped."""
    for _attempt in range(5):
        tmux("send-keys", "-t", session, "/")
        time.sleep(0.5)
        tmux("send-keys", "-t", session, "End", *["BSpace"] * 10)
        tmux("send-keys", "-t", session, "-l", text)
        try:
            return wait_for(session, expected, patience=10.0)
        except AssertionError:
            continue
    return wait_for(session, expected, patience=1.0)


def test_passport_in_a_real_terminal(tmp_path: Path) -> None:
    data = tmp_path / "wallet"
    store = WalletStore.create(data, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=NOW)
    service = WalletService(WalletConfig(data_dir=data, lang="nl", kdf=FAST_KDF), store)
    for badge in level_badges():
        service.import_document(badge)
    store.close()
    session = f"passport-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m wallet --data-dir {data} --lang nl tui"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", str(ROOT), command)
    try:
        wait_for(session, "Wachtzin")
        tmux("send-keys", "-t", session, "-l", PASSPHRASE)
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, "Mijn badges")
        tmux("send-keys", "-t", session, "s")
        wait_for(session, "Hoogste niveau: 2 van 4")
        screen = wait_for(session, "esc Terug")  # the footer is drawn a moment later
        lines = screen.splitlines()
        assert len(lines) == 24
        assert max(len(line) for line in lines) <= 80
        assert "Vaardighedenpaspoort" in lines[0]
        assert "2 van 2 vaardigheden" in screen
        assert "esc Terug" in lines[-1]
        screen = filter_skills(session, "door", "1 van 2 vaardigheden")
        assert "Doorzettingsvermogen  Hoogste niveau: 3 van 4" in screen
        assert "Creativiteit" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
