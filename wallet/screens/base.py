"""The base of every full wallet screen: the session's services, blocking work off the
UI thread, errors shown one way, and "the wallet is open" told to the app by message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message
from textual.screen import Screen

from shared.errors import RugzakError
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import ConfirmDialog, ErrorDialog
from wallet.file_problems import file_error, file_problem
from wallet.i18n import Translator
from wallet.session import WalletSession
from wallet.widgets.i18n import translate_bindings

if TYPE_CHECKING:
    # Only for the type: the service loads in the background (see ``wallet.app``).
    from wallet.service import WalletService

T = TypeVar("T")


class WalletOpened(Message):
    """A screen created, restored or unlocked a wallet; the app switches to the badges."""

    def __init__(self, store: WalletStore) -> None:
        super().__init__()
        self.store = store


class WalletScreen(Screen[None]):
    """A screen that works on the learner's wallet through its session."""

    def __init__(self, session: WalletSession) -> None:
        super().__init__()
        self.session = session
        self.t: Translator = session.t
        translate_bindings(self, self.t)

    @property
    def config(self) -> WalletConfig:
        return self.session.config

    @property
    def wallet(self) -> WalletService:
        return self.session.wallet

    async def off_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking work (crypto, disk, network) in a thread; file errors become
        plain ``RugzakError``s so every screen can show them the same way."""
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as exc:
            raise file_error(exc) from None

    def show_error(self, error: RugzakError) -> None:
        self.app.push_screen(ErrorDialog(self.t, error))

    def write_to(self, path: Path, write: Callable[[Path], Any]) -> None:
        """Call ``write(path)``, after asking whether to replace a file already there;
        a folder's name gets a plain error (never the operating system's message)."""
        if path.is_dir():
            self.show_error(file_problem("is_folder", path))
            return
        if not path.exists():
            write(path)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                write(path)

        self.app.push_screen(ConfirmDialog(self.t, self.t("common.overwrite", path=path)), answered)

    def open_wallet(self, store: WalletStore) -> None:
        self.post_message(WalletOpened(store))
