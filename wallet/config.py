"""Wallet settings and the service both front ends (CLI and TUI) use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import platformdirs

from shared.credentials import StatusFetcher
from shared.did import Resolver
from shared.errors import ErrorCode, InvalidInput
from wallet.data.backup import write_backup
from wallet.data.cards import Card
from wallet.data.crypto import MODERATE_KDF, KdfParams
from wallet.data.store import WalletStore, atomic_write
from wallet.network import Network
from wallet.offer import is_offer, read_offer, redeem
from wallet.presenting import Presentation, make_presentation
from wallet.receive import Checker, ImportOutcome, credentials_in, read_json_file, receive, recheck

APP_NAME = "rugzak-wallet"


def default_data_dir() -> Path:
    """The user's data directory for the wallet (platformdirs)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def utc_now() -> datetime:
    return datetime.now(UTC)


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

    def network(self) -> Network:
        return Network(transport=self.transport, clock=self.clock)


class WalletService:
    """An unlocked wallet plus its network and checks: the operations behind every verb."""

    def __init__(self, config: WalletConfig, store: WalletStore) -> None:
        self.config = config
        self.store = store
        self.network = config.network()
        self.checker = Checker(
            resolver=config.resolver or self.network.resolver(),
            status_fetcher=config.status_fetcher or self.network.status_fetcher(),
            clock=config.clock,
        )

    @property
    def did(self) -> str:
        return self.store.did

    def cards(self) -> list[Card]:
        return self.store.cards()

    def import_text(self, text: str, *, tx_code: str | None = None) -> list[ImportOutcome]:
        """Receive from an offer link, an https URL or a file path."""
        source = text.strip()
        if not source:
            raise InvalidInput(
                "Paste an offer link, a web address or a file path.", code=ErrorCode.invalid_request
            )
        if is_offer(source):
            offer = read_offer(source, self.network)
            documents: list[Any] = redeem(
                offer, self.store.holder, self.network, clock=self.config.clock, tx_code=tx_code
            )
        elif source.startswith(("https://", "http://")):
            documents = credentials_in(self.network.get_json(source))
        else:
            documents = credentials_in(read_json_file(Path(source)))
        return [receive(self.store, document, self.checker) for document in documents]

    def import_document(self, document: Any) -> list[ImportOutcome]:
        return [receive(self.store, c, self.checker) for c in credentials_in(document)]

    def needs_tx_code(self, text: str) -> bool:
        """True for an offer that asks the learner for a transaction code."""
        if not is_offer(text):
            return False
        return read_offer(text, self.network).tx_code is not None

    def refresh(self, ids: list[str] | None = None) -> list[Card]:
        """Check credentials again (status lists fetched anew); returns the new cards."""
        targets = ids if ids is not None else [c.id for c in self.store.cards()]
        self.forget_status_lists()
        return [recheck(self.store, cid, self.checker)[0] for cid in targets]

    def recheck(self, card_id: str) -> tuple[Card, Any]:
        self.forget_status_lists()
        return recheck(self.store, card_id, self.checker)

    def forget_status_lists(self) -> None:
        """A refresh the learner asked for fetches the lists anew (no cached answer)."""
        if self.config.status_fetcher is None:
            self.network.status_fetcher().clear()

    def present(self, ids: list[str], request: Any) -> Presentation:
        return make_presentation(self.store, ids, request, now=self.config.clock())

    def backup(self, path: Path, passphrase: str) -> int:
        return write_backup(
            self.store, path, passphrase, kdf=self.config.kdf, now=self.config.clock()
        )

    def export(self, reference: str, path: Path) -> str:
        import json

        stored = self.store.find(reference)
        text = json.dumps(stored.credential, indent=2, ensure_ascii=False) + "\n"
        atomic_write(Path(path), text.encode("utf-8"), mode=0o644)
        return stored.id
