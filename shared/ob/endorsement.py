"""Build the unsigned EndorsementCredential (OB 3.0) that an employer, coach or
colleague signs with their own DID.

OB 3.0 (data model, EndorsementCredential and EndorsementSubject): the type is
``[VerifiableCredential, EndorsementCredential]``, the issuer is the endorser, and
``credentialSubject`` is an ``EndorsementSubject`` whose ``id`` is what is endorsed
(a badge credential's id, an achievement's id, or an issuer profile's id) with the
endorser's words in ``endorsementComment``. It is signed and verified like any other
credential; the result is checked against the bundled 1EdTech endorsement schema
before it is handed out for signing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.dates import format_datetime
from shared.errors import ErrorCode, InvalidInput
from shared.ob.issues import has_errors
from shared.ob.schema import validate_credential_schema
from shared.vocab import CREDENTIALS_V2, ENDORSEMENT_CREDENTIAL, OB_V3P0_303, VERIFIABLE_CREDENTIAL

ENDORSEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
MAX_COMMENT_CHARS = 5_000


def build_endorsement(
    *,
    endorser_id: str,
    target_id: str,
    comment: str,
    credential_id: str,
    valid_from: datetime,
    endorser_name: str | None = None,
    name: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned endorsement of ``target_id`` by ``endorser_id`` (the signer's DID).

    Raises:
        InvalidInput: ``invalid_request`` for an empty or over-long comment, a target
            that is not a URI, or a naive datetime; ``schema_invalid`` if the result
            would not pass the OB 3.0 endorsement schema.
    """
    for label, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        if value is not None and value.utcoffset() is None:
            raise InvalidInput(f"{label} must carry a timezone", code=ErrorCode.invalid_request)
    text = comment.strip()
    if not text or len(text) > MAX_COMMENT_CHARS:
        raise InvalidInput(
            f"an endorsement needs a comment of 1 to {MAX_COMMENT_CHARS} characters",
            code=ErrorCode.invalid_request,
        )
    for label, uri in (("target", target_id), ("endorser", endorser_id), ("id", credential_id)):
        if not isinstance(uri, str) or ":" not in uri.strip() or uri != uri.strip():
            raise InvalidInput(
                f"the endorsement's {label} must be a URI", code=ErrorCode.invalid_request,
                detail=uri,
            )  # fmt: skip
    issuer: dict[str, Any] = {"id": endorser_id, "type": ["Profile"]}
    if endorser_name:
        issuer["name"] = endorser_name
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3P0_303],
        "id": credential_id,
        "type": [VERIFIABLE_CREDENTIAL, ENDORSEMENT_CREDENTIAL],
        "name": name or (f"Endorsement by {endorser_name}" if endorser_name else "Endorsement"),
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": target_id,
            "type": ["EndorsementSubject"],
            "endorsementComment": text,
        },
        "credentialSchema": [{"id": ENDORSEMENT_CREDENTIAL_SCHEMA, "type": "JsonSchema"}],
    }
    if valid_until is not None:
        if valid_until < valid_from:
            raise InvalidInput("validUntil is before validFrom", code=ErrorCode.invalid_request)
        document["validUntil"] = format_datetime(valid_until)
    issues = validate_credential_schema(document)
    if has_errors(issues):
        raise InvalidInput(
            "the endorsement does not pass the OB 3.0 schema",
            code=ErrorCode.schema_invalid,
            detail=[issue.to_dict() for issue in issues],
        )
    return document


def endorsed_target(credential: dict[str, Any]) -> str | None:
    """The id an endorsement credential endorses (its subject's ``id``), if any."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    target = subject.get("id") if isinstance(subject, dict) else None
    return target if isinstance(target, str) else None
