"""Endorsements kept with the badge they endorse.

An Open Badges 3.0 ``EndorsementCredential`` (signed by an employer, coach or
colleague with their own DID) names what it endorses in ``credentialSubject.id``: a
badge credential's ``id``, an achievement's ``id``, or an issuer profile's ``id``. The
wallet receives it like any credential (same checks, except that it is not issued to
the learner's DID), keeps it in the same sealed store, and shows it on every badge it
names. It is not a badge itself: it stays out of the badge list. When the learner
presents a badge, the endorsements kept for it travel beside it (``kept_for``) unless
the learner leaves them out; the verifier shows them with the badge they endorse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.ob.endorsement import endorsed_target
from shared.vocab import ENDORSEMENT_CREDENTIAL, as_list
from wallet.data.cards import Card, Status
from wallet.data.store import StoredCredential, WalletStore


def is_endorsement(credential: Any) -> bool:
    return isinstance(credential, Mapping) and ENDORSEMENT_CREDENTIAL in as_list(
        credential.get("type")
    )


@dataclass(frozen=True)
class Endorsement:
    """One endorsement as shown: who, what they wrote, whether it checked out."""

    id: str  # the wallet's id
    target: str
    endorser: str  # the endorser's name, else their DID
    comment: str
    issued: str | None
    status: Status

    @classmethod
    def of(cls, stored: StoredCredential) -> Endorsement:
        credential = stored.credential
        subject = credential.get("credentialSubject")
        subject = subject[0] if isinstance(subject, list) and subject else subject
        comment = subject.get("endorsementComment") if isinstance(subject, Mapping) else None
        return cls(
            id=stored.id,
            target=endorsed_target(credential) or "",
            endorser=stored.card.issuer_name,
            comment=comment if isinstance(comment, str) else "",
            issued=stored.card.issued,
            status=stored.card.status,
        )


def targets_of(credential: Mapping[str, Any]) -> set[str]:
    """Every id an endorsement of this badge may name: the credential, its
    achievement, its issuer."""
    found = set()
    for value in (credential.get("id"), credential.get("issuer")):
        value = value.get("id") if isinstance(value, Mapping) else value
        if isinstance(value, str):
            found.add(value)
    for subject in as_list(credential.get("credentialSubject")):
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        if isinstance(achievement, Mapping) and isinstance(achievement.get("id"), str):
            found.add(achievement["id"])
    return found


def endorsements_of(
    credential: Mapping[str, Any], endorsements: Iterable[Endorsement]
) -> list[Endorsement]:
    """The endorsements that name this badge, its achievement or its issuer (invalid
    ones left out: an endorsement that does not check out says nothing)."""
    return endorsements_of_targets(targets_of(credential), endorsements)


def endorsements_of_targets(
    wanted: set[str], endorsements: Iterable[Endorsement]
) -> list[Endorsement]:
    """The endorsements naming one of ``wanted`` (invalid ones left out)."""
    return [e for e in endorsements if e.target in wanted and e.status is not Status.invalid]


def is_endorsement_card(card: Card) -> bool:
    return card.endorses is not None


def kept_for(store: WalletStore, badges: Iterable[StoredCredential]) -> list[StoredCredential]:
    """The endorsements the wallet keeps for these badges, oldest first, each once (ones
    that did not check out are left out, as on screen)."""
    wanted: set[str] = set()
    for badge in badges:
        wanted |= targets_of(badge.credential)
    cards = [
        card
        for card in store.cards()
        if card.endorses in wanted and card.status is not Status.invalid
    ]
    return [store.get(card.id) for card in cards]
