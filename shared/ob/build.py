"""Build the unsigned OpenBadgeCredential Rugzak issues (DESIGN.md "Formats").

The output is a plain dict ready for ``shared.credentials.issue_credential``. It
holds only fields the models define (extensions on the inputs are dropped, so we
sign exactly what we mean), and it is checked against the bundled OB 3.0 schema
before it is returned: a credential that fails is never handed out for signing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from shared.errors import ErrorCode, InvalidInput
from shared.ob.fields import known_fields
from shared.ob.issues import has_errors
from shared.ob.models import (
    Achievement,
    AchievementSubject,
    CredentialSchema,
    CredentialStatus,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Result,
)
from shared.ob.schema import validate_credential_schema
from shared.vocab import ACHIEVEMENT_CREDENTIAL_SCHEMA, JSON_SCHEMA

_INDEX = re.compile(r"[0-9]+")


def build_credential(
    *,
    achievement: Achievement,
    issuer: Profile,
    subject_id: str,
    credential_id: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    results: list[Result] | None = None,
    evidence: list[Evidence] | None = None,
    credential_status: list[dict[str, Any]] | None = None,
    name: str | None = None,
    awarded_date: datetime | None = None,
    identifier: list[IdentityObject] | None = None,
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential awarding ``achievement`` to ``subject_id``.

    Args:
        achievement: what is awarded.
        issuer: the issuing organisation; ``issuer.id`` is its DID.
        subject_id: the learner's DID (``credentialSubject.id``).
        credential_id: a URI naming this credential (e.g. ``urn:uuid:...``).
        valid_from: when it becomes valid (aware datetime; written in UTC seconds).
        valid_until: when it expires, if it does.
        results: results reached (levels, grades), if any.
        evidence: evidence of the work, if any.
        credential_status: status entries (``BitstringStatusListEntry`` dicts);
            ``statusListIndex`` is written as a string, a missing ``id`` becomes
            ``<statusListCredential>#<statusListIndex>``. The OB 3.0 schema allows
            one ``credentialStatus`` object, so at most one entry is accepted.
        name: the credential's display name; defaults to the achievement's name,
            which is what wallets show first.
        awarded_date: when it was awarded, if that differs from ``valid_from``.
        identifier: other identifiers of the learner beside the DID, e.g. a salted
            e-mail hash (:meth:`IdentityObject.hashed_identity`), so a verifier can
            match the person as well as the key.

    Raises:
        InvalidInput: ``malformed_credential`` for inconsistent input (empty ids,
            ``valid_until`` before ``valid_from``, a bad status entry),
            ``schema_invalid`` if the result would not pass the OB 3.0 schema.
        ValueError: a naive datetime (its instant is unknown).
    """
    for label, value in (("valid_from", valid_from), ("valid_until", valid_until),
                         ("awarded_date", awarded_date)):  # fmt: skip
        if value is not None and value.utcoffset() is None:
            raise ValueError(f"{label} is a naive datetime; pass an aware one")
    for label, text in (("subject_id", subject_id), ("credential_id", credential_id)):
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"{label} must be a non-empty URI", detail=label)
    status = _status(credential_status)
    try:
        credential = OpenBadgeCredential(
            id=credential_id,
            name=name if name is not None else achievement.name,
            issuer=issuer,
            valid_from=valid_from,
            valid_until=valid_until,
            awarded_date=awarded_date,
            credential_subject=AchievementSubject(
                id=subject_id,
                achievement=achievement,
                identifier=identifier or None,
                result=results or None,
            ),
            evidence=evidence or None,
            credential_schema=[
                CredentialSchema(id=ACHIEVEMENT_CREDENTIAL_SCHEMA, type=JSON_SCHEMA)
            ],
            credential_status=status,
        )
    except ValidationError as exc:
        raise InvalidInput(
            "the credential cannot be built from this input",
            detail=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from exc
    document = known_fields(credential)
    issues = validate_credential_schema(document)
    if has_errors(issues):
        raise InvalidInput(
            "the built credential does not pass the OB 3.0 schema",
            code=ErrorCode.schema_invalid,
            detail=[issue.to_dict() for issue in issues],
        )
    return document


def _status(entries: list[dict[str, Any]] | None) -> CredentialStatus | None:
    if not entries:
        return None
    if len(entries) > 1:
        # The OB schema types credentialStatus as one object (both its variants);
        # a second entry (e.g. suspension beside revocation) would fail validation.
        raise InvalidInput(
            "OB 3.0 allows one credentialStatus entry; got several",
            code=ErrorCode.malformed_status_entry,
            detail=len(entries),
        )
    entry = entries[0]
    if not isinstance(entry, dict):
        raise InvalidInput(
            "a credentialStatus entry must be a dict", code=ErrorCode.malformed_status_entry
        )
    try:
        status = CredentialStatus.model_validate(entry)
    except ValidationError as exc:
        raise InvalidInput(
            "malformed credentialStatus entry",
            code=ErrorCode.malformed_status_entry,
            detail=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from exc
    index = status.status_list_index
    if index is not None:
        # W3C writes the index as a string, some 1EdTech files as a number: emit a string.
        if _INDEX.fullmatch(str(index)) is None:
            raise InvalidInput(
                "statusListIndex must be a non-negative integer",
                code=ErrorCode.malformed_status_entry,
                detail=index,
            )
        status.status_list_index = str(index)
    if status.id is None:
        if status.status_list_credential is None or index is None:
            raise InvalidInput(
                "a credentialStatus entry needs an id, or statusListCredential and statusListIndex",
                code=ErrorCode.malformed_status_entry,
            )
        status.id = f"{status.status_list_credential}#{status.status_list_index}"
    return status
