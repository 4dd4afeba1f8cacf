"""Credential issuer and authorization server metadata (OID4VCI 1.0 §12, RFC 8414)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field

from shared.oid4vci.base import (
    ISSUER_METADATA_PATH,
    LDP_VC,
    OB_CONFIGURATION_ID,
    OB_CONTEXT,
    OB_TYPES,
    PRE_AUTHORIZED_GRANT,
    Message,
)
from shared.vocab import CREDENTIALS_V2


class ProofTypeMetadata(Message):
    proof_signing_alg_values_supported: list[str]


class CredentialDefinition(Message):
    context: list[str] = Field(alias="@context")
    type: list[str]


class CredentialConfiguration(Message):
    format: str
    scope: str | None = None
    credential_definition: CredentialDefinition | None = None
    cryptographic_binding_methods_supported: list[str] | None = None
    credential_signing_alg_values_supported: list[str] | None = None
    proof_types_supported: dict[str, ProofTypeMetadata] | None = None
    credential_metadata: dict[str, Any] | None = None


class IssuerMetadata(Message):
    """Credential issuer metadata (OID4VCI §12.2), ``/.well-known/openid-credential-issuer``."""

    credential_issuer: str
    authorization_servers: list[str] | None = None
    credential_endpoint: str
    nonce_endpoint: str | None = None
    display: list[dict[str, Any]] | None = None
    credential_configurations_supported: dict[str, CredentialConfiguration]


class AuthorizationServerMetadata(Message):
    """RFC 8414 metadata; the credential issuer is its own authorization server."""

    issuer: str
    token_endpoint: str
    grant_types_supported: list[str] = Field(default_factory=lambda: [PRE_AUTHORIZED_GRANT])
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
