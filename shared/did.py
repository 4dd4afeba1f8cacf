"""DIDs: did:key (Ed25519 and P-256 Multikey) and did:web, and the resolvers that find them.

Resolution is pure except through an injected ``Fetcher``: the core never opens a
socket by itself. ``StaticResolver`` serves trust packs and tests.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urldefrag

from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, Unsupported, VerificationFailed
from shared.multibase import (
    decode_base58btc,
    ed25519_public_to_multibase,
    multibase_to_ed25519_public,
    multibase_to_p256_public,
)
from shared.strict_json import parse as parse_json

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"

RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)
ED25519_VM_TYPES = ("Multikey", "Ed25519VerificationKey2020", "Ed25519VerificationKey2018")
MAX_DID_DOCUMENT_BYTES = 256 * 1024


class Resolver(Protocol):
    """Anything that turns a DID into its DID document."""

    def resolve(self, did: str) -> dict[str, Any]:
        """Return the DID document or raise ``ResolutionFailed``."""
        ...


# A fetcher gets an https URL and returns the body bytes; raising on failure.
Fetcher = Callable[[str], bytes]


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved public key and where it came from.

    ``key_type`` is ``Ed25519`` (32-byte key) or ``P-256`` (33-byte compressed
    point, only for the ecdsa-sd-2023 suite).
    """

    id: str
    controller: str
    type: str
    public_key: bytes
    public_multibase: str
    key_type: str = "Ed25519"


def multikey_public(value: str) -> tuple[str, bytes]:
    """(key type, raw key) of a Multikey public key: Ed25519 ``z6Mk`` or P-256 ``zDn``."""
    if isinstance(value, str) and value.startswith("zDn"):
        return "P-256", multibase_to_p256_public(value)
    return "Ed25519", multibase_to_ed25519_public(value)


def did_key_document(did: str) -> dict[str, Any]:
    """The Multikey DID document for an Ed25519 or P-256 did:key (did-key spec, Multikey form)."""
    if not did.startswith("did:key:"):
        raise InvalidInput("not a did:key", code=ErrorCode.malformed_did, detail=did)
    mb = did[len("did:key:") :]
    if mb.startswith("zDn"):
        try:
            multibase_to_p256_public(mb)
        except (InvalidInput, Unsupported) as exc:
            raise InvalidInput(
                "malformed did:key", code=ErrorCode.malformed_did, detail=did
            ) from exc
    elif not mb.startswith("z6Mk"):
        if mb.startswith("z"):
            raise Unsupported(
                "only Ed25519 and P-256 did:key identifiers are supported",
                code=ErrorCode.unsupported_key_type,
                detail=did,
            )
        raise InvalidInput("malformed did:key", code=ErrorCode.malformed_did, detail=did)
    else:
        try:
            multibase_to_ed25519_public(mb)
        except (InvalidInput, Unsupported) as exc:  # z6Mk... that does not decode to Ed25519
            raise InvalidInput(
                "malformed did:key", code=ErrorCode.malformed_did, detail=did
            ) from exc
    vm_id = f"{did}#{mb}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }


def did_web_url(did: str) -> str:
    """Map a did:web to the https URL of its did.json (did:web spec, 'Read')."""
    if not did.startswith("did:web:"):
        raise InvalidInput("not a did:web", code=ErrorCode.malformed_did, detail=did)
    parts = did[len("did:web:") :].split(":")
    if not parts or not parts[0] or any(not p for p in parts):
        raise InvalidInput("malformed did:web", code=ErrorCode.malformed_did, detail=did)
    host = unquote(parts[0])
    hostname = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        ipaddress.ip_address(hostname.strip("[]"))
    except ValueError:
        pass
    else:
        raise InvalidInput(
            "did:web must name a domain, not an IP address",
            code=ErrorCode.malformed_did,
            detail=did,
        )
    if any(c in host for c in "/?#@ ") or "%" in host:
        raise InvalidInput("malformed did:web host", code=ErrorCode.malformed_did, detail=did)
    path = [unquote(p) for p in parts[1:]]
    if any(p in (".", "..") or "/" in p for p in path):
        raise InvalidInput("malformed did:web path", code=ErrorCode.malformed_did, detail=did)
    if path:
        return f"https://{host}/{'/'.join(path)}/did.json"
    return f"https://{host}/.well-known/did.json"


