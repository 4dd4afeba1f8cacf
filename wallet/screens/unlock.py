"""Later starts: the passphrase opens the wallet (Argon2id runs in a worker)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from shared.errors import ErrorCode, RugzakError
from wallet.data.store import WalletStore, wallet_file
from wallet.i18n import Translator
from wallet.widgets.fields import TextField
from wallet.widgets.i18n import translate_bindings

if TYPE_CHECKING:
    from wallet.app import WalletApp


class UnlockScreen(Screen[None]):
    """Passphrase in, wallet open; a wrong one says so and decrypts nothing."""

    def __init__(self, t: Translator, data_dir: Path) -> None:
        super().__init__()
        self.t = t
        self.data_dir = data_dir
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="centered"), Vertical(classes="panel"):
            yield Label(self.t("unlock.title"), classes="panel-title")
            yield Static(
                self.t("unlock.prompt", path=wallet_file(self.data_dir)),
                classes="prompt",
                markup=False,
            )
            yield Label(self.t("unlock.passphrase"))
            yield TextField(password=True, id="passphrase", compact=True)
            yield Static("", id="form-error", classes="inline-error")
            with Horizontal(classes="buttons"):
                yield Button(self.t("unlock.button"), variant="primary", id="unlock", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_unlock()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_unlock()

    def action_unlock(self) -> None:
        field = self.query_one("#passphrase", Input)
        if not field.value:
            return
        self.query_one("#form-error", Static).update(self.t("unlock.working"))
        self._unlock(field.value)

    @work(exclusive=True, group="unlock")
    async def _unlock(self, passphrase: str) -> None:
        app = cast("WalletApp", self.app)
        button = self.query_one("#unlock", Button)
        button.disabled = True
        try:
            store = await app.off_thread(WalletStore.unlock, self.data_dir, passphrase)
        except RugzakError as exc:
            button.disabled = False
            field = self.query_one("#passphrase", Input)
            field.value = ""
            field.focus()
            if exc.code == ErrorCode.wrong_passphrase:
                self.query_one("#form-error", Static).update(self.t.error_text(exc))
            else:
                self.query_one("#form-error", Static).update("")
                app.show_error(exc)
            return
        app.open_wallet(store)
