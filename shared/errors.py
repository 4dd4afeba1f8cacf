"""One exception tree with stable, machine-readable codes.

Codes are public API: snake_case, never renamed, the same in JSON answers
(``{"code", "message", "detail"}``), in the wallet and in CLI output.

Each code belongs to exactly one family (an exception class below) and carries the
HTTP status both services answer with and its default severity as a check
(``ErrorCode.revoked.family``, ``.http_status``, ``.severity``; the table is
``CODE_FAMILIES`` at the end). ``RugzakError(message, code=...)`` builds the code's
family, so ``except NotFound`` catches every not-found however it was raised.

Tree::

    RugzakError                      (code, message, detail); internal_error
    ├── InvalidInput                 malformed input a caller sent us
    ├── Unsupported                  well-formed, but a method/suite we do not do
    ├── ResolutionFailed             a DID, key, offer or status list could not be had
    ├── VerificationFailed           checked, and found wanting
    ├── NotFound                     no such resource
    ├── Conflict                     clashes with the current state (used, retired, exists)
    ├── AccessDenied                 a token, passphrase or code is missing or wrong
    └── Unavailable                  cannot serve now (locked, not set up, busy)

Caller bugs (wrong Python types passed to an API) stay ``TypeError``/``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a check's outcome weighs: ``error`` fails, ``warning`` informs."""

    error = "error"
    warning = "warning"
    info = "info"


