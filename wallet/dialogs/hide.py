"""Choose the parts of a badge the verifier does not see (selective disclosure)."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from wallet.i18n import Translator
from wallet.widgets.i18n import translate_bindings
from wallet.widgets.picks import PickList

#: What a learner may hide, in the order shown (``shared.ob.disclosure.SELECTABLE``).
PARTS = ("identifier", "evidence", "result", "image", "alignment")


def parts_text(t: Translator, parts: Collection[str]) -> str:
    """The parts in the learner's language, in the order of ``PARTS``."""
    return ", ".join(t("part." + p) for p in PARTS if p in parts)


class HideDialog(ModalScreen[frozenset[str] | None]):
    """A pick list of the hideable parts; ``enter`` confirms, ``esc`` keeps the old choice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel"),
        Binding("enter", "confirm", "common.ok", priority=True),
    ]

    def __init__(self, t: Translator, hidden: Collection[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.hidden = frozenset(hidden)
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.t("hide.title"), classes="dialog-title")
            yield Static(self.t("hide.intro"), markup=False)
            yield PickList(
                *[(self.t("part." + p), p, p in self.hidden) for p in PARTS], id="hide-picks"
            )
            with Horizontal(classes="buttons"):
                yield Button(self.t("common.ok"), variant="primary", id="ok", compact=True)
                yield Button(self.t("common.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#hide-picks", PickList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(frozenset(self.query_one("#hide-picks", PickList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
