"""The Rugzak wallet as a Textual app: create or unlock, then badges."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.screens.base import WalletOpened
from wallet.session import WalletSession
from wallet.widgets.i18n import translate_bindings

if TYPE_CHECKING:
    from wallet.service import WalletService


class WalletApp(App[None]):
    """Welcome (first start) or unlock, then the badge list and everything behind it.

    The screens get what they work with from the session the app hands them; they
    tell the app that a wallet was opened with a ``WalletOpened`` message.
    """

    CSS_PATH = "wallet.tcss"
    TITLE = "Rugzak"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "common.quit", priority=True)
    ]

    def __init__(self, config: WalletConfig) -> None:
        super().__init__()
        self.config = config
        self.session = WalletSession.start(config)
        self.t = self.session.t
        self.title = self.t("app.title")
        self.sub_title = self.t("app.subtitle")
        translate_bindings(self, self.t)

    @property
    def service(self) -> WalletService | None:
        """The unlocked wallet, or None while it is locked."""
        return self.session.service

    @service.setter
    def service(self, service: WalletService | None) -> None:
        self.session.service = service

    @property
    def motion(self) -> bool:
        """False: no moving parts (QR parts stay put, cursors do not blink)."""
        return self.config.animate

    def on_mount(self) -> None:
        from wallet.screens.unlock import UnlockScreen
        from wallet.screens.welcome import WelcomeScreen

        if WalletStore.exists(self.config.data_dir):
            self.push_screen(UnlockScreen(self.session))
        else:
            self.push_screen(WelcomeScreen(self.session))
        # Load the verification stack while the learner types the passphrase, so the
        # first screen shows at once and the badge list does not wait for it either.
        self.run_worker(_load_service_modules, thread=True, group="warm-up")

    def on_unmount(self) -> None:
        self.session.close()

    def on_wallet_opened(self, message: WalletOpened) -> None:
        """Switch to the badge list for a freshly created, restored or unlocked wallet."""
        from wallet.screens.badges import BadgesScreen

        self.session.open(message.store)
        self.switch_screen(BadgesScreen(self.session))


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
