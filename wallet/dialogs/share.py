"""Share one badge: publish it at a verifier, LinkedIn, a PDF certificate, the baked
picture, or withdraw its public link (``s`` on a badge's page)."""

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

#: The choices, in the order shown; each names a ``share.do_<choice>`` text.
CHOICES = ("publish", "linkedin", "certificate", "baked", "withdraw")


class ShareDialog(ModalScreen[str | None]):
    """Pick what to do; ``enter`` chooses, ``esc`` closes. ``link`` is the badge's live
    public link, if any (shown, and needed for LinkedIn, the certificate, withdrawing)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "common.cancel")]

    def __init__(self, t: Translator, link: str | None) -> None:
        super().__init__(classes="dialog-screen")
        self.t = t
        self.link = link
        translate_bindings(self, t)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.t("share.title"), classes="dialog-title")
            yield Static(
                self.t("share.link_is", link=self.link) if self.link else self.t("share.no_link"),
                id="share-link",
                markup=False,
            )
            needs_link = {"linkedin", "certificate", "withdraw"}
            yield OptionList(
                *[
                    Option(
                        self.t(f"share.do_{c}"), id=c, disabled=c in needs_link and not self.link
                    )
                    for c in CHOICES
                ],
                id="share-choices",
            )

    def on_mount(self) -> None:
        self.query_one("#share-choices", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
