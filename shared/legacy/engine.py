"""``DidkitEngine``: didkit on one private event loop and daemon thread."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import importlib
import importlib.util
import json
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported, VerificationFailed
from shared.keys import SigningKey
from shared.legacy.contexts import LEGACY_PROOF_TYPES, check_contexts
from shared.legacy.preflight import (
    _did_of,
    _dump,
    _key_jwk,
    _legacy_proofs,
    _require_did_key,
    _timestamp,
)
from shared.legacy.results import LegacyResult, _code_for, _failure, _result, _why_no_proof_applies
from shared.vocab import ED25519_2020_V1

DEFAULT_TIMEOUT_SECONDS = 30.0


# Measured: 1 ms already avoids the exit crash; 50 ms leaves a wide margin.
EXIT_GRACE_SECONDS = 0.05
CLOSE_TIMEOUT_SECONDS = 10.0

# didkit is an optional extra: the apps never need it (only the cross-checks and the
# benchmark baseline do), so a missing didkit is reported, not a crash.
DIDKIT_MISSING = (
    "didkit is not installed; the legacy engine needs the optional extra: "
    "pip install 'rugzak[legacy]'"
)


def didkit_installed() -> bool:
    """Whether the didkit extension can be imported (found, not loaded: loading it is work)."""
    try:
        return importlib.util.find_spec("didkit") is not None
    except (ImportError, ValueError):  # blocked by an import hook, or set to None
        return False


async def _drain() -> None:
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class DidkitEngine:
    """didkit on one private event loop and daemon thread; thread-safe, synchronous."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        if not didkit_installed():
            raise RugzakError(DIDKIT_MISSING, code=ErrorCode.engine_unavailable)
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
            raise VerificationFailed(
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
            raise VerificationFailed(
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
