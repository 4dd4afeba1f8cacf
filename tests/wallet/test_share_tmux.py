"""The Share dialog and the present screen's Hide dialog in a real terminal (tmux), at
80x24 and 120x40: every choice is drawn, the pick marks read without colour, and the
choice shows on the present screen."""

from __future__ import annotations

import shutil

import pytest

from tests.wallet.conftest import PASSPHRASE
from tests.wallet.test_tmux import Terminal, terminal, wallet_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

CHOICES = (
    "Publish at a verifier",
    "Add to LinkedIn",
    "PDF certificate",
    "Badge picture with the badge baked in",
    "Withdraw the public link",
)


def test_share_dialog_in_a_real_terminal(terminal: Terminal) -> None:  # noqa: F811
    term = terminal
    term.wait_for("Passphrase")
    term.until(("-l", "x"), "•")
    term.until(("C-u",), "•", gone=True)
    term.type(PASSPHRASE)
    term.keys("Enter")
    term.wait_for("Samenwerken, niveau 3")
    term.until(("Enter",), "Criteria")  # the badge's page
    for columns, rows in ((80, 24), (120, 40)):
        term.resize(columns, rows)
        term.until(("s",), "Share this badge")
        shown = term.screen()
        assert "No public link yet" in shown
        for choice in CHOICES:
            assert choice in shown, shown
        term.keys("Escape")
        term.wait_for("Share this badge", gone=True)


def test_hide_dialog_in_a_real_terminal(terminal: Terminal) -> None:  # noqa: F811
    term = terminal
    term.wait_for("Passphrase")
    term.until(("-l", "x"), "•")
    term.until(("C-u",), "•", gone=True)
    term.type(PASSPHRASE)
    term.keys("Enter")
    term.wait_for("Samenwerken, niveau 3")
    term.keys("p")
    term.wait_for("Badges are shown whole")
    for columns, rows in ((80, 24), (120, 40)):
        term.resize(columns, rows)
        term.until(("C-o",), "Hide parts of the badges")
        shown = term.wait_for("[ ] links to skills frameworks")
        for part in ("name or e-mail", "evidence", "result (level reached)", "picture"):
            assert f"[ ] {part}" in shown, shown
        term.until(("Space",), "[x] name or e-mail")  # the list has the focus
        term.keys("Enter")
        term.wait_for("Hidden from the verifier: name or e-mail")
        term.until(("C-o",), "Hide parts of the badges")
        term.until(("Space",), "[ ] name or e-mail")  # and shown whole once more
        term.keys("Enter")
        term.wait_for("Badges are shown whole")
