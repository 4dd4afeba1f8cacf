"""Wallet settings: where the wallet lives, language, KDF cost, clock and network.

Kept light on purpose (no crypto or JSON-LD stack): the terminal app imports it to
show the unlock screen at once, while ``wallet.service`` loads in the background.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from shared.runtime.sealing import MODERATE_KDF, KdfParams

if TYPE_CHECKING:
    import httpx

    from shared.credentials import StatusFetcher
    from shared.did import Resolver
    from wallet.network import Network

APP_NAME = "rugzak-wallet"


def default_data_dir() -> Path:
    """The user's data directory for the wallet (platformdirs)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def utc_now() -> datetime:
    return datetime.now(UTC)


ALLOW_PRIVATE_ENV = "RUGZAK_WALLET_ALLOW_PRIVATE_NETWORK"


class StapleMode(StrEnum):
    """Whether QR codes carry the issuers' status lists (``wallet.stapling``): ``auto``
    when they take no more codes than the presentation alone, ``always``, ``never``."""

    auto = "auto"
    always = "always"
    never = "never"


def _allow_private_from_env() -> bool:
    """The development switch, off unless the environment turns it on explicitly."""
    return os.environ.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass
class WalletConfig:
    """Everything injected into the wallet: where, which language, cost, clock, network."""

    data_dir: Path = field(default_factory=default_data_dir)
    lang: str = "en"
    kdf: KdfParams = MODERATE_KDF
    clock: Callable[[], datetime] = utc_now
    transport: httpx.BaseTransport | None = None
    resolver: Resolver | None = None
    status_fetcher: StatusFetcher | None = None
    animate: bool = True  # tests turn the QR animation off for stable snapshots
    #: whether presentations carry the status lists the wallet keeps (the learner's choice)
    staple: StapleMode = StapleMode.auto
    #: development only: also fetch over http:// and from private or loopback addresses
    allow_private_network: bool = field(default_factory=_allow_private_from_env)

    def network(self) -> Network:
        from wallet.network import Network

        return Network(
            transport=self.transport,
            clock=self.clock,
            allow_private=self.allow_private_network,
        )
