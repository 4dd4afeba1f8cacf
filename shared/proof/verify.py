"""Checking every proof on a document, without ever raising for bad input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag

from shared.did import Resolver, VerificationMethod, find_verification_method, multikey_public
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, RugzakError
from shared.key_documents import find_key_document_method, fragment_key, key_document_url
from shared.keys import verify_signature
from shared.multibase import decode_base58btc
from shared.proof.ecdsa_sd.base import CRYPTOSUITE as SD_CRYPTOSUITE
from shared.proof.ecdsa_sd.cbor import base_proof_presented
from shared.proof.ecdsa_sd.confirm import base_proof_failure
from shared.proof.ecdsa_sd.derive import is_base_proof
from shared.proof.ecdsa_sd.verify import derived_proof_failure
from shared.proof.purpose import ProofPurpose
from shared.proof.result import ProofResult
from shared.proof.suites import (
    ED25519_2018,
    hash_data,
    legacy_hash_data,
    split_jws,
    suite_of,
)
from shared.vocab import as_list


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """The proofs on a document as a list (a single proof or a proof set)."""
    return list(as_list(document.get("proof")))


def verify_proofs(
    document: Mapping[str, Any],
    resolver: Resolver,
    *,
    purpose: ProofPurpose | None = None,
    allow_fragment_keys: bool = True,
    confirm_base_proofs: bool = False,
) -> list[ProofResult]:
    """One ``ProofResult`` per proof on ``document``.

    With a ``purpose``, each proof must name its term (``proof_purpose_mismatch``
    otherwise). Whether a holder's proof answers a request (challenge, domain) is
    not a property of the signature: ``purpose.bind`` judges it on the proofs that
    verified.

    ``allow_fragment_keys`` accepts a verification method such as
    ``https://example.edu/issuers/1#z6Mk...`` whose fragment *is* the key, as the
    1EdTech validator does; such results are flagged ``key_unconfirmed``. Any other
    http(s) verification method is read from its key document through ``resolver``
    (``shared.key_documents``).

    ``confirm_base_proofs`` is for the holder checking its own copy of a badge: an
    ecdsa-sd-2023 base proof is then confirmed (``ecdsa_sd.confirm``). A verifier
    leaves it False: a base proof handed to it fails ``base_proof_presented``.
    """
    all_proofs = proofs_of(document)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return [
        _verify_one(
            p,
            all_proofs,
            unsecured,
            resolver,
            purpose,
            allow_fragment_keys,
            confirm_base_proofs,
        )
        for p in all_proofs
    ]


def _verify_one(
    proof: Any,
    all_proofs: list[Any],
    unsecured: dict[str, Any],
    resolver: Resolver,
    expected: ProofPurpose | None,
    allow_fragment_keys: bool,
    confirm_base_proofs: bool,
) -> ProofResult:
    if not isinstance(proof, dict):
        return ProofResult(
            False,
            None,
            None,
            None,
            None,
            None,
            ErrorCode.malformed_proof,
            "the proof is not a JSON object",
        )
    ptype = proof.get("type") if isinstance(proof.get("type"), str) else None
    suite_name = proof.get("cryptosuite") if isinstance(proof.get("cryptosuite"), str) else None
    vm_url = proof.get("verificationMethod")
    vm_str = vm_url if isinstance(vm_url, str) else None
    purpose = proof.get("proofPurpose") if isinstance(proof.get("proofPurpose"), str) else None

    def fail(
        code: ErrorCode, message: str, *, controller: str | None = None, detail: Any = None
    ) -> ProofResult:
        return ProofResult(
            False, ptype, suite_name, vm_str, controller, purpose, code, message, detail=detail
        )

    try:
        suite = suite_of(proof)
    except RugzakError as exc:
        return fail(exc.code, exc.message)
    if vm_str is None:
        return fail(ErrorCode.malformed_proof, "the proof names no verification method")
    if expected is not None and not expected.accepts(purpose):
        return fail(
            ErrorCode.proof_purpose_mismatch,
            f"the proof is for '{purpose}', expected '{expected.term}'",
        )
    if suite[1] == SD_CRYPTOSUITE and not confirm_base_proofs and is_base_proof(proof):
        # Refused before any key is looked up: the answer is the same offline, and
        # nothing is fetched for a proof that is never checked.
        refused = base_proof_presented()
        return fail(refused.code, refused.message)
    try:
        vm, unconfirmed = _resolve_key(resolver, vm_str, purpose, allow_fragment_keys)
    except RugzakError as exc:
        return fail(exc.code, exc.message, detail=exc.detail)
    if suite[1] == SD_CRYPTOSUITE:
        check = (
            base_proof_failure
            if confirm_base_proofs and is_base_proof(proof)
            else derived_proof_failure
        )
        failure = check(unsecured, proof, vm.key_type, vm.public_key)
        if failure is not None:
            return fail(failure[0], failure[1], controller=vm.controller)
    else:
        if vm.key_type != "Ed25519":
            return fail(
                ErrorCode.unsupported_key_type,
                f"{suite_name or ptype} proofs are made with Ed25519 keys, not {vm.key_type}",
                controller=vm.controller,
            )
        try:
            signature, prefix = _signature(proof, suite)
            target = dict(unsecured)
            previous = _previous_proofs(proof, all_proofs)
            if previous:
                target["proof"] = previous if len(previous) > 1 else previous[0]
            forms: list[str] = []
            hashed = hash_data(suite, proof, target, forms=forms)
        except RugzakError as exc:
            return fail(exc.code, exc.message, controller=vm.controller, detail=exc.detail)
        ok = verify_signature(vm.public_key, prefix + hashed, signature)
        if not ok and forms:
            # Signed over the N-Quads escaping before RDFC-1.0 (pyld, Rugzak until
            # 2026-11)? Then that form verifies; see legacy_hash_data.
            legacy = legacy_hash_data(suite, proof, target, forms[0])
            if legacy is not None and legacy != hashed:
                ok = verify_signature(vm.public_key, prefix + legacy, signature)
        if not ok:
            return fail(
                ErrorCode.proof_invalid,
                "the signature does not match: the content was changed or the key is wrong",
                controller=vm.controller,
            )
    return ProofResult(
        True,
        ptype,
        suite_name,
        vm_str,
        vm.controller,
        purpose,
        None,
        "the signature is valid",
        key_unconfirmed=unconfirmed,
        challenge=proof.get("challenge"),
        domain=proof.get("domain"),
    )


def _signature(proof: Mapping[str, Any], suite: tuple[str, str | None]) -> tuple[bytes, bytes]:
    """(signature bytes, prefix prepended to hashData before verifying)."""
    if suite[0] == ED25519_2018:
        _header, prefix, signature = split_jws(proof.get("jws"))  # type: ignore[arg-type]
        return signature, prefix
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise InvalidInput("the proof has no proofValue", code=ErrorCode.malformed_proof)
    return decode_base58btc(value), b""


def _previous_proofs(proof: Mapping[str, Any], all_proofs: list[Any]) -> list[Any]:
    previous = proof.get("previousProof")
    if previous is None:
        return []
    wanted = [previous] if isinstance(previous, str) else list(previous)
    found = [p for p in all_proofs if isinstance(p, dict) and p.get("id") in wanted]
    if len(found) != len(wanted):
        raise InvalidInput(
            "a previousProof is missing from the proof set",
            code=ErrorCode.malformed_proof,
            detail=wanted,
        )
    return found


def _resolve_key(
    resolver: Resolver, vm_url: str, purpose: str | None, allow_fragment_keys: bool
) -> tuple[VerificationMethod, bool]:
    if vm_url.startswith("did:"):
        return find_verification_method(resolver, vm_url, purpose=purpose), False
    fragment = fragment_key(vm_url) if allow_fragment_keys else None
    if fragment is not None:
        key_type, public = multikey_public(fragment)
        base = urldefrag(vm_url)[0]
        return VerificationMethod(vm_url, base, "Multikey", public, fragment, key_type), True
    if key_document_url(vm_url) is not None:
        return find_key_document_method(resolver, vm_url, purpose=purpose), False
    raise ResolutionFailed(
        "the verification key cannot be found",
        code=ErrorCode.verification_method_not_found,
        detail=vm_url,
    )
