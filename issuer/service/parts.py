"""What every credential of one achievement shares, made once per content.

Issuing a credential used to redo, for every learner, the work that depends only on
the achievement and the issuer: parse the stored achievement, turn it into OB 3.0
JSON, decode its data-URI pictures and hash them, validate the achievement and issuer
profile models and dump them as JSON. :class:`AchievementPart` holds all of that.

The cache is keyed on everything the result depends on: the achievement's stored
document *text* (any edit, in this process or another, changes the key; the row is
still read for every award, so retirement and edits are seen at once), its URL, and
for the linked part the issuer's identity object (profile, base URL) and whether
pictures are embedded. It is bounded (least recently used entries go) and safe across
threads (two threads may build the same entry; either result is the same). Nothing
in an entry is ever changed after it is made: the builder copies what it writes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from issuer.achievements import AchievementIn, parse_input, to_ob
from issuer.identity import Identity
from issuer.images import Linked, link_images
from issuer.store.repository import load
from shared.ob import Achievement, Profile
from shared.ob.build import Prebuilt

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: Achievements kept per issuer process (an entry is a few KB plus its pictures).
MAX_PARTS = 256


class Bounded(Generic[K, V]):
    """A thread-safe least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
                return value
        value = make()  # outside the lock: may raise, may run twice in a race
        self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class Shared:
    """The achievement and issuer profile as a credential carries them: pictures by
    URL (with the ``relatedResource`` digests) or embedded, validated and dumped once."""

    linked: Linked
    achievement: Prebuilt[Achievement]
    profile: Prebuilt[Profile]


@dataclass(frozen=True, eq=False)
class AchievementPart:
    """One stored achievement (its document text) read for one URL."""

    text: str
    document: dict[str, Any]
    data: AchievementIn
    ob: dict[str, Any]
    _linked: Bounded[tuple[int, bool], tuple[Identity, Shared]] = field(
        default_factory=lambda: Bounded(4), repr=False
    )

    @classmethod
    def make(cls, text: str, url: str) -> AchievementPart:
        """Raises what ``parse_input`` and ``to_ob`` raise for a bad document."""
        document = load(text)
        data = parse_input(document)
        return cls(text, document, data, to_ob(data, url))

    def shared(self, identity: Identity, *, embed: bool) -> Shared:
        """The linked, validated achievement and profile for this issuer identity."""

        def make() -> tuple[Identity, Shared]:
            linked = link_images(self.ob, identity.profile, base_url=identity.base_url, embed=embed)
            return identity, Shared(
                linked,
                Prebuilt.of(Achievement.model_validate(linked.achievement)),
                Prebuilt.of(Profile.model_validate(linked.profile)),
            )

        # Keyed on the identity object (loaded once; a changed identity is a new one),
        # and checked to be that very object, so a reused id() can never match.
        key = (id(identity), embed)
        owner, shared = self._linked.get(key, make)
        if owner is not identity:
            owner, shared = made = make()
            self._linked.put(key, made)
        return shared


class Parts:
    """The :class:`AchievementPart` of each (document text, URL) in use."""

    def __init__(self, size: int = MAX_PARTS) -> None:
        self._parts: Bounded[tuple[str, str], AchievementPart] = Bounded(size)

    def get(self, text: str, url: str) -> AchievementPart:
        return self._parts.get((text, url), lambda: AchievementPart.make(text, url))

    def __len__(self) -> int:
        return len(self._parts)
