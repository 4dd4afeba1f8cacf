"""Paper recovery shares in a real terminal (tmux): 80x24 shows the words (the QR code
needs more room, and says so), 120x40 shows the words and the QR code side by side."""

from __future__ import annotations

import shutil

import pytest

from tests.wallet.conftest import PASSPHRASE
from tests.wallet.test_tmux import Terminal, terminal, wallet_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_shares_on_screen_at_80x24_and_120x40(terminal: Terminal) -> None:  # noqa: F811
    term = terminal
    term.wait_for("Passphrase")
    term.until(("-l", "x"), "•")  # the passphrase field has the focus
    term.until(("C-u",), "•", gone=True)
    term.type(PASSPHRASE)
    term.keys("Enter")
    term.wait_for("Samenwerken, niveau 3")
    term.keys("k")
    term.wait_for("Shares to make (n)")
    # Enter moves from n to k, then makes the shares (repeated until the field has the
    # focus: a key sent before goes to the screen below); Enter does nothing on the shares
    term.until(("Enter",), "Rugzak recovery share 1 of 5 (any 3 restore the wallet)")
    small = term.screen()
    assert "20. " in small  # all twenty words, numbered
    assert "(QR code: make the window larger)" in small
    term.resize(120, 40)
    term.wait_for("█▀▀▀▀▀▀▀█")  # a finder pattern of the QR code, drawn in half blocks
    large = term.screen()
    assert "20. " in large
    assert "make the window larger" not in large
    term.keys("Right")
    term.wait_for("Rugzak recovery share 2 of 5")
    term.keys("Escape")
    term.wait_for("Samenwerken, niveau 3")
