"""What every wallet screen shares: the settings, the learner's language and, once the
wallet is unlocked, the wallet service.

The app owns one session and hands it to each screen it makes; screens hand it on to
the screens they open. So no screen needs to know the app class (and the app, which
imports the screens, is never imported back by them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wallet.config import WalletConfig
from wallet.i18n import Translator

if TYPE_CHECKING:
    from wallet.data.store import WalletStore
    from wallet.service import WalletService


@dataclass
class WalletSession:
    """One run of the terminal wallet: locked until ``open`` gets an unlocked store."""

    config: WalletConfig
    t: Translator
    service: WalletService | None = None

    @classmethod
    def start(cls, config: WalletConfig) -> WalletSession:
        return cls(config, Translator(config.lang))

    @property
    def wallet(self) -> WalletService:
        """The unlocked wallet; screens behind the unlock screen may rely on it."""
        if self.service is None:
            raise RuntimeError("the wallet is locked")
        return self.service

    def open(self, store: WalletStore) -> WalletService:
        # Imported here: the service pulls in the JSON-LD and proof stack, which the
        # first screen (welcome or unlock) must not wait for.
        from wallet.service import WalletService

        self.service = WalletService(self.config, store)
        return self.service

    def close(self) -> None:
        if self.service is not None:
            self.service.store.close()
