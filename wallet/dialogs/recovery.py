"""Dialogs for paper recovery and the passphrase: they collect input; the caller works.

* :class:`SplitDialog`: how many shares, and how many are needed (k of n);
* :class:`RecoverDialog`: a backup file, the shares (one a line) and a new passphrase;
* :class:`PassphraseDialog`: the old passphrase and the new one twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from shared.runtime.sealing import MIN_PASSPHRASE
from wallet.i18n import Translator
from wallet.widgets.fields import TextField
from wallet.widgets.i18n import translate_bindings

R = TypeVar("R")


@dataclass(frozen=True)
class Split:
    threshold: int
    count: int


@dataclass(frozen=True)
class Recover:
    path: str
    shares: list[str]
    passphrase: str


@dataclass(frozen=True)
class NewPassphrase:
    old: str
    new: str


class _Dialog(ModalScreen[R | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "common.cancel")]

    def __init__(self, t: Translator) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        translate_bindings(self, t)

    def buttons(self, ok: str) -> ComposeResult:
        yield Static("", id="dialog-error", classes="inline-error")
        with Horizontal(classes="buttons"):
            yield Button(self.t(ok), variant="primary", id="ok", compact=True)
            yield Button(self.t("common.cancel"), id="cancel", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.finish()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.finish()

    def say(self, key: str) -> None:
        self.query_one("#dialog-error", Static).update(self.t(key))

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def finish(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    def passphrases_ok(self, first: str, second: str) -> bool:
        if first != second:
            self.say("passphrase.mismatch")
            return False
        if len(first) < MIN_PASSPHRASE:
            self.say("passphrase.short")
            return False
        return True


class SplitDialog(_Dialog[Split]):
    """k of n: how many shares to make and how many restore."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.t("recovery.title"), classes="dialog-title")
            yield Static(self.t("recovery.prompt"), classes="prompt")
            yield Label(self.t("recovery.count"))
            yield TextField(value="5", id="count", compact=True, type="integer")
            yield Label(self.t("recovery.threshold"))
            yield TextField(value="3", id="threshold", compact=True, type="integer")
            yield from self.buttons("recovery.make")

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()

    def finish(self) -> None:
        try:
            count, threshold = int(self.value("count")), int(self.value("threshold"))
        except ValueError:
            self.say("recovery.numbers")
            return
        if not (1 <= threshold <= count <= 16) or (threshold == 1 and count > 1):
            self.say("recovery.numbers")
            return
        self.dismiss(Split(threshold, count))


class RecoverDialog(_Dialog[Recover]):
    """A backup, any k of its shares (typed, one a line), and a new passphrase."""

    def __init__(self, t: Translator, default_path: str) -> None:
        super().__init__(t)
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.t("recover.title"), classes="dialog-title")
            yield Label(self.t("restore.path"))
            yield TextField(value=self.default_path, id="path", compact=True)
            yield Label(self.t("recover.shares"))
            yield TextArea(id="shares", compact=True, classes="shares")
            yield Label(self.t("passphrase.new"))
            yield TextField(password=True, id="new", compact=True)
            yield Label(self.t("passphrase.again"))
            yield TextField(password=True, id="again", compact=True)
            yield from self.buttons("restore.button")

    def on_mount(self) -> None:
        self.query_one("#shares", TextArea).focus()

    def finish(self) -> None:
        path = self.value("path").strip()
        shares = [line for line in self.query_one("#shares", TextArea).text.splitlines()]
        if not path or not any(s.strip() for s in shares):
            self.say("recover.missing")
            return
        if self.passphrases_ok(self.value("new"), self.value("again")):
            self.dismiss(Recover(path, shares, self.value("new")))


class PassphraseDialog(_Dialog[NewPassphrase]):
    """The passphrase now, and the new one twice."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.t("passphrase.title"), classes="dialog-title")
            yield Label(self.t("passphrase.old"))
            yield TextField(password=True, id="old", compact=True)
            yield Label(self.t("passphrase.new"))
            yield TextField(password=True, id="new", compact=True)
            yield Label(self.t("passphrase.again"))
            yield TextField(password=True, id="again", compact=True)
            yield from self.buttons("passphrase.button")

    def on_mount(self) -> None:
        self.query_one("#old", Input).focus()

    def finish(self) -> None:
        if not self.value("old"):
            self.say("passphrase.old_needed")
            return
        if self.passphrases_ok(self.value("new"), self.value("again")):
            self.dismiss(NewPassphrase(self.value("old"), self.value("new")))
