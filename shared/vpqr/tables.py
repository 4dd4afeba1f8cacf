"""The fixed CBOR-LD tables, and the profiles that say which of them a writer uses.

The numbers are the ones digitalbazaar's reference implementation
(``@digitalbazaar/cborld`` 8.x, ``lib/tables.js``) and its DCC fork
(``@digitalcredentials/cborld`` 4.x, ``lib/codecs/registeredContexts.js``) use;
a single wrong number makes every code unreadable, so they are copied, not derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

#: Keyword term ids; 1 is added to an id when the value is an array ("plural").
KEYWORDS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "@context": 0,
        "@type": 2,
        "@id": 4,
        "@value": 6,
        "@direction": 8,
        "@graph": 10,
        "@included": 12,
        "@index": 14,
        "@json": 16,
        "@language": 18,
        "@list": 20,
        "@nest": 22,
        "@reverse": 24,
        "@base": 26,
        "@container": 28,
        "@default": 30,
        "@embed": 32,
        "@explicit": 34,
        "@none": 36,
        "@omitDefault": 38,
        "@prefix": 40,
        "@preserve": 42,
        "@protected": 44,
        "@requireAll": 46,
        "@set": 48,
        "@version": 50,
        "@vocab": 52,
        "@propagate": 54,
    }
)
CONTEXT_ID: Final = 0
CONTEXT_ID_PLURAL: Final = 1
#: Terms of the loaded contexts are numbered from here, in steps of 2.
FIRST_CUSTOM_TERM_ID: Final = 100

#: The legacy context registry as the DCC fork (4.x) knows it.
_DCC_CONTEXTS: Final = {
    "https://www.w3.org/ns/activitystreams": 0x10,
    "https://www.w3.org/2018/credentials/v1": 0x11,
    "https://www.w3.org/ns/did/v1": 0x12,
    "https://w3id.org/security/suites/ed25519-2018/v1": 0x13,
    "https://w3id.org/security/suites/ed25519-2020/v1": 0x14,
    "https://w3id.org/cit/v1": 0x15,
    "https://w3id.org/age/v1": 0x16,
    "https://w3id.org/security/suites/x25519-2020/v1": 0x17,
    "https://w3id.org/veres-one/v1": 0x18,
    "https://w3id.org/webkms/v1": 0x19,
    "https://w3id.org/zcap/v1": 0x1A,
    "https://w3id.org/security/suites/hmac-2019/v1": 0x1B,
    "https://w3id.org/security/suites/aes-2019/v1": 0x1C,
    "https://w3id.org/vaccination/v1": 0x1D,
    "https://w3id.org/vc-revocation-list-2020/v1": 0x1E,
    "https://w3id.org/dcc/v1": 0x1F,
    "https://w3id.org/vc/status-list/v1": 0x20,
    "https://w3id.org/security/data-integrity/v1": 0x30,
    "https://w3id.org/security/multikey/v1": 0x31,
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": 0x32,
}
#: The legacy registry as digitalbazaar's 8.x knows it: the DCC table plus two entries.
LEGACY_STRINGS: Final[Mapping[str, int]] = MappingProxyType(
    {
        **_DCC_CONTEXTS,
        "https://www.w3.org/ns/credentials/v2": 0x21,
        "https://w3id.org/security/data-integrity/v2": 0x33,
    }
)
DCC_CONTEXTS: Final[Mapping[str, int]] = MappingProxyType(_DCC_CONTEXTS)

CRYPTOSUITE_TYPE: Final = "https://w3id.org/security#cryptosuiteString"
CRYPTOSUITES: Final[Mapping[str, int]] = MappingProxyType(
    {"ecdsa-rdfc-2019": 1, "ecdsa-sd-2023": 2, "eddsa-rdfc-2022": 3, "ecdsa-xi-2023": 4}
)

#: URL scheme codes: a compressed URL is an array whose first item is one of these.
URL_SCHEMES: Final[Mapping[str, int]] = MappingProxyType(
    {
        "http://": 1,
        "https://": 2,
        "urn:uuid:": 3,
        "data:": 4,
        "did:v1:nym:": 1024,
        "did:key:": 1025,
    }
)
SCHEME_BY_CODE: Final[Mapping[int, str]] = MappingProxyType({v: k for k, v in URL_SCHEMES.items()})

XSD_DATE: Final = "http://www.w3.org/2001/XMLSchema#date"
XSD_DATETIME: Final = "http://www.w3.org/2001/XMLSchema#dateTime"
MULTIBASE_TYPE: Final = "https://w3id.org/security#multibase"

#: Table types whose table ids are written as byte strings rather than integers.
_LEGACY_AS_BYTES: Final = frozenset({"none", XSD_DATE, XSD_DATETIME})
_V1_AS_BYTES: Final = _LEGACY_AS_BYTES | {"url"}

TAG_LEGACY_UNCOMPRESSED: Final = 0x0500
TAG_LEGACY: Final = 0x0501
TAG_V1: Final = 0xCB1D

TypeTable = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Profile:
    """How a CBOR-LD writer (or reader) behaves: which tag, which tables.

    ``uuid_versions`` and ``multibase_prefixes`` limit compression to what the
    intended reader can turn back; anything else is written as a plain string,
    which every reader passes through unchanged.
    """

    name: str
    tag: int
    type_table: TypeTable
    as_bytes: frozenset[str]
    legacy: bool
    uuid_versions: str = "12345678"
    multibase_prefixes: str = "zuM"
    negative_dates: bool = True
    data_urls: bool = True


_EMPTY: Final[Mapping[str, int]] = MappingProxyType({})

#: ``@digitalbazaar/cborld`` 7/8 with ``format: 'legacy-singleton'`` (tag 0x0501).
LEGACY: Final = Profile(
    name="legacy",
    tag=TAG_LEGACY,
    type_table=MappingProxyType(
        {
            "context": LEGACY_STRINGS,
            "url": LEGACY_STRINGS,
            "none": LEGACY_STRINGS,
            CRYPTOSUITE_TYPE: CRYPTOSUITES,
        }
    ),
    as_bytes=_LEGACY_AS_BYTES,
    legacy=True,
)
#: ``@digitalbazaar/cborld`` 8 default: CBOR-LD 1.0 (tag 0xCB1D), registry entry 1.
CBORLD_1_0: Final = Profile(
    name="cbor-ld-1.0",
    tag=TAG_V1,
    type_table=MappingProxyType({"context": _EMPTY, "url": _EMPTY, "none": _EMPTY}),
    as_bytes=_V1_AS_BYTES,
    legacy=False,
)
#: Tag 0x0501 written so that the DCC fork 4.x (``@digitalcredentials/vpqr``, the
#: Learner Credential Wallet and VerifierPlus) can read it as well as 8.x: only the
#: contexts 4.x knows are numbered (4.x numbers no other values), and cryptosuites,
#: ``data:`` URLs, UUIDs v6-8, base64url multibase and dates before 1970 stay strings.
DCC: Final = Profile(
    name="dcc",
    tag=TAG_LEGACY,
    type_table=MappingProxyType({"context": DCC_CONTEXTS, "url": _EMPTY, "none": _EMPTY}),
    as_bytes=_LEGACY_AS_BYTES,
    legacy=True,
    uuid_versions="12345",
    multibase_prefixes="zM",
    negative_dates=False,
    data_urls=False,
)
PROFILES: Final[Mapping[str, Profile]] = MappingProxyType(
    {p.name: p for p in (DCC, LEGACY, CBORLD_1_0)}
)
