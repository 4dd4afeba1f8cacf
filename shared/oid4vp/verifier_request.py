"""How Rugzak's verifier phrases its authorization request (OpenID4VP 1.0 §5, §13.3).

One function from the verifier's public origin and the request's ids to the
Request Object and the ``openid4vp://`` link, so the service and its tests
build them the same way.

- ``client_id`` = ``redirect_uri:`` + the Response URI (§5.9.3): the Response
  URI is the verifier's own origin, which the wallet shows the learner.
- The link (QR code) holds the request by value (§5.4), since ``redirect_uri``
  requests cannot be signed (§5.9.3); the same request is also served as an
  unsecured Request Object at ``request_uri`` for the typed short code.
- The DCQL query asks for Open Badges 3.0 credentials: badges and the endorsements
  of them (``open_badge_query(endorsements=True)``, two ``type_values`` alternatives).
- ``client_metadata.vp_formats_supported.ldp_vc`` is ``{}``: its
  ``proof_type_values`` and ``cryptosuite_values`` are optional (Appendix
  B.1.3.2.3) and left out so the QR code stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.oid4vp.dcql import DcqlQuery, open_badge_query
from shared.oid4vp.link import InvocationLink
from shared.oid4vp.request import REDIRECT_URI_PREFIX, AuthorizationRequest

__all__ = [
    "REQUEST_PATH",
    "RESPONSE_PATH",
    "VerifierRequest",
    "ldp_client_metadata",
    "verifier_request",
]

REQUEST_PATH = "/oid4vp/request/"
RESPONSE_PATH = "/oid4vp/response"
#: proof types and cryptosuites Rugzak verifies on presentations and credentials.
PROOF_TYPES = ("DataIntegrityProof", "Ed25519Signature2020")
CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def ldp_client_metadata(*, detailed: bool = False) -> dict[str, Any]:
    """``client_metadata`` with ``vp_formats_supported`` for ``ldp_vc`` (§11.1).

    ``detailed`` adds the optional proof types and cryptosuites Rugzak verifies.
    """
    ldp: dict[str, Any] = {}
    if detailed:
        ldp = {"proof_type_values": list(PROOF_TYPES), "cryptosuite_values": list(CRYPTOSUITES)}
    return {"vp_formats_supported": {"ldp_vc": ldp}}


@dataclass(frozen=True)
class VerifierRequest:
    """The request, its link (QR code, by value) and its ``request_uri`` (by reference)."""

    request: AuthorizationRequest
    link: InvocationLink
    request_uri: str

    @property
    def by_reference(self) -> InvocationLink:
        """The short link naming ``request_uri`` (unsigned Request Object)."""
        return InvocationLink(
            self.request.client_id,
            request_uri=self.request_uri,
            max_qr_parts=self.link.max_qr_parts,
            code=self.link.code,
        )


def verifier_request(
    origin: str,
    *,
    request_id: str,
    nonce: str,
    state: str,
    max_qr_parts: int | None,
    code: str | None = None,
    query: DcqlQuery | None = None,
) -> VerifierRequest:
    """Request Object + link for a verifier at ``origin`` (``https://host[:port]``)."""
    response_uri = origin.rstrip("/") + RESPONSE_PATH
    client_id = f"{REDIRECT_URI_PREFIX}:{response_uri}"
    request = AuthorizationRequest(
        client_id=client_id,
        response_uri=response_uri,
        nonce=nonce,
        state=state,
        dcql_query=query or open_badge_query(endorsements=True),
        client_metadata=ldp_client_metadata(),
        max_qr_parts=max_qr_parts,
    )
    link = InvocationLink(client_id, request, None, max_qr_parts, code)
    return VerifierRequest(request, link, origin.rstrip("/") + REQUEST_PATH + request_id)
