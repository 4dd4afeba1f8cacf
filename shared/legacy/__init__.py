"""didkit as a second, independent engine for legacy VCDM 1.1 proofs.

Our own code (``shared.proof``) verifies ``Ed25519Signature2018``/``2020`` natively;
didkit 0.3.3 (SpruceID's Rust ``ssi``) is the cross-check, the benchmark baseline and
the way we make legacy test credentials. It is async, archived upstream, and
fragile, so it runs on ONE event loop on ONE daemon thread; callers see plain
synchronous methods with a timeout, and every failure as a ``RugzakError``.

No app uses this package, so didkit is an optional extra (``rugzak[legacy]``):
without it everything here imports, and making an engine raises ``RugzakError``
(``engine_unavailable``) that says how to install it.

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

from shared.legacy.contexts import (
    DIDKIT_CONTEXTS,
    LEGACY_PROOF_TYPES,
    check_contexts,
)
from shared.legacy.engine import (
    CLOSE_TIMEOUT_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    DIDKIT_MISSING,
    EXIT_GRACE_SECONDS,
    DidkitEngine,
    didkit_installed,
    get_engine,
)
from shared.legacy.preflight import MAX_INPUT_BYTES
from shared.legacy.results import LegacyResult
from shared.vocab import CREDENTIALS_V1, CREDENTIALS_V2, ED25519_2020_V1, OB_V3P0_LEGACY

__all__ = [
    "CLOSE_TIMEOUT_SECONDS",
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "DEFAULT_TIMEOUT_SECONDS",
    "DIDKIT_CONTEXTS",
    "DIDKIT_MISSING",
    "ED25519_2020_V1",
    "EXIT_GRACE_SECONDS",
    "LEGACY_PROOF_TYPES",
    "MAX_INPUT_BYTES",
    "OB_V3P0_LEGACY",
    "DidkitEngine",
    "LegacyResult",
    "check_contexts",
    "didkit_installed",
    "get_engine",
]
