"""The Rugzak wallet as a Textual app: create or unlock, then badges."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType

from shared.errors import ErrorCode, InvalidInput, RugzakError
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import ErrorDialog
from wallet.i18n import Translator
from wallet.widgets.i18n import translate_bindings

if TYPE_CHECKING:
    from wallet.service import WalletService

T = TypeVar("T")


class WalletApp(App[None]):
    """Welcome (first start) or unlock, then the badge list and everything behind it."""

    CSS_PATH = "wallet.tcss"
    TITLE = "Rugzak"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "common.quit", priority=True)
    ]

    def __init__(self, config: WalletConfig) -> None:
        super().__init__()
        self.config = config
        self.t = Translator(config.lang)
        self.service: WalletService | None = None
        self.title = self.t("app.title")
        self.sub_title = self.t("app.subtitle")
        translate_bindings(self, self.t)

    def on_mount(self) -> None:
        from wallet.screens.unlock import UnlockScreen
        from wallet.screens.welcome import WelcomeScreen

        if WalletStore.exists(self.config.data_dir):
            self.push_screen(UnlockScreen(self.t, self.config.data_dir))
        else:
            self.push_screen(WelcomeScreen(self.t))
        # Load the verification stack while the learner types the passphrase, so the
        # first screen shows at once and the badge list does not wait for it either.
        self.run_worker(_load_service_modules, thread=True, group="warm-up")

    def on_unmount(self) -> None:
        if self.service is not None:
            self.service.store.close()

    # ------------------------------------------------------------ used by screens

    @property
    def motion(self) -> bool:
        """False: no moving parts (QR parts stay put, cursors do not blink)."""
        return self.config.animate

    @property
    def wallet(self) -> WalletService:
        if self.service is None:
            raise RuntimeError("the wallet is locked")
        return self.service

    def open_wallet(self, store: WalletStore) -> None:
        """Switch to the badge list for a freshly created or unlocked wallet."""
        from wallet.screens.badges import BadgesScreen
        from wallet.service import WalletService

        self.service = WalletService(self.config, store)
        self.switch_screen(BadgesScreen(self.t))

    def show_error(self, error: RugzakError) -> None:
        self.push_screen(ErrorDialog(self.t, error))

    async def off_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking work (crypto, disk, network) in a thread; file errors become
        plain ``RugzakError``s so every screen can show them the same way."""
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as exc:
            name = Path(exc.filename).name if exc.filename else ""
            raise InvalidInput(
                f"{exc.strerror or exc} {name}".strip() + ".",
                code=ErrorCode.invalid_request,
                detail=str(exc),
            ) from None


def _load_service_modules() -> None:
    """Import the heavy modules (JSON-LD, proofs, QR) off the UI thread."""
    for name in (
        "wallet.service",
        "wallet.screens.badges",
        "wallet.screens.receive",
        "wallet.screens.present",
        "wallet.screens.qr",
        "wallet.screens.detail",
    ):
        importlib.import_module(name)
