"""Small modal dialogs: errors, messages, confirmations and a file-name prompt."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from shared.errors import RugzakError
from wallet.i18n import Translator
from wallet.widgets.fields import TextField
from wallet.widgets.i18n import translate_bindings


class ErrorDialog(ModalScreen[None]):
    """A failure as a plain sentence (no code: the learner needs none)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "common.close")]

    def __init__(self, t: Translator, error: RugzakError) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.error = error
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error"):
            yield Label(self.t("common.error_title"), classes="dialog-title")
            yield Static(self.t.error_text(self.error), id="error-text", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.t("common.ok"), variant="error", id="ok", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class MessageDialog(ModalScreen[None]):
    """A title and a text (e.g. the learner's DID)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "common.close")]

    def __init__(self, t: Translator, title: str, text: str) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.title_text = title
        self.body = text
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.body, id="message-text", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.t("common.ok"), variant="primary", id="ok", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", "common.cancel"),
        Binding("y", "yes", "common.yes"),
    ]

    def __init__(self, t: Translator, question: str) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.question = question
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, id="question", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.t("common.yes"), variant="error", id="yes", compact=True)
                yield Button(self.t("common.no"), variant="primary", id="no", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class PathDialog(ModalScreen[str | None]):
    """Ask for a file or folder name (save or export), with an optional line saying
    what will be written there."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "common.cancel")]

    def __init__(self, t: Translator, prompt: str, default: str, *, note: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.prompt = prompt
        self.default = default
        self.note = note
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self.note else "dialog"):
            yield Label(self.prompt, classes="dialog-title")
            if self.note:
                yield Static(self.note, classes="prompt", markup=False)
            yield TextField(value=self.default, id="path", compact=True)
            with Horizontal(classes="buttons"):
                yield Button(self.t("common.ok"), variant="primary", id="ok", compact=True)
                yield Button(self.t("common.cancel"), id="cancel", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._finish()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._finish()
        else:
            self.dismiss(None)

    def _finish(self) -> None:
        value = self.query_one("#path", Input).value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
