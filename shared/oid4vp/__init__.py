"""OpenID for Verifiable Presentations 1.0: the pieces verifier and wallet share.

Cross-device flow with ``direct_post`` (§3.2, §8.2); the ``redirect_uri``
prefix cannot sign its requests (§5.9.3), so the request travels by value::

    verifier page                                   wallet
      QR / link: openid4vp://?response_type=vp_token&response_mode=direct_post
                 &client_id=redirect_uri:<response_uri>&response_uri=...
                 &nonce=...&state=...&dcql_query={...}&client_metadata={...}
      ----------------------------------------------->  parse_link()
                                                        evaluate(dcql_query, held)  (§6.4)
                                                        VP proof: challenge=nonce,
                                                                  domain=client_id
      POST response_uri (form): vp_token={"<query id>": [VP]}, state
                                                    <-  encode_response()
      200 application/json {}                       ->  (no redirects followed, §14.8)

A typed short code names ``request_uri``, where the same request is served as
an unsecured Request Object (``decode_request_object``).

Pure: no I/O. Modules: ``request`` (the request, its checks, the Request
Object), ``link`` (the ``openid4vp://`` link), ``dcql`` (the query language),
``evaluate`` (claims paths, matching, credential sets), ``ldp``
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
from shared.oid4vp.link import InvocationLink, parse_link
from shared.oid4vp.request import (
    MAX_QR_PARTS_PARAM,
    REDIRECT_URI_PREFIX,
    REQUEST_OBJECT_MEDIA_TYPE,
    REQUEST_OBJECT_TYP,
    AuthorizationRequest,
    client_id_prefix,
    decode_request_object,
    new_nonce,
    new_state,
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
