"""Cards: the small, sealed summary of a credential that the badge list shows.

A card is computed from the credential and its latest verification result, so the
list opens without decrypting or re-verifying 1,000 full credentials. It keeps the
parts of the badge's results (a level, a grade), in no language: the list words them
in the learner's language when it shows them (``shared.showing.results``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from shared.dates import read_datetime
from shared.formats import readable
from shared.ob.endorsement import endorsed_target
from shared.showing.dates import date_text
from shared.showing.results import result_lines, result_parts
from shared.verification import VerificationResult
from shared.vocab import ENDORSEMENT_CREDENTIAL, as_list
from wallet.achievement_types import achievement_type_text

_STATUS_CODES = {"revoked", "suspended", "expired", "not_yet_valid"}
# Failures that say only that something could not be fetched now (an issuer's did:web
# document while offline): the badge cannot be checked now, it is not invalid.
_UNREACHABLE_CODES = {"did_not_found", "fetch_failed"}
# What a card keeps of a badge's results (a card is read for every badge in the list):
# the first few results, each text cut as the description is.
_KEPT_RESULTS = 5
_KEPT_TEXT = 200


class Status(StrEnum):
    """The badge shown on a card."""

    valid = "valid"
    expired = "expired"
    not_yet_valid = "not_yet_valid"
    revoked = "revoked"
    suspended = "suspended"
    unknown = "unknown"
    invalid = "invalid"


@dataclass(frozen=True)
class Card:
    """What the list and the search need about one credential."""

    id: str
    credential_id: str | None
    name: str
    issuer_name: str
    issuer_id: str
    issued: str | None
    valid_until: str | None
    status: Status
    status_code: str
    checked_at: str
    added_at: str
    achievement_type: str | None = None
    description: str = ""
    has_status_list: bool = False
    endorses: str | None = None  # an endorsement's target id (not a badge of its own)
    #: the parts of the badge's results (``shared.showing.results.result_parts``);
    #: None on a card kept before cards held them, until the wallet reads them
    results: list[dict[str, Any]] | None = None

    def with_id(self, local_id: str) -> Card:
        return self if self.id == local_id else replace(self, id=local_id)

    def with_check(self, status: Status, code: str, checked_at: str) -> Card:
        return replace(self, status=status, status_code=code, checked_at=checked_at)

    def with_results(self, results: list[dict[str, Any]]) -> Card:
        """The card with the results it lacked (a card that has them keeps its own)."""
        return self if self.results is not None else replace(self, results=results)

    def result_lines(self, lang: str) -> list[str]:
        """The badge's results as lines in ``lang``, first the main one."""
        return result_lines(self.results, lang) if self.results else []

    def as_of(self, now: datetime) -> Card:
        """The card as it stands at ``now``: a badge checked as valid may have expired
        (or started to be valid) since, without any network check."""
        if self.status not in (Status.valid, Status.not_yet_valid, Status.unknown):
            return self
        until, start = _moment(self.valid_until), _moment(self.issued)
        if until is not None and until < now:
            return replace(self, status=Status.expired, status_code="expired")
        if self.status == Status.not_yet_valid and start is not None and start <= now:
            return replace(self, status=Status.valid, status_code="ok")
        return self

    def matches(self, query: str, lang: str) -> bool:
        """Case-insensitive search over name, issuer, kind, description, date (as
        written and as shown) and the results as the learner reads them in ``lang``:
        every word of ``query`` is found, a number as a number ("niveau 3" is not found
        in a level 2 badge of 2026-03-01 from did:key:z6Mk...3...)."""
        if not query:
            return True
        needle = query.casefold()
        hay = " ".join(
            [
                self.name,
                self.issuer_name,
                self.issuer_id,
                achievement_type_text(self.achievement_type or "", lang),
                self.description,
                self.issued or "",
                date_text(self.issued, lang),  # as the row shows it: "1 jun 2026"
                *self.result_lines(lang),
            ]
        ).casefold()
        return all(_found(part, hay) for part in needle.split())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = str(self.status)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Card:
        if not isinstance(data, dict):
            raise ValueError("card is not an object")
        fields = dict(data)
        fields["status"] = Status(fields.get("status", "unknown"))
        results = fields.get("results")
        if results is not None and not (
            isinstance(results, list) and all(isinstance(r, dict) for r in results)
        ):
            raise ValueError("card results are not a list of objects")
        return cls(**fields)