def did_web_from_domain(domain: str) -> str:
    """Inverse mapping: ``example.com:8443/org/x`` -> ``did:web:example.com%3A8443:org:x``."""
    host, _, path = domain.strip("/").partition("/")
    did = "did:web:" + host.replace(":", "%3A")
    if path:
        did += ":" + ":".join(p for p in path.split("/") if p)
    return did


def check_document(did: str, doc: Any) -> dict[str, Any]:
    """Basic sanity of a resolved DID document: an object whose ``id`` is the DID.

    A document that fails it was obtained and is wrong (``did_document_invalid``: the
    credential fails), unlike one that could not be obtained (``did_not_found``).
    """
    if not isinstance(doc, dict):
        raise ResolutionFailed(
            "DID document is not a JSON object", code=ErrorCode.did_document_invalid, detail=did
        )
    if doc.get("id") != did:
        raise ResolutionFailed(
            "DID document id does not match the DID",
            code=ErrorCode.did_document_invalid,
            detail={"did": did, "id": doc.get("id")},
        )
    return doc


class StaticResolver:
    """Resolves did:key by computation and every other DID from a fixed table."""

    def __init__(self, documents: Mapping[str, dict[str, Any]] | None = None) -> None:
        self._docs: dict[str, dict[str, Any]] = dict(documents or {})

    def add(self, document: dict[str, Any]) -> None:
        did = document.get("id")
        if not isinstance(did, str):
            raise InvalidInput("DID document has no id", code=ErrorCode.malformed_did)
        self._docs[did] = document

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        return dict(self._docs)

    def resolve(self, did: str) -> dict[str, Any]:
        if did in self._docs:
            return self._docs[did]
        if did.startswith("did:key:"):
            return did_key_document(did)
        if not did.startswith("did:"):
            raise InvalidInput("not a DID", code=ErrorCode.malformed_did, detail=did)
        method = did.split(":", 2)[1]
        if method not in ("key", "web"):
            raise Unsupported(
                f"DID method '{method}' is not supported",
                code=ErrorCode.unsupported_did_method,
                detail=did,
            )
        raise ResolutionFailed(
            "DID not known to this resolver", code=ErrorCode.did_not_found, detail=did
        )


