"""The presentation as QR code(s) sized to the window; parts cycle with "part i of n".

When the verifier's request set a part limit (``rugzak_max_qr_parts``, the offline
fallback of OpenID4VP), the screen never shows more codes than that: a plain
sentence says what to do instead. Parts stop cycling while a dialog covers the
screen, so nothing repaints under it.

The line under the codes says whether the issuers' status lists go along
(``wallet.stapling``) and how many codes that takes; ``l`` switches that for this
presentation (the configured mode, ``auto`` by default, is only the starting point),
and a saved PNG or SVG carries what the screen shows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Container
from textual.timer import Timer
from textual.widgets import Footer, Label, Static

from shared import qr
from shared.errors import RugzakError
from shared.vocab import as_list
from wallet.delivery import qr_texts_within
from wallet.dialogs.common import PathDialog
from wallet.presenting import (
    FILE_MAX_VERSION,
    SCREEN_MAX_VERSION,
    TERMINAL_BORDER,
    Presentation,
    save_json,
    save_png,
    save_svg,
    terminal_art,
)
from wallet.screens.base import WalletScreen
from wallet.session import WalletSession
from wallet.stapling import StapleMode, status_urls

FRAME_SECONDS = 1.0
#: More codes than a person scans at an interview (about a second each, in turn; a
#: badge with a linked picture takes one to three): the line under them says so.
SCANNABLE_PARTS = 20


class QRScreen(WalletScreen):
    """Shows one code, or cycles the parts; space pauses, arrows step."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "common.back"),
        Binding("space", "pause", "bind.pause"),
        Binding("right", "step(1)", "bind.next"),
        Binding("left", "step(-1)", "bind.prev", show=False),
        Binding("s", "save('png')", "bind.save_png"),
        Binding("v", "save('svg')", "bind.save_svg"),
        Binding("j", "save('json')", "bind.save_json"),
        # not in the footer (cut off at 80 columns): the line under the codes names it
        Binding("l", "lists", "bind.lists", show=False),
    ]

    def __init__(self, session: WalletSession, presentation: Presentation) -> None:
        super().__init__(session)
        self.presentation = presentation
        self.texts: list[str] = []
        self.version: int | None = None
        self.index = 0
        self.paused = False
        self.timer: Timer | None = None
        self.problem: str | None = None  # why no code is shown at this size
        self.staple_note = ""  # whether the issuers' status lists ride along (wallet.stapling)
        self.carrying = False  # whether the codes drawn now carry the status lists
        self.sub_title = self.t("qr.title")

    def compose(self) -> ComposeResult:
        # No header: every row goes to the code (80x24 fits version 5 instead of 4).
        request = self.presentation.request
        if request is None:
            yield Label(self.t("present.unbound_note"), id="qr-info", classes="unbound")
        else:
            yield Label(
                self.t("present.for", domain=request.domain, code=request.short_code), id="qr-info"
            )
        with Container(id="qr-box"), Center():
            yield Static("", id="qr")
        yield Label("", id="qr-part")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        animate = self.config.animate
        self.timer = self.set_interval(FRAME_SECONDS, self._tick, pause=not animate)
        self.call_after_refresh(self.fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit)

    def on_screen_suspend(self) -> None:
        if self.timer is not None:
            self.timer.pause()

    def on_screen_resume(self) -> None:
        if self.timer is not None and self.config.animate:
            self.timer.resume()

    def fit(self) -> None:
        """Pick the largest version that fits the box and re-split the payload."""
        box = self.query_one("#qr-box").size
        try:
            fits = qr.version_for_terminal(box.width, box.height, border=TERMINAL_BORDER)
        except ValueError:
            self.version = None
            self.texts = []
            self.say(self.t("qr.too_small"))
            return
        version = min(SCREEN_MAX_VERSION, fits)
        if version != self.version:
            self.version = version
            self.texts, self.problem = self.split(version)
            self.index = 0
        if self.problem:
            self.say(self.problem)
            return
        self.draw()

    def redraw(self) -> None:
        """Split the payload again at the current size (after the learner's choice)."""
        self.version = None
        self.fit()

    def split(self, version: int) -> tuple[list[str], str | None]:
        """The parts at ``version``, or why they cannot be shown (too many for the
        verifier's limit, or for QR codes at all)."""
        limit = self.presentation.max_parts
        try:
            texts = self.presentation.qr_texts(version)
        except RugzakError:
            texts = []
        self.staple_note = self._staple_note(version, len(texts))
        if texts and (limit is None or len(texts) <= limit):
            return texts, None
        if limit is None:
            return [], self.t("qr.too_many")
        try:
            qr_texts_within(self.presentation.payload(version), limit, FILE_MAX_VERSION)
        except RugzakError:
            return [], self.t("qr.cannot_fit", max=limit)
        return [], self.t("qr.over_limit", max=limit)

    def _staple_note(self, version: int, count: int) -> str:
        """What the codes carry and which key changes it; ``count`` 0: too many codes."""
        presentation = self.presentation
        try:
            self.carrying = presentation.carries_lists(version)
        except RugzakError:  # too large for QR codes even to compare (``auto``)
            self.carrying = presentation.staple is StapleMode.always
        if not presentation.status_lists:
            names_lists = any(
                status_urls(c) for c in as_list(presentation.document.get("verifiableCredential"))
            )
            return self.t("qr.lists_none") if names_lists else ""
        if count == 0:
            codes = self.t("qr.codes_many")
        elif count == 1:
            codes = self.t("qr.code_one")
        else:
            codes = self.t("qr.codes", count=count)
        return self.t("qr.lists_in" if self.carrying else "qr.lists_out", codes=codes)

    def say(self, sentence: str) -> None:
        """A sentence in place of the code (the status-list line stays: leaving the
        lists out may be what makes the codes fit)."""
        self.query_one("#qr", Static).update(Text(sentence))
        note = self.staple_note if self.version is not None else ""
        self.query_one("#qr-part", Label).update(note)

    def draw(self) -> None:
        if not self.texts:
            return
        art = terminal_art(self.texts[self.index])
        self.query_one("#qr", Static).update(Text(art, style="white on black", no_wrap=True))
        total = len(self.texts)
        if total == 1:
            label = self.t("qr.single")
        else:
            label = self.t("qr.part", index=self.index + 1, total=total)
            if self.paused:
                label += f" ({self.t('qr.paused')})"
            if total > SCANNABLE_PARTS:  # no verifier scans this many at an interview
                label += " · " + self.t("qr.too_many_to_scan")
        # before the hint: on a narrow window the line is cut at its end
        if self.staple_note:
            label += " · " + self.staple_note
        if total > 1:
            label += " — " + self.t("qr.hint")
        self.query_one("#qr-part", Label).update(label)

    def _tick(self) -> None:
        if len(self.texts) > 1 and not self.paused:
            self.index = (self.index + 1) % len(self.texts)
            self.draw()

    def action_pause(self) -> None:
        self.paused = not self.paused
        self.draw()

    def action_step(self, delta: int) -> None:
        if self.texts:
            self.paused = True
            self.index = (self.index + delta) % len(self.texts)
            self.draw()

    def action_lists(self) -> None:
        """The status lists go along, or not, for this presentation (none kept: nothing
        to switch, and the line already says so)."""
        if not self.presentation.status_lists or self.version is None:
            return
        self.presentation = self.presentation.with_lists(not self.carrying)
        self.redraw()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_save(self, kind: str) -> None:
        default = str(Path.cwd() / f"presentation.{kind}")

        def chosen(path: str | None) -> None:
            if path:
                self.write_to(Path(path).expanduser(), lambda target: self._save(kind, target))

        self.app.push_screen(PathDialog(self.t, self.t("qr.save_to"), default), chosen)

    @work(group="save")
    async def _save(self, kind: str, path: Path) -> None:
        presentation = self.presentation
        if presentation.status_lists and self.version is not None:
            # what the screen shows, also when ``auto`` would decide otherwise at file size
            presentation = presentation.with_lists(self.carrying)

        def write() -> None:
            if kind == "json":  # the plain presentation: any verifier reads the file
                save_json(presentation.file_document, path)
                return
            limit = presentation.max_parts
            texts = (
                presentation.qr_texts(FILE_MAX_VERSION)
                if limit is None
                else qr_texts_within(
                    presentation.payload(FILE_MAX_VERSION), limit, FILE_MAX_VERSION
                )
            )
            (save_png if kind == "png" else save_svg)(texts, path)

        try:
            await self.off_thread(write)
        except RugzakError as exc:
            self.show_error(exc)
            return
        await asyncio.sleep(0)
        self.notify(self.t("common.saved", path=path))
