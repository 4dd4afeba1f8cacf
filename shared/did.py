"""DIDs: did:key (Ed25519 and P-256 Multikey) and did:web, and the resolvers that find them.

The resolvers also find https key documents (controlled identifier documents, by
their URL): ``shared.key_documents`` reads a verification method from one.
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
    """Anything that turns a DID (or the https URL of a key document) into its document."""

    def resolve(self, did: str) -> dict[str, Any]:
        """Return the document or raise ``ResolutionFailed``."""
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


def is_web_url(value: str) -> bool:
    """Whether ``value`` is an http(s) URL (a key document's address, not a DID)."""
    return value.startswith(("https://", "http://"))


def did_url_base(vm_url: str) -> str:
    """``urldefrag(vm_url)[0]`` of a DID URL, without urllib when it cannot change it.

    urllib splits the URL and joins it again, which drops an empty query
    (``did:x?#k`` gives ``did:x``), removes tabs and newlines and reads ``did://`` as
    a host; a DID URL without these is simply the text before its first ``#``
    (a quarter of urldefrag's time: this runs for every proof).
    """
    base = vm_url.partition("#")[0]
    if (
        not base.startswith("did:")
        or base.startswith("did://")
        or "?" in base
        or "\t" in vm_url
        or "\r" in vm_url
        or "\n" in vm_url
    ):
        return urldefrag(vm_url)[0]
    return base


def check_document(did: str, doc: Any) -> dict[str, Any]:
    """Basic sanity of a resolved document: an object whose ``id`` is the DID (or, for
    a key document, the URL it was read from).

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
    """Resolves did:key by computation and every other DID (or key document URL) from a
    fixed table."""

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
            if is_web_url(did):
                raise ResolutionFailed(
                    "key document not known to this resolver",
                    code=ErrorCode.did_not_found,
                    detail=did,
                )
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
    """did:key locally; did:web and https key documents through an injected fetcher,
    with a TTL cache.

    ``fallback`` (a StaticResolver, e.g. a trust pack) is consulted first, so an
    offline verifier never needs the network for documents it already holds.
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
        if not did.startswith("did:web:") and not is_web_url(did):
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
        url = did if is_web_url(did) else did_web_url(did)
        checked = check_document(did, fetch_document(self._fetcher, url, self._max_bytes))
        self._cache.pop(did, None)
        while len(self._cache) >= self._max_entries:  # bounded: drop the oldest entry
            del self._cache[next(iter(self._cache))]
        self._cache[did] = (now + self._ttl, checked)
        return checked


def fetch_document(fetcher: Fetcher, url: str, max_bytes: int) -> Any:
    """The JSON published at ``url``, through ``fetcher``: the one fetch-and-read of a
    document a key is looked up in (a did:web document, a key document, a JWK Set).

    Raises ``ResolutionFailed``: ``did_not_found`` when it cannot be had now,
    ``fetch_refused`` for an address that is not fetched, ``did_document_invalid``
    when what arrived is too large or not strict JSON.
    """
    try:
        body = fetcher(url)
    except Exception as exc:  # fetchers are I/O at the edge; any failure is resolution
        raise ResolutionFailed(
            "could not fetch the document",
            code=_fetch_failure_code(exc),
            detail={"url": url, "error": str(exc)},
        ) from exc
    if len(body) > max_bytes:
        raise ResolutionFailed(
            "the document is too large",
            code=ErrorCode.did_document_invalid,
            detail={"url": url, "bytes": len(body), "limit": max_bytes},
        )
    try:
        return parse_json(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ResolutionFailed(
            "the document is not JSON", code=ErrorCode.did_document_invalid, detail={"url": url}
        ) from exc


def _fetch_failure_code(exc: Exception) -> ErrorCode:
    """What a failure to fetch a did:web or key document says about the badge.

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


def iter_methods(doc: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    """Every verification method a document holds: listed, or embedded in a relationship."""
    for key in ("verificationMethod", *RELATIONSHIPS, "publicKey"):
        entries = doc.get(key)
        if isinstance(entries, dict):
            entries = [entries]
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, dict):
                    yield entry


def absolute(ref: str, doc_id: str) -> str:
    """``ref`` read against ``doc_id``: a bare ``#fragment`` is relative to the document."""
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
    base = did_url_base(vm_url)
    if not base.startswith("did:"):
        raise Unsupported(
            "verification methods must be DID URLs",
            code=ErrorCode.unsupported_did_method,
            detail=vm_url,
        )
    doc = resolver.resolve(base)
    doc_id = doc.get("id", base)
    found: dict[str, Any] | None = None
    for entry in iter_methods(doc):
        if isinstance(entry.get("id"), str) and absolute(entry["id"], doc_id) == vm_url:
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
    if purpose is not None and not listed_for(doc, doc_id, purpose, vm_url):
        raise VerificationFailed(
            f"the key is not authorised for {purpose}",
            code=ErrorCode.proof_purpose_mismatch,
            detail={"vm": vm_url, "purpose": purpose},
        )
    return method_key(found, vm_url, controller)


def listed_for(doc: Mapping[str, Any], doc_id: str, purpose: str, vm_url: str) -> bool:
    """Whether ``doc`` lists ``vm_url`` under the relationship ``purpose``, by reference
    or embedded (relative ids are read against ``doc_id``)."""
    refs = doc.get(purpose) or []
    if isinstance(refs, str | dict):
        refs = [refs]
    for ref in refs:
        rid = ref.get("id") if isinstance(ref, dict) else ref
        if isinstance(rid, str) and absolute(rid, doc_id) == vm_url:
            return True
    return False


def method_key(found: Mapping[str, Any], vm_url: str, controller: str) -> VerificationMethod:
    """The public key of a verification method entry: Multikey (Ed25519 or P-256),
    Ed25519VerificationKey2020 or Ed25519VerificationKey2018."""
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
