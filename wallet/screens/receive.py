"""Receive badges: an offer link, a URL or a file; each is checked and the verdict shown."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Static

from shared.errors import ErrorCode, RugzakError
from shared.showing.verdict import badge_state
from wallet.reasons import reasons_for
from wallet.receive import ImportOutcome
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession
from wallet.widgets.cards import card_about, status_badge
from wallet.widgets.fields import TextField


class ReceiveScreen(WalletScreen):
    """Paste a source, press enter, read what was kept and what was refused (and why)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "common.back")]

    def __init__(self, session: WalletSession, source: str = "") -> None:
        super().__init__(session)
        self.source = source
        self.outcomes: list[ImportOutcome] = []
        self.names: dict[str, str] = {}  # wallet id -> name, of the badges it had already
        self.sub_title = self.t("import.title")

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="receive-body"), Vertical(classes="panel wide"):
            yield Label(self.t("import.title"), classes="panel-title")
            yield Static(self.t("import.prompt"), classes="prompt")
            yield TextField(
                value=self.source,
                placeholder=self.t("import.placeholder"),
                id="source",
                compact=True,
            )
            yield Label(self.t("import.tx_code"))
            yield TextField(id="tx-code", compact=True)
            with Horizontal(classes="buttons"):
                yield Button(self.t("import.button"), variant="primary", id="receive", compact=True)
            yield Static("", id="progress")
            yield Vertical(id="outcomes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#source", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_receive()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_receive()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_receive(self) -> None:
        source = self.query_one("#source", Input).value
        tx_code = self.query_one("#tx-code", Input).value.strip() or None
        if source.strip():
            self._receive(source, tx_code)

    @work(exclusive=True, group="receive")
    async def _receive(self, source: str, tx_code: str | None) -> None:
        progress = self.query_one("#progress", Static)
        button = self.query_one("#receive", Button)
        progress.update(self.t("import.working"))
        button.disabled = True
        try:
            wallet = self.wallet
            outcomes = await self.off_thread(lambda: wallet.import_text(source, tx_code=tx_code))
            had = [o.duplicate_of for o in outcomes if o.duplicate_of is not None]
            self.names = await self.off_thread(
                lambda: {i: wallet.store.get(i).card.name for i in had}
            )
        except RugzakError as exc:
            if exc.code == ErrorCode.tx_code_required:
                progress.update(self.t.error_text(exc))
                self.query_one("#tx-code", Input).focus()
                return
            progress.update("")
            self.show_error(exc)
            return
        finally:
            button.disabled = False
        self.outcomes = outcomes
        progress.update(self.t("import.result_title") if outcomes else self.t("import.nothing"))
        box = self.query_one("#outcomes", Vertical)
        await box.remove_children()
        await box.mount_all([Static(self.describe(o), classes="outcome") for o in outcomes])
        progress.scroll_visible(top=True)
        if any(o.accepted for o in outcomes):
            self.query_one("#source", Input).value = ""

    def describe(self, outcome: ImportOutcome) -> Text:
        """What was kept (with its status, result, date and issuer), was in the wallet
        already, or was refused (and why); below it the other reasons, each once, and
        the notes (``wallet.reasons``)."""
        t = self.t
        text = Text()
        state = "invalid"  # what the first line says: kept with a status, or refused
        said: set[str] = set()
        if outcome.card is not None:
            text.append("✔ ", style="bold green")
            text.append(t("import.accepted", name=outcome.card.name, status=""), style="bold")
            text.append_text(status_badge(outcome.card.status, t))
            text.append("\n  ")
            text.append_text(card_about(outcome.card, t))
            state = str(outcome.card.status)
        elif outcome.duplicate_of is not None:  # no failure: nothing to refuse
            name = self.names.get(outcome.duplicate_of, "")
            text.append("• ")
            text.append(t("import.already", name=name), style="bold")
            return text
        elif outcome.refusal is not None:
            text.append("✘ ", style="bold red")
            text.append(t("import.refused", reason=t.error_text(outcome.refusal)))
            said = {str(outcome.refusal.code)}
            if outcome.result is not None:
                state = badge_state(outcome.result)
        if outcome.result is None:
            return text
        told = reasons_for(outcome.result, state, t, said=said)
        for line in told.reasons:
            text.append(f"\n  {line.mark} {line.text}", style="dim")
        if told.notes:
            text.append("\n  " + t("checks.notes"), style="dim")
        for line in told.notes:
            text.append(f"\n  {line.mark} {line.text}", style="dim")
        return text