class ErrorCode(StrEnum):
    """Every stable error and check code Rugzak emits."""

    # --- invalid input
    invalid_json = "invalid_json"  # not JSON, or not the JSON object expected
    malformed_credential = "malformed_credential"  # not shaped like a Verifiable Credential
    malformed_presentation = "malformed_presentation"  # not shaped like a Verifiable Presentation
    malformed_proof = "malformed_proof"  # a proof object is incomplete or unreadable
    malformed_did = "malformed_did"  # not a valid DID (or not a valid did:key / did:web)
    malformed_key = "malformed_key"  # a key value that does not decode (multibase, length)
    malformed_status_list = "malformed_status_list"  # an encodedList that is not base64url + gzip
    #: a credentialStatus entry that cannot be read
    malformed_status_entry = "malformed_status_entry"
    schema_invalid = "schema_invalid"  # does not validate against the Open Badges 3.0 JSON Schema
    #: (warning) a credentialSchema Rugzak does not hold was not checked
    schema_not_checked = "schema_not_checked"
    deprecated_context = "deprecated_context"  # (warning) an older Open Badges context version
    legacy_vcdm = "legacy_vcdm"  # (warning) a VC Data Model 1.1 credential
    #: (information) revocation and suspension entries, two credentialStatus entries
    two_status_lists = "two_status_lists"
    unknown_context = "unknown_context"  # a JSON-LD context that is not bundled (never fetched)
    #: a member no JSON-LD context defines (would be silently dropped)
    undefined_term = "undefined_term"
    #: JSON-LD that is invalid, or uses forms that could hide members from checks
    invalid_jsonld = "invalid_jsonld"
    #: RDF canonicalization would exceed its work limit (poisoned dataset)
    canonicalization_too_complex = "canonicalization_too_complex"
    qr_decode_failed = "qr_decode_failed"  # not an RZ1 QR text, or no QR code found
    qr_parts_incomplete = "qr_parts_incomplete"  # some parts of a multi-part QR code are missing
    #: input, image or decompressed payload over the size limit
    payload_too_large = "payload_too_large"
    #: a presentation holds more credentials than the verifier checks in one go
    too_many_credentials = "too_many_credentials"
    #: the request body did not arrive in time (slow or stalled upload)
    request_timeout = "request_timeout"
    decompression_failed = "decompression_failed"  # the compressed QR payload is corrupt
    invalid_base45 = "invalid_base45"  # the QR text is not valid base45
    invalid_base32 = "invalid_base32"  # the VP1- QR text is not valid RFC 4648 base32
    #: CBOR-LD that cannot be read, or a document that cannot be written as CBOR-LD
    invalid_cborld = "invalid_cborld"
    #: QR parts from different payloads, or conflicting copies of a part
    qr_parts_mismatch = "qr_parts_mismatch"
    invalid_image = "invalid_image"  # an upload that is not a supported raster image
    #: input that is no badge form Rugzak reads (not JSON, JWT, PNG, SVG, QR text or link)
    unsupported_format = "unsupported_format"
    #: a presentation request (or API request) that cannot be read
    invalid_request = "invalid_request"
    #: a JSON Pointer for selective disclosure that does not match the credential
    invalid_pointer = "invalid_pointer"
    # --- unsupported
    #: a proof type or cryptosuite Rugzak does not verify
    unsupported_cryptosuite = "unsupported_cryptosuite"
    unsupported_did_method = "unsupported_did_method"  # a DID method other than did:key and did:web
    unsupported_key_type = "unsupported_key_type"  # a key that is not Ed25519 or P-256
    #: an RZ1 codec character, or a VP1- multibase or CBOR-LD registry entry, Rugzak does not know
    unsupported_codec = "unsupported_codec"
    unsupported_context = "unsupported_context"  # a context the didkit engine cannot load offline
    #: a part of a badge was asked to be hidden, but its issuer did not sign it for
    #: selective disclosure (no ecdsa-sd-2023 base proof)
    disclosure_unavailable = "disclosure_unavailable"
    #: an ecdsa-sd-2023 base proof handed to a verifier: it is for the holder only (it
    #: holds the key that hides what a disclosure leaves out); verifiers check the
    #: derived proof the holder makes from it
    base_proof_presented = "base_proof_presented"
    # --- resolution
    #: (warning) a DID or key document could not be obtained now (offline, unreachable, not in pack)
    did_not_found = "did_not_found"
    #: a DID or key document was obtained but is the wrong one or broken (another id, not JSON)
    did_document_invalid = "did_document_invalid"
    #: the signing key is not in the DID or key document (or not that document's)
    verification_method_not_found = "verification_method_not_found"
    #: the status list could not be fetched or is stale
    status_list_unavailable = "status_list_unavailable"
    fetch_failed = "fetch_failed"  # a network fetch failed
    # --- verification outcomes
    proof_missing = "proof_missing"  # there is no proof
    proof_invalid = "proof_invalid"  # the signature does not match the content
    #: the key is not authorised for the proof's purpose
    proof_purpose_mismatch = "proof_purpose_mismatch"
    issuer_mismatch = "issuer_mismatch"  # signed by someone other than the named issuer
    #: (warning) the key comes from the verification method URL itself
    issuer_key_unconfirmed = "issuer_key_unconfirmed"
    #: the presenter is not the credential's subject, or did not sign
    holder_mismatch = "holder_mismatch"
    #: (warning) a presented endorsement names nothing in the presentation
    endorsement_unrelated = "endorsement_unrelated"
    challenge_mismatch = "challenge_mismatch"  # the presentation answers another request (nonce)
    domain_mismatch = "domain_mismatch"  # the presentation was made for another verifier
    #: a presented badge is not of a kind the request asked for (its achievementType or type)
    not_requested = "not_requested"
    expired = "expired"  # past validUntil / expirationDate
    not_yet_valid = "not_yet_valid"  # before validFrom / issuanceDate
    revoked = "revoked"  # the issuer revoked it (status list bit set)
    suspended = "suspended"  # the issuer suspended it (status list bit set)
    #: the status could not be determined (never read as 'not revoked')
    status_unknown = "status_unknown"
    #: the status list is not an authentic, readable list
    status_list_invalid = "status_list_invalid"
    #: the status list is below the minimum length (herd privacy)
    status_list_too_short = "status_list_too_short"
    status_list_expired = "status_list_expired"  # the status list is past its validUntil
    status_list_not_yet_valid = "status_list_not_yet_valid"  # the status list is not valid yet
    status_index_out_of_range = "status_index_out_of_range"  # the status index is outside the list
    status_purpose_mismatch = "status_purpose_mismatch"  # the list is for another status purpose
    status_flagged = "status_flagged"  # a non-zero status for a purpose such as message or refresh
    status_list_full = "status_list_full"  # no free status index left in the list
    #: a status list the learner brought (stapled) is older than the verifier's max-age
    status_staple_stale = "status_staple_stale"
    #: a stapled status list is not the issuer's list the credential names (issuer or URL)
    status_staple_foreign = "status_staple_foreign"
    nonce_unknown = "nonce_unknown"  # the verifier never issued this nonce
    nonce_reused = "nonce_reused"  # the nonce was already used (replay)
    nonce_expired = "nonce_expired"  # the presentation request has expired
    unknown_issuer = "unknown_issuer"  # (warning) the issuer is not on the trust list
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
    unauthorized = "unauthorized"  # the API bearer token is missing
    forbidden = "forbidden"  # the API bearer token is unknown or revoked
    #: the API token's scope does not allow this (an ``issue`` token on an admin route)
    insufficient_scope = "insufficient_scope"
    not_found = "not_found"  # no such resource
    conflict = "conflict"  # the request conflicts with the current state
    #: an idempotency key already used for a different award (other learner or badge)
    idempotency_key_reused = "idempotency_key_reused"
    achievement_not_found = "achievement_not_found"  # no achievement with this id
    achievement_retired = "achievement_retired"  # the achievement is retired, not awarded
    credential_not_found = "credential_not_found"  # no credential with this id
    image_too_large = "image_too_large"  # the image is larger than the limit
    invalid_csv = "invalid_csv"  # the CSV file or one of its rows is malformed
    wrong_passphrase = "wrong_passphrase"  # the passphrase does not open the key
    passphrase_required = "passphrase_required"  # the signing key is locked: give the passphrase
    not_initialized = "not_initialized"  # the issuer was not set up (run init first)
    already_initialized = "already_initialized"  # the issuer was set up already
    #: the database schema is not the one this version needs (run ``db upgrade``)
    database_outdated = "database_outdated"
    #: a skill framework file or edit is malformed (detail: each problem with its line)
    invalid_framework = "invalid_framework"
    #: a framework file is neither UTF-8 nor Windows-1252 text (Excel: save as "CSV UTF-8")
    framework_encoding = "framework_encoding"
    framework_not_found = "framework_not_found"  # no skill framework with this id
    skill_not_found = "skill_not_found"  # the framework has no skill (or level) with this id
    #: a public presentation its owner withdrew (410 Gone)
    presentation_withdrawn = "presentation_withdrawn"
    # --- wallet (wrong_passphrase and credential_not_found are shared with the issuer)
    wallet_corrupt = "wallet_corrupt"  # the wallet file is damaged or not a wallet
    duplicate_credential = "duplicate_credential"  # the credential is already in the wallet
    #: a file of that name is there already (the wallet does not replace it unasked)
    file_exists = "file_exists"
    backup_invalid = "backup_invalid"  # not a usable wallet backup file
    offer_failed = "offer_failed"  # the issuer did not complete a credential offer
    wallet_busy = "wallet_busy"  # another program holds the wallet file locked
    #: the disk (or the database's disk) is full; free some space and retry
    disk_full = "disk_full"
    #: a paper recovery share (SLIP-0039 words) is mistyped or damaged
    recovery_share_invalid = "recovery_share_invalid"
    recovery_share_duplicate = "recovery_share_duplicate"  # the same recovery share given twice
    recovery_shares_too_few = "recovery_shares_too_few"  # fewer recovery shares than the threshold
    #: recovery shares of different sets, or that do not open this backup
    recovery_shares_mismatch = "recovery_shares_mismatch"
    #: the backup was made before paper recovery was set up: it opens only with its passphrase
    recovery_not_set_up = "recovery_not_set_up"
    passphrase_mismatch = "passphrase_mismatch"  # the new passphrase and its confirmation differ
    # --- verifier service
    rate_limited = "rate_limited"  # too many requests from one client; retry after a pause
    method_not_allowed = "method_not_allowed"  # the path exists, not with this HTTP method
    unsupported_media_type = "unsupported_media_type"  # the body has a content type not accepted
    fetch_refused = "fetch_refused"  # a fetch to a non-https or private/loopback address
    invalid_trust_list = "invalid_trust_list"  # the known-issuers file is not valid
    invalid_trust_pack = "invalid_trust_pack"  # the offline trust pack is not valid
    # --- generic
    internal_error = "internal_error"  # an unexpected failure (reported, never a traceback)
    engine_timeout = "engine_timeout"  # the didkit engine did not answer in time
    engine_unavailable = "engine_unavailable"  # the didkit engine is closed or could not start

    @property
    def family(self) -> type[RugzakError]:
        """The exception class this code is raised with."""
        return CODE_SPECS[self].family

    @property
    def http_status(self) -> int:
        """The HTTP status both services answer this error with."""
        return CODE_SPECS[self].http_status

    @property
    def severity(self) -> Severity:
        """The severity of a check that ends with this code, unless it says otherwise."""
        return CODE_SPECS[self].severity


