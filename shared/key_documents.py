"""Keys published in https key documents (W3C Controlled Identifiers v1.0).

A proof may name its key as ``https://badges.example.nl/issuers/7#key-1``: the key is
then read from the document at that URL without its fragment, as the Controlled
Identifiers specification's algorithm for retrieving a verification method says.
The document must name itself (its ``id`` is that URL), the verification method
must have the full URL as its ``id`` and the document as its ``controller``, and
the document must list it, by reference or embedded, under the proof's purpose.
The key's controller is then the document's URL, and the issuer check asks it to
be the badge's issuer, as for a DID.

The document comes from the same resolver as DID documents (``shared.did``): a
trust pack's copy, or one fetched through the injected, SSRF-guarded fetcher.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urldefrag

from shared.did import (
    RELATIONSHIPS,
    Resolver,
    VerificationMethod,
    absolute,
    is_web_url,
    iter_methods,
    listed_for,
    method_key,
)
from shared.errors import ErrorCode, ResolutionFailed, VerificationFailed


def fragment_key(vm_url: str) -> str | None:
    """The multikey an http(s) verification method URL writes as its fragment
    (``https://example.edu/issuers/1#z6Mk...``, 1EdTech style), or None."""
    if not is_web_url(vm_url):
        return None
    fragment = urldefrag(vm_url)[1]
    return fragment if fragment.startswith("z") else None


def key_document_url(vm_url: str) -> str | None:
    """The URL of the key document ``vm_url`` is read from, or None when it names no
    key document (a DID URL, an https URL without a fragment)."""
    if not is_web_url(vm_url):
        return None
    base, fragment = urldefrag(vm_url)
    return base if fragment else None


def find_key_document_method(
    resolver: Resolver, vm_url: str, *, purpose: str | None
) -> VerificationMethod:
    """The key ``vm_url`` names in its https key document, checked as Controlled
    Identifiers v1.0 requires (see the module docstring).

    Raises ``ResolutionFailed`` (``did_not_found``: the document cannot be had now;
    ``did_document_invalid``: it names another URL or is broken;
    ``verification_method_not_found``: no such key, or not the document's),
    ``VerificationFailed`` (``proof_purpose_mismatch``) or ``Unsupported``.
    """
    doc_url = key_document_url(vm_url)
    if doc_url is None:
        raise ResolutionFailed(
            "the verification method is not in a key document",
            code=ErrorCode.verification_method_not_found,
            detail=vm_url,
        )
    doc = resolver.resolve(doc_url)
    if not isinstance(doc, dict) or doc.get("id") != doc_url:
        raise ResolutionFailed(
            "the key document does not name itself by its URL",
            code=ErrorCode.did_document_invalid,
            detail={"url": doc_url, "id": doc.get("id") if isinstance(doc, dict) else None},
        )
    fragment = "#" + urldefrag(vm_url)[1]
    named = [
        entry
        for entry in iter_methods(doc)
        if isinstance(entry.get("id"), str)
        and (entry["id"] == fragment or entry["id"].endswith(fragment))
    ]
    found = next((e for e in named if absolute(e["id"], doc_url) == vm_url), None)
    if found is None:
        raise ResolutionFailed(
            "the key document has no key with this id"
            if not named
            else "the key's id in the key document is not the URL the proof names",
            code=ErrorCode.verification_method_not_found,
            detail={"vm": vm_url, "ids": [e["id"] for e in named]},
        )
    controller = found.get("controller")
    if controller != doc_url:
        raise ResolutionFailed(
            "the key's controller is not the key document",
            code=ErrorCode.verification_method_not_found,
            detail={"vm": vm_url, "controller": controller},
        )
    if purpose not in RELATIONSHIPS or not listed_for(doc, doc_url, purpose, vm_url):
        raise VerificationFailed(
            f"the key is not authorised for {purpose}",
            code=ErrorCode.proof_purpose_mismatch,
            detail={"vm": vm_url, "purpose": purpose},
        )
    return method_key(found, vm_url, doc_url)


def key_document_urls(document: Any) -> list[str]:
    """The key documents the proofs on ``document`` read their keys from (for a trust
    pack), skipping keys written in the URL itself (``#z6Mk...``), which need none."""
    proofs = document.get("proof") if isinstance(document, dict) else None
    urls: list[str] = []
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        vm = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(vm, str) or fragment_key(vm) is not None:
            continue
        url = key_document_url(vm)
        if url is not None and url not in urls:
            urls.append(url)
    return urls
