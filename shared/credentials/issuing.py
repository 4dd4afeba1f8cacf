"""Issuing: sign a credential as its issuer, or a presentation as its holder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shared.credentials.fields import issuer_id, types_of
from shared.errors import ErrorCode, InvalidInput, VerificationFailed
from shared.keys import SigningKey
from shared.proof import create_proof
from shared.vocab import (
    CREDENTIALS_V2,
    ENDORSEMENT_CREDENTIAL,
    OB_TYPES,
    VERIFIABLE_PRESENTATION,
)


def issue_credential(
    credential: dict[str, Any],
    key: SigningKey,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
) -> dict[str, Any]:
    """Sign a credential as its issuer (``assertionMethod``).

    Refuses a credential whose issuer is not the key's DID: a signature by
    someone else would never verify as the issuer's.
    """
    if not isinstance(credential, dict):
        raise TypeError("credential must be a dict")
    issuer = issuer_id(credential)
    if issuer != key.did:
        raise VerificationFailed(
            "the credential's issuer is not the signing key's DID",
            code=ErrorCode.issuer_mismatch,
            detail={"issuer": issuer, "key": key.did},
        )
    secured = create_proof(
        credential,
        key,
        created=created or datetime.now(UTC),
        cryptosuite=cryptosuite,
        proof_purpose="assertionMethod",
    )
    ob_kind = OB_TYPES | {ENDORSEMENT_CREDENTIAL}
    if ob_kind.intersection(types_of(secured)) and isinstance(secured["proof"], dict):
        # The OB 3.0 JSON Schemas (plain JSON form, achievement and endorsement)
        # want proof as an array.
        secured["proof"] = [secured["proof"]]
    return secured


def create_presentation(
    credentials: list[dict[str, Any]],
    holder: SigningKey,
    *,
    challenge: str | None,
    domain: str | None,
    created: datetime | None = None,
    cryptosuite: str = "eddsa-rdfc-2022",
    proof_purpose: str = "authentication",
) -> dict[str, Any]:
    """A VerifiablePresentation of exactly ``credentials``, signed by the holder.

    ``challenge``/``domain`` bind it to one verifier request; None makes an
    unbound presentation (for a file or e-mail), which verifiers can tell apart.
    ``proof_purpose="assertionMethod"`` is for verifiers built on DCC's
    verifier-core, which require it; it then needs both ``challenge`` and ``domain``.
    """
    if proof_purpose not in ("authentication", "assertionMethod"):
        raise InvalidInput(
            f"a presentation proof is for authentication or assertionMethod, not {proof_purpose}",
            code=ErrorCode.invalid_request,
        )
    if proof_purpose == "assertionMethod" and (challenge is None or domain is None):
        raise InvalidInput(
            "an assertionMethod presentation proof needs the verifier's challenge and domain",
            code=ErrorCode.invalid_request,
        )
    if not isinstance(credentials, list) or not all(isinstance(c, dict) for c in credentials):
        raise TypeError("credentials must be a list of dicts")
    presentation: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": [VERIFIABLE_PRESENTATION],
        "holder": holder.did,
        "verifiableCredential": list(credentials),
    }
    return create_proof(
        presentation,
        holder,
        created=created or datetime.now(UTC),
        cryptosuite=cryptosuite,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
    )