class RugzakError(Exception):
    """Root of every error Rugzak raises on purpose."""

    default_code: ErrorCode = ErrorCode.internal_error

    def __new__(cls, *args: Any, **kwargs: Any) -> RugzakError:
        # The root class stands for "the code's own family" (see the module docstring);
        # subclasses keep their own signatures.
        code = kwargs.get("code")
        if cls is RugzakError and code is not None:
            cls = ErrorCode(code).family
        return super().__new__(cls, *args)

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


class NotFound(RugzakError):
    """There is no such resource (request, achievement, credential, offer)."""

    default_code = ErrorCode.not_found


class Conflict(RugzakError):
    """The request clashes with the current state: used, retired, already there."""

    default_code = ErrorCode.conflict


class AccessDenied(RugzakError):
    """A token, passphrase or transaction code is missing or wrong, or too many tries."""

    default_code = ErrorCode.forbidden


class Unavailable(RugzakError):
    """The work cannot be done now: a key is locked, nothing is set up, a file is busy."""

    default_code = ErrorCode.not_initialized


@dataclass(frozen=True)
class CodeSpec:
    """What a code means outside Python: its family, HTTP status and default severity."""

    family: type[RugzakError]
    http_status: int
    severity: Severity = Severity.error


_W = Severity.warning

