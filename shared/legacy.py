"""didkit as a second, independent engine for legacy VCDM 1.1 proofs.

Our own code (``shared.proof``) verifies ``Ed25519Signature2018``/``2020`` natively;
didkit 0.3.3 (SpruceID's Rust ``ssi``) is the cross-check, the benchmark baseline and
the way we make legacy test credentials. It is async, archived upstream, and
fragile, so it runs on ONE event loop on ONE daemon thread; callers see plain
synchronous methods with a timeout, and every failure as a ``RugzakError``.

What didkit checks (measured): the signature (URDNA2015, SHA-256, Ed25519; 2018 as
a detached ``jws``, 2020 as ``proofValue``), the proof purpose, that the key is a
verification method of the issuer (credential) or holder (presentation) by
resolving that DID, the expected ``challenge``/``domain`` when one is given, the
VCDM 1.1 shape (``issuer``, ``issuanceDate``), and JSON-LD expansion in strict
mode (an undefined term fails). What it does NOT check: expiry or a future
``issuanceDate``, ``credentialStatus`` (we never ask: its ``checks`` option would
fetch the list over the network), ``credentialSchema``, subject/holder binding, a
challenge when none is expected, and the credentials inside a presentation (a
holder can sign over a tampered credential). ``verify_presentation`` therefore also
verifies each embedded credential itself. It cannot read VCDM 2.0 or
``DataIntegrityProof`` at all.

Offline, didkit never fetches a context: it only knows a built-in set
(``DIDKIT_CONTEXTS``; unknown URLs fail with "Unknown context"). It embeds the OB
``.../ob/v3p0/context.json`` (identical to our bundled copy) but none of
``context-3.0.x.json``, OB ``extensions.json``, ``credentials/v2``,
``data-integrity/v1|v2``, ``multikey/v1`` or the ``ed25519-2018`` suite context
(2018 proofs rely on the terms in ``credentials/v1``). ``security/v1|v2`` load but
clash with ``credentials/v1`` (protected term redefinition). did:key is resolved
in-process, but did:web is fetched over HTTPS and an https issuer fails as
"invalidDid"; so inputs are checked first and anything that would need the
network is refused with ``Unsupported``.

Consequence for the vendored fixtures: none of the VCDM 1.1 ones can be checked by
didkit offline. DCC v1 credentials use ``context-3.0.x.json`` (and dual-signed ones
``data-integrity/v2``, some did:web); 1EdTech ``simple_v1``/``complete_v1`` and the
endorsement use an https issuer with the key in the URL fragment;
``credential-status-revoked`` needs ``extensions.json`` and did:web. The didkit
cross-check runs on ``tests/vectors/legacy`` instead. There didkit and pyld agree
except on a presentation whose credentials share an IRI with a blank-node child
(the same achievement and its ``criteria``): their canonical forms differ.

Process exit: if the interpreter finalizes within about a millisecond of a didkit
call returning, a tokio worker still inside Python crashes the process (SIGSEGV or
SIGABRT). ``close()``, registered with ``atexit``, waits a short grace period.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import concurrent.futures
import importlib
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported
from shared.keys import SigningKey

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020_V1 = "https://w3id.org/security/suites/ed25519-2020/v1"
OB_V3P0_LEGACY = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
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

DEFAULT_TIMEOUT_SECONDS = 30.0
MAX_INPUT_BYTES = 1_000_000
# Measured: 1 ms already avoids the exit crash; 50 ms leaves a wide margin.
EXIT_GRACE_SECONDS = 0.05
CLOSE_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class LegacyResult:
    """didkit's verdict. ``code`` is None when ``ok``; ``errors`` are didkit's words.

    For a presentation, ``credentials`` holds one result per embedded credential.
    """

    ok: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    code: ErrorCode | None = None
    credentials: list[LegacyResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "code": str(self.code) if self.code else None,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "checks": list(self.checks),
            "credentials": [c.to_dict() for c in self.credentials],
        }


# --------------------------------------------------------------------------- preflight


def _context_urls(node: Any) -> Iterator[str]:
    """Every context URL referenced anywhere: ``@context``/``@import``, nested too."""
    if isinstance(node, list):
        for item in node:
            yield from _context_urls(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                refs = value if isinstance(value, list) else [value]
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


def _did_of(value: Any) -> str | None:
    return value.get("id") if isinstance(value, dict) else value if isinstance(value, str) else None


def _require_did_key(did: Any, role: str) -> str:
    """didkit resolves ``did`` itself: only an Ed25519 did:key stays offline."""
    if not isinstance(did, str) or not did:
        raise InvalidInput(f"{role} is missing", code=ErrorCode.malformed_credential, detail=role)
    base = did.split("#", 1)[0]
    if not base.startswith("did:key:"):
        raise Unsupported(
            f"didkit would resolve the {role} '{base}' over the network; only did:key is allowed",
            code=ErrorCode.unsupported_did_method,
            detail=did,
        )
    if not base.startswith("did:key:z6Mk"):
        raise Unsupported(
            f"{role} is not an Ed25519 did:key", code=ErrorCode.unsupported_key_type, detail=did
        )
    return base


def _legacy_proofs(
    document: Mapping[str, Any], what: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """The document with only the proofs didkit can read, those proofs, and warnings."""
    raw = document.get("proof")
    proofs = [] if raw is None else raw if isinstance(raw, list) else [raw]
    if not all(isinstance(p, dict) for p in proofs):
        raise InvalidInput("a proof is not an object", code=ErrorCode.malformed_proof)
    legacy = [p for p in proofs if p.get("type") in LEGACY_PROOF_TYPES]
    skipped = [str(p.get("type")) for p in proofs if p not in legacy]
    if proofs and not legacy:
        raise Unsupported(
            f"didkit checks only {', '.join(LEGACY_PROOF_TYPES)} proofs",
            code=ErrorCode.unsupported_cryptosuite,
            detail=skipped,
        )
    for proof in legacy:
        _require_did_key(proof.get("verificationMethod"), f"{what} verification method")
    # Proofs in a set each sign the document without any proof, so dropping the
    # ones didkit cannot parse leaves the others verifiable.
    prepared = {k: v for k, v in document.items() if k != "proof"}
    if legacy:
        prepared["proof"] = legacy[0] if len(legacy) == 1 else legacy
    warnings = [f"proof of type {t} not checked by didkit" for t in skipped]
    return prepared, legacy, warnings


def _dump(document: Mapping[str, Any], code: ErrorCode) -> str:
    if not isinstance(document, Mapping):
        raise TypeError("expected a JSON object (dict)")
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("not serialisable as JSON", code=code, detail=str(exc)) from exc
    if len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        raise InvalidInput(
            "document too large for didkit", code=ErrorCode.payload_too_large, detail=len(text)
        )
    return text


def _timestamp(created: datetime | None) -> str:
    if created is None:
        created = datetime.now(UTC)
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _key_jwk(key: SigningKey) -> str:
    """The OKP JWK didkit signs with, plus a check that the key stays a did:key."""
    if key.verification_method != f"{key.did}#{key.public_multibase}":
        raise Unsupported(
            "didkit signs with did:key verification methods only",
            code=ErrorCode.unsupported_did_method,
            detail=key.verification_method,
        )
    _require_did_key(key.did, "signing key")
    jwk = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(key.public_key),
        "d": _b64url(key.seed),
    }
    return json.dumps(jwk)


# ---------------------------------------------------------------------- classification


def _code_for(message: str) -> ErrorCode:
    if message.startswith("signature error") or "Missing Proof Signature" in message:
        return ErrorCode.proof_invalid
    if "Unknown context" in message:
        return ErrorCode.unsupported_context
    if "Key expansion failed" in message:
        return ErrorCode.undefined_term
    if "Expansion failed" in message or "Protected term" in message:
        return ErrorCode.invalid_jsonld
    if "Unable to resolve" in message:
        return ErrorCode.did_not_found
    if "Missing verification relationship" in message:
        return ErrorCode.issuer_mismatch
    return ErrorCode.proof_invalid


def _why_no_proof_applies(
    proofs: list[dict[str, Any]],
    purpose: str,
    owner: str | None,
    owner_code: ErrorCode,
    challenge: str | None,
    domain: str | None,
) -> ErrorCode:
    """didkit says only "No applicable proof"; name the first reason we can see."""
    if not proofs:
        return ErrorCode.proof_missing
    proof = proofs[0]
    vm = str(proof.get("verificationMethod", ""))
    did, _, fragment = vm.partition("#")
    if proof.get("proofPurpose") != purpose:
        return ErrorCode.proof_purpose_mismatch
    if owner is not None and did != owner:
        return owner_code
    if challenge is not None and proof.get("challenge") != challenge:
        return ErrorCode.challenge_mismatch
    if domain is not None and proof.get("domain") != domain:
        return ErrorCode.domain_mismatch
    if fragment != did.removeprefix("did:key:"):
        return ErrorCode.verification_method_not_found
    return ErrorCode.proof_invalid


def _result(raw: str, explain: Callable[[], ErrorCode], warnings: list[str]) -> LegacyResult:
    try:
        parsed = json.loads(raw)
        errors = [str(e) for e in parsed.get("errors", [])]
        didkit_warnings = [str(w) for w in parsed.get("warnings", [])]
        checks = [str(c) for c in parsed.get("checks", [])]
    except (ValueError, AttributeError) as exc:
        raise RugzakError("didkit returned an unreadable result", detail=raw) from exc
    code = None
    if errors:
        code = explain() if errors[0] == "No applicable proof" else _code_for(errors[0])
    return LegacyResult(not errors, errors, warnings + didkit_warnings, checks, code)


def _failure(exc: RugzakError) -> LegacyResult:
    return LegacyResult(False, [exc.message], code=exc.code)


# ------------------------------------------------------------------------------ engine


async def _drain() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class DidkitEngine:
    """didkit on one private event loop and daemon thread; thread-safe, synchronous."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._closed = False
        self._pending: set[concurrent.futures.Future[str]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="rugzak-didkit", daemon=True
        )
        self._thread.start()
        atexit.register(self.close)

    def __enter__(self) -> DidkitEngine:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Finish in-flight calls, stop the loop, and let didkit's threads settle."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pending = set(self._pending)
        atexit.unregister(self.close)
        concurrent.futures.wait(pending, timeout=CLOSE_TIMEOUT_SECONDS)
        # Timed-out calls leave cancelled tasks behind; let them finish first.
        drained = asyncio.run_coroutine_threadsafe(_drain(), self._loop)
        concurrent.futures.wait([drained], timeout=CLOSE_TIMEOUT_SECONDS)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(CLOSE_TIMEOUT_SECONDS)
        time.sleep(EXIT_GRACE_SECONDS)
        if not self._thread.is_alive():
            self._loop.close()

    def _call(self, make: Callable[[Any], Awaitable[str]], input_code: ErrorCode) -> str:
        async def invoke() -> str:
            # Imported here: loading the 20 MB extension is work, never done at import.
            result: str = await make(importlib.import_module("didkit"))
            return result

        with self._lock:
            if self._closed:
                raise RugzakError("the didkit engine is closed", code=ErrorCode.engine_unavailable)
            future = asyncio.run_coroutine_threadsafe(invoke(), self._loop)
            self._pending.add(future)
        try:
            return future.result(self.timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise RugzakError(
                f"didkit did not answer within {self.timeout} s", code=ErrorCode.engine_timeout
            ) from exc
        except ValueError as exc:  # didkit's parse errors: the input is not VCDM 1.1
            raise InvalidInput(str(exc), code=input_code, detail=str(exc)) from exc
        except Exception as exc:  # DIDKitException and anything else from the Rust side
            code = _code_for(str(exc))
            cls = Unsupported if code is ErrorCode.unsupported_context else InvalidInput
            if code is ErrorCode.proof_invalid:
                raise RugzakError(f"didkit failed: {exc}", detail=str(exc)) from exc
            raise cls(str(exc), code=code, detail=str(exc)) from exc
        finally:
            with self._lock:
                self._pending.discard(future)

    # ---- verify

    def verify_credential(self, vc: Mapping[str, Any]) -> LegacyResult:
        """Check a VCDM 1.1 credential's legacy proofs (not expiry, not status).

        Raises ``Unsupported`` when didkit cannot check it offline (see module doc)
        and ``InvalidInput`` when didkit cannot parse it.
        """
        _dump(vc, ErrorCode.malformed_credential)
        check_contexts(vc)
        issuer = _require_did_key(_did_of(vc.get("issuer")), "issuer")
        prepared, proofs, warnings = _legacy_proofs(vc, "credential")
        if not proofs:
            return LegacyResult(
                False, ["the credential has no proof"], warnings, [], ErrorCode.proof_missing
            )
        text = _dump(prepared, ErrorCode.malformed_credential)
        options = json.dumps({"proofPurpose": "assertionMethod"})
        raw = self._call(
            lambda dk: dk.verify_credential(text, options), ErrorCode.malformed_credential
        )
        return _result(
            raw,
            lambda: _why_no_proof_applies(
                proofs, "assertionMethod", issuer, ErrorCode.issuer_mismatch, None, None
            ),
            warnings,
        )

    def verify_presentation(
        self,
        vp: Mapping[str, Any],
        *,
        challenge: str | None,
        domain: str | None,
        check_credentials: bool = True,
    ) -> LegacyResult:
        """Check a presentation's proof and, unless told not to, each credential in it.

        With ``challenge``/``domain`` None, didkit accepts any value in the proof.
        An embedded credential didkit cannot check offline fails with its code
        (e.g. ``unsupported_context``) rather than passing unchecked.
        """
        _dump(vp, ErrorCode.malformed_presentation)
        check_contexts(vp)
        holder = vp.get("holder")
        holder_did = None if holder is None else _require_did_key(_did_of(holder), "holder")
        prepared, proofs, warnings = _legacy_proofs(vp, "presentation")
        if proofs:
            text = _dump(prepared, ErrorCode.malformed_presentation)
            options: dict[str, str] = {"proofPurpose": "authentication"}
            if challenge is not None:
                options["challenge"] = challenge
            if domain is not None:
                options["domain"] = domain
            opts = json.dumps(options)
            raw = self._call(
                lambda dk: dk.verify_presentation(text, opts), ErrorCode.malformed_presentation
            )
            own = _result(
                raw,
                lambda: _why_no_proof_applies(
                    proofs,
                    "authentication",
                    holder_did,
                    ErrorCode.holder_mismatch,
                    challenge,
                    domain,
                ),
                warnings,
            )
        else:
            own = LegacyResult(
                False, ["the presentation has no proof"], warnings, [], ErrorCode.proof_missing
            )
        if not check_credentials:
            return own
        inner = vp.get("verifiableCredential", [])
        results = [self._inner(c) for c in (inner if isinstance(inner, list) else [inner])]
        errors = list(own.errors)
        for i, r in enumerate(results):
            errors += [f"verifiableCredential[{i}]: {e}" for e in r.errors]
        code = own.code or next((r.code for r in results if not r.ok), None)
        ok = own.ok and all(r.ok for r in results)
        return LegacyResult(ok, errors, own.warnings, own.checks, code, results)

    def _inner(self, credential: Any) -> LegacyResult:
        if not isinstance(credential, dict):
            return LegacyResult(
                False, ["not an embedded JSON credential"], code=ErrorCode.malformed_credential
            )
        try:
            return self.verify_credential(credential)
        except RugzakError as exc:
            return _failure(exc)

    # ---- issue

    def issue_credential(
        self,
        vc: Mapping[str, Any],
        key: SigningKey,
        *,
        proof_type: str = "Ed25519Signature2020",
        created: datetime | None = None,
    ) -> dict[str, Any]:
        """Sign an unsigned VCDM 1.1 credential whose issuer is ``key.did``.

        For ``Ed25519Signature2020`` the suite context is appended to ``@context``
        when missing (didkit would otherwise embed it in the proof).
        """
        doc = self._unsigned(vc, proof_type, ErrorCode.malformed_credential)
        if _did_of(doc.get("issuer")) != key.did:
            raise InvalidInput(
                "the credential's issuer must be the signing key's DID",
                code=ErrorCode.issuer_mismatch,
                detail={"issuer": _did_of(doc.get("issuer")), "key": key.did},
            )
        return self._sign(doc, key, proof_type, "assertionMethod", created, {}, "issue_credential")

    def issue_presentation(
        self,
        vp: Mapping[str, Any],
        key: SigningKey,
        *,
        challenge: str | None,
        domain: str | None,
        proof_type: str = "Ed25519Signature2020",
        created: datetime | None = None,
    ) -> dict[str, Any]:
        """Sign a VCDM 1.1 presentation as ``key.did`` (set as ``holder`` when absent)."""
        doc = self._unsigned(vp, proof_type, ErrorCode.malformed_presentation)
        doc.setdefault("holder", key.did)
        if _did_of(doc["holder"]) != key.did:
            raise InvalidInput(
                "the presentation's holder must be the signing key's DID",
                code=ErrorCode.holder_mismatch,
                detail={"holder": _did_of(doc["holder"]), "key": key.did},
            )
        extra = {k: v for k, v in (("challenge", challenge), ("domain", domain)) if v is not None}
        return self._sign(
            doc, key, proof_type, "authentication", created, extra, "issue_presentation"
        )

    def _unsigned(
        self, document: Mapping[str, Any], proof_type: str, code: ErrorCode
    ) -> dict[str, Any]:
        _dump(document, code)
        if proof_type not in LEGACY_PROOF_TYPES:
            raise Unsupported(
                f"didkit signs only {', '.join(LEGACY_PROOF_TYPES)} here",
                code=ErrorCode.unsupported_cryptosuite,
                detail=proof_type,
            )
        if "proof" in document:
            raise InvalidInput("the document is already signed", code=code)
        doc = json.loads(json.dumps(document))
        contexts = doc.get("@context")
        if proof_type == "Ed25519Signature2020" and isinstance(contexts, list):
            if ED25519_2020_V1 not in contexts:
                contexts.append(ED25519_2020_V1)
        check_contexts(doc)
        return dict(doc)

    def _sign(
        self,
        doc: dict[str, Any],
        key: SigningKey,
        proof_type: str,
        purpose: str,
        created: datetime | None,
        extra: dict[str, str],
        function: str,
    ) -> dict[str, Any]:
        jwk = _key_jwk(key)
        options = {
            "type": proof_type,
            "proofPurpose": purpose,
            "verificationMethod": key.verification_method,
            "created": _timestamp(created),
            **extra,
        }
        text, opts = json.dumps(doc), json.dumps(options)
        code = ErrorCode.malformed_credential
        if function == "issue_presentation":
            code = ErrorCode.malformed_presentation
        raw = self._call(lambda dk: getattr(dk, function)(text, opts, jwk), code)
        signed: dict[str, Any] = json.loads(raw)
        return signed


_engine: DidkitEngine | None = None
_engine_lock = threading.Lock()


def get_engine() -> DidkitEngine:
    """The shared engine, created on first use (never at import time)."""
    global _engine
    with _engine_lock:
        if _engine is None or _engine.closed:
            _engine = DidkitEngine()
        return _engine
