"""The issuer core: its store, identity, signing key and clock.

Awarding (``issuer.service.awarding``): status indexes are reserved in a short
transaction, the credentials are built and signed outside any transaction (so two
processes sign at the same time), then the credentials and their audit rows are stored
in one transaction. Nothing is reported (returned, printed, written to a file) before
that commit. A crash before it leaves only reserved indexes, which are never used.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from random import Random
from typing import TYPE_CHECKING, Any, Self

from pydantic import SecretStr
from sqlalchemy.engine import Connection, RowMapping

from issuer.identity import Identity, load_identity, unlock_active, unlock_sd
from issuer.settings import IssuerSettings
from issuer.store import Store
from issuer.store import status as st
from shared.errors import AccessDenied, ErrorCode, NotFound, Unavailable
from shared.keys import P256SigningKey, SigningKey

if TYPE_CHECKING:
    from issuer.awards import AwardIn
    from issuer.service.parts import AchievementPart

# The core imports no awarding (award input, achievement parts, proofs): a command
# reading the audit log or revoking opens the core and the part it uses alone.

Clock = Callable[[], datetime]
_SLUG = re.compile(r"[^a-z0-9]+")
ACTIVE, REVOKED, SUSPENDED = "active", "revoked", "suspended"


def utc_now() -> datetime:
    return datetime.now(UTC)


def _no_details() -> AwardIn:
    from issuer.awards import AwardIn

    return AwardIn()


@dataclass(frozen=True)
class AwardRequest:
    """One credential to issue."""

    achievement_id: str
    subject_id: str
    award: AwardIn = field(default_factory=_no_details)
    email: str | None = None
    idempotency_key: str | None = None
    offer_id: str | None = None


@dataclass(frozen=True)
class Issued:
    credential: dict[str, Any]
    created: bool  # False: the idempotency key matched an earlier award, returned as is


@dataclass(frozen=True)
class Prepared:
    request: AwardRequest
    achievement: dict[str, Any]
    valid_days: int | None
    results: list[dict[str, Any]]
    legacy_proof: bool = False
    # Images inside the credential (data URIs) instead of by URL with a digest.
    embed_images: bool = False
    #: the achievement's shared part (``issuer.service.parts``) ``achievement`` came
    #: from; ``achievement`` is then that part's and must not be changed
    part: AchievementPart | None = None
    #: the achievement row's ``revision`` it was prepared from (None: not from a row)
    revision: int | None = None


class IssuerBase:
    """One issuer over one store. ``key`` is None until unlocked (read-only use)."""

    def __init__(
        self,
        store: Store,
        identity: Identity,
        settings: IssuerSettings,
        *,
        key: SigningKey | None = None,
        key_id: int | None = None,
        passphrase: SecretStr | None = None,
        clock: Clock = utc_now,
        rng: Random | None = None,
    ) -> None:
        self.store = store
        self.identity = identity
        self.settings = settings
        self._key = key
        # With the passphrase kept, a key made by `rotate-key` in another process is
        # picked up (see ``signer``); without it this issuer signs with ``key`` only.
        self._key_id = key_id
        self._passphrase = passphrase
        self._key_checked = time.monotonic()
        self._key_lock = threading.Lock()
        self._sd_key: P256SigningKey | None = None
        self.clock = clock
        # Image names known to be in the store (added once their transaction commits).
        self.stored_images: set[str] = set()
        # Credential ids with status slots reserved ahead (``AwardOps._take_slots``).
        self._reserve: list[tuple[str, list[st.Slot]]] = []
        self._reserve_purposes: tuple[str, ...] = ()
        self._reserve_next = 1
        self._reserve_lock = threading.Lock()
        self.allocator = st.StatusAllocator(
            list_size=identity.list_size, fill_limit=settings.status_fill_limit, rng=rng
        )

    @classmethod
    def open(
        cls,
        settings: IssuerSettings,
        *,
        passphrase: str | None = None,
        clock: Clock = utc_now,
        rng: Random | None = None,
    ) -> Self:
        store = Store(settings.resolved_database_url())
        try:
            store.check_schema()
        except BaseException:
            store.dispose()
            raise
        identity = load_identity(store)
        key_id, key = (
            unlock_active(store, identity, passphrase) if passphrase is not None else (None, None)
        )
        issuer = cls(
            store,
            identity,
            settings,
            key=key,
            key_id=key_id,
            passphrase=None if passphrase is None else SecretStr(passphrase),
            clock=clock,
            rng=rng,
        )
        if passphrase is not None:
            issuer._unlock_sd(passphrase)
        return issuer

    @property
    def signer(self) -> SigningKey:
        """The active signing key; one rotated in by another process (``rotate-key``)
        is unlocked here within ``settings.key_check_seconds``."""
        if self._key is None:
            raise AccessDenied(
                "the signing key is locked: set RUGZAK_ISSUER_PASSPHRASE",
                code=ErrorCode.passphrase_required,
            )
        if self._passphrase is not None:
            self._follow_rotation()
        return self._key

    @property
    def has_key(self) -> bool:
        """True when the signing key is unlocked (this issuer can sign)."""
        return self._key is not None

    def _follow_rotation(self) -> None:
        now = time.monotonic()
        if now - self._key_checked < self.settings.key_check_seconds:
            return
        with self._key_lock:
            if now - self._key_checked < self.settings.key_check_seconds:
                return  # another thread just checked
            with self.store.read() as conn:
                active = self.store.active_key_id(conn)
            if active != self._key_id and self._passphrase is not None:
                secret = self._passphrase.get_secret_value()
                self._key_id, self._key = unlock_active(self.store, self.identity, secret)
            self._key_checked = time.monotonic()

    def unlock(self, passphrase: str) -> None:
        self._key_id, self._key = unlock_active(self.store, self.identity, passphrase)
        self._passphrase = SecretStr(passphrase)
        self._key_checked = time.monotonic()
        self._unlock_sd(passphrase)

    def _unlock_sd(self, passphrase: str) -> None:
        if not self.settings.sd_proofs:
            return
        self._sd_key = unlock_sd(self.store, self.identity, passphrase)
        if self._sd_key is None:
            raise Unavailable(
                "sd_proofs is on but this issuer has no selective-disclosure key: "
                "run 'rugzak-issuer selective-disclosure' first",
                code=ErrorCode.not_initialized,
            )

    def now(self) -> datetime:
        return self.clock()

    def _row(self, conn: Connection, achievement_id: str) -> RowMapping:
        row = self.store.achievement(conn, achievement_id)
        if row is None:
            raise NotFound(
                f"no achievement '{achievement_id}'",
                code=ErrorCode.achievement_not_found,
                detail=achievement_id,
            )
        return row
