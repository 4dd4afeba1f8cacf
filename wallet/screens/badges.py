"""The badge list: cards with status badges, search, filter, and every action's entry."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from shared.errors import ErrorCode, RugzakError
from wallet.data.cards import Card, Status
from wallet.dialogs.audience import AudienceDialog
from wallet.dialogs.backup import BackupDialog, PathAndSecret
from wallet.dialogs.common import ConfirmDialog, MessageDialog, PathDialog
from wallet.dialogs.recovery import NewPassphrase, PassphraseDialog, Split, SplitDialog
from wallet.i18n import Translator
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession
from wallet.widgets.cards import card_option
from wallet.widgets.fields import TextField

FILTERS: tuple[Status | None, ...] = (
    None,
    Status.valid,
    Status.unknown,
    Status.expired,
    Status.revoked,
    Status.suspended,
    Status.not_yet_valid,
    Status.invalid,
)


def export_folder_default(t: Translator, date: str) -> Path:
    """A dated folder in the user's Documents (their home when there is none)."""
    from platformdirs import user_documents_dir

    documents = Path(user_documents_dir())
    base = documents if documents.is_dir() else Path.home()
    return base / t("export_all.folder_name", date=date)


FIRST_CHUNK = 40  # more cards than a tall terminal shows (three lines per card)
CHUNK = 200


