"""Holder key rotation: a link statement from the learner's old key to the new one.

A learner's badges name their DID (``credentialSubject.id``). When the learner moves
to a new key (a new ``did:key``: the old one may be exposed, or simply old), badges
issued to the old DID can no longer be presented in the usual way: the presentation
is signed by the new key, and a verifier sees "belongs to someone else". The link
statement bridges that: a credential **signed by the old key**, saying that its
subject (the old DID) is also known as the new DID (DID Core ``alsoKnownAs``,
section 5.1.3)::

    {"@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/did/v1"],
     "type": ["VerifiableCredential"],
     "issuer": "did:key:OLD", "validFrom": "…",
     "credentialSubject": {"id": "did:key:OLD", "alsoKnownAs": "did:key:NEW"},
     "proof": {… eddsa-rdfc-2022 by did:key:OLD …}}

It travels beside the presentation, like stapled status lists (``shared.status_staple``:
the envelope's ``holderLinks``, OpenID4VP ``rugzak_holder_links``). A verifier that
follows it accepts a badge of the old DID presented by the new key, and says so:
"presented by the same learner under a new key". Verifiers that do not know it see a
badge that belongs to someone else: an honest limit, documented in docs/wallet.md.

What it proves: whoever held the old key agreed to the new one. It cannot prove the
old key was not stolen first (neither can any did:key presentation); a did:key cannot
be revoked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from shared.dates import format_datetime
from shared.keys import SigningKey
from shared.verification import VerificationResult
from shared.vocab import CREDENTIALS_V2, VERIFIABLE_CREDENTIAL, as_list

DID_V1 = "https://www.w3.org/ns/did/v1"
MAX_LINKS = 8
"""Rotations a chain may span (and links a presentation may carry)."""

VerifyLink = Callable[[dict[str, Any]], VerificationResult]
"""Verifies a link statement as a credential (injected: this module verifies nothing itself)."""


def link_statement(old: SigningKey, new_did: str, *, now: datetime) -> dict[str, Any]:
    """The unsigned link statement: ``old`` says its DID is also known as ``new_did``."""
    if new_did == old.did:
        raise ValueError("a key cannot link to itself")
    return {
        "@context": [CREDENTIALS_V2, DID_V1],
        "type": [VERIFIABLE_CREDENTIAL],
        "issuer": old.did,
        "validFrom": format_datetime(now),
        "credentialSubject": {"id": old.did, "alsoKnownAs": new_did},
    }


def is_link(document: Any) -> bool:
    """True for a document shaped like a link statement (not yet verified)."""
    if not isinstance(document, dict):
        return False
    subject = document.get("credentialSubject")
    return (
        isinstance(subject, dict)
        and isinstance(subject.get("id"), str)
        and isinstance(subject.get("alsoKnownAs"), str)
        and document.get("issuer") == subject.get("id")
    )


def linked_dids(
    links: Iterable[dict[str, Any]], holder: str, verify: VerifyLink
) -> dict[str, dict[str, Any]]:
    """The earlier DIDs of ``holder``: each with the link that reaches it.

    Follows chains (old -> older) up to ``MAX_LINKS``. A link counts only when it
    verifies (signed by the old DID's key, in date) and its issuer is its subject;
    anything else is ignored, and the badges of that DID stay "someone else's".
    """
    good: list[dict[str, Any]] = []
    for link in list(links)[:MAX_LINKS]:
        if is_link(link) and verify(link).verified:
            good.append(link)
    found: dict[str, dict[str, Any]] = {}
    known = {holder}
    changed = True
    while changed:
        changed = False
        for link in good:
            subject = link["credentialSubject"]
            old, new = subject["id"], subject["alsoKnownAs"]
            if new in known and old not in known:
                known.add(old)
                found[old] = {"linkedTo": new, "validFrom": link.get("validFrom")}
                changed = True
    return found


def links_in(value: Any) -> tuple[dict[str, Any], ...]:
    """Link statements from an envelope member or an OpenID4VP parameter value."""
    items = [item for item in as_list(value) if isinstance(item, dict)]
    return tuple(items[:MAX_LINKS])


def subjects_linked(subjects: Iterable[str | None], linked: Mapping[str, Any]) -> str | None:
    """The first of a credential's subjects that is an earlier DID of the holder."""
    return next((s for s in subjects if s is not None and s in linked), None)
