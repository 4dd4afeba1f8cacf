"""How to verify: one frozen options object, built in one place.

Every verification takes the same things from its caller: where DIDs and status
lists come from, whom to trust, what time it is and how far clocks may differ,
and, for a presentation, which request it must answer (the proof purpose). They
travel together as :class:`VerifyOptions`; the keyword form of ``verify_credential``
and ``verify_presentation`` builds one through :meth:`VerifyOptions.with_`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.did import Fetcher, Resolver, StaticResolver
from shared.proof.purpose import AuthenticationPurpose
from shared.status_cache import StatusFetcher
from shared.status_staple import DEFAULT_STAPLE_MAX_AGE
from shared.vocab import DCC_MIN_STATUS_ENTRIES, DEFAULT_MAX_CREDENTIALS

DEFAULT_SKEW = timedelta(minutes=5)
DEFAULT_MIN_STATUS_ENTRIES = DCC_MIN_STATUS_ENTRIES

Clock = Callable[[], datetime]
ListCheck = Callable[[dict[str, Any], "VerifyOptions"], tuple[dict[str, Any], tuple[str, ...]]]
"""Authenticates a fetched status list: (the list credential to read, why it is not genuine)."""


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class VerifyOptions:
    """Everything a verification depends on besides the document.

    Attributes:
        resolver: DIDs to keys (did:key works without one; the default resolves
            nothing else).
        status_fetcher: status list credentials by URL; without one, a credential
            that carries ``credentialStatus`` is "status unknown".
        trusted_issuers: issuer id (a DID, or an https URL whose key document
            signed the badge) -> display name; an issuer not listed is a warning,
            not a failure. None skips the trust check.
        now: the instant to judge dates at; None reads ``clock`` once per
            verification (a presentation and its credentials share that instant).
        clock: where ``now`` comes from when it is not given.
        skew: how far the issuer's and our clocks may differ.
        check_schema: also check Open Badges against the OB 3.0 JSON Schema.
        min_status_entries: the smallest status list accepted (DCC's 100,000).
        allow_fragment_keys: accept a key written in the verification method URL
            itself (1EdTech style), as a warning ``issuer_key_unconfirmed``.
        purpose: for a presentation, the request it must answer (challenge and
            domain). None is not allowed for presentations: say
            ``AuthenticationPurpose(None, None)`` to accept an unbound one.
        fetcher: the SSRF-guarded GET for what a badge itself points at (a
            VC-JWT's https ``kid``, a hosted OB 2.0 assertion); None stays offline.
        status_lists: how a fetched status list is authenticated. A status list is
            itself a credential, so this is credential verification, injected rather
            than imported; ``verify_credential`` supplies its own when it is None.
        stapled_status: status list credentials the presenter brought, by URL
            (``shared.status_staple``); one is used for a status entry only when it
            is genuine, the issuer's list at that URL, and fresh.
        staple_max_age: how old a stapled list may be (from its ``validFrom``).
        holder_links: link statements from the holder's earlier keys
            (``shared.holder_link``): a badge of an earlier DID then belongs to the
            presenter.
        max_credentials: the most credentials one presentation may hold; more is
            refused (``too_many_credentials``) before anything is canonicalized, so
            one request cannot keep a verifier busy for long.
        cheap_first: when the holder's proof does not verify, stop: the embedded
            credentials are not verified (their canonicalization is the costly
            part). For public services; a person inspecting a file (the CLI) gets
            every credential's result.
        confirm_base_proofs: the holder checks its own copy of a badge (the wallet):
            an ecdsa-sd-2023 base proof is confirmed. Verifiers leave it False and
            refuse one (``base_proof_presented``); inside a presentation it is
            always refused, since a holder must never hand its base proof over.
    """

    resolver: Resolver = field(default_factory=StaticResolver)
    status_fetcher: StatusFetcher | None = None
    trusted_issuers: Mapping[str, str] | None = None
    now: datetime | None = None
    clock: Clock = system_clock
    skew: timedelta = DEFAULT_SKEW
    check_schema: bool = True
    min_status_entries: int = DEFAULT_MIN_STATUS_ENTRIES
    allow_fragment_keys: bool = True
    purpose: AuthenticationPurpose | None = None
    fetcher: Fetcher | None = None
    status_lists: ListCheck | None = None
    stapled_status: Mapping[str, dict[str, Any]] | None = None
    staple_max_age: timedelta = DEFAULT_STAPLE_MAX_AGE
    holder_links: tuple[dict[str, Any], ...] = ()
    max_credentials: int = DEFAULT_MAX_CREDENTIALS
    cheap_first: bool = False
    confirm_base_proofs: bool = False

    def with_(self, **changes: Any) -> VerifyOptions:
        """A copy with ``changes``: the one place keyword options become an object.

        ``None`` for ``resolver`` means the default resolver, as it always has;
        an unknown name is a ``TypeError``, as it is for a function.
        """
        if not changes:
            return self  # frozen: the copy would be equal in every field
        unknown = sorted(set(changes) - _FIELD_NAMES)
        if unknown:
            raise TypeError(f"unknown verification option(s): {', '.join(unknown)}")
        if "resolver" in changes and changes["resolver"] is None:
            changes["resolver"] = StaticResolver()
        return _replaced(self, changes)

    def pinned(self) -> VerifyOptions:
        """The same options with ``now`` fixed, so every check sees one instant."""
        return self if self.now is not None else _replaced(self, {"now": self.clock()})

    @property
    def moment(self) -> datetime:
        """The instant dates are judged at."""
        return self.now if self.now is not None else self.clock()


_FIELD_NAMES = frozenset(f.name for f in fields(VerifyOptions))


def _replaced(options: VerifyOptions, changes: dict[str, Any]) -> VerifyOptions:
    """``dataclasses.replace(options, **changes)`` for known field names, without its
    per-call field walk: the class has no ``__post_init__`` and no field with
    ``init=False``, so a copy of the fields with ``changes`` applied is what its
    ``__init__`` would make. A subclass takes ``replace`` itself."""
    if type(options) is not VerifyOptions:
        return replace(options, **changes)
    copied = object.__new__(VerifyOptions)
    copied.__dict__.update(options.__dict__)
    copied.__dict__.update(changes)
    return copied
