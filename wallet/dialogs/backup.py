"""Backup and restore dialogs: they collect a path and a passphrase; the caller works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from wallet.i18n import Translator
from wallet.widgets.fields import TextField
from wallet.widgets.i18n import translate_bindings


@dataclass(frozen=True)
class PathAndSecret:
    path: str
    passphrase: str


class _PathSecretDialog(ModalScreen[PathAndSecret | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "common.cancel")]
    KEYS: tuple[str, str, str, str, str] = ("", "", "", "", "")  # title, prompt, path, secret, ok
    #: Ask the passphrase twice (a backup sealed with a typo could never be opened).
    CONFIRM = False

    def __init__(self, t: Translator, default_path: str) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.default_path = default_path
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        title, prompt, path, secret, ok = self.KEYS
        with Vertical(classes="dialog wide"):
            yield Label(self.t(title), classes="dialog-title")
            yield Static(self.t(prompt), classes="prompt")
            yield Label(self.t(path))
            yield TextField(value=self.default_path, id="path", compact=True)
            yield Label(self.t(secret))
            yield TextField(password=True, id="passphrase", compact=True)
            if self.CONFIRM:
                yield Label(self.t("backup.again"))
                yield TextField(password=True, id="again", compact=True)
            yield Static("", id="dialog-error", classes="inline-error")
            with Horizontal(classes="buttons"):
                yield Button(self.t(ok), variant="primary", id="ok", compact=True)
                yield Button(self.t("common.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#passphrase" if self.default_path else "#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            self.query_one("#passphrase", Input).focus()
        elif event.input.id == "passphrase" and self.CONFIRM:
            self.query_one("#again", Input).focus()
        else:
            self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._finish()
        else:
            self.dismiss(None)

    def _finish(self) -> None:
        path = self.query_one("#path", Input).value.strip()
        secret = self.query_one("#passphrase", Input).value
        if not path or not secret:
            self.query_one("#dialog-error", Static).update(
                self.t.code_sentence("passphrase_required", "A passphrase is needed.")
            )
            return
        if self.CONFIRM and self.query_one("#again", Input).value != secret:
            self.query_one("#dialog-error", Static).update(self.t("backup.mismatch"))
            self.query_one("#again", Input).value = ""
            self.query_one("#again", Input).focus()
            return
        self.dismiss(PathAndSecret(path, secret))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BackupDialog(_PathSecretDialog):
    """Where to write the backup, and the passphrase that seals it."""

    KEYS = ("backup.title", "backup.prompt", "backup.path", "welcome.passphrase", "backup.button")
    CONFIRM = True


class RestoreDialog(_PathSecretDialog):
    """Which backup to restore, and the passphrase it was sealed with."""

    KEYS = (
        "restore.title",
        "restore.prompt",
        "restore.path",
        "restore.passphrase",
        "restore.button",
    )
