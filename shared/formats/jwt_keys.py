"""Finding the public key a JWT badge was signed with, and whose key it is.

Open Badges 3.0 (section 8.2) lets the JOSE header carry the key (``jwk``) or point at
it (``kid``): a DID URL (did:key, did:jwk, did:web) or an https URL of a JWK or JWK
Set the issuer publishes. The key alone proves nothing about the issuer, so each
answer says who controls the key (``controller``) and whether that was confirmed by
the controller's own document (``confirmed``): a did:key or did:jwk is its key, a
did:web document lists its keys, an https JWK is the issuer's when it is published
on the issuer's own origin. A ``jwk`` header alone is confirmed only by matching one
of those; otherwise the issuer check warns, as it does for keys written in a proof.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from joserfc.jwk import ECKey, OKPKey

from shared.did import Fetcher, Resolver, fetch_document
from shared.errors import ErrorCode, InvalidInput, ResolutionFailed, RugzakError, Unsupported
from shared.formats.jose import (
    PublicKey,
    b64url_decode,
    import_public_jwk,
    key_thumbprint,
)
from shared.multibase import decode_base58btc
from shared.strict_json import parse as parse_json
from shared.vocab import as_list

MAX_JWKS_BYTES = 256 * 1024

_ED25519 = b"\xed\x01"
_P256 = b"\x80\x24"
_P384 = b"\x81\x24"


@dataclass(frozen=True)
class JwtKey:
    """A public key, who controls it, and how that was established."""

    key: PublicKey
    controller: str | None
    source: str  # "did:key", "did:jwk", "did:web", "jwk header", "kid URL"
    confirmed: bool  # the controller's own document (or identifier) names this key
    kid: str | None = None


def multikey_to_jwk(multibase: str) -> PublicKey:
    """A Multikey ``publicKeyMultibase`` (Ed25519, P-256 or P-384) as a JWK key."""
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise InvalidInput("not a base58btc multikey", code=ErrorCode.malformed_key)
    raw = decode_base58btc(multibase)
    prefix, body = raw[:2], raw[2:]
    try:
        if prefix == _ED25519 and len(body) == 32:
            return OKPKey.import_key(Ed25519PublicKey.from_public_bytes(body))
        if prefix in (_P256, _P384):
            curve: ec.EllipticCurve = ec.SECP256R1() if prefix == _P256 else ec.SECP384R1()
            return ECKey.import_key(ec.EllipticCurvePublicKey.from_encoded_point(curve, body))
    except ValueError as exc:
        raise InvalidInput("the multikey does not decode", code=ErrorCode.malformed_key) from exc
    raise Unsupported(
        "only Ed25519, P-256 and P-384 multikeys are supported",
        code=ErrorCode.unsupported_key_type,
        detail=multibase[:16],
    )


def did_jwk_key(did: str) -> PublicKey:
    """The key a did:jwk is made of (did:jwk spec: base64url of the JWK JSON)."""
    body = did[len("did:jwk:") :].split("#", 1)[0]
    try:
        jwk = parse_json(b64url_decode(body))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput("malformed did:jwk", code=ErrorCode.malformed_did, detail=did) from exc
    return import_public_jwk(jwk)


def _did_of(url: str) -> str:
    return url.split("#", 1)[0].split("?", 1)[0]


def _methods(document: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for member in ("verificationMethod", "assertionMethod", "publicKey"):
        entries = document.get(member)
        entries = [entries] if isinstance(entries, dict) else entries
        if isinstance(entries, list):
            for entry in entries:
                if isinstance(entry, dict):
                    yield entry


def _absolute(ref: str, did: str) -> str:
    return did + ref if ref.startswith("#") else ref


def _method_key(method: Mapping[str, Any]) -> PublicKey:
    if "publicKeyJwk" in method:
        return import_public_jwk(method["publicKeyJwk"])
    if "publicKeyMultibase" in method:
        return multikey_to_jwk(str(method["publicKeyMultibase"]))
    raise Unsupported(
        "the verification method has no JWK or multikey", code=ErrorCode.unsupported_key_type
    )


def _assertion_refs(document: Mapping[str, Any], did: str) -> set[str] | None:
    refs = document.get("assertionMethod")
    if refs is None:
        return None
    out = set()
    for ref in as_list(refs):
        rid = ref.get("id") if isinstance(ref, dict) else ref
        if isinstance(rid, str):
            out.add(_absolute(rid, did))
    return out


def did_document_keys(document: Mapping[str, Any], did: str) -> list[tuple[str, PublicKey]]:
    """The (id, key) pairs a DID document lists for making assertions."""
    allowed = _assertion_refs(document, did)
    found: list[tuple[str, PublicKey]] = []
    seen: set[str] = set()
    for method in _methods(document):
        mid = method.get("id")
        if not isinstance(mid, str):
            continue
        full = _absolute(mid, did)
        if full in seen or (allowed is not None and full not in allowed):
            continue
        if method.get("controller", did) != did:
            continue
        try:
            found.append((full, _method_key(method)))
        except RugzakError:
            continue
        seen.add(full)
    return found


def _did_keys(did: str, resolver: Resolver) -> tuple[list[tuple[str, PublicKey]], str]:
    if did.startswith("did:key:"):
        fragment = did[len("did:key:") :]
        return [(f"{did}#{fragment}", multikey_to_jwk(fragment))], "did:key"
    if did.startswith("did:jwk:"):
        return [(f"{did}#0", did_jwk_key(did))], "did:jwk"
    document = resolver.resolve(did)
    return did_document_keys(document, did), f"did:{did.split(':', 2)[1]}"


def _from_did_url(kid: str, resolver: Resolver) -> JwtKey:
    """A DID URL names one key; a bare DID only when it has exactly one."""
    did = _did_of(kid)
    keys, source = _did_keys(did, resolver)
    if "#" in kid:
        chosen = [key for mid, key in keys if mid == kid]
    else:
        chosen = [key for _, key in keys] if len(keys) == 1 else []
    if not chosen:
        raise ResolutionFailed(
            "the signing key is not among the DID's assertion keys",
            code=ErrorCode.verification_method_not_found,
            detail={"kid": kid},
        )
    return JwtKey(chosen[0], did, source, True, kid)


def _fetch_jwk(kid: str, fetcher: Fetcher) -> PublicKey:
    url, fragment = urldefrag(kid)
    document = fetch_document(fetcher, url, MAX_JWKS_BYTES)
    if isinstance(document, dict) and isinstance(document.get("keys"), list):
        candidates = [k for k in document["keys"] if isinstance(k, dict)]
        named = [k for k in candidates if k.get("kid") in (kid, fragment)]
        chosen = named or (candidates if len(candidates) == 1 else [])
        if not chosen:
            raise ResolutionFailed(
                "no key with this kid in the issuer's key set",
                code=ErrorCode.verification_method_not_found,
                detail={"kid": kid},
            )
        return import_public_jwk(chosen[0])
    return import_public_jwk(document)


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return pa.scheme == pb.scheme == "https" and pa.netloc.lower() == pb.netloc.lower()


def find_jwt_key(
    header: Mapping[str, Any],
    issuer: str | None,
    resolver: Resolver,
    fetcher: Fetcher | None,
) -> JwtKey:
    """The key that should verify a JWT with this header, claimed to be from ``issuer``.

    Raises ``RugzakError`` (e.g. ``verification_method_not_found``, ``did_not_found``,
    ``unsupported_key_type``) when no key can be had.
    """
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    jwk = header.get("jwk")
    if kid is not None and kid.startswith("did:"):
        found = _from_did_url(kid, resolver)
        if jwk is not None and key_thumbprint(import_public_jwk(jwk)) != key_thumbprint(found.key):
            raise ResolutionFailed(
                "the jwk header is not the key its kid names",
                code=ErrorCode.verification_method_not_found,
                detail={"kid": kid},
            )
        return found
    if kid is not None and kid.startswith("#") and issuer and issuer.startswith("did:"):
        return _from_did_url(issuer + kid, resolver)
    online_kid = kid is not None and kid.startswith("https://") and fetcher is not None
    if jwk is not None and not online_kid:
        key = import_public_jwk(jwk)
        return _confirm_header_key(key, issuer, resolver)
    if kid is not None and kid.startswith("https://"):
        if fetcher is None:
            raise ResolutionFailed(
                "the issuer's key is published online and this check is offline",
                code=ErrorCode.verification_method_not_found,
                detail={"kid": kid},
            )
        key = _fetch_jwk(kid, fetcher)
        if jwk is not None and key_thumbprint(import_public_jwk(jwk)) != key_thumbprint(key):
            raise ResolutionFailed(
                "the jwk header is not the key its kid names",
                code=ErrorCode.verification_method_not_found,
                detail={"kid": kid},
            )
        confirmed = issuer is not None and _same_origin(kid, issuer)
        return JwtKey(key, issuer if confirmed else kid, "kid URL", confirmed, kid)
    if issuer and issuer.startswith(("did:key:", "did:jwk:", "did:web:")):
        return _from_did_url(issuer, resolver)
    raise ResolutionFailed(
        "the JWT says neither which key signed it nor carries one",
        code=ErrorCode.verification_method_not_found,
    )


def _confirm_header_key(key: PublicKey, issuer: str | None, resolver: Resolver) -> JwtKey:
    """A key from the ``jwk`` header: confirmed only if the issuer's DID lists it.

    Unconfirmed, it has no known controller: for a DID issuer that is a mismatch, for
    an https issuer the key cannot be checked against anything (a warning).
    """
    if issuer and issuer.startswith(("did:key:", "did:jwk:", "did:web:")):
        print_ = key_thumbprint(key)
        try:
            keys, source = _did_keys(_did_of(issuer), resolver)
        except RugzakError:
            keys, source = [], ""
        for mid, listed in keys:
            if key_thumbprint(listed) == print_:
                return JwtKey(key, _did_of(issuer), source, True, mid)
    return JwtKey(key, None, "jwk header", False)
