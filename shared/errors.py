"""One exception tree with stable, machine-readable codes.

Codes are public API: snake_case, never renamed, the same in JSON answers
(``{"code", "message", "detail"}``), in the wallet and in CLI output.

Tree::

    RugzakError                      (code, message, detail)
    ├── InvalidInput                 malformed input a caller sent us
    ├── Unsupported                  well-formed, but a method/suite we do not do
    ├── ResolutionFailed             a DID, key, context or status list could not be had
    └── VerificationFailed           checked, and found wanting

Caller bugs (wrong Python types passed to an API) stay ``TypeError``/``ValueError``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every stable error and check code Rugzak emits."""

    # --- invalid input
    invalid_json = "invalid_json"
    malformed_credential = "malformed_credential"
    malformed_presentation = "malformed_presentation"
    malformed_proof = "malformed_proof"
    malformed_did = "malformed_did"
    malformed_key = "malformed_key"
    malformed_status_list = "malformed_status_list"
    malformed_status_entry = "malformed_status_entry"
    schema_invalid = "schema_invalid"
    schema_not_checked = "schema_not_checked"
    deprecated_context = "deprecated_context"
    legacy_vcdm = "legacy_vcdm"
    unknown_context = "unknown_context"
    undefined_term = "undefined_term"
    invalid_jsonld = "invalid_jsonld"
    canonicalization_too_complex = "canonicalization_too_complex"
    qr_decode_failed = "qr_decode_failed"
    qr_parts_incomplete = "qr_parts_incomplete"
    payload_too_large = "payload_too_large"
    decompression_failed = "decompression_failed"
    invalid_base45 = "invalid_base45"
    qr_parts_mismatch = "qr_parts_mismatch"
    invalid_image = "invalid_image"
    invalid_request = "invalid_request"
    # --- unsupported
    unsupported_cryptosuite = "unsupported_cryptosuite"
    unsupported_did_method = "unsupported_did_method"
    unsupported_key_type = "unsupported_key_type"
    unsupported_codec = "unsupported_codec"
    unsupported_context = "unsupported_context"
    # --- resolution
    did_not_found = "did_not_found"
    verification_method_not_found = "verification_method_not_found"
    status_list_unavailable = "status_list_unavailable"
    fetch_failed = "fetch_failed"
    # --- verification outcomes
    proof_missing = "proof_missing"
    proof_invalid = "proof_invalid"
    proof_purpose_mismatch = "proof_purpose_mismatch"
    issuer_mismatch = "issuer_mismatch"
    issuer_key_unconfirmed = "issuer_key_unconfirmed"
    holder_mismatch = "holder_mismatch"
    challenge_mismatch = "challenge_mismatch"
    domain_mismatch = "domain_mismatch"
    expired = "expired"
    not_yet_valid = "not_yet_valid"
    revoked = "revoked"
    suspended = "suspended"
    status_unknown = "status_unknown"
    status_list_invalid = "status_list_invalid"
    status_list_too_short = "status_list_too_short"
    status_list_expired = "status_list_expired"
    status_list_not_yet_valid = "status_list_not_yet_valid"
    status_index_out_of_range = "status_index_out_of_range"
    status_purpose_mismatch = "status_purpose_mismatch"
    status_flagged = "status_flagged"
    status_list_full = "status_list_full"
    nonce_unknown = "nonce_unknown"
    nonce_reused = "nonce_reused"
    nonce_expired = "nonce_expired"
    unknown_issuer = "unknown_issuer"
    # --- OpenID4VCI and the issuer service
    invalid_offer = "invalid_offer"  # not a valid OpenID4VCI credential offer
    invalid_jwt = "invalid_jwt"  # the proof JWT is not a well-formed compact JWS
    unsupported_algorithm = "unsupported_algorithm"  # the proof JWT is not signed with EdDSA
    audience_mismatch = "audience_mismatch"  # the proof JWT is meant for another issuer
    nonce_mismatch = "nonce_mismatch"  # the proof JWT lacks the issuer's c_nonce
    jwt_expired = "jwt_expired"  # the proof JWT was issued too long ago (iat)
    jwt_not_yet_valid = "jwt_not_yet_valid"  # the proof JWT was issued in the future (iat)
    unsupported_grant_type = "unsupported_grant_type"  # a grant other than pre-authorized code
    unknown_credential_configuration = "unknown_credential_configuration"  # no such configuration
    offer_not_found = "offer_not_found"  # no offer with this id or pre-authorized code
    offer_expired = "offer_expired"  # the offer's time ran out
    offer_used = "offer_used"  # the offer was used already (single use)
    tx_code_required = "tx_code_required"  # the offer needs the issuer's transaction code
    tx_code_invalid = "tx_code_invalid"  # wrong transaction code (or too many wrong tries)
    token_missing = "token_missing"  # no access token (Authorization: Bearer) was sent
    token_invalid = "token_invalid"  # the access token is unknown
    token_expired = "token_expired"  # the access token has expired
    unauthorized = "unauthorized"  # the admin bearer token is missing
    forbidden = "forbidden"  # the admin bearer token is wrong
    not_found = "not_found"  # no such resource
    conflict = "conflict"  # the request conflicts with the current state
    achievement_not_found = "achievement_not_found"  # no achievement with this id
    achievement_retired = "achievement_retired"  # the achievement is retired, not awarded
    credential_not_found = "credential_not_found"  # no credential with this id
    image_too_large = "image_too_large"  # the image is larger than the limit
    invalid_csv = "invalid_csv"  # the CSV file or one of its rows is malformed
    wrong_passphrase = "wrong_passphrase"  # the passphrase does not open the key
    passphrase_required = "passphrase_required"  # the signing key is locked: give the passphrase
    not_initialized = "not_initialized"  # the issuer was not set up (run init first)
    already_initialized = "already_initialized"  # the issuer was set up already
    # --- wallet (wrong_passphrase and credential_not_found are shared with the issuer)
    wallet_corrupt = "wallet_corrupt"  # the wallet file is damaged or not a wallet
    duplicate_credential = "duplicate_credential"  # the credential is already in the wallet
    backup_invalid = "backup_invalid"  # not a usable wallet backup file
    offer_failed = "offer_failed"  # the issuer did not complete a credential offer
    wallet_busy = "wallet_busy"  # another program holds the wallet file locked
    # --- verifier service
    rate_limited = "rate_limited"  # too many requests from one client; retry after a pause
    method_not_allowed = "method_not_allowed"  # the path exists, not with this HTTP method
    unsupported_media_type = "unsupported_media_type"  # the body has a content type not accepted
    fetch_refused = "fetch_refused"  # a fetch to a non-https or private/loopback address
    invalid_trust_list = "invalid_trust_list"  # the known-issuers file is not valid
    invalid_trust_pack = "invalid_trust_pack"  # the offline trust pack is not valid
    # --- generic
    internal_error = "internal_error"
    engine_timeout = "engine_timeout"
    engine_unavailable = "engine_unavailable"


class RugzakError(Exception):
    """Root of every error Rugzak raises on purpose."""

    default_code: ErrorCode = ErrorCode.internal_error

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | str | None = None,
        detail: Any = None,
    ) -> None:
        super().__init__(message)
        self.code = ErrorCode(code) if code is not None else self.default_code
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used by every service: ``{"code", "message", "detail"}``."""
        return {"code": str(self.code), "message": self.message, "detail": self.detail}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!s}: {self.message})"


class InvalidInput(RugzakError):
    """The input is malformed: not JSON, wrong shape, bad encoding, too big."""

    default_code = ErrorCode.malformed_credential


class Unsupported(RugzakError):
    """Well-formed input using a method, suite or codec Rugzak does not implement."""

    default_code = ErrorCode.unsupported_cryptosuite


class ResolutionFailed(RugzakError):
    """A DID document, key, context or status list could not be obtained."""

    default_code = ErrorCode.did_not_found


class VerificationFailed(RugzakError):
    """A check ran and the answer is no."""

    default_code = ErrorCode.proof_invalid


# Exit codes used by every CLI.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2