#: Every code, by family: ``code: HTTP status`` (or ``(status, severity)`` for warnings).
CODE_FAMILIES: dict[type[RugzakError], dict[ErrorCode, int | tuple[int, Severity]]] = {
    RugzakError: {ErrorCode.internal_error: 500},
    InvalidInput: {
        ErrorCode.invalid_json: 400,
        ErrorCode.malformed_credential: 400,
        ErrorCode.malformed_presentation: 400,
        ErrorCode.malformed_proof: 400,
        ErrorCode.malformed_did: 400,
        ErrorCode.malformed_key: 400,
        ErrorCode.malformed_status_list: 400,
        ErrorCode.malformed_status_entry: 400,
        ErrorCode.schema_invalid: 400,
        ErrorCode.schema_not_checked: (400, _W),
        ErrorCode.deprecated_context: (400, _W),
        ErrorCode.legacy_vcdm: (400, _W),
        ErrorCode.two_status_lists: (400, Severity.info),
        ErrorCode.unknown_context: 400,
        ErrorCode.undefined_term: 400,
        ErrorCode.invalid_jsonld: 400,
        ErrorCode.canonicalization_too_complex: 400,
        ErrorCode.qr_decode_failed: 400,
        ErrorCode.qr_parts_incomplete: 400,
        ErrorCode.payload_too_large: 413,
        ErrorCode.request_timeout: 408,
        ErrorCode.too_many_credentials: 413,
        ErrorCode.decompression_failed: 400,
        ErrorCode.invalid_base45: 400,
        ErrorCode.qr_parts_mismatch: 400,
        ErrorCode.invalid_image: 400,
        ErrorCode.invalid_request: 400,
        ErrorCode.invalid_offer: 400,
        ErrorCode.invalid_jwt: 400,
        ErrorCode.unknown_credential_configuration: 400,
        ErrorCode.image_too_large: 413,
        ErrorCode.invalid_csv: 400,
        ErrorCode.wallet_corrupt: 400,
        ErrorCode.backup_invalid: 400,
        ErrorCode.recovery_share_invalid: 400,
        ErrorCode.recovery_share_duplicate: 400,
        ErrorCode.recovery_shares_too_few: 400,
        ErrorCode.recovery_shares_mismatch: 400,
        ErrorCode.recovery_not_set_up: 400,
        ErrorCode.passphrase_mismatch: 400,
        ErrorCode.method_not_allowed: 405,
        ErrorCode.invalid_trust_list: 400,
        ErrorCode.invalid_trust_pack: 400,
        ErrorCode.status_list_too_short: 400,
        ErrorCode.status_index_out_of_range: 400,
        ErrorCode.status_list_invalid: 400,
        ErrorCode.invalid_base32: 400,
        ErrorCode.invalid_cborld: 400,
        ErrorCode.invalid_pointer: 400,
        ErrorCode.invalid_framework: 400,
        ErrorCode.framework_encoding: 400,
        ErrorCode.unsupported_format: 400,
    },
    Unsupported: {
        ErrorCode.unsupported_cryptosuite: 400,
        ErrorCode.unsupported_did_method: 400,
        ErrorCode.unsupported_key_type: 400,
        ErrorCode.unsupported_codec: 400,
        ErrorCode.unsupported_context: 400,
        ErrorCode.disclosure_unavailable: 400,
        ErrorCode.base_proof_presented: 400,
        ErrorCode.unsupported_algorithm: 400,
        ErrorCode.unsupported_grant_type: 400,
        ErrorCode.unsupported_media_type: 415,
    },
    # Something we had to fetch could not be had: the fault is upstream (Bad Gateway),
    # unless we refused to fetch it (a non-https or private address: the input's fault).
    ResolutionFailed: {
        ErrorCode.did_not_found: (502, _W),
        ErrorCode.did_document_invalid: 502,
        ErrorCode.verification_method_not_found: 502,
        ErrorCode.status_list_unavailable: 502,
        ErrorCode.fetch_failed: 502,
        ErrorCode.fetch_refused: 400,
        ErrorCode.offer_failed: 502,
    },
    VerificationFailed: {
        ErrorCode.proof_missing: 400,
        ErrorCode.proof_invalid: 400,
        ErrorCode.proof_purpose_mismatch: 400,
        ErrorCode.issuer_mismatch: 400,
        ErrorCode.issuer_key_unconfirmed: (400, _W),
        ErrorCode.holder_mismatch: 400,
        ErrorCode.endorsement_unrelated: (400, _W),
        ErrorCode.challenge_mismatch: 400,
        ErrorCode.domain_mismatch: 400,
        ErrorCode.not_requested: 400,
        ErrorCode.expired: 400,
        ErrorCode.not_yet_valid: 400,
        ErrorCode.revoked: 400,
        ErrorCode.suspended: 400,
        ErrorCode.status_unknown: (400, _W),
        ErrorCode.status_list_expired: 400,
        ErrorCode.status_list_not_yet_valid: 400,
        ErrorCode.status_staple_stale: 400,
        ErrorCode.status_staple_foreign: 400,
        ErrorCode.status_purpose_mismatch: 400,
        ErrorCode.status_flagged: 400,
        ErrorCode.nonce_unknown: 400,
        ErrorCode.nonce_reused: 400,
        ErrorCode.nonce_expired: 400,
        ErrorCode.nonce_mismatch: 400,
        ErrorCode.unknown_issuer: (400, _W),
        ErrorCode.audience_mismatch: 400,
        ErrorCode.jwt_expired: 400,
        ErrorCode.jwt_not_yet_valid: 400,
    },
    NotFound: {
        ErrorCode.not_found: 404,
        ErrorCode.achievement_not_found: 404,
        ErrorCode.credential_not_found: 404,
        ErrorCode.offer_not_found: 404,
        ErrorCode.framework_not_found: 404,
        ErrorCode.skill_not_found: 404,
        ErrorCode.presentation_withdrawn: 410,
    },
    Conflict: {
        ErrorCode.conflict: 409,
        ErrorCode.achievement_retired: 409,
        ErrorCode.offer_used: 409,
        ErrorCode.offer_expired: 409,
        ErrorCode.already_initialized: 409,
        ErrorCode.duplicate_credential: 409,
        ErrorCode.file_exists: 409,
        ErrorCode.status_list_full: 409,
        ErrorCode.idempotency_key_reused: 409,
    },
    AccessDenied: {
        ErrorCode.unauthorized: 401,
        ErrorCode.forbidden: 403,
        ErrorCode.insufficient_scope: 403,
        ErrorCode.token_missing: 401,
        ErrorCode.token_invalid: 401,
        ErrorCode.token_expired: 401,
        ErrorCode.tx_code_required: 400,
        ErrorCode.tx_code_invalid: 400,
        ErrorCode.wrong_passphrase: 400,
        ErrorCode.passphrase_required: 503,
        ErrorCode.rate_limited: 429,
    },
    Unavailable: {
        ErrorCode.not_initialized: 503,
        ErrorCode.database_outdated: 503,
        ErrorCode.wallet_busy: 503,
        ErrorCode.disk_full: 507,
        ErrorCode.engine_timeout: 503,
        ErrorCode.engine_unavailable: 503,
    },
}


def _specs() -> dict[ErrorCode, CodeSpec]:
    specs: dict[ErrorCode, CodeSpec] = {}
    for family, codes in CODE_FAMILIES.items():
        for code, value in codes.items():
            status, severity = value if isinstance(value, tuple) else (value, Severity.error)
            specs.setdefault(code, CodeSpec(family, status, severity))
    # A code added without a row still works (a plain 400); tests/shared ask for its row.
    for code in ErrorCode:
        specs.setdefault(code, CodeSpec(RugzakError, 400))
    return specs


CODE_SPECS: dict[ErrorCode, CodeSpec] = _specs()

# Exit codes used by every CLI.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_BAD_INPUT = 2
