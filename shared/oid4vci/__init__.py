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

Modules: ``base`` (constants, message base), ``offer``, ``metadata``, ``exchange``
(token, nonce, credential messages) and ``proof_jwt``; everything public is
re-exported here, so ``from shared import oid4vci`` is all a caller needs.
"""

from shared.oid4vci.base import (
    AS_METADATA_PATH,
    DEFAULT_LEEWAY,
    DEFAULT_PROOF_MAX_AGE,
    ISSUER_METADATA_PATH,
    LDP_VC,
    MAX_JWT_CHARS,
    MAX_OFFER_CHARS,
    OB_CONFIGURATION_ID,
    OB_CONTEXT,
    OB_TYPES,
    OFFER_SCHEME,
    PRE_AUTHORIZED_GRANT,
    PROOF_JWT_ALG,
    PROOF_JWT_TYP,
)
from shared.oid4vci.exchange import (
    CredentialRequest,
    CredentialResponse,
    IssuedCredential,
    NonceResponse,
    Proof,
    Proofs,
    TokenRequest,
    TokenResponse,
    oauth_error,
)
from shared.oid4vci.metadata import (
    AuthorizationServerMetadata,
    CredentialConfiguration,
    CredentialDefinition,
    IssuerMetadata,
    ProofTypeMetadata,
    build_issuer_metadata,
    ob_credential_configuration,
    well_known_url,
)
from shared.oid4vci.offer import (
    CredentialOffer,
    OfferByReference,
    PreAuthorizedCodeGrant,
    TxCode,
    build_credential_offer,
    offer_link,
    offer_reference_link,
    parse_offer_json,
    parse_offer_link,
)
from shared.oid4vci.proof_jwt import (
    make_proof_jwt,
    unverified_claims,
    verify_proof_jwt,
)
from shared.vocab import CREDENTIALS_V2

__all__ = [
    "AS_METADATA_PATH",
    "CREDENTIALS_V2",
    "DEFAULT_LEEWAY",
    "DEFAULT_PROOF_MAX_AGE",
    "ISSUER_METADATA_PATH",
    "LDP_VC",
    "MAX_JWT_CHARS",
    "MAX_OFFER_CHARS",
    "OB_CONFIGURATION_ID",
    "OB_CONTEXT",
    "OB_TYPES",
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_JWT_ALG",
    "PROOF_JWT_TYP",
    "AuthorizationServerMetadata",
    "CredentialConfiguration",
    "CredentialDefinition",
    "CredentialOffer",
    "CredentialRequest",
    "CredentialResponse",
    "IssuedCredential",
    "IssuerMetadata",
    "NonceResponse",
    "OfferByReference",
    "PreAuthorizedCodeGrant",
    "Proof",
    "ProofTypeMetadata",
    "Proofs",
    "TokenRequest",
    "TokenResponse",
    "TxCode",
    "build_credential_offer",
    "build_issuer_metadata",
    "make_proof_jwt",
    "oauth_error",
    "ob_credential_configuration",
    "offer_link",
    "offer_reference_link",
    "parse_offer_json",
    "parse_offer_link",
    "unverified_claims",
    "verify_proof_jwt",
    "well_known_url",
]
