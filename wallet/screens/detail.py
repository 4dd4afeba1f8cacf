"""One badge: everything the credential says, the checks (the reasons, and every
check on demand), and the raw JSON on demand.

First come the facts a learner opened it for: the status line, the name and why
(``badge_text.headline``); the picture follows them, smaller in a short window, so at
80x24 nothing has to be scrolled to learn whether the badge is valid."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Footer, Header, Markdown, Static

from shared.errors import RugzakError
from shared.formats import readable
from shared.ob.disclosure import can_disclose
from shared.verification import VerificationResult
from wallet.badge_images import badge_image
from wallet.badge_text import describe, every_check, headline
from wallet.data.endorsements import Endorsement, endorsements_of
from wallet.data.store import StoredCredential
from wallet.dialogs.audience import AudienceDialog
from wallet.dialogs.common import ConfirmDialog, MessageDialog, PathDialog
from wallet.file_names import card_stem
from wallet.picture import half_blocks, picture_rows
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession
from wallet.widgets.cards import status_badge


class DetailScreen(WalletScreen):
    """A badge in full; ``j`` flips to the raw JSON."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "common.back"),
        Binding("j", "raw", "bind.raw"),
        Binding("e", "export", "bind.export"),
        Binding("r", "recheck", "bind.refresh"),
        Binding("s", "share", "bind.share"),
        Binding("x", "delete", "bind.delete"),
    ]

    def __init__(self, session: WalletSession, card_id: str) -> None:
        super().__init__(session)
        self.card_id = card_id
        self.stored: StoredCredential | None = None
        self.result: VerificationResult | None = None
        self.endorsed: list[Endorsement] = []
        self.own: tuple[str, ...] = ()  # the wallet's DIDs: a badge to one is "yours"
        self.picture: bytes | None = None  # the picture's bytes, drawn to the window's size
        self.sub_title = self.t("detail.title")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="badge-status")
        with VerticalScroll(id="detail-body"):
            yield Markdown("", id="detail-head")
            yield Static("", id="badge-picture")
            yield Markdown("", id="detail")
            with Collapsible(title=self.t("detail.all_checks"), id="all-checks"):
                yield Static("", id="all-checks-list", markup=False)
        with VerticalScroll(id="raw-body"):
            yield Static("", id="raw")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#raw-body").display = False
        self.query_one("#badge-picture").display = False
        self.query_one("#all-checks").display = False  # until a re-check on this screen
        self.load()

    @work(exclusive=True, group="detail")
    async def load(self) -> None:
        try:
            self.stored = await self.off_thread(self.wallet.store.get, self.card_id)
            kept = await self.off_thread(self.wallet.endorsements)
            self.own = await self.off_thread(lambda: self.wallet.store.dids)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.endorsed = endorsements_of(readable(self.stored.credential), kept)
        await self.show()
        self.load_picture(self.stored.credential)

    @work(exclusive=True, group="picture")
    async def load_picture(self, credential: dict[str, Any]) -> None:
        """The badge's picture, when it has one that may be shown: fetched (or read from
        the wallet) in a thread so the screen never waits for the network; any failure
        leaves the picture out (``wallet.badge_images`` says why it is decoration)."""
        wallet = self.wallet
        self.picture = await asyncio.to_thread(
            lambda: badge_image(credential, wallet.store, wallet.network)
        )
        self._draw_picture()

    def on_resize(self) -> None:
        self._draw_picture()

    def _draw_picture(self) -> None:
        """The picture in as many rows as the window spares (``picture_rows``); drawings
        are cached, so a resize costs little."""
        if self.picture is None:
            return
        pixels = half_blocks(self.picture, rows=picture_rows(self.app.size.height))
        if pixels is None:
            return
        box = self.query_one("#badge-picture", Static)
        box.update(pixels)
        box.display = True

    async def show(self) -> None:
        if self.stored is None:
            return
        card = self.stored.card
        # the status and when it was checked, one line: why is said once, under the title
        line = Text()
        line.append_text(status_badge(card.status, self.t))
        line.append(
            "  " + self.t("detail.checked", when=self.t.date(card.checked_at, time=True)),
            style="dim",
        )
        self.query_one("#badge-status", Static).update(line)
        await self.query_one("#detail-head", Markdown).update(headline(card, self.t))
        await self.query_one("#detail", Markdown).update(
            describe(
                readable(self.stored.credential),
                card,
                self.t,
                self.result,
                self.endorsed,
                own=self.own,
                head=False,
            )
        )
        if self.result is not None:
            self.query_one("#all-checks-list", Static).update(every_check(self.result))
            self.query_one("#all-checks").display = True
        text = json.dumps(self.stored.credential, indent=2, ensure_ascii=False)
        self.query_one("#raw", Static).update(
            Syntax(text, "json", theme="ansi_dark", word_wrap=True)
        )
        self.query_one("#detail-body", VerticalScroll).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_raw(self) -> None:
        raw = self.query_one("#raw-body", VerticalScroll)
        body = self.query_one("#detail-body", VerticalScroll)
        raw.display = not raw.display
        body.display = not raw.display
        (raw if raw.display else body).focus()

    def action_recheck(self) -> None:
        self._recheck()

    @work(exclusive=True, group="detail")
    async def _recheck(self) -> None:
        try:
            card, result = await self.off_thread(self.wallet.recheck, self.card_id)
        except RugzakError as exc:
            self.show_error(exc)
            return
        if self.stored is not None:
            self.stored = StoredCredential(self.stored.id, card, self.stored.credential)
        self.result = result
        await self.show()

    def action_export(self) -> None:
        """A badge with a base proof asks first whom the file is for (``AudienceDialog``):
        only a file for another wallet of the learner's keeps it."""
        if self.stored is not None and can_disclose(self.stored.credential):
            self.app.push_screen(AudienceDialog(self.t), self._audience_chosen)
        else:
            self._audience_chosen(False)

    def _audience_chosen(self, for_wallet: bool | None) -> None:
        if for_wallet is None:
            return
        default = str(Path.cwd() / f"{self._stem()}.json")
        self.app.push_screen(
            PathDialog(self.t, self.t("detail.export_to"), default),
            partial(self._export_chosen, for_wallet),
        )

    def _export_chosen(self, for_wallet: bool, path: str | None) -> None:
        if path:
            self.write_to(Path(path).expanduser(), partial(self._export, for_wallet=for_wallet))

    @work(exclusive=True, group="export")
    async def _export(self, path: Path, *, for_wallet: bool = False) -> None:
        try:
            await self.off_thread(
                lambda: self.wallet.export(self.card_id, path, for_wallet=for_wallet)
            )
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("detail.exported", path=path))

    # ------------------------------------------------------------ sharing

    def action_share(self) -> None:
        self._open_share()

    @work(exclusive=True, group="share")
    async def _open_share(self) -> None:
        from wallet.dialogs.share import ShareDialog
        from wallet.sharing import live_link

        link = await self.off_thread(live_link, self.wallet, self.card_id)
        self.app.push_screen(ShareDialog(self.t, link), self._share_chosen)

    def _share_chosen(self, choice: str | None) -> None:
        stem = self._stem()
        if choice == "publish":
            self.app.push_screen(
                PathDialog(self.t, self.t("share.verifier"), "https://"), self._publish_to
            )
        elif choice == "certificate":
            default = str(Path.cwd() / f"{stem}.pdf")
            self.app.push_screen(
                PathDialog(self.t, self.t("share.certificate_to"), default), self._certificate_to
            )
        elif choice == "baked":
            default = str(Path.cwd() / stem)  # its suffix comes with the picture
            self.app.push_screen(
                PathDialog(self.t, self.t("share.baked_to"), default), self._baked_to
            )
        elif choice == "linkedin":
            self._show_linkedin()
        elif choice == "withdraw":  # for good: asked first
            self.app.push_screen(
                ConfirmDialog(self.t, self.t("share.withdraw_confirm")), self._withdraw_confirmed
            )

    def _stem(self) -> str:
        """The badge's file name without suffix (``wallet.file_names``)."""
        return card_stem(self.stored.card) if self.stored else self.card_id

    def _withdraw_confirmed(self, yes: bool | None) -> None:
        if yes:
            self._withdraw()

    def _publish_to(self, verifier: str | None) -> None:
        if verifier and verifier.strip() not in ("", "https://"):
            self._publish(verifier.strip())

    def _certificate_to(self, path: str | None) -> None:
        if path:
            self.write_to(Path(path).expanduser(), self._write_certificate)

    def _baked_to(self, path: str | None) -> None:
        if path:
            self._bake(Path(path).expanduser())

    @work(exclusive=True, group="share")
    async def _publish(self, verifier: str) -> None:
        from wallet.sharing import publish

        try:
            record = await self.off_thread(publish, self.wallet, verifier, [self.card_id])
        except RugzakError as exc:
            self.show_error(exc)
            return
        text = self.t("share.done_publish", link=record.url)
        text += "\n\n" + await self._linkedin_text(record.url)
        self.app.push_screen(MessageDialog(self.t, self.t("share.title"), text))

    @work(exclusive=True, group="share")
    async def _show_linkedin(self) -> None:
        from wallet.sharing import live_link

        link = await self.off_thread(live_link, self.wallet, self.card_id)
        if link:
            text = await self._linkedin_text(link)
            self.app.push_screen(MessageDialog(self.t, self.t("share.title"), text))

    @work(exclusive=True, group="share")
    async def _withdraw(self) -> None:
        from wallet.sharing import live_link, withdraw

        try:
            link = await self.off_thread(live_link, self.wallet, self.card_id)
            if link:
                await self.off_thread(withdraw, self.wallet, link)
                self.notify(self.t("share.withdrawn", link=link))
        except RugzakError as exc:
            self.show_error(exc)

    @work(exclusive=True, group="share")
    async def _write_certificate(self, path: Path) -> None:
        from wallet.sharing import live_link

        try:
            link = await self.off_thread(live_link, self.wallet, self.card_id)
            if link:
                await self.off_thread(self._certificate, path, link)
                self.notify(self.t("common.saved", path=path))
        except RugzakError as exc:
            self.show_error(exc)

    @work(exclusive=True, group="share")
    async def _bake(self, path: Path) -> None:
        """Bake first: the picture's own kind (PNG or SVG) decides the file's suffix, and
        only then is it known whether a file would be replaced (asked, as for every save)."""
        try:
            data = await self.off_thread(self.wallet.baked, self.card_id, "image")
        except RugzakError as exc:
            self.show_error(exc)
            return
        suffix = ".png" if data.startswith(b"\x89PNG") else ".svg"
        if path.suffix.lower() in (".png", ".svg"):
            target = path.with_suffix(suffix)
        else:  # "Niveau 2.5 - ROC" has no suffix to replace
            target = path.with_name(path.name + suffix)
        self.write_to(target, lambda chosen: self._save_baked(chosen, data))

    @work(exclusive=True, group="share-save")
    async def _save_baked(self, path: Path, data: bytes) -> None:
        from shared.runtime.files import atomic_write

        try:
            await self.off_thread(lambda: atomic_write(path, data, mode=0o644))
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("common.saved", path=path))

    async def _linkedin_text(self, link: str) -> str:
        from wallet.sharing import linkedin_url

        assert self.stored is not None
        return self.t("share.linkedin") + "\n" + linkedin_url(self.stored.credential, link)

    def _certificate(self, path: Path, link: str) -> None:
        self.wallet.certificate(self.card_id, path, link=link)

    def action_delete(self) -> None:
        self.app.push_screen(
            ConfirmDialog(self.t, self.t("detail.delete_confirm")), self._delete_confirmed
        )

    def _delete_confirmed(self, yes: bool | None) -> None:
        if yes:
            self._delete()

    @work(exclusive=True, group="detail")
    async def _delete(self) -> None:
        try:
            await self.off_thread(self.wallet.store.delete, self.card_id)
        except RugzakError as exc:
            self.show_error(exc)
            return
        self.notify(self.t("detail.deleted"))
        self.app.pop_screen()
