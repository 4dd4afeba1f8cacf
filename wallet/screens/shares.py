"""The recovery shares, one at a time: its words and, when the window is tall enough,
its QR code. Nothing is saved; ``p`` tells how to print them (``recovery split --pdf``)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Label, Static

from shared import qr
from wallet.data.recovery import ShareSet
from wallet.paper import share_qr_text
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession

QR_BORDER = 1


class SharesScreen(WalletScreen):
    """Share i of n; arrows step; esc closes (the shares are gone from the screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "common.back"),
        Binding("right", "step(1)", "bind.next"),
        Binding("left", "step(-1)", "bind.prev"),
    ]

    def __init__(self, session: WalletSession, shares: ShareSet) -> None:
        super().__init__(session)
        self.shares = shares
        self.index = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="shares-body"):
            yield Label("", id="share-title", classes="panel-title")
            with Horizontal(id="share-row"):
                yield Static("", id="share-words")
                yield Static("", id="share-qr")
            yield Static(self.t("recovery.on_screen"), id="share-note", classes="prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        words = self.shares.words[self.index].split()
        title = self.t(
            "recovery.share_title",
            i=self.index + 1,
            n=self.shares.count,
            k=self.shares.threshold,
        )
        self.query_one("#share-title", Label).update(title)
        half = (len(words) + 1) // 2
        rows = []
        for row in range(half):
            left = f"{row + 1:2d}. {words[row]:<10s}"
            right = f"{row + half + 1:2d}. {words[row + half]}" if row + half < len(words) else ""
            rows.append(f"{left}  {right}".rstrip())
        self.query_one("#share-words", Static).update(Text("\n".join(rows)))
        art = qr.render_terminal(share_qr_text(" ".join(words)), border=QR_BORDER)
        lines = art.splitlines()
        width = max(len(line) for line in lines)
        room_rows = self.size.height - 6  # title, note, footer and margins
        room_cols = self.size.width - 34  # the words column
        box = self.query_one("#share-qr", Static)
        if len(lines) <= room_rows and width <= room_cols:
            box.update(Text(art, style="white on black", no_wrap=True))
        else:
            box.update(Text(self.t("recovery.qr_no_room"), style="italic"))

    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % self.shares.count
        self.draw()

    def action_back(self) -> None:
        self.app.pop_screen()
