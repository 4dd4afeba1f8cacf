"""Later starts: the passphrase opens the wallet (Argon2id runs in a worker)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Static

from shared.errors import ErrorCode, RugzakError
from wallet.data.store import WalletStore, wallet_file
from wallet.screens.base import WalletScreen
from wallet.widgets.fields import TextField


class UnlockScreen(WalletScreen):
    """Passphrase in, wallet open; a wrong one says so and decrypts nothing."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="centered"), Vertical(classes="panel"):
            yield Label(self.t("unlock.title"), classes="panel-title")
            yield Static(
                self.t("unlock.prompt", path=wallet_file(self.config.data_dir)),
                classes="prompt",
                markup=False,
            )
            yield Label(self.t("unlock.passphrase"))
            yield TextField(password=True, id="passphrase", compact=True)
            yield Static("", id="form-error", classes="inline-error")
            with Horizontal(classes="buttons"):
                yield Button(self.t("unlock.button"), variant="primary", id="unlock", compact=True)
        yield Footer(compact=True)

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
        button = self.query_one("#unlock", Button)
        button.disabled = True
        try:
            store = await self.off_thread(WalletStore.unlock, self.config.data_dir, passphrase)
        except RugzakError as exc:
            button.disabled = False
            field = self.query_one("#passphrase", Input)
            field.value = ""
            field.focus()
            if exc.code == ErrorCode.wrong_passphrase:
                self.query_one("#form-error", Static).update(self.t.error_text(exc))
            else:
                self.query_one("#form-error", Static).update("")
                self.show_error(exc)
            return
        self.open_wallet(store)
