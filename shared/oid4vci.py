"""OpenID for Verifiable Credential Issuance 1.0: the pieces issuer and wallet share.

Pre-authorized code flow only (OID4VCI 1.0 §3.5)::

    issuer                                          wallet
      offer link  openid-credential-offer://?credential_offer=<urlencoded JSON>
      ----------------------------------------------->  parse_offer_link()
      GET /.well-known/openid-credential-issuer     <-  IssuerMetadata
      GET /.well-known/oauth-authorization-server   <-  AuthorizationServerMetadata
      POST token_endpoint (form: grant_type, pre-authorized_code[, tx_code])
                                                    <-  TokenResponse
      POST nonce_endpoint                           <-  NonceResponse {c_nonce}
      POST credential_endpoint (Bearer token)
           {credential_configuration_id, proofs: {jwt: [make_proof_jwt(...)]}}
      verify_proof_jwt() binds credentialSubject.id to the holder DID
                                                    <-  CredentialResponse

Protocol messages are plain JSON, never processed as JSON-LD (OID4VCI §A.1.2).
The proof of possession is a compact JWS (``typ`` ``openid4vci-proof+jwt``,
``alg`` ``EdDSA``, ``kid`` = the holder's DID URL) built with the standard library
and PyNaCl, so no algorithm other than Ed25519 can ever be accepted.

Pure: no I/O. DIDs are resolved through the injected ``Resolver``.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from shared.did import Resolver, find_verification_method
from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported, VerificationFailed
from shared.keys import SigningKey, verify_signature

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
OFFER_SCHEME = "openid-credential-offer"
PROOF_JWT_TYP = "openid4vci-proof+jwt"
PROOF_JWT_ALG = "EdDSA"
LDP_VC = "ldp_vc"
OB_CONFIGURATION_ID = "OpenBadgeCredential"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
ISSUER_METADATA_PATH = "/.well-known/openid-credential-issuer"
AS_METADATA_PATH = "/.well-known/oauth-authorization-server"
# A proof JWT is a few hundred bytes; anything far larger is an attack or a bug.
MAX_JWT_CHARS = 8192
MAX_OFFER_CHARS = 16384
DEFAULT_PROOF_MAX_AGE = timedelta(minutes=5)
DEFAULT_LEEWAY = timedelta(seconds=60)


class _Message(BaseModel):
    """Base of protocol messages: unknown members ignored, aliases both ways."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object as sent on the wire (aliases, no null members)."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")

    @classmethod
    def parse(cls, data: Any, *, code: ErrorCode = ErrorCode.invalid_request) -> Any:
        """Validate a decoded JSON value; failures become ``InvalidInput(code)``."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(
                f"not a valid {cls.__name__}", code=code, detail=_errors(exc)
            ) from exc


# ---------------------------------------------------------------- credential offer


class TxCode(_Message):
    """A transaction code the user must enter (OID4VCI §4.1.1); ``{}`` is valid."""

    input_mode: Literal["numeric", "text"] | None = None
    length: int | None = Field(default=None, ge=1, le=32)
    description: str | None = Field(default=None, max_length=300)


class PreAuthorizedCodeGrant(_Message):
    pre_authorized_code: str = Field(alias="pre-authorized_code", min_length=1, max_length=512)
    tx_code: TxCode | None = None


class CredentialOffer(_Message):
    """The credential offer object (OID4VCI §4.1.1), pre-authorized code grant."""

    credential_issuer: str = Field(min_length=1, max_length=2048)
    credential_configuration_ids: list[str] = Field(min_length=1, max_length=16)
    grants: dict[str, Any]

    @model_validator(mode="after")
    def _has_pre_authorized_grant(self) -> CredentialOffer:
        _check_https_or_local(self.credential_issuer, "credential_issuer")
        grant = self.grants.get(PRE_AUTHORIZED_GRANT)
        if grant is None:
            raise ValueError("the offer has no pre-authorized code grant")
        PreAuthorizedCodeGrant.model_validate(grant)
        return self

    @property
    def pre_authorized(self) -> PreAuthorizedCodeGrant:
        grant: PreAuthorizedCodeGrant = PreAuthorizedCodeGrant.model_validate(
            self.grants[PRE_AUTHORIZED_GRANT]
        )
        return grant

    @property
    def pre_authorized_code(self) -> str:
        return self.pre_authorized.pre_authorized_code

    @property
    def tx_code(self) -> TxCode | None:
        """Not None when the wallet must ask the user for a transaction code."""
        return self.pre_authorized.tx_code


def build_credential_offer(
    *,
    credential_issuer: str,
    pre_authorized_code: str,
    credential_configuration_ids: tuple[str, ...] | list[str] = (OB_CONFIGURATION_ID,),
    tx_code: TxCode | None = None,
) -> CredentialOffer:
    """A credential offer with the pre-authorized code grant."""
    grant: dict[str, Any] = {"pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        grant["tx_code"] = tx_code.to_dict()
    offer: CredentialOffer = CredentialOffer.parse(
        {
            "credential_issuer": credential_issuer,
            "credential_configuration_ids": list(credential_configuration_ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        },
        code=ErrorCode.invalid_offer,
    )
    return offer


def offer_link(offer: CredentialOffer) -> str:
    """``openid-credential-offer://?credential_offer=<urlencoded compact JSON>``."""
    text = json.dumps(offer.to_dict(), separators=(",", ":"), ensure_ascii=False)
    return f"{OFFER_SCHEME}://?credential_offer={quote(text, safe='')}"


