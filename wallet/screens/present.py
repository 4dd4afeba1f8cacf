"""Present: read the verifier's request, pick badges, sign; then the QR screen."""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Footer, Header, Input, Label, SelectionList, Static

from shared.errors import RugzakError
from shared.presentation_request import PresentationRequest
from wallet.data.cards import Card
from wallet.data.endorsements import Endorsement, endorsements_of_targets, targets_of
from wallet.dialogs.hide import HideDialog, parts_text
from wallet.presenting import Hiding, parse_request
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession
from wallet.widgets.cards import card_pick
from wallet.widgets.fields import TextField
from wallet.widgets.picks import PickList


class PresentScreen(WalletScreen):
    """The learner chooses exactly which badges a verifier sees."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "common.back"),
        # the two buttons name these keys (all of them would not fit an 80-column footer)
        Binding("ctrl+s", "sign", "bind.sign", show=False),
        Binding("ctrl+n", "unbound", "bind.unbound", show=False),
        Binding("ctrl+t", "all", "bind.all"),
        Binding("ctrl+o", "hide", "bind.hide"),
        Binding("ctrl+r", "endorsements", "bind.endorsements"),
    ]

    def __init__(
        self,
        session: WalletSession,
        cards: list[Card],
        request: str = "",
        preselected: Collection[str] = (),
    ) -> None:
        super().__init__(session)
        self.cards = list(reversed(cards))
        self.preselected = frozenset(preselected)  # e.g. "my skills profile" from the passport
        self.request_text = request
        self.hidden = Hiding()  # parts left out by selective disclosure
        #: the endorsements kept for the picked badges go with them unless left out
        self.endorsements = True
        self._kept: list[Endorsement] | None = None  # every endorsement, read once
        self._targets: dict[str, set[str]] = {}  # per badge: the ids it may be endorsed by
        self.sub_title = self.t("present.title")

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="present-body"):
            yield Static(self.t("present.prompt"), classes="prompt")
            yield TextField(
                value=self.request_text,
                placeholder=self.t("present.request"),
                id="request",
                compact=True,
            )
            yield Static("", id="request-info")
            yield Label(self.t("present.pick"))
            yield PickList(
                *[(card_pick(c, self.t), c.id, c.id in self.preselected) for c in self.cards],
                id="picks",
            )
            yield Static(self._hide_text(), id="hide-info", markup=False)
            yield Static("", id="endorsements-info", markup=False)
            yield Static("", id="form-error", classes="inline-error")
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.t('present.sign')}  ^s", variant="primary", id="sign", compact=True
                )
                yield Button(f"{self.t('present.unbound')}  ^n", id="unbound", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#request", Input).focus()
        self._show_endorsements()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        self._show_endorsements()
        self.query_one("#hide-info", Static).update(self._hide_text())

    def action_endorsements(self) -> None:
        """Leave the endorsements of the picked badges out, or take them along again."""
        self.endorsements = not self.endorsements
        self._show_endorsements()

    def _show_endorsements(self) -> None:
        """Which endorsements go with the picked badges (the learner sees them before
        signing, and can leave them out)."""
        picked = list(self.query_one("#picks", SelectionList).selected)
        kept = self._kept_for(picked)
        info = self.query_one("#endorsements-info", Static)
        if not kept:
            info.update("")
            return
        names = ", ".join(dict.fromkeys(e.endorser for e in kept))
        key = "present.endorsements" if self.endorsements else "present.endorsements_off"
        info.update(self.t(key, names=names))

    def _kept_for(self, picked: list[str]) -> list[Endorsement]:
        """The endorsements that go with ``picked`` (as ``wallet.data.endorsements.kept_for``
        picks them when signing), each badge's document read once."""
        if self._kept is None:
            self._kept = self.wallet.endorsements()
        if not self._kept or not picked:
            return []
        wanted: set[str] = set()
        for card_id in picked:
            if card_id not in self._targets:
                self._targets[card_id] = targets_of(self.wallet.store.get(card_id).credential)
            wanted |= self._targets[card_id]
        return endorsements_of_targets(wanted, self._kept)

    def _hide_text(self) -> str:
        """What the verifier will not see: of every badge, then of single picked badges."""
        names = {card.id: card.name for card in self.cards}
        try:
            picked = set(self.query_one("#picks", SelectionList).selected)
        except NoMatches:  # composing: nothing picked yet
            picked = set(self.preselected)
        said = [parts_text(self.t, self.hidden.every)] if self.hidden.every else []
        said += [
            self.t(
                "present.hidden_of",
                badge=names[card_id],
                parts=parts_text(self.t, parts - self.hidden.every),
            )
            for card_id, parts in self.hidden.badges.items()
            if card_id in picked and card_id in names and parts - self.hidden.every
        ]
        if not said:
            return self.t("present.nothing_hidden")
        return self.t("present.hidden", parts="; ".join(said))

    def action_hide(self) -> None:
        """Choose the parts the verifier does not see, of every badge or of the badge
        highlighted in the list (selective disclosure)."""

        def chosen(hiding: Hiding | None) -> None:
            if hiding is not None:
                self.hidden = hiding
                self.query_one("#hide-info", Static).update(self._hide_text())

        picks = self.query_one("#picks", SelectionList)
        badge = None
        if picks.highlighted is not None and picks.option_count:
            card_id = picks.get_option_at_index(picks.highlighted).value
            badge = (card_id, next(c.name for c in self.cards if c.id == card_id))
        self.app.push_screen(HideDialog(self.t, self.hidden, badge), chosen)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Confirm a complete request as it is typed; pick the badge types it asks for."""
        info = self.query_one("#request-info", Static)
        if event.value.strip().lower().startswith("openid4vp:"):
            info.update(self._link_info(event.value))
            return
        try:
            request = parse_request(event.value)
        except RugzakError:
            info.update("")
            return
        info.update(self.t("present.for", domain=request.domain, code=request.short_code))
        picks = self.query_one("#picks", SelectionList)
        if request.types and not picks.selected:
            for card in self.cards:
                if card.achievement_type in request.types:
                    picks.select(card.id)

    def _link_info(self, text: str) -> str:
        from urllib.parse import urlsplit

        from shared.oid4vp import parse_link

        try:
            link = parse_link(text, allow_http_local=True)
        except RugzakError:
            return ""
        target = link.request.response_uri if link.request else link.request_uri
        parts = urlsplit(target or "")
        return self.t("oid4vp.to", verifier=f"{parts.scheme}://{parts.netloc}")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#picks", SelectionList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sign":
            self.action_sign()
        else:
            self.action_unbound()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_all(self) -> None:
        self.query_one("#picks", SelectionList).select_all()

    def _picked(self) -> list[str] | None:
        picked = list(self.query_one("#picks", SelectionList).selected)
        if not picked:
            self.query_one("#form-error", Static).update(self.t("present.none_picked"))
            return None
        return picked

    def action_sign(self) -> None:
        picked = self._picked()
        if picked is None:
            return
        from wallet.delivery import request_from_picture
        from wallet.oid4vp import is_oid4vp

        try:
            text = request_from_picture(self.query_one("#request", Input).value)
        except RugzakError as exc:
            self.query_one("#form-error", Static).update(self.t.error_text(exc))
            return
        if is_oid4vp(text):
            self._send(picked, text)
            return
        try:
            request = parse_request(text)
        except RugzakError as exc:
            self.query_one("#form-error", Static).update(self.t.error_text(exc))
            self.query_one("#request", Input).focus()
            return
        self._sign(picked, request)

    def action_unbound(self) -> None:
        picked = self._picked()
        if picked is not None:
            self._sign(picked, None)

    @work(exclusive=True, group="present")
    async def _sign(self, picked: list[str], request: PresentationRequest | None) -> None:
        from wallet.screens.qr import QRScreen

        self.query_one("#form-error", Static).update(self.t("present.working"))
        try:
            presentation = await self.off_thread(
                partial(self.wallet.present, hide=self.hidden, endorsements=self.endorsements),
                picked,
                request,
            )
        except RugzakError as exc:
            self.query_one("#form-error", Static).update("")
            self.show_error(exc)
            return
        self.query_one("#form-error", Static).update("")
        self.app.push_screen(QRScreen(self.session, presentation))

    @work(exclusive=True, group="present")
    async def _send(self, picked: list[str], text: str) -> None:
        """OpenID4VP: send to the verifier; when it cannot be reached, QR codes instead."""
        from wallet.delivery import Delivered, deliver
        from wallet.screens.qr import QRScreen

        self.query_one("#form-error", Static).update(self.t("present.working"))
        try:
            outcome = await self.off_thread(
                partial(deliver, endorsements=self.endorsements),
                self.wallet,
                text,
                picked,
                self.hidden,
            )
        except RugzakError as exc:
            self.query_one("#form-error", Static).update("")
            self.show_error(exc)
            return
        self.query_one("#form-error", Static).update("")
        if not isinstance(outcome, Delivered):
            self.app.push_screen(QRScreen(self.session, outcome))
            return
        count = sum(len(v) for v in outcome.answered.vp_token.values())
        message = self.t("oid4vp.sent", count=count, verifier=outcome.ask.verifier)
        if outcome.answered.verdict:
            message += " " + self.t("oid4vp.verdict", verdict=outcome.answered.verdict)
        self.query_one("#request-info", Static).update(message)
        self.notify(message)