def status_from_result(result: VerificationResult) -> tuple[Status, str]:
    """The card badge and the deciding code for a verification result.

    A result whose only defect is that the issuer's DID could not be looked up (no
    network) is "unknown", never "invalid": nothing wrong was found, nothing checked.
    """
    errors = [c.code for c in result.errors]
    hard = [code for code in errors if code not in _STATUS_CODES]
    broken = [code for code in hard if code not in _UNREACHABLE_CODES]
    if broken:
        return Status.invalid, broken[0]
    if hard:
        return Status.unknown, hard[0]
    for status in (Status.revoked, Status.suspended, Status.expired, Status.not_yet_valid):
        if str(status) in errors:
            return status, str(status)
    undecided = [c.code for c in result.undecided]
    if undecided:
        return Status.unknown, undecided[0]
    return Status.valid, "ok"


def make_card(
    credential: dict[str, Any],
    result: VerificationResult,
    *,
    now: datetime,
    local_id: str = "",
    added_at: str | None = None,
) -> Card:
    """A card for ``credential`` as ``result`` judged it at ``now``."""
    credential = readable(credential)  # a VC-JWT shows the credential inside
    if result.summary.get("format") == "OB 2.0":
        credential = _ob2_view(result.summary)
    status, code = status_from_result(result)
    achievement = _achievement(credential)
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    issuer_name = issuer.get("name") if isinstance(issuer, dict) else None
    name = _text(achievement.get("name")) or _text(credential.get("name")) or "?"
    description = _text(achievement.get("description")) or _text(credential.get("description"))
    achievement_type = achievement.get("achievementType")
    stamp = now.isoformat()
    return Card(
        id=local_id,
        credential_id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        name=name,
        issuer_name=_text(issuer_name) or str(issuer_id or "?"),
        issuer_id=str(issuer_id or ""),
        issued=_text(credential.get("validFrom") or credential.get("issuanceDate")) or None,
        valid_until=_text(credential.get("validUntil") or credential.get("expirationDate")) or None,
        status=status,
        status_code=code,
        checked_at=stamp,
        added_at=added_at or stamp,
        achievement_type=achievement_type if isinstance(achievement_type, str) else None,
        description=(description or "")[:200],
        has_status_list="credentialStatus" in credential,
        endorses=endorsed_target(credential)
        if ENDORSEMENT_CREDENTIAL in as_list(credential.get("type"))
        else None,
        results=card_results(credential),
    )


def card_results(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """What a card keeps of the results of ``credential`` (also for a card made
    before cards held results: see ``WalletService.complete_cards``)."""
    return [_kept(part) for part in result_parts(readable(credential))[:_KEPT_RESULTS]]


def _kept(value: Any) -> Any:
    """``value`` with every text cut to what a card keeps."""
    if isinstance(value, str):
        return value[:_KEPT_TEXT]
    if isinstance(value, dict):
        return {key: _kept(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_kept(item) for item in value]
    return value


def _ob2_view(summary: dict[str, Any]) -> dict[str, Any]:
    """An Open Badges 2.0 badge's summary (badge class and issuer fetched) in the
    shape the card reads."""
    achievement = summary.get("achievement") or {}
    return {
        "id": summary.get("id"),
        "name": summary.get("name"),
        "issuer": summary.get("issuer") or {},
        "validFrom": summary.get("validFrom"),
        "validUntil": summary.get("validUntil"),
        "credentialSubject": {"achievement": achievement},
    }


def _achievement(credential: dict[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(first, dict) and isinstance(first.get("achievement"), dict):
        return dict(first["achievement"])
    return {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _found(word: str, hay: str) -> bool:
    if word.isdigit():
        return re.search(rf"(?<!\w){re.escape(word)}(?!\d)", hay) is not None
    return word in hay


def _moment(value: str | None) -> datetime | None:
    return read_datetime(value)