class OfferByReference(_Message):
    """An offer passed by reference: the wallet GETs ``credential_offer_uri``."""

    credential_offer_uri: str


def parse_offer_link(link: str) -> CredentialOffer | OfferByReference:
    """Read an offer link (custom scheme or an https link with the same query).

    Also accepts the bare JSON offer object, as pasted or read from a file.
    """
    if not isinstance(link, str):
        raise InvalidInput("an offer link must be text", code=ErrorCode.invalid_offer)
    text = link.strip()
    if len(text) > MAX_OFFER_CHARS:
        raise InvalidInput("the offer is too long", code=ErrorCode.payload_too_large)
    if text.startswith("{"):
        return parse_offer_json(text)
    parts = urlsplit(text)
    if parts.scheme not in (OFFER_SCHEME, "https", "http"):
        raise InvalidInput(
            "not a credential offer link", code=ErrorCode.invalid_offer, detail=text[:80]
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    by_value = query.get("credential_offer", [])
    by_ref = query.get("credential_offer_uri", [])
    if len(by_value) + len(by_ref) != 1:
        raise InvalidInput(
            "an offer link carries exactly one of credential_offer or credential_offer_uri",
            code=ErrorCode.invalid_offer,
        )
    if by_ref:
        _check_https_or_local(by_ref[0], "credential_offer_uri", error=True)
        return OfferByReference(credential_offer_uri=by_ref[0])
    return parse_offer_json(by_value[0])


def parse_offer_json(text: str | bytes) -> CredentialOffer:
    """Parse the JSON credential offer object (e.g. fetched by reference)."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            "the credential offer is not JSON", code=ErrorCode.invalid_offer
        ) from exc
    offer: CredentialOffer = CredentialOffer.parse(data, code=ErrorCode.invalid_offer)
    return offer


# ---------------------------------------------------------------- metadata


class ProofTypeMetadata(_Message):
    proof_signing_alg_values_supported: list[str]


class CredentialDefinition(_Message):
    context: list[str] = Field(alias="@context")
    type: list[str]


class CredentialConfiguration(_Message):
    format: str
    scope: str | None = None
    credential_definition: CredentialDefinition | None = None
    cryptographic_binding_methods_supported: list[str] | None = None
    credential_signing_alg_values_supported: list[str] | None = None
    proof_types_supported: dict[str, ProofTypeMetadata] | None = None
    credential_metadata: dict[str, Any] | None = None


class IssuerMetadata(_Message):
    """Credential issuer metadata (OID4VCI §12.2), ``/.well-known/openid-credential-issuer``."""

    credential_issuer: str
    authorization_servers: list[str] | None = None
    credential_endpoint: str
    nonce_endpoint: str | None = None
    display: list[dict[str, Any]] | None = None
    credential_configurations_supported: dict[str, CredentialConfiguration]


class AuthorizationServerMetadata(_Message):
    """RFC 8414 metadata; the credential issuer is its own authorization server."""

    issuer: str
    token_endpoint: str
    grant_types_supported: list[str] = [PRE_AUTHORIZED_GRANT]
    pre_authorized_grant_anonymous_access_supported: bool = Field(
        default=True, alias="pre-authorized_grant_anonymous_access_supported"
    )


def well_known_url(issuer: str, well_known: str = ISSUER_METADATA_PATH) -> str:
    """Insert a well-known path between host and path (OID4VCI §12.2.2, RFC 8414)."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, well_known + path, "", ""))


def ob_credential_configuration(*, display_name: str = "Open Badge") -> CredentialConfiguration:
    """The one configuration Rugzak issues: an OB 3.0 credential as ``ldp_vc``."""
    configuration: CredentialConfiguration = CredentialConfiguration.parse(
        {
            "format": LDP_VC,
            "credential_definition": {"@context": [CREDENTIALS_V2, OB_CONTEXT], "type": OB_TYPES},
            "cryptographic_binding_methods_supported": ["did:key"],
            "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
            "credential_metadata": {"display": [{"name": display_name, "locale": "en"}]},
        }
    )
    return configuration


def build_issuer_metadata(
    credential_issuer: str,
    *,
    name: str,
    credential_path: str = "/oid4vci/credential",
    nonce_path: str = "/oid4vci/nonce",
    logo_uri: str | None = None,
) -> IssuerMetadata:
    """Metadata for a Rugzak issuer at ``credential_issuer`` (an https URL, no slash)."""
    base = credential_issuer.rstrip("/")
    display: dict[str, Any] = {"name": name, "locale": "en"}
    if logo_uri:
        display["logo"] = {"uri": logo_uri}
    metadata: IssuerMetadata = IssuerMetadata.parse(
        {
            "credential_issuer": base,
            "credential_endpoint": base + credential_path,
            "nonce_endpoint": base + nonce_path,
            "display": [display],
            "credential_configurations_supported": {
                OB_CONFIGURATION_ID: ob_credential_configuration().to_dict()
            },
        }
    )
    return metadata


# ---------------------------------------------------------------- token, nonce, credential


class TokenRequest(_Message):
    """Token request (form-encoded, OID4VCI §6.1) for the pre-authorized code grant."""

    grant_type: str
    pre_authorized_code: str = Field(alias="pre-authorized_code", min_length=1, max_length=512)
    tx_code: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _grant(self) -> TokenRequest:
        if self.grant_type != PRE_AUTHORIZED_GRANT:
            raise ValueError(f"grant_type must be {PRE_AUTHORIZED_GRANT}")
        return self

    @classmethod
    def from_form(cls, form: dict[str, str]) -> TokenRequest:
        """From form fields; a wrong grant type is ``unsupported_grant_type``."""
        if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
            raise Unsupported(
                "only the pre-authorized code grant is supported",
                code=ErrorCode.unsupported_grant_type,
                detail=form.get("grant_type"),
            )
        request: TokenRequest = cls.parse(form)
        return request


class TokenResponse(_Message):
    access_token: str
    token_type: str = "Bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int


class NonceResponse(_Message):
    c_nonce: str


class Proofs(_Message):
    jwt: list[str] = Field(min_length=1, max_length=1)


class CredentialRequest(_Message):
    """Credential request (OID4VCI §8.2): one configuration, one JWT proof."""

    credential_configuration_id: str | None = None
    credential_identifier: str | None = None
    proofs: Proofs

    @model_validator(mode="after")
    def _one_id(self) -> CredentialRequest:
        if (self.credential_configuration_id is None) == (self.credential_identifier is None):
            raise ValueError(
                "exactly one of credential_configuration_id and credential_identifier is needed"
            )
        return self


class IssuedCredential(_Message):
    credential: dict[str, Any]


class CredentialResponse(_Message):
    credentials: list[IssuedCredential] = Field(min_length=1)
    notification_id: str | None = None


def oauth_error(error: RugzakError, oauth_code: str) -> dict[str, Any]:
    """An error body that is both RFC 6749 (``error``) and Rugzak (``code``)."""
    return {"error": oauth_code, "error_description": error.message, **error.to_dict()}


# ---------------------------------------------------------------- proof of possession


def make_proof_jwt(holder: SigningKey, *, audience: str, nonce: str, issued_at: datetime) -> str:
    """The wallet's key proof: a compact JWS signed with the holder's Ed25519 key."""
    header = {"alg": PROOF_JWT_ALG, "typ": PROOF_JWT_TYP, "kid": holder.verification_method}
    payload = {"aud": audience, "iat": int(issued_at.timestamp()), "nonce": nonce}
    signing_input = _b64_json(header) + "." + _b64_json(payload)
    signature = holder.sign(signing_input.encode("ascii"))
    return signing_input + "." + _b64(signature)


def verify_proof_jwt(
    jwt: str,
    *,
    audience: str,
    nonce: str,
    now: datetime,
    max_age: timedelta = DEFAULT_PROOF_MAX_AGE,
    resolver: Resolver,
    leeway: timedelta = DEFAULT_LEEWAY,
) -> str:
    """Check a key proof JWT (OID4VCI §F.1) and return the holder's DID.

    Checks, in order: shape, ``typ``, ``alg`` (EdDSA only), ``kid`` is a DID URL
    that resolves to an Ed25519 authentication key, the signature, ``aud``,
    ``nonce`` and that ``iat`` lies within ``[now - max_age, now + leeway]``.
    """
    header, payload, signing_input, signature = _split(jwt)
    if header.get("typ") != PROOF_JWT_TYP:
        raise InvalidInput(
            f"the proof JWT typ must be {PROOF_JWT_TYP}",
            code=ErrorCode.invalid_jwt,
            detail=header.get("typ"),
        )
    if header.get("alg") != PROOF_JWT_ALG:
        raise Unsupported(
            "the proof JWT must be signed with EdDSA (Ed25519)",
            code=ErrorCode.unsupported_algorithm,
            detail=header.get("alg"),
        )
    if "crit" in header or "jwk" in header or "x5c" in header:
        raise InvalidInput(
            "the proof JWT header may carry only kid (no jwk, x5c or crit)",
            code=ErrorCode.invalid_jwt,
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise InvalidInput(
            "the proof JWT kid must be a DID URL with a fragment",
            code=ErrorCode.invalid_jwt,
            detail=kid if isinstance(kid, str) else None,
        )
    method = find_verification_method(resolver, kid, purpose="authentication")
    if not verify_signature(method.public_key, signing_input, signature):
        raise VerificationFailed(
            "the proof JWT signature does not verify", code=ErrorCode.proof_invalid, detail=kid
        )
    aud = payload.get("aud")
    if not (aud == audience or (isinstance(aud, list) and audience in aud)):
        raise VerificationFailed(
            "the proof JWT is meant for another issuer",
            code=ErrorCode.audience_mismatch,
            detail={"expected": audience, "got": aud},
        )
    if not isinstance(payload.get("nonce"), str) or payload["nonce"] != nonce:
        raise VerificationFailed(
            "the proof JWT does not carry the issuer's c_nonce", code=ErrorCode.nonce_mismatch
        )
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise InvalidInput("the proof JWT has no numeric iat", code=ErrorCode.invalid_jwt)
    issued = datetime.fromtimestamp(iat, UTC)
    if issued > now + leeway:
        raise VerificationFailed(
            "the proof JWT was issued in the future", code=ErrorCode.jwt_not_yet_valid
        )
    if issued < now - max_age:
        raise VerificationFailed("the proof JWT is too old", code=ErrorCode.jwt_expired)
    return method.controller


def _split(jwt: Any) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    if not isinstance(jwt, str):
        raise InvalidInput("the proof JWT must be a string", code=ErrorCode.invalid_jwt)
    if len(jwt) > MAX_JWT_CHARS:
        raise InvalidInput("the proof JWT is too long", code=ErrorCode.payload_too_large)
    parts = jwt.split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidInput("the proof JWT is not a compact JWS", code=ErrorCode.invalid_jwt)
    header = _unb64_json(parts[0], "header")
    payload = _unb64_json(parts[1], "payload")
    signature = _unb64(parts[2], "signature")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64_json(obj: dict[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def _unb64(text: str, what: str) -> bytes:
    if not text.isascii() or "=" in text:
        raise InvalidInput(f"the proof JWT {what} is not base64url", code=ErrorCode.invalid_jwt)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            f"the proof JWT {what} is not base64url", code=ErrorCode.invalid_jwt
        ) from exc


def _unb64_json(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(text, what))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the proof JWT {what} is not JSON", code=ErrorCode.invalid_jwt) from exc
    if not isinstance(value, dict):
        raise InvalidInput(f"the proof JWT {what} is not an object", code=ErrorCode.invalid_jwt)
    return value


def _check_https_or_local(url: str, name: str, *, error: bool = False) -> None:
    """https, or http on localhost (development and tests only)."""
    parts = urlsplit(url)
    ok = bool(parts.netloc) and (
        parts.scheme == "https"
        or (parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1"))
    )
    if ok:
        return
    if error:
        raise InvalidInput(f"{name} must be an https URL", code=ErrorCode.invalid_offer, detail=url)
    raise ValueError(f"{name} must be an https URL")


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": [str(p) for p in err["loc"]], "msg": err["msg"]}
        for err in exc.errors(include_url=False)
    ]


def unverified_claims(jwt: str) -> dict[str, Any]:
    """The payload of a compact JWS, NOT verified: only to find which nonce to check."""
    return _split(jwt)[1]
