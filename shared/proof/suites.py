"""Per-suite transformation and hashing (the part that differs between suites).

Every suite here hashes the same way: SHA-256(canonical proof config) followed by
SHA-256(canonical document), 64 bytes; they differ in canonicalization (RDFC-1.0 or
JCS) and in where the ``@context`` of the proof config lives.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Hashable, Mapping
from typing import Any, Final

from shared.canonical import canonize, canonize_sharing, jcs, legacy_form
from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported
from shared.jsonld import legacy_escaping
from shared.jsonld.rdfc import XSD_STRING, literal
from shared.strict_json import parse as parse_json
from shared.vocab import CREDENTIALS_V2, OB_V3P0_303, as_list

DATA_INTEGRITY = "DataIntegrityProof"
ED25519_2020 = "Ed25519Signature2020"
ED25519_2018 = "Ed25519Signature2018"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"

RDFC_SUITES = ("eddsa-rdfc-2022", "eddsa-2022")
JCS_SUITE = "eddsa-jcs-2022"

# (type, cryptosuite) pairs.
SIGNING_SUITES: frozenset[tuple[str, str | None]] = frozenset(
    {
        (DATA_INTEGRITY, "eddsa-rdfc-2022"),
        (DATA_INTEGRITY, JCS_SUITE),
        (ED25519_2020, None),
    }
)
# ecdsa-sd-2023 verifies derived proofs, and base proofs for their holder only
# (verify_proofs' confirm_base_proofs); its base proofs are made by
# shared.proof.ecdsa_sd.create_base_proof, which needs mandatory pointers.
VERIFYING_SUITES: frozenset[tuple[str, str | None]] = SIGNING_SUITES | {
    (DATA_INTEGRITY, "eddsa-2022"),
    (DATA_INTEGRITY, "ecdsa-sd-2023"),
    (ED25519_2018, None),
}

# Memo of SHA-256(RDFC-1.0 canonical proof config): one issuer signs a whole batch, and
# often a whole second, with the same proof options. Bounded; emptied when full.
PROOF_HASH_MEMO_SIZE: Final = 4096
PROOF_HASH_MEMO_CHARS: Final = 4096  # larger configs are not remembered
_proof_hashes: dict[Hashable, bytes] = {}
_proof_hashes_lock = threading.Lock()

# The canonical form of the usual Data Integrity proof config, written directly
# (``config_nquads``): what the bundled credentials v2 context and its
# DataIntegrityProof scoped context make of each key, for these @context values only.
_SEC = "https://w3id.org/security#"
_CONFIG_CONTEXTS: Final = (CREDENTIALS_V2, [CREDENTIALS_V2], [CREDENTIALS_V2, OB_V3P0_303])
_CONFIG_TYPE_LINE: Final = (
    f"_:c14n0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SEC}DataIntegrityProof> .\n"
)
_CONFIG_LITERALS: Final = {  # key: (predicate, datatype of its string value)
    "cryptosuite": (f"<{_SEC}cryptosuite>", f"{_SEC}cryptosuiteString"),
    "created": ("<http://purl.org/dc/terms/created>", "http://www.w3.org/2001/XMLSchema#dateTime"),
    "challenge": (f"<{_SEC}challenge>", XSD_STRING),
    "domain": (f"<{_SEC}domain>", XSD_STRING),
}
_CONFIG_PURPOSES: Final = {
    "assertionMethod": f"<{_SEC}assertionMethod>",
    "authentication": f"<{_SEC}authenticationMethod>",
}
# An absolute IRI that no term of those contexts expands and that canonical N-Quads writes
# as is (no character RDFC-1.0 escapes in IRIs).
_CONFIG_IRI = re.compile(r"(?:did:[a-z0-9]+:|https://)[-A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%]+")

# The detached-JWS header Ed25519Signature2018 signs with (RFC 7797, b64=false).
_JWS_2018_HEADER = {"alg": "EdDSA", "b64": False, "crit": ["b64"]}
_PROOF_VALUE_KEYS = ("proofValue", "jws", "signatureValue")


def suite_of(proof: Mapping[str, Any]) -> tuple[str, str | None]:
    """(type, cryptosuite) of a proof, refusing suites we do not verify."""
    ptype = proof.get("type")
    if isinstance(ptype, list) and len(ptype) == 1:
        ptype = ptype[0]
    cryptosuite = proof.get("cryptosuite")
    if not isinstance(ptype, str):
        raise InvalidInput("proof has no type", code=ErrorCode.malformed_proof)
    if cryptosuite is not None and not isinstance(cryptosuite, str):
        raise InvalidInput("proof cryptosuite is not a string", code=ErrorCode.malformed_proof)
    key = (ptype, cryptosuite if ptype == DATA_INTEGRITY else None)
    if key not in VERIFYING_SUITES:
        name = f"{ptype}/{cryptosuite}" if cryptosuite else ptype
        raise Unsupported(
            f"proof suite {name} is not supported",
            code=ErrorCode.unsupported_cryptosuite,
            detail=name,
        )
    return key


def proof_config(proof: Mapping[str, Any], document: Mapping[str, Any]) -> dict[str, Any]:
    """The proof options that are signed: the proof minus its value, with a context."""
    config = {k: v for k, v in proof.items() if k not in _PROOF_VALUE_KEYS}
    if "@context" not in config:
        config["@context"] = document.get("@context")
    return config


def hash_data(
    suite: tuple[str, str | None],
    proof: Mapping[str, Any],
    unsecured: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
) -> bytes:
    """proofHash || documentHash for the given suite.

    ``forms``, if given, receives the document's canonical N-Quads (RDFC suites), for
    ``legacy_hash_data``.
    """
    config = proof_config(proof, unsecured)
    if suite[1] == JCS_SUITE:
        context = unsecured.get("@context")
        proof_context = proof.get("@context")
        if proof_context is not None and not _context_prefix(proof_context, context):
            raise InvalidInput(
                "the proof @context is not a prefix of the document @context",
                code=ErrorCode.malformed_proof,
            )
        proof_hash = hashlib.sha256(jcs(config)).digest()
        doc_bytes = jcs(dict(unsecured))
    else:
        proof_hash = rdfc_config_hash(config)
        # Data Integrity RDFC proofs take part in a presentation's quad sharing; the
        # legacy suites convert on their own.
        canonical = canonize_sharing if suite[1] in RDFC_SUITES else canonize
        text = canonical(dict(unsecured))
        if forms is not None:
            forms.append(text)
        doc_bytes = text.encode("utf-8")
    return proof_hash + hashlib.sha256(doc_bytes).digest()


def legacy_hash_data(
    suite: tuple[str, str | None],
    proof: Mapping[str, Any],
    unsecured: Mapping[str, Any],
    document_form: str,
) -> bytes | None:
    """``hash_data`` over the N-Quads escaping before RDFC-1.0, or None if that is the same.

    Proofs made over that form (pyld 3.3, Rugzak before 2026-11-28) still verify: a
    caller whose signature failed checks it against these bytes too. Only where the
    forms differ in texts, never in IRIs: ``shared.jsonld.legacy_escaping`` says why
    that accepts nothing else. ``document_form`` is the document's RDFC-1.0 form
    (``hash_data``'s ``forms``); nothing is recomputed unless a form differs. JCS and
    ecdsa-sd suites: None (ecdsa-sd-2023 has its own, ``shared.proof.ecdsa_sd.verify``).
    """
    if suite[0] == DATA_INTEGRITY and suite[1] not in RDFC_SUITES:
        return None
    config = proof_config(proof, unsecured)
    config_form = config_nquads(config)
    if config_form is None:
        config_form = canonize(dict(config))
    if not legacy_escaping.applies(config_form, document_form):
        return None
    try:
        config_form = legacy_form(dict(config), config_form)
        document_form = legacy_form(dict(unsecured), document_form)
    except RugzakError:
        return None  # the RDFC-1.0 form was computed, so this does not happen
    return (
        hashlib.sha256(config_form.encode("utf-8")).digest()
        + hashlib.sha256(document_form.encode("utf-8")).digest()
    )


def _flat_key(config: Mapping[str, Any]) -> Hashable | None:
    """The whole content of a proof config as a tuple, or None if it is not flat.

    Flat means string keys with string values or lists of strings (a proof config's
    usual shape); a string and a one-string list give different keys. Anything else
    (numbers, objects, more than ``PROOF_HASH_MEMO_CHARS`` characters) gets no key,
    so it is never memoized.
    """
    items: list[tuple[str, str | tuple[str, ...]]] = []
    chars = 0
    for key, value in config.items():
        if type(key) is not str:
            return None
        if type(value) is str:
            items.append((key, value))
            chars += len(key) + len(value)
        elif type(value) is list and all(type(item) is str for item in value):
            items.append((key, tuple(value)))
            chars += len(key) + sum(len(item) for item in value)
        else:
            return None
    return tuple(items) if chars <= PROOF_HASH_MEMO_CHARS else None


def rdfc_config_hash(config: Mapping[str, Any]) -> bytes:
    """SHA-256 of the RDFC-1.0 canonical form of a proof config.

    The usual Data Integrity config is written directly (``config_nquads``); any other
    is canonicalized, memoized on its content.
    """
    text = config_nquads(config)
    if text is not None:
        return hashlib.sha256(text.encode("utf-8")).digest()
    key = _flat_key(config)
    if key is not None:
        found = _proof_hashes.get(key)
        if found is not None:
            return found
    digest = hashlib.sha256(canonize(dict(config)).encode("utf-8")).digest()
    if key is not None:
        with _proof_hashes_lock:
            if len(_proof_hashes) >= PROOF_HASH_MEMO_SIZE:
                _proof_hashes.clear()
            _proof_hashes[key] = digest
    return digest


def config_nquads(config: Mapping[str, Any]) -> str | None:
    """RDFC-1.0 canonical N-Quads of a usual Data Integrity proof config, or None.

    Usual: ``type`` DataIntegrityProof, an ``@context`` of ``_CONFIG_CONTEXTS`` and
    otherwise only ``cryptosuite``, ``created``, ``challenge``, ``domain`` (strings),
    ``proofPurpose`` (``assertionMethod`` or ``authentication``) and a
    ``verificationMethod`` matching ``_CONFIG_IRI``. A presentation's config is
    unique (its challenge), so a memo never helps it; this is what canonicalizing it
    gives (one blank node, one line per key), tested equal to pyld.
    """
    context = config.get("@context")
    if context not in _CONFIG_CONTEXTS or config.get("type") != "DataIntegrityProof":
        return None
    lines = [_CONFIG_TYPE_LINE]
    for key, value in config.items():
        if key == "@context" or key == "type":
            continue
        if type(value) is not str:
            return None
        known = _CONFIG_LITERALS.get(key)
        if known is not None:
            lines.append(f"_:c14n0 {known[0]} {literal(value, known[1])} .\n")
        elif key == "verificationMethod":
            if _CONFIG_IRI.fullmatch(value) is None:
                return None
            lines.append(f"_:c14n0 <{_SEC}verificationMethod> <{value}> .\n")
        elif key == "proofPurpose":
            purpose = _CONFIG_PURPOSES.get(value)
            if purpose is None:
                return None
            lines.append(f"_:c14n0 <{_SEC}proofPurpose> {purpose} .\n")
        else:
            return None
    lines.sort()
    return "".join(lines)


def jws_2018_signing_input(hashed: bytes) -> bytes:
    """What an Ed25519Signature2018 detached JWS signs: header '.' hashData."""
    header = _b64url(json.dumps(_JWS_2018_HEADER, separators=(",", ":")).encode())
    return header.encode("ascii") + b"." + hashed


def split_jws(jws: str) -> tuple[dict[str, Any], bytes, bytes]:
    """Parse a detached compact JWS into (header, signing-input prefix, signature)."""
    parts = jws.split(".") if isinstance(jws, str) else []
    if len(parts) != 3 or parts[1] != "":
        raise InvalidInput("jws must be a detached compact JWS", code=ErrorCode.malformed_proof)
    try:
        header = parse_json(_unb64url(parts[0]))
        signature = _unb64url(parts[2])
    except ValueError as exc:
        raise InvalidInput(
            "jws is not valid base64url JSON", code=ErrorCode.malformed_proof
        ) from exc
    if (
        not isinstance(header, dict)
        or header.get("alg") != "EdDSA"
        or header.get("b64") is not False
    ):
        raise Unsupported(
            "only EdDSA detached JWS (b64=false) is supported",
            code=ErrorCode.unsupported_cryptosuite,
        )
    return header, parts[0].encode("ascii") + b".", signature


def _context_prefix(prefix: Any, context: Any) -> bool:
    pre = as_list(prefix)
    return as_list(context)[: len(pre)] == pre


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
