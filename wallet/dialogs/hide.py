"""Choose the parts of the badges the verifier does not see (selective disclosure): of
every badge, or of one badge only."""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList, Static

from wallet.i18n import Translator
from wallet.presenting import Hiding
from wallet.widgets.i18n import translate_bindings
from wallet.widgets.picks import PickList

#: What a learner may hide, in the order shown (``shared.ob.disclosure.SELECTABLE``).
PARTS = ("identifier", "evidence", "result", "image", "alignment")
ONLY = "only"


def parts_text(t: Translator, parts: Collection[str]) -> str:
    """The parts in the learner's language, in the order of ``PARTS``."""
    return ", ".join(t("part." + p) for p in PARTS if p in parts)


class HideDialog(ModalScreen[Hiding | None]):
    """Pick lists: the hideable parts, and (with a badge at hand) whether the choice is
    for that badge only; ``enter`` confirms, ``esc`` keeps the old choice. Both choices
    (every badge, this badge) can be edited in one visit: ticking "only" shows that
    badge's own parts, unticking it every badge's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel"),
        Binding("enter", "confirm", "common.ok", priority=True),
    ]

    def __init__(
        self,
        t: Translator,
        hidden: Collection[str] | Hiding,
        badge: tuple[str, str] | None = None,
    ) -> None:
        """``badge``: (wallet id, name) of the badge the choice may be limited to."""
        super().__init__(classes="dialog-screen")
        self.t = t
        self.start = Hiding.of(hidden)
        self.badge = badge
        self.choice: dict[str | None, frozenset[str]] = {None: self.start.every}
        if badge is not None:
            self.choice[badge[0]] = self.start.badges.get(badge[0], frozenset())
        # a badge with a choice of its own opens on that choice
        self.scope = badge[0] if badge is not None and self.choice[badge[0]] else None
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.t("hide.title"), classes="dialog-title")
            yield Static(self.t("hide.intro"), markup=False)
            if self.badge is not None:
                yield PickList(
                    (self.t("hide.only", badge=self.badge[1]), ONLY, self.scope is not None),
                    id="hide-scope",
                    classes="scope",
                )
            shown = self.choice[self.scope]
            yield PickList(*[(self.t("part." + p), p, p in shown) for p in PARTS], id="hide-picks")
            with Horizontal(classes="buttons"):
                yield Button(self.t("common.ok"), variant="primary", id="ok", compact=True)
                yield Button(self.t("common.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#hide-picks", PickList).focus()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        picks = self.query_one("#hide-picks", PickList)
        if event.selection_list.id == "hide-picks":
            self.choice[self.scope] = frozenset(picks.selected)
            return
        assert self.badge is not None
        scope = self.badge[0] if ONLY in event.selection_list.selected else None
        if scope == self.scope:
            return
        self.scope = scope
        wanted = self.choice[scope]
        with picks.prevent(SelectionList.SelectedChanged):
            picks.deselect_all()
            for part in wanted:
                picks.select(part)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        self.choice[self.scope] = frozenset(self.query_one("#hide-picks", PickList).selected)
        badges = dict(self.start.badges)
        if self.badge is not None:
            badges.pop(self.badge[0], None)
            if self.choice[self.badge[0]]:
                badges[self.badge[0]] = self.choice[self.badge[0]]
        self.dismiss(Hiding(self.choice[None], badges))

    def action_cancel(self) -> None:
        self.dismiss(None)
