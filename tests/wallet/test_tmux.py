"""The wallet in a real terminal: tmux runs ``python -m wallet`` and we read the screen.

Textual's headless pilot draws every dialog even when a real terminal would not, so
these checks look at what tmux shows: the save dialog on the QR screen and an error
dialog at 80x24 and 120x40, the files they write, and the pick marks without colour.
One tmux server of its own (``-L``), one session, resized between the two sizes.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.runtime.sealing import FAST_KDF
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, fixed_clock, make_credential, seeded_rng
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.service import WalletService

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

DEADLINE = 30.0  # seconds to wait for a screen before failing (never an assertion on speed)


class Terminal:
    """A detached tmux session on a private server, read with ``capture-pane``."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def screen(self, *, colour: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if colour else []), "-t", self.session)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def resize(self, columns: int, rows: int) -> None:
        self.tmux("resize-window", "-t", self.session, "-x", str(columns), "-y", str(rows))

    def wait_for(self, text: str, *, gone: bool = False) -> str:
        """The screen once ``text`` shows on it (or, with ``gone``, no longer does)."""
        end = time.monotonic() + DEADLINE
        while True:
            shown = self.screen()
            if (text in shown) != gone:
                return shown
            if time.monotonic() > end:
                what = "never went" if gone else "never appeared"
                raise AssertionError(f"{text!r} {what}; the screen shows:\n{shown}")
            time.sleep(0.1)

    def until(self, keys: tuple[str, ...], text: str, *, gone: bool = False) -> None:
        """Send ``keys`` (again, twice a second) until ``text`` shows (or goes).

        A field takes the focus a moment after its screen is drawn; keys sent before
        that go to the screen below, so each step is repeated until it is seen to
        have worked. The keys used here do nothing anywhere else."""
        end = time.monotonic() + DEADLINE
        while True:
            self.keys(*keys)
            pause = time.monotonic() + 0.5
            while time.monotonic() < pause:
                if (text in self.screen()) != gone:
                    return
                time.sleep(0.05)
            if time.monotonic() > end:
                raise AssertionError(f"{keys} did not work; the screen shows:\n{self.screen()}")


def wait_for_file(term: Terminal, path: Path) -> None:
    end = time.monotonic() + DEADLINE
    while not (path.exists() and path.stat().st_size > 0):
        assert time.monotonic() < end, f"{path.name} was not written:\n{term.screen()}"
        time.sleep(0.1)


@pytest.fixture
def wallet_dir(tmp_path: Path) -> Path:
    """A wallet with two badges (no status lists: the terminal run has no network)."""
    data_dir = tmp_path / "wallet"
    store = WalletStore.create(
        data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=fixed_clock(), rng=seeded_rng()
    )
    service = WalletService(WalletConfig(data_dir=data_dir, kdf=FAST_KDF, clock=fixed_clock), store)
    service.import_document(make_credential(HOLDER_KEY.did, number=1))
    service.import_document(make_credential(HOLDER_KEY.did, number=2, name="Samenwerken, niveau 3"))
    store.close()
    return data_dir


@pytest.fixture
def terminal(tmp_path: Path, wallet_dir: Path) -> Iterator[Terminal]:
    socket = f"rugzak-test-{os.getpid()}"
    term = Terminal(socket, "wallet")
    command = " ".join(
        [
            "env",
            # Sizes come from the terminal: COLUMNS/LINES (set by some test tools)
            # would pin the app at 80x24 through every resize.
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            "TERM=xterm-256color",
            f"RUGZAK_WALLET_DIR={shlex.quote(str(wallet_dir))}",
            shlex.quote(sys.executable),
            "-m",
            "wallet",
            "--lang",
            "en",
        ]
    )
    term.tmux(
        "new-session", "-d", "-s", term.session, "-x", "80", "-y", "24", "-c", str(tmp_path),
        command,
    )  # fmt: skip
    try:
        yield term
    finally:
        if not os.environ.get("KEEP_TMUX"):
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)


def save_as(term: Terminal, key: str, path: Path) -> str:
    """Open the QR screen's save dialog with ``key``; type ``path``; the screen with
    the dialog on it."""
    term.keys(key)
    shown = term.wait_for("Save as (file name):")
    term.wait_for("presentation.")  # the default file name, drawn in the field
    term.until(("C-u",), "presentation.", gone=True)  # the field has the focus
    term.type(str(path))
    term.wait_for(path.name)
    term.keys("Enter")
    return shown


def test_dialogs_show_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    term = terminal
    term.wait_for("Passphrase")
    term.until(("-l", "x"), "•")  # the passphrase field has the focus
    term.until(("C-u",), "•", gone=True)
    term.type(PASSPHRASE)
    term.keys("Enter")
    term.wait_for("Samenwerken, niveau 3")

    # Present: the pick state reads without colour (capture-pane without -e).
    term.keys("p")
    nothing = term.wait_for("[ ] Doorzettingsvermogen")
    assert nothing.count("[ ]") == 2
    assert "[x]" not in nothing
    term.keys("C-t")
    everything = term.wait_for("[x] Doorzettingsvermogen")
    assert everything.count("[x]") == 2
    assert "[ ]" not in everything
    term.keys("C-n")
    term.wait_for("NOT BOUND TO A REQUEST")

    # 80x24: the PNG save dialog is drawn, and writes the file typed into it.
    png = tmp_path / "gesprek.png"
    shown = save_as(term, "s", png)
    assert "OK" in shown
    assert "Cancel" in shown
    wait_for_file(term, png)
    assert png.read_bytes().startswith(b"\x89PNG")

    # Saving over a file: the "Replace it?" question is drawn; no keeps the file.
    png.write_bytes(b"my own notes")
    save_as(term, "s", png)
    question = term.wait_for("Replace it?")
    assert "There is already a file" in question
    term.keys("Escape")
    term.wait_for("Replace it?", gone=True)
    assert png.read_bytes() == b"my own notes"
    save_as(term, "s", png)
    term.wait_for("Replace it?")
    term.keys("y")
    term.wait_for("Replace it?", gone=True)
    end = time.monotonic() + DEADLINE
    while not png.read_bytes().startswith(b"\x89PNG"):  # written by a worker
        assert time.monotonic() < end, f"{png.name} was not replaced:\n{term.screen()}"
        time.sleep(0.1)
    term.wait_for("Saved", gone=True)  # the notice would cover the next dialog's foot

    # A save "into" the PNG as if it were a folder: the error dialog is drawn.
    save_as(term, "j", png / "x.json")
    error = term.wait_for("Something went wrong")
    assert "(code" not in error, error  # a sentence only: the learner needs no code
    term.keys("Enter")
    term.wait_for("Something went wrong", gone=True)

    # 120x40: the same dialogs at the larger size.
    term.resize(120, 40)
    term.wait_for("^q Quit")  # the footer no longer cut at 80 columns
    presentation = tmp_path / "gesprek.json"
    shown = save_as(term, "j", presentation)
    assert "Save as (file name):" in shown
    wait_for_file(term, presentation)
    assert '"VerifiablePresentation"' in presentation.read_text("utf-8")
    save_as(term, "v", png / "x.svg")
    term.wait_for("Something went wrong")
    term.keys("Escape")
    term.wait_for("Something went wrong", gone=True)
