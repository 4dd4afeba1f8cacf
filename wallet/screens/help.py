"""The help screen: keys and what the status badges mean."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from wallet.i18n import Translator
from wallet.widgets.i18n import translate_bindings


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "common.close")
    ]

    def __init__(self, t: Translator) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.sub_title = t("help.title")
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(self.t("help.text"))
        yield Footer(compact=True)

    def action_close(self) -> None:
        self.dismiss(None)
