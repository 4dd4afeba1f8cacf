"""OpenID for Verifiable Presentations 1.0: the pieces verifier and wallet share.

Cross-device flow with the request by reference and ``direct_post`` (§3.2, §8.2)::

    verifier page                                   wallet
      QR / link: openid4vp://?client_id=redirect_uri:<response_uri>&request_uri=...
      ----------------------------------------------->  parse_link()
      GET request_uri                               <-  (no redirects followed, §14.8)
      unsigned Request Object (typ oauth-authz-req+jwt, alg none)
      ----------------------------------------------->  decode_request_object()
                                                        evaluate(dcql_query, held)  (§6.4)
                                                        VP proof: challenge=nonce,
                                                                  domain=client_id
      POST response_uri (form): vp_token={"<query id>": [VP]}, state
                                                    <-  encode_response()
      200 application/json {}                       ->

Pure: no I/O. Modules: ``request`` (Request Object, link, ids), ``dcql`` (the
query language), ``evaluate`` (claims paths, matching, credential sets), ``ldp``
(expanded types, binding rule), ``response`` (vp_token, error response, form
encoding), ``verifier_request`` (how Rugzak's verifier phrases its request).
Everything public is re-exported.
"""

from shared.oid4vp.dcql import (
    LDP_VC,
    ClaimsQuery,
    CredentialQuery,
    CredentialSetQuery,
    DcqlQuery,
    open_badge_query,
)
from shared.oid4vp.evaluate import (
    Held,
    Selection,
    check_vp_token_keys,
    evaluate,
    matches,
    select_claims,
)
from shared.oid4vp.ldp import Binding, binding, expanded_types
from shared.oid4vp.request import (
    MAX_QR_PARTS_PARAM,
    REDIRECT_URI_PREFIX,
    REQUEST_OBJECT_MEDIA_TYPE,
    REQUEST_OBJECT_TYP,
    AuthorizationRequest,
    InvocationLink,
    client_id_prefix,
    decode_request_object,
    new_nonce,
    new_state,
    parse_link,
)
from shared.oid4vp.response import (
    FORM_MEDIA_TYPE,
    AuthorizationResponse,
    ErrorResponse,
    OAuthError,
    encode_error,
    encode_response,
    parse_response,
    response_fields,
)
from shared.oid4vp.verifier_request import (
    REQUEST_PATH,
    RESPONSE_PATH,
    VerifierRequest,
    ldp_client_metadata,
    verifier_request,
)

__all__ = [
    "FORM_MEDIA_TYPE",
    "LDP_VC",
    "MAX_QR_PARTS_PARAM",
    "REDIRECT_URI_PREFIX",
    "REQUEST_OBJECT_MEDIA_TYPE",
    "REQUEST_OBJECT_TYP",
    "REQUEST_PATH",
    "RESPONSE_PATH",
    "AuthorizationRequest",
    "AuthorizationResponse",
    "Binding",
    "ClaimsQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "ErrorResponse",
    "Held",
    "InvocationLink",
    "OAuthError",
    "Selection",
    "VerifierRequest",
    "binding",
    "check_vp_token_keys",
    "client_id_prefix",
    "decode_request_object",
    "encode_error",
    "encode_response",
    "evaluate",
    "expanded_types",
    "ldp_client_metadata",
    "matches",
    "new_nonce",
    "new_state",
    "open_badge_query",
    "parse_link",
    "parse_response",
    "response_fields",
    "select_claims",
    "verifier_request",
]
