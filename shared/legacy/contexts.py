"""The contexts didkit holds offline, and the check that a document needs no others."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.vocab import CREDENTIALS_V1, CREDENTIALS_V2, ED25519_2020_V1, OB_V3P0_LEGACY, as_list

LEGACY_PROOF_TYPES = ("Ed25519Signature2018", "Ed25519Signature2020")


# Every URL didkit 0.3.3 resolves with no network (each one measured to load).
DIDKIT_CONTEXTS: frozenset[str] = frozenset(
    {
        CREDENTIALS_V1,
        "https://www.w3.org/2018/credentials/examples/v1",
        "https://www.w3.org/ns/odrl.jsonld",
        "https://schema.org/",
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/did/v1",
        "https://w3id.org/did-resolution/v1",
        "https://w3id.org/security/v1",
        "https://w3id.org/security/v2",
        ED25519_2020_V1,
        "https://w3id.org/security/suites/jws-2020/v1",
        "https://w3id.org/security/suites/secp256k1recovery-2020/v2",
        "https://w3id.org/security/suites/eip712sig-2021/v1",
        "https://w3id.org/security/suites/blockchain-2021/v1",
        "https://w3id.org/security/bbs/v1",
        "https://w3id.org/vc/status-list/2021/v1",
        "https://w3id.org/vc-revocation-list-2020/v1",
        "https://w3id.org/citizenship/v1",
        "https://w3id.org/vaccination/v1",
        "https://w3id.org/traceability/v1",
        "https://w3id.org/vdl/v1",
        "https://w3id.org/wallet/v1",
        "https://w3id.org/zcap/v1",
        "https://identity.foundation/presentation-exchange/submission/v1",
        "https://identity.foundation/.well-known/contexts/did-configuration-v0.0.jsonld",
        "https://identity.foundation/EcdsaSecp256k1RecoverySignature2020/"
        "lds-ecdsa-secp256k1-recovery2020-0.0.jsonld",
        "https://demo.spruceid.com/ld/eip712sig-2021/v0.1.jsonld",
        "https://demo.spruceid.com/EcdsaSecp256k1RecoverySignature2020/esrs2020-extra-0.0.jsonld",
        "https://demo.didkit.dev/2022/cacao-zcap/contexts/v1.json",
        "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
        OB_V3P0_LEGACY,
    }
)


def _context_urls(node: Any) -> Iterator[str]:
    """Every context URL referenced anywhere: ``@context``/``@import``, nested too."""
    if isinstance(node, list):
        for item in node:
            yield from _context_urls(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                refs = as_list(value)
                yield from (r for r in refs if isinstance(r, str))
            yield from _context_urls(value)


def check_contexts(document: Mapping[str, Any]) -> None:
    """Refuse a document didkit would need the network (or VCDM 2.0) to read."""
    top = document.get("@context")
    first = top[0] if isinstance(top, list) and top else top
    if first == CREDENTIALS_V2:
        raise Unsupported(
            "didkit reads VCDM 1.1 only; this is a VCDM 2.0 document",
            code=ErrorCode.unsupported_context,
            detail=first,
        )
    if first != CREDENTIALS_V1:
        raise InvalidInput(
            f"the first @context must be {CREDENTIALS_V1}",
            code=ErrorCode.unknown_context,
            detail=first,
        )
    unknown = sorted({u for u in _context_urls(dict(document)) if u not in DIDKIT_CONTEXTS})
    if unknown:
        raise Unsupported(
            "didkit has no offline copy of these contexts and must not fetch them",
            code=ErrorCode.unsupported_context,
            detail=unknown,
        )
