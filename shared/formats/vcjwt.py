"""VC-JWT: Open Badges 3.0 credentials secured as a JWT (OB 3.0 section 8.2; VC-JOSE).

Two payload forms are in the field: the VCDM 1.1 form, with the credential in a
``vc`` claim beside the registered claims, and the VCDM 2.0 / OB 3.0 form, where the
payload is the credential itself. Either way the registered claims mirror members
of the credential (``iss`` = ``issuer.id``, ``jti`` = ``id``, ``sub`` =
``credentialSubject.id``, ``nbf`` = ``validFrom``, ``exp`` = ``validUntil``): a claim
fills a member the credential leaves out, and a claim that contradicts a member
makes the badge malformed (one of the two was changed).

After the signature, the checks are the ones every credential gets (structure and
schema, issuer, dates, status, trust), so a JWT badge reads like any other.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from shared.credentials.checks import _dates, _structure, _trust
from shared.credentials.fields import issuer_id, summarize
from shared.credentials.options import VerifyOptions
from shared.credentials.status import check_status_entries, list_errors
from shared.dates import format_datetime, read_datetime
from shared.did import Fetcher, Resolver
from shared.errors import ErrorCode, ResolutionFailed, RugzakError
from shared.formats.jose import CompactJws, parse_compact, verify_compact
from shared.formats.jwt_keys import JwtKey, find_jwt_key
from shared.proof.report import UNREACHABLE, proof_sentence
from shared.verification import Check, CheckName, VerificationResult

JWT_CLAIMS = frozenset({"iss", "sub", "jti", "nbf", "exp", "iat", "aud", "cnf", "vc", "vp"})
"""Registered and VC-JWT claims: not members of the credential itself."""

ENVELOPED_TYPE = "EnvelopedVerifiableCredential"
DATE_CLAIM_TOLERANCE_SECONDS = 60


def credential_from_claims(payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The credential a VC-JWT payload holds, and the claims that contradict it."""
    inner = payload.get("vc")
    source = (
        inner
        if isinstance(inner, dict)
        else {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    )
    credential: dict[str, Any] = copy.deepcopy(dict(source))
    v1 = _is_v1(credential)
    disagree: list[str] = []

    iss = payload.get("iss")
    if isinstance(iss, str):
        if credential.get("issuer") is None:
            credential["issuer"] = iss
        elif issuer_id(credential) != iss:
            disagree.append("iss")
    jti = payload.get("jti")
    if isinstance(jti, str):
        if credential.get("id") is None:
            credential["id"] = jti
        elif credential["id"] != jti:
            disagree.append("jti")
    sub = payload.get("sub")
    subject = credential.get("credentialSubject")
    if isinstance(sub, str) and isinstance(subject, dict):
        if subject.get("id") is None:
            subject["id"] = sub
        elif subject["id"] != sub:
            disagree.append("sub")
    start = ("issuanceDate", "validFrom") if v1 else ("validFrom", "issuanceDate")
    end = ("expirationDate", "validUntil") if v1 else ("validUntil", "expirationDate")
    for claim, keys in (("nbf", start), ("exp", end)):
        if not _date_claim_fits(credential, payload.get(claim), keys):
            disagree.append(claim)
    return credential, disagree


def _is_v1(credential: Mapping[str, Any]) -> bool:
    context = credential.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    return first == "https://www.w3.org/2018/credentials/v1"


def _date_claim_fits(credential: dict[str, Any], claim: Any, keys: tuple[str, str]) -> bool:
    """Fill the date member from a NumericDate claim, or check that they agree."""
    if not isinstance(claim, int | float) or isinstance(claim, bool):
        return claim is None
    present = next((k for k in keys if k in credential), None)
    if present is None:
        credential[keys[0]] = format_datetime(datetime.fromtimestamp(int(claim), UTC))
        return True
    moment = read_datetime(credential[present])
    # The signer wrote both, so a gap is a sloppy signer, not tampering; issuers in the
    # field stamp ``nbf`` at signing time and ``validFrom`` a moment earlier.
    return moment is None or abs(moment.timestamp() - claim) <= DATE_CLAIM_TOLERANCE_SECONDS


def check_vc_jwt(token: str, opts: VerifyOptions) -> VerificationResult:
    """Check a VC-JWT badge; never raises for a bad token.

    Called by ``shared.credentials.verify_credential`` for an enveloped credential
    (and so by ``shared.formats.verify_vc_jwt``), which completes ``opts``.
    ``opts.fetcher`` gets an issuer-published JWK or JWK Set when the header's
    ``kid`` is an https URL (the SSRF-guarded fetcher; without one such a badge is
    "cannot tell"). DIDs go through ``opts.resolver``.
    """
    result = VerificationResult("credential")
    try:
        parsed = parse_compact(token)
        payload = parsed.payload_json()
    except RugzakError as exc:
        result.add(
            Check.failed(
                CheckName.structure,
                exc.code,
                "This is not a readable JWT credential.",
                {"error": exc.message},
            )
        )
        return result
    credential, disagree = credential_from_claims(payload)
    result.summary = {**summarize(credential), "format": "VC-JWT"}
    if disagree:
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_credential,
                "The JWT's claims contradict the credential inside it "
                f"({', '.join(disagree)}): one of them was changed.",
                {"claims": disagree},
            )
        )
        return result
    if not _structure(credential, result, opts.check_schema):
        return result
    key = _jwt_proof(parsed, issuer_id(credential), opts.resolver, opts.fetcher, result)
    if key is not None:
        _jwt_issuer(credential, key, result)
    _dates(credential, opts.moment, opts.skew, result)
    if key is not None:
        check_status_entries(credential, opts, result)
    # An https issuer is not known by the list here: its key is only tied to its host.
    _trust(credential, opts.trusted_issuers, result)
    return result


