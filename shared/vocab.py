"""The words every credential is made of: context URLs, types, schema ids, and the
"one or many" rule of JSON-LD.

Each of these is said once, here, so the issuer, the checks, the wallet and the
verifier can never disagree on a spelling. The Open Badges enumerations (achievement
types, result types...) are a different thing and live in ``shared.ob.vocab``.
"""

from __future__ import annotations

from typing import Any

# JSON-LD contexts (all bundled in ``shared.contexts``; none is ever fetched).
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
OB_V3P0_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
"""The Open Badges 3.0 context Rugzak writes."""
OB_V3P0_LEGACY = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
"""The un-versioned OB 3.0 context older issuers (and VCDM 1.1 credentials) use."""
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"

# Types.
VERIFIABLE_CREDENTIAL = "VerifiableCredential"
VERIFIABLE_PRESENTATION = "VerifiablePresentation"
OPEN_BADGE_CREDENTIAL = "OpenBadgeCredential"
ACHIEVEMENT_CREDENTIAL = "AchievementCredential"
"""OB 3.0's alias of ``OpenBadgeCredential``."""
OB_TYPES = frozenset({OPEN_BADGE_CREDENTIAL, ACHIEVEMENT_CREDENTIAL})
"""Either type makes a credential an Open Badge."""
ENDORSEMENT_CREDENTIAL = "EndorsementCredential"

# Status lists: Bitstring Status List v1.0 and its predecessor StatusList2021.
BITSTRING_STATUS_LIST_CREDENTIAL = "BitstringStatusListCredential"
BITSTRING_STATUS_LIST = "BitstringStatusList"
BITSTRING_STATUS_LIST_ENTRY = "BitstringStatusListEntry"
STATUS_LIST_CREDENTIAL_TYPES = frozenset(
    {BITSTRING_STATUS_LIST_CREDENTIAL, "StatusList2021Credential"}
)
STATUS_LIST_SUBJECT_TYPES = frozenset({BITSTRING_STATUS_LIST, "StatusList2021"})
DCC_MIN_STATUS_ENTRIES = 100_000
"""The smallest status list a verifier accepts by default. The W3C minimum is 131,072
entries (what Rugzak issues), but Digital Credentials Consortium lists in the field
hold 100,000, and refusing them would make every DCC badge "status unknown"."""
DEFAULT_MAX_CREDENTIALS = 50
"""Credentials per presentation: a learner shows a handful; 1 MiB could hold 500. Here,
not in ``shared.credentials.options``, so the verifier's settings can name it without
importing the credential core."""

# Credential schemas.
ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
JSON_SCHEMA = "JsonSchema"
"""The ``credentialSchema`` type Rugzak writes: defined by the credentials v2 context
(``1EdTechJsonSchemaValidator2019`` would need the OB extensions context too), and the
one DCC uses."""


def as_list(value: Any) -> list[Any]:
    """A JSON-LD "one or many" value as a list: absent (None) is none, a list is itself.

    JSON-LD compaction writes a one-item array as the item alone, so ``type``,
    ``proof``, ``credentialStatus``, ``credentialSubject`` and friends may each come
    either way. The list returned is the value itself when it is one (not a copy).
    """
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