class BadgesScreen(WalletScreen):
    """All badges as cards; enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "receive", "bind.import"),
        Binding("p", "present", "bind.present"),
        Binding("slash", "search", "bind.search"),
        Binding("f", "filter", "bind.filter"),
        Binding("s", "passport", "bind.passport", show=False),
        Binding("r", "refresh", "bind.refresh"),
        Binding("b", "backup", "bind.backup", show=False),
        Binding("e", "export_all", "bind.export_all", show=False),
        Binding("d", "did", "bind.did", show=False),
        Binding("k", "recovery", "bind.recovery", show=False),
        Binding("w", "passphrase", "bind.passphrase", show=False),
        Binding("n", "rotate", "bind.rotate", show=False),
        Binding("question_mark", "help", "common.help"),
        Binding("q", "app.quit", "common.quit", show=False),
        Binding("escape", "clear_search", show=False),
    ]

    def __init__(self, session: WalletSession) -> None:
        super().__init__(session)
        self.all_cards: list[Card] = []
        self.filter_index = 0
        self.generation = 0
        self.complete = False  # every card that passes the filter is in the list
        self.stale: set[str] = set()  # cards whose status the unlock check could not learn
        self.sub_title = self.t("badges.title")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="toolbar"):
            yield TextField(placeholder=self.t("badges.search"), id="search", compact=True)
            yield Label("", id="filter-label")
            yield Label("", id="count-label")
        yield Label(self.t("badges.empty"), id="empty")
        yield OptionList(id="cards")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#cards", OptionList).focus()
        self.load()
        self._check_statuses()

    @work(exclusive=True, group="refresh")
    async def _check_statuses(self) -> None:
        """Statuses checked again once the wallet opens, while the list is in use.

        Quiet: no message, no error dialog. A badge revoked since the last check
        turns "revoked" by itself; one whose issuer cannot be reached keeps its last
        known status and says since when it is not checked. First, cards kept before
        cards held the badges' results get them (once), and the list shows them.
        """
        try:
            if await self.off_thread(self.wallet.complete_cards):
                self.load()
            stale = await self.off_thread(self.wallet.recheck_statuses)
        except RugzakError:
            return
        self.stale = set(stale)
        self.load()

    def on_screen_resume(self) -> None:
        if self.all_cards or self.is_mounted:
            self.load()

    @work(exclusive=True, group="cards")
    async def load(self) -> None:
        """Read the cards (only the small sealed summaries) off the UI thread."""
        try:
            cards = await self.off_thread(self.wallet.cards)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.all_cards = cards
        self.render_cards()
        damaged = self.wallet.store.damaged_ids
        if damaged:
            self.notify(
                self.t("cli.damaged", count=len(damaged), ids=", ".join(damaged)),
                severity="warning",
                timeout=12,
            )

    def render_cards(self) -> None:
        """Show the cards that pass the filter and search.

        The first screenful goes in at once; the rest follows in chunks after the
        first paint, so 1,000 badges never hold up the first screen (a new search
        or filter abandons the chunks still to come).
        """
        query = self.query_one("#search", Input).value
        wanted = FILTERS[self.filter_index]
        shown = [
            c
            for c in reversed(self.all_cards)
            if (wanted is None or c.status == wanted) and c.matches(query, self.t.lang)
        ]
        options = self.query_one("#cards", OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        self.generation += 1
        self.complete = False
        options.clear_options()
        self._add_chunk(self.generation, shown, 0, FIRST_CHUNK, highlighted)
        name = self.t("badges.filter.all") if wanted is None else self.t.status(wanted)
        self.query_one("#filter-label", Label).update(self.t("badges.filter", name=name))
        self.query_one("#count-label", Label).update(
            self.t("badges.count", shown=len(shown), total=len(self.all_cards))
        )
        empty = self.query_one("#empty", Label)
        empty.display = not shown
        empty.update(self.t("badges.empty") if not self.all_cards else self.t("badges.none_match"))

    def _add_chunk(
        self, generation: int, shown: list[Card], start: int, size: int, keep: str | None
    ) -> None:
        if generation != self.generation:
            return  # the list was redrawn for a newer search or filter
        options = self.query_one("#cards", OptionList)
        chunk = shown[start : start + size]
        entries: list[Option | None] = []
        for card in chunk:
            if start or entries:
                entries.append(None)  # a rule between cards
            entries.append(card_option(card, self.t, stale=card.id in self.stale))
        options.add_options(entries)
        ids = [c.id for c in chunk]
        if keep in ids:
            options.highlighted = start + ids.index(keep)
        elif start == 0 and chunk:
            options.highlighted = 0
        end = start + size
        if end < len(shown):
            self.call_after_refresh(self._add_chunk, generation, shown, end, CHUNK, keep)
        else:
            self.complete = True

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        self.render_cards()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#cards", OptionList).focus()

    @on(OptionList.OptionSelected, "#cards")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from wallet.screens.detail import DetailScreen

        if event.option.id is not None:
            self.app.push_screen(DetailScreen(self.session, event.option.id))

    # ------------------------------------------------------------ actions

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.query_one("#cards", OptionList).focus()

    def action_filter(self) -> None:
        self.filter_index = (self.filter_index + 1) % len(FILTERS)
        self.render_cards()

    def action_receive(self) -> None:
        from wallet.screens.receive import ReceiveScreen

        self.app.push_screen(ReceiveScreen(self.session))

    def action_present(self) -> None:
        from wallet.screens.present import PresentScreen

        if not self.all_cards:
            self.app.notify(self.t("badges.empty"), severity="warning")
            return
        self.app.push_screen(PresentScreen(self.session, self.all_cards))

    def action_passport(self) -> None:
        from wallet.screens.passport import PassportScreen

        self.app.push_screen(PassportScreen(self.session))

    def action_help(self) -> None:
        from wallet.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.t))

    def action_did(self) -> None:
        did = self.wallet.did
        self.app.push_screen(
            MessageDialog(self.t, self.t("did.title"), self.t("did.text", did=did))
        )

    def action_refresh(self) -> None:
        self._refresh()

    @work(exclusive=True, group="refresh")
    async def _refresh(self) -> None:
        count = len(self.all_cards)
        self.notify(self.t("badges.refreshing", count=count))
        try:
            await self.off_thread(self.wallet.refresh)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.stale.clear()
        self.notify(self.t("badges.refreshed", count=count))
        self.load()

    def action_backup(self) -> None:
        stamp = self.config.clock().strftime("%Y%m%d")
        default = str(Path.home() / f"rugzak-backup-{stamp}.json")
        self.app.push_screen(BackupDialog(self.t, default), self._backup_chosen)

    def _backup_chosen(self, choice: PathAndSecret | None) -> None:
        if choice is not None:
            self._backup(Path(choice.path).expanduser(), choice.passphrase)

    @work(exclusive=True, group="backup")
    async def _backup(self, path: Path, passphrase: str) -> None:
        self.notify(self.t("backup.working"))
        try:
            count = await self.off_thread(self.wallet.backup, path, passphrase)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("backup.done", count=count, path=path), timeout=8)

    def action_export_all(self) -> None:
        """Every badge into a folder, one file each (``wallet.export_all``)."""
        if not self.all_cards:
            self.app.notify(self.t("badges.empty"), severity="warning")
            return
        self._ask_audience()

    @work(exclusive=True, group="export")
    async def _ask_audience(self) -> None:
        """With a badge its issuer signed for showing in part, whom the files are for
        decides whether they keep its base proof (``AudienceDialog``)."""
        try:
            asks = await self.off_thread(self.wallet.holds_base_proofs)
        except RugzakError as exc:
            self.show_error(exc)
            return
        if asks:
            self.app.push_screen(AudienceDialog(self.t, every=True), self._audience_chosen)
        else:
            self._audience_chosen(False)

    def _audience_chosen(self, for_wallet: bool | None) -> None:
        if for_wallet is None:
            return
        default = export_folder_default(self.t, self.config.clock().date().isoformat())
        dialog = PathDialog(
            self.t, self.t("export_all.title"), str(default), note=self.t("export_all.prompt")
        )
        self.app.push_screen(dialog, partial(self._export_folder_chosen, for_wallet))

    def _export_folder_chosen(self, for_wallet: bool, choice: str | None) -> None:
        if choice:
            self._export_all(Path(choice).expanduser(), force=False, for_wallet=for_wallet)

    @work(exclusive=True, group="export")
    async def _export_all(self, folder: Path, *, force: bool, for_wallet: bool = False) -> None:
        from wallet.export_all import export_folder

        self.notify(self.t("export_all.working", count=len(self.all_cards)))
        try:
            report = await self.off_thread(
                lambda: export_folder(self.wallet, folder, force=force, for_wallet=for_wallet)
            )
        except RugzakError as exc:
            if exc.code == ErrorCode.file_exists and not force:
                question = self.t("export_all.replace", path=folder)
                self.app.push_screen(
                    ConfirmDialog(self.t, question),
                    partial(self._replace_chosen, folder, for_wallet),
                )
                return
            self.show_error(exc)
            return
        text = self.t(
            "export_all.result",
            count=len(report.exported),
            path=report.folder,
            readme=report.readme,
        )
        if report.failed:
            ids = ", ".join(item.id for item in report.failed)
            text += "\n\n" + self.t("export_all.result_failed", count=len(report.failed), ids=ids)
        self.app.push_screen(MessageDialog(self.t, self.t("export_all.result_title"), text))

    def _replace_chosen(self, folder: Path, for_wallet: bool, yes: bool | None) -> None:
        if yes:
            self._export_all(folder, force=True, for_wallet=for_wallet)

    def action_recovery(self) -> None:
        self.app.push_screen(SplitDialog(self.t), self._split_chosen)

    def _split_chosen(self, choice: Split | None) -> None:
        if choice is not None:
            self._split(choice)

    @work(exclusive=True, group="recovery")
    async def _split(self, choice: Split) -> None:
        from wallet.screens.shares import SharesScreen

        try:
            shares = await self.off_thread(
                self.wallet.new_recovery_shares, choice.threshold, choice.count
            )
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("recovery.made", k=shares.threshold, n=shares.count), timeout=12)
        self.app.push_screen(SharesScreen(self.session, shares))

    def action_passphrase(self) -> None:
        self.app.push_screen(PassphraseDialog(self.t), self._passphrase_chosen)

    def _passphrase_chosen(self, choice: NewPassphrase | None) -> None:
        if choice is not None:
            self._change_passphrase(choice)

    @work(exclusive=True, group="passphrase")
    async def _change_passphrase(self, choice: NewPassphrase) -> None:
        store, kdf = self.wallet.store, self.config.kdf
        try:
            await self.off_thread(lambda: store.change_passphrase(choice.old, choice.new, kdf=kdf))
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("passphrase.changed"), timeout=8)

    def action_rotate(self) -> None:
        self.app.push_screen(ConfirmDialog(self.t, self.t("rotate.confirm")), self._rotate_chosen)

    def _rotate_chosen(self, yes: bool | None) -> None:
        if yes:
            self._rotate()

    @work(exclusive=True, group="rotate")
    async def _rotate(self) -> None:
        old = self.wallet.did
        try:
            new = await self.off_thread(self.wallet.rotate_key)
        except RugzakError as exc:
            self.show_error(exc)
            return
        text = self.t("rotate.done", old=old, new=new)
        self.app.push_screen(MessageDialog(self.t, self.t("rotate.title"), text))