class WebResolver:
    """did:key locally, did:web through an injected fetcher, with a TTL cache.

    ``fallback`` (a StaticResolver, e.g. a trust pack) is consulted first, so an
    offline verifier never needs the network for DIDs it already holds.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        fallback: Resolver | None = None,
        ttl_seconds: float = 3600.0,
        max_bytes: int = MAX_DID_DOCUMENT_BYTES,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 1024,
    ) -> None:
        self._fetcher = fetcher
        self._max_entries = max_entries
        self._fallback = fallback
        self._ttl = ttl_seconds
        self._max_bytes = max_bytes
        self._clock = clock
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    def resolve(self, did: str) -> dict[str, Any]:
        if did.startswith("did:key:"):
            return did_key_document(did)
        if self._fallback is not None:
            try:
                return self._fallback.resolve(did)
            except ResolutionFailed:
                pass
        if not did.startswith("did:web:"):
            method = did.split(":", 2)[1] if did.startswith("did:") and did.count(":") >= 2 else ""
            if not method:
                raise InvalidInput("not a DID", code=ErrorCode.malformed_did, detail=did)
            raise Unsupported(
                f"DID method '{method}' is not supported",
                code=ErrorCode.unsupported_did_method,
                detail=did,
            )
        now = self._clock()
        hit = self._cache.get(did)
        if hit is not None and hit[0] > now:
            return hit[1]
        url = did_web_url(did)
        try:
            body = self._fetcher(url)
        except Exception as exc:  # fetchers are I/O at the edge; any failure is resolution
            raise ResolutionFailed(
                "could not fetch the did:web document",
                code=_fetch_failure_code(exc),
                detail={"did": did, "url": url, "error": str(exc)},
            ) from exc
        if len(body) > self._max_bytes:
            raise ResolutionFailed(
                "did:web document is too large",
                code=ErrorCode.did_document_invalid,
                detail={"did": did, "bytes": len(body)},
            )
        try:
            doc = parse_json(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ResolutionFailed(
                "did:web document is not JSON", code=ErrorCode.did_document_invalid, detail=did
            ) from exc
        checked = check_document(did, doc)
        self._cache.pop(did, None)
        while len(self._cache) >= self._max_entries:  # bounded: drop the oldest entry
            del self._cache[next(iter(self._cache))]
        self._cache[did] = (now + self._ttl, checked)
        return checked


def _fetch_failure_code(exc: Exception) -> ErrorCode:
    """What a did:web fetch failure says about the badge.

    A body over the size limit did arrive and is broken (``did_document_invalid``); an
    address the verifier will not contact (private, not https) stays ``fetch_refused``:
    trying again will not help. Anything else (down, HTTP error, timeout) is
    ``did_not_found``: cannot check now.
    """
    code = getattr(exc, "code", None)
    if code == ErrorCode.payload_too_large:
        return ErrorCode.did_document_invalid
    if code == ErrorCode.fetch_refused:
        return ErrorCode.fetch_refused
    return ErrorCode.did_not_found


def _iter_methods(doc: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for key in ("verificationMethod", *RELATIONSHIPS, "publicKey"):
        entries = doc.get(key)
        if isinstance(entries, dict):
            entries = [entries]
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, dict):
                    yield entry


def _absolute(ref: str, doc_id: str) -> str:
    return doc_id + ref if ref.startswith("#") else ref


def find_verification_method(
    resolver: Resolver,
    vm_url: str,
    *,
    purpose: str | None = None,
) -> VerificationMethod:
    """Dereference a verification method URL to its key (CID 'retrieve VM').

    Checks that the VM belongs to the DID document it was found in and, when
    ``purpose`` is given, that the document lists it under that relationship.
    """
    if not isinstance(vm_url, str) or not vm_url.startswith("did:"):
        raise InvalidInput(
            "verificationMethod must be a DID URL", code=ErrorCode.malformed_proof, detail=vm_url
        )
    if "#" not in vm_url:
        # A bare DID names its key only when the method makes that unambiguous
        # (a did:key has exactly one); 1EdTech fixtures use this form.
        if not vm_url.startswith("did:key:"):
            raise InvalidInput(
                "verificationMethod must be a DID URL with a fragment",
                code=ErrorCode.malformed_proof,
                detail=vm_url,
            )
        vm_url = f"{vm_url}#{vm_url[len('did:key:') :]}"
    base, _ = urldefrag(vm_url)
    if not base.startswith("did:"):
        raise Unsupported(
            "verification methods must be DID URLs",
            code=ErrorCode.unsupported_did_method,
            detail=vm_url,
        )
    doc = resolver.resolve(base)
    doc_id = doc.get("id", base)
    found: dict[str, Any] | None = None
    for entry in _iter_methods(doc):
        if isinstance(entry.get("id"), str) and _absolute(entry["id"], doc_id) == vm_url:
            found = entry
            break
    if found is None:
        raise ResolutionFailed(
            "verification method not found in the DID document",
            code=ErrorCode.verification_method_not_found,
            detail=vm_url,
        )
    controller = found.get("controller", doc_id)
    if controller != doc_id:
        raise ResolutionFailed(
            "verification method controller is not the DID",
            code=ErrorCode.verification_method_not_found,
            detail={"vm": vm_url, "controller": controller},
        )
    if purpose is not None:
        refs = doc.get(purpose) or []
        if isinstance(refs, str | dict):
            refs = [refs]
        listed = False
        for ref in refs:
            rid = ref.get("id") if isinstance(ref, dict) else ref
            if isinstance(rid, str) and _absolute(rid, doc_id) == vm_url:
                listed = True
                break
        if not listed:
            raise VerificationFailed(
                f"the key is not authorised for {purpose}",
                code=ErrorCode.proof_purpose_mismatch,
                detail={"vm": vm_url, "purpose": purpose},
            )
    vm_type = str(found.get("type", ""))
    if vm_type not in ED25519_VM_TYPES:
        raise Unsupported(
            f"verification method type '{vm_type}' is not supported",
            code=ErrorCode.unsupported_key_type,
            detail=vm_url,
        )
    if "publicKeyMultibase" in found:
        mb = str(found["publicKeyMultibase"])
        if vm_type == "Multikey":
            key_type, public = multikey_public(mb)
            return VerificationMethod(vm_url, controller, vm_type, public, mb, key_type)
        public = multibase_to_ed25519_public(mb)
    elif "publicKeyBase58" in found:
        public = decode_base58btc("z" + str(found["publicKeyBase58"]))
        if len(public) != 32:
            raise InvalidInput("bad publicKeyBase58", code=ErrorCode.malformed_key, detail=vm_url)
        mb = ed25519_public_to_multibase(public)
    else:
        raise Unsupported(
            "verification method has no Ed25519 key material",
            code=ErrorCode.unsupported_key_type,
            detail=vm_url,
        )
    return VerificationMethod(vm_url, controller, vm_type, public, mb)
