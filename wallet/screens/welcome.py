"""First start: choose a passphrase (or restore a backup); the wallet and DID are made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Static

from shared.errors import RugzakError
from shared.runtime.sealing import MIN_PASSPHRASE
from wallet.data.backup import read_backup_with_shares, restore_backup, restore_contents
from wallet.data.store import WalletStore
from wallet.dialogs.backup import PathAndSecret, RestoreDialog
from wallet.dialogs.recovery import Recover, RecoverDialog
from wallet.screens.base import WalletScreen
from wallet.widgets.fields import TextField


class WelcomeScreen(WalletScreen):
    """Create a wallet: a passphrase twice, then Argon2id and a new did:key."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "restore", "welcome.restore"),
        Binding("ctrl+o", "recover", "welcome.recover"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(classes="centered"), Vertical(classes="panel"):
            yield Label(self.t("welcome.title"), classes="panel-title")
            yield Static(self.t("welcome.intro"), classes="prompt")
            yield Label(self.t("welcome.passphrase"))
            yield TextField(password=True, id="passphrase", compact=True)
            yield Label(self.t("welcome.repeat"))
            yield TextField(password=True, id="repeat", compact=True)
            yield Static("", id="form-error", classes="inline-error")
            with Horizontal(classes="buttons"):
                yield Button(self.t("welcome.create"), variant="primary", id="create", compact=True)
                yield Button(self.t("welcome.restore"), id="restore", compact=True)
                yield Button(self.t("welcome.recover"), id="recover", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "passphrase":
            self.query_one("#repeat", Input).focus()
        else:
            self.action_create()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "create":
            self.action_create()
        elif event.button.id == "recover":
            self.action_recover()
        else:
            self.action_restore()

    def action_create(self) -> None:
        first = self.query_one("#passphrase", Input).value
        second = self.query_one("#repeat", Input).value
        error = self.query_one("#form-error", Static)
        if len(first) < MIN_PASSPHRASE:
            error.update(self.t("welcome.too_short"))
            return
        if first != second:
            error.update(self.t("welcome.mismatch"))
            return
        error.update(self.t("welcome.creating"))
        self._create(first)

    @work(exclusive=True, group="welcome")
    async def _create(self, passphrase: str) -> None:
        cfg = self.config
        self.query_one("#create", Button).disabled = True
        try:
            store = await self.off_thread(
                lambda: WalletStore.create(cfg.data_dir, passphrase, kdf=cfg.kdf, now=cfg.clock())
            )
        except RugzakError as exc:
            self.query_one("#create", Button).disabled = False
            self.query_one("#form-error", Static).update("")
            self.show_error(exc)
            return
        self.notify(self.t("welcome.created", did=store.did), timeout=8)
        self.open_wallet(store)

    def action_restore(self) -> None:
        default = str(Path.home() / "rugzak-backup.json")
        self.app.push_screen(RestoreDialog(self.t, default), self._restore_chosen)

    def _restore_chosen(self, choice: PathAndSecret | None) -> None:
        if choice is not None:
            self._restore(choice)

    @work(exclusive=True, group="welcome")
    async def _restore(self, choice: PathAndSecret) -> None:
        cfg = self.config
        await self._open_restored(
            lambda: restore_backup(
                Path(choice.path).expanduser(), choice.passphrase, cfg.data_dir, kdf=cfg.kdf
            )
        )

    async def _open_restored(self, restore: Callable[[], WalletStore]) -> None:
        """Restore (from a backup, or a backup and recovery shares) off the UI thread,
        saying so meanwhile, then open the new wallet; a failure is shown, not raised."""
        self.query_one("#form-error", Static).update(self.t("restore.working"))
        try:
            store = await self.off_thread(restore)
        except RugzakError as exc:
            self.query_one("#form-error", Static).update("")
            self.show_error(exc)
            return
        self.notify(self.t("restore.done", count=store.count()), timeout=6)
        self.open_wallet(store)

    def action_recover(self) -> None:
        default = str(Path.home() / "rugzak-backup.json")
        self.app.push_screen(RecoverDialog(self.t, default), self._recover_chosen)

    def _recover_chosen(self, choice: Recover | None) -> None:
        if choice is not None:
            self._recover(choice)

    @work(exclusive=True, group="welcome")
    async def _recover(self, choice: Recover) -> None:
        cfg = self.config

        def restore() -> WalletStore:
            contents = read_backup_with_shares(Path(choice.path).expanduser(), choice.shares)
            return restore_contents(contents, cfg.data_dir, choice.passphrase, kdf=cfg.kdf)

        await self._open_restored(restore)
