"""Who an export is for: someone else, or another wallet of the learner's.

Asked only when it changes the file: for a badge its issuer signed for showing in part
(an ecdsa-sd-2023 base proof), which a file for someone else never carries
(``wallet.written_files.file_credential``).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from wallet.i18n import Translator
from wallet.widgets.i18n import translate_bindings

#: The choices, in the order shown; each names an ``audience.do_<choice>`` text.
CHOICES = ("others", "wallet")


class AudienceDialog(ModalScreen[bool | None]):
    """``enter`` chooses: True for another wallet of the learner's, False for someone
    else; ``esc`` (None) cancels the export. ``every``: the question is about a folder
    of every badge, not one badge."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "common.cancel")]

    def __init__(self, t: Translator, *, every: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.every = every
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        suffix = "_all" if self.every else ""
        with Vertical(classes="dialog wide"):
            yield Label(self.t(f"audience.title{suffix}"), classes="dialog-title")
            yield Static(self.t(f"audience.intro{suffix}"), id="audience-intro", markup=False)
            yield OptionList(
                *[Option(self.t(f"audience.do_{c}"), id=c) for c in CHOICES],
                id="audience-choices",
            )

    def on_mount(self) -> None:
        self.query_one("#audience-choices", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id == "wallet")

    def action_cancel(self) -> None:
        self.dismiss(None)
