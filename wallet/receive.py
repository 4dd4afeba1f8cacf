"""Receiving credentials: read them from a file, a URL or an offer, check, and store.

Every credential is verified on arrival (proof, issuer, dates, status). Refused, with
the reason: a credential for someone else's DID, a broken or missing proof, a signer
who is not the issuer, an unknown context or undefined terms, a malformed document.
Kept, with a badge that says so: expired, not yet valid, revoked, suspended, status
unknown (the learner may still want to keep an old or revoked badge).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from shared.credentials import StatusFetcher, subject_ids, types_of
from shared.did import Resolver
from shared.errors import Conflict, ErrorCode, InvalidInput, RugzakError
from shared.formats import is_ob2_document, read_any, readable, verify_stored
from shared.strict_json import parse as parse_json
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import ENDORSEMENT_CREDENTIAL, VERIFIABLE_PRESENTATION, as_list
from wallet.data.cards import Card, Status, make_card
from wallet.data.store import WalletStore
from wallet.file_problems import file_error
from wallet.images import badge_document

MAX_FILE_BYTES = 5 * 1024 * 1024
# Outcomes that describe the credential's life, not a defect: keep it, show the badge.
KEEPABLE = frozenset({"revoked", "suspended", "expired", "not_yet_valid", "schema_invalid"})


@dataclass(frozen=True)
class Checker:
    """What verification needs from the outside world, injected."""

    resolver: Resolver | None
    status_fetcher: StatusFetcher | None
    clock: Callable[[], datetime]
    # GET for what an Open Badges 2.0 badge points at (its hosted copy, key, issuer)
    fetcher: Callable[[str], bytes] | None = None

    def verify(self, credential: Any, holder_did: str | Collection[str]) -> VerificationResult:
        """Verify ``credential``; it must be issued to ``holder_did`` (or one of several:
        the learner's DID now and its earlier ones, after a key rotation)."""
        dids = {holder_did} if isinstance(holder_did, str) else set(holder_did)
        result = verify_stored(
            credential,
            resolver=self.resolver,
            fetcher=self.fetcher,
            status_fetcher=self.status_fetcher,
            now=self.clock(),
        )
        # An Open Badges 2.0 badge names its learner by e-mail address, not by a DID:
        # there is no holder to compare (and it cannot go into a presentation).
        # An endorsement names what it endorses (a badge, an achievement, an issuer),
        # not the learner: it is checked like any credential but has no holder either.
        if (
            isinstance(credential, dict)
            and not is_ob2_document(credential)
            and ENDORSEMENT_CREDENTIAL not in as_list(readable(credential).get("type"))
        ):
            subjects = subject_ids(readable(credential))
            if dids & set(subjects):
                result.add(Check.passed(CheckName.holder, "It is bound to your DID."))
            else:
                result.add(
                    Check.failed(
                        CheckName.holder,
                        ErrorCode.holder_mismatch,
                        "It was issued to someone else's DID.",
                        {"holder": holder_did, "subjects": subjects},
                    )
                )
        return result


@dataclass
class ImportOutcome:
    """What happened to one credential: stored (with its card) or refused (with a code)."""

    credential: Any
    result: VerificationResult | None
    card: Card | None = None
    local_id: str | None = None
    refusal: RugzakError | None = None
    duplicate_of: str | None = None
    warnings: list[Check] = field(default_factory=list)
    source: str | None = None  # the file it came from, when a folder was imported

    @property
    def accepted(self) -> bool:
        return self.local_id is not None

    @property
    def code(self) -> str:
        return (
            str(self.refusal.code)
            if self.refusal
            else (self.card.status_code if self.card else "ok")
        )


def refusal_for(result: VerificationResult) -> RugzakError | None:
    """The reason to refuse a verified credential, or None to keep it."""
    for check in result.errors:
        if check.code not in KEEPABLE:
            return InvalidInput(check.message, code=check.code, detail={"check": check.name})
    return None


def receive(store: WalletStore, credential: Any, checker: Checker) -> ImportOutcome:
    """Check one credential and store it if it is acceptable (one transaction)."""
    if not isinstance(credential, dict):
        return ImportOutcome(
            credential,
            None,
            refusal=InvalidInput(
                "This is not a credential (expected a JSON object).",
                code=ErrorCode.malformed_credential,
            ),
        )
    duplicate = store.duplicate_of(credential)
    if duplicate is not None:
        return ImportOutcome(
            credential,
            None,
            duplicate_of=duplicate,
            refusal=Conflict(
                "This credential is already in the wallet.",
                code=ErrorCode.duplicate_credential,
                detail=duplicate,
            ),
        )
    result = checker.verify(credential, store.dids)
    refusal = refusal_for(result)
    if refusal is not None:
        return ImportOutcome(credential, result, refusal=refusal)
    card = make_card(credential, result, now=checker.clock())
    try:
        local_id = store.add(credential, card)
    except Conflict as exc:
        if exc.code == ErrorCode.duplicate_credential:
            return ImportOutcome(credential, result, refusal=exc, duplicate_of=exc.detail)
        raise
    return ImportOutcome(
        credential, result, card=card.with_id(local_id), local_id=local_id, warnings=result.warnings
    )


def recheck(store: WalletStore, card_id: str, checker: Checker) -> tuple[Card, VerificationResult]:
    """Verify a stored credential again (fresh status) and update its card."""
    stored = store.get(card_id)
    result = checker.verify(stored.credential, store.dids)
    fresh = make_card(
        stored.credential,
        result,
        now=checker.clock(),
        local_id=card_id,
        added_at=stored.card.added_at,
    )
    store.update_card(fresh)
    return fresh, result


def recheck_status(store: WalletStore, card_id: str, checker: Checker) -> Card | None:
    """The quiet re-check on unlock: verify again and update the card, unless the
    status cannot be learnt now (no network: "unknown"), when the last known card
    stays and None is returned, so a revoked badge never turns back into a question."""
    stored = store.get(card_id)
    try:
        result = checker.verify(stored.credential, store.dids)
    except RugzakError:
        return None
    fresh = make_card(
        stored.credential,
        result,
        now=checker.clock(),
        local_id=card_id,
        added_at=stored.card.added_at,
    )
    if fresh.status == Status.unknown and stored.card.status != Status.unknown:
        return None
    store.update_card(fresh)
    return fresh


def credentials_in(document: Any) -> list[Any]:
    """The credentials a JSON document holds: one, a list, a presentation, or an
    OID4VCI credential response (``{"credentials": [{"credential": ...}]}``)."""
    if isinstance(document, list):
        return [c for item in document for c in credentials_in(item)]
    if not isinstance(document, dict):
        raise InvalidInput(
            "This file does not hold a credential.", code=ErrorCode.malformed_credential
        )
    if "credentials" in document and isinstance(document["credentials"], list):
        return [
            item.get("credential") if isinstance(item, dict) and "credential" in item else item
            for item in document["credentials"]
        ]
    if "credential" in document and isinstance(document["credential"], dict):
        return [document["credential"]]
    if VERIFIABLE_PRESENTATION in types_of(document):
        inner = document.get("verifiableCredential", [])
        return [inner] if inner is None else as_list(inner)
    return [document]


def read_json_file(path: Path) -> Any:
    """A badge file (JSON, a VC-JWT, an RZ1:/VP1- text), size-capped, with plain errors."""
    path = Path(path).expanduser()
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidInput(
                f"{path.name} is too large for a credential.",
                code=ErrorCode.payload_too_large,
                detail=str(path),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise file_error(exc, path) from None
    return read_badge_bytes(data, path.name)


def read_badge_bytes(data: bytes, source: str) -> Any:
    """JSON as it is (a credential, a list, a presentation, a credential response), else
    a VC-JWT, a baked image or a QR text, recognised by shared.formats."""
    if data.lstrip()[:1] in (b"{", b"["):
        try:
            return parse_json(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise InvalidInput(
                f"{source} is not JSON.", code=ErrorCode.invalid_json, detail=source
            ) from None
    return badge_document(read_any(data))