def _jwt_proof(
    parsed: CompactJws,
    issuer: str | None,
    resolver: Resolver,
    fetcher: Fetcher | None,
    result: VerificationResult,
) -> JwtKey | None:
    """Find the key and check the signature; returns the key only when it verified."""
    label = f"JWT ({parsed.alg})"
    try:
        key = find_jwt_key(parsed.header, issuer, resolver, fetcher)
    except ResolutionFailed as exc:
        offline = fetcher is None and str(parsed.header.get("kid", "")).startswith("https://")
        if offline:
            result.add(
                Check.undecided(
                    CheckName.proof,
                    exc.code,
                    "The issuer's key is published online; it was not fetched (offline).",
                    {"kid": parsed.header.get("kid")},
                )
            )
        else:
            make = Check.undecided if exc.code in UNREACHABLE else Check.failed
            result.add(
                make(
                    CheckName.proof,
                    exc.code,
                    proof_sentence(exc.code, "The signing key could not be found."),
                    {"format": label, "error": exc.message},
                )
            )
        return None
    except RugzakError as exc:
        result.add(
            Check.failed(
                CheckName.proof,
                exc.code,
                "The signing key is of a kind Rugzak cannot check.",
                {"format": label, "error": exc.message},
            )
        )
        return None
    detail = {"format": label, "alg": parsed.alg, "key": key.source, "kid": key.kid}
    try:
        verify_compact(parsed, key.key)
    except RugzakError as exc:
        code = ErrorCode(exc.code)
        sentence = (
            "It is signed with a method Rugzak cannot check."
            if code == ErrorCode.unsupported_algorithm
            else proof_sentence(ErrorCode.proof_invalid, exc.message)
        )
        result.add(Check.failed(CheckName.proof, code, sentence, detail))
        return None
    result.add(Check.passed(CheckName.proof, f"The signature is genuine ({label}).", detail))
    return key


def _jwt_issuer(credential: dict[str, Any], key: JwtKey, result: VerificationResult) -> None:
    issuer = issuer_id(credential)
    if key.confirmed and key.controller == issuer:
        result.add(
            Check.passed(
                CheckName.issuer, "It was signed by the issuer it names.", {"issuer": issuer}
            )
        )
    elif key.confirmed or (issuer or "").startswith("did:"):
        result.add(
            Check.failed(
                CheckName.issuer,
                ErrorCode.issuer_mismatch,
                "It was signed by someone other than the issuer it names.",
                {"issuer": issuer, "signer": key.controller},
            )
        )
    else:
        result.add(
            Check.warned(
                CheckName.issuer,
                ErrorCode.issuer_key_unconfirmed,
                "The issuer's key is written in the badge itself and could not be confirmed.",
                {"issuer": issuer, "key": key.source},
            )
        )


def enveloped(token: str) -> dict[str, Any]:
    """A JWT credential as a VCDM 2.0 ``EnvelopedVerifiableCredential`` object.

    This is how a JWT travels where JSON objects are expected (a status list fetched
    by the status fetcher, a presentation's ``verifiableCredential``).
    """
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ENVELOPED_TYPE,
        "id": f"data:application/vc+jwt,{token}",
    }


def enveloped_token(document: Any) -> str | None:
    """The JWT inside an ``EnvelopedVerifiableCredential``, or None."""
    if not isinstance(document, Mapping):
        return None
    kind = document.get("type")
    if kind != ENVELOPED_TYPE and not (isinstance(kind, list) and ENVELOPED_TYPE in kind):
        return None
    value = document.get("id")
    if not isinstance(value, str) or not value.startswith("data:application/"):
        return None
    media, sep, token = value.partition(",")
    return token if sep and "jwt" in media else None


def open_status_list_jwt(token: str, opts: VerifyOptions) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A status list published as a VC-JWT: its credential and why it is not authentic.

    Dates are left to the status check (an expired list means "status unknown"), as
    for lists secured with Data Integrity.
    """
    checked = check_vc_jwt(token, opts.with_(check_schema=False, status_fetcher=None))
    try:
        credential, _ = credential_from_claims(parse_compact(token).payload_json())
    except RugzakError as exc:
        return {}, (str(exc.code),)
    return credential, list_errors(checked)


def readable(credential: Any) -> Any:
    """The credential inside an enveloped VC-JWT, for display and holder binding only.

    Nothing is verified here (``verify_vc_jwt`` does that); anything else is returned
    as it is.
    """
    token = enveloped_token(credential)
    if token is None:
        return credential
    try:
        return credential_from_claims(parse_compact(token).payload_json())[0]
    except RugzakError:
        return credential
