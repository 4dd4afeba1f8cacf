"""Open Badges 2.0 assertions: signed (a JWS) and hosted (a URL at the issuer).

OB 2.0 has no Verifiable Credential proof. A *signed* assertion is a compact JWS
whose payload is the assertion; its ``verification.creator`` names a
``CryptographicKey`` document (``publicKeyPem``, ``owner``) that the issuer profile
lists under ``publicKey``, and revocation is the issuer's ``revocationList``. A
*hosted* assertion is genuine when the copy at its ``id`` URL says so, on the
issuer's origin; revocation is ``revoked: true`` there. Both are checked here, the
hosted one only through the injected fetcher (the caller's SSRF-guarded one), and
the result says which kind of check it was: an employer must see that a hosted
badge was "checked at the issuer's site on <date>", not verified offline.

Documents the caller already holds (an issuer profile, a key, a badge class) are
handed in as ``documents`` (URL -> JSON object) and are never fetched again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, RSAKey

from shared.credentials.checks import _trust
from shared.credentials.options import DEFAULT_SKEW
from shared.dates import format_datetime, is_date, parse_date, read_datetime
from shared.did import Fetcher
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.formats.jose import CompactJws, PublicKey, parse_compact, verify_compact
from shared.strict_json import parse as parse_json
from shared.verification import Check, CheckName, VerificationResult
from shared.vocab import as_list

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
MAX_DOCUMENT_BYTES = 1024 * 1024


def is_ob2_assertion(document: Any) -> bool:
    """An OB 2.0 (or 1.x) assertion: has a recipient, a badge and a verification."""
    if not isinstance(document, Mapping):
        return False
    context = document.get("@context")
    kind = document.get("type")
    if context == OB2_CONTEXT or kind == "Assertion":
        return True
    return (
        "recipient" in document
        and "badge" in document
        and ("verify" in document or "verification" in document)
    )


def parse_ob2_date(value: Any) -> datetime | None:
    """issuedOn / expires: an RFC 3339 date-time, a date (its UTC midnight), or Unix seconds.

    A date-time without a zone is refused, as everywhere in Rugzak (``shared.dates``):
    its instant is unknown.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return parse_ob2_date(int(text))
    if is_date(text):
        day = parse_date(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    return read_datetime(text)


@dataclass
class _Documents:
    """Linked documents: handed in first, else fetched once (never when offline)."""

    given: Mapping[str, Any]
    fetcher: Fetcher | None
    fetched: dict[str, Any] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)  # answered 410 Gone
    # URL -> the other id the document there gives itself: never used (see ``get``)
    misnamed: dict[str, str] = field(default_factory=dict)

    def get(self, ref: Any) -> dict[str, Any] | None:
        """The object itself when embedded, or the one at its URL; None if unavailable.

        A linked document counts only as what it is at its URL: one that names itself
        by another id (an issuer profile on a stranger's site calling itself the
        university's) is not used, and is listed in ``misnamed``; one without an id
        gets its URL as its id.
        """
        if isinstance(ref, dict):
            return ref
        if not isinstance(ref, str):
            return None
        if ref in self.misnamed:
            return None
        if ref in self.given and isinstance(self.given[ref], dict):
            return self._named(ref, dict(self.given[ref]))
        if ref in self.fetched:
            return dict(self.fetched[ref])
        if self.fetcher is None or not ref.startswith("https://"):
            return None
        try:
            document = _json_object(self.fetcher(ref))
        except Exception as exc:  # the fetcher is I/O at the edge: failure is "unavailable"
            if _http_status(exc) == 410:
                self.gone.add(ref)
            return None
        named = self._named(ref, document)
        if named is not None:
            self.fetched[ref] = named
        return named

    def _named(self, ref: str, document: dict[str, Any]) -> dict[str, Any] | None:
        claimed = document.get("id")
        if claimed is None:
            return {**document, "id": ref}
        if claimed != ref:
            self.misnamed[ref] = str(claimed)[:300]
            return None
        return document


def _http_status(exc: Exception) -> int | None:
    """The HTTP status a fetcher's error reports (``detail["http_status"]``), if any."""
    detail = exc.detail if isinstance(exc, RugzakError) else None
    status = detail.get("http_status") if isinstance(detail, dict) else None
    return status if isinstance(status, int) else None


def _json_object(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_DOCUMENT_BYTES:
        raise InvalidInput("the document is too large", code=ErrorCode.payload_too_large)
    value = parse_json(body)
    if not isinstance(value, dict):
        raise InvalidInput("not a JSON object", code=ErrorCode.invalid_json)
    return value


def _id(document: Any) -> str | None:
    if isinstance(document, str):
        return document
    if isinstance(document, Mapping) and isinstance(document.get("id"), str):
        return str(document["id"])
    return None


def _verification(assertion: Mapping[str, Any]) -> dict[str, Any]:
    value = assertion.get("verification", assertion.get("verify"))
    return value if isinstance(value, dict) else {}


def _kind(assertion: Mapping[str, Any]) -> str:
    kind = str(_verification(assertion).get("type", "")).lower()
    return "signed" if kind in ("signed", "signedbadge") else "hosted"


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}" if parts.scheme and parts.netloc else None


def summarize_ob2(
    assertion: Mapping[str, Any], badge: Mapping[str, Any] | None, issuer: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The fields the verifier page and the wallet show, named as for OB 3.0 badges."""
    badge = badge or {}
    issuer = issuer or {}
    criteria = badge.get("criteria")
    if isinstance(criteria, dict):
        criteria = criteria.get("narrative") or criteria.get("id")
    achievement = {
        key: value
        for key, value in (
            ("id", _id(badge) or _id(assertion.get("badge"))),
            ("name", badge.get("name")),
            ("description", badge.get("description")),
            ("criteria", criteria),
        )
        if value is not None
    }
    recipient = assertion.get("recipient")
    image = assertion.get("image") or badge.get("image")
    return {
        "id": _id(assertion),
        "type": ["Assertion"],
        "name": badge.get("name"),
        "issuer": {"id": _id(issuer) or _id(badge.get("issuer")), "name": issuer.get("name")},
        "subject": recipient.get("identity") if isinstance(recipient, dict) else recipient,
        "achievement": achievement or None,
        "image": _id(image) if isinstance(image, dict) else image,
        "validFrom": assertion.get("issuedOn"),
        "validUntil": assertion.get("expires"),
        "format": "OB 2.0",
    }


def verify_ob2(
    assertion: Any,
    *,
    fetcher: Fetcher | None = None,
    documents: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    trusted_issuers: Mapping[str, str] | None = None,
) -> VerificationResult:
    """Check an OB 2.0 assertion: a JWS (signed), a JSON object, or its URL (hosted).

    Never raises for bad input. Without ``fetcher`` a hosted badge cannot be checked
    (amber), and a signed one is checked with the ``documents`` handed in.
    """
    moment = now or datetime.now(UTC)
    docs = _Documents(documents or {}, fetcher)
    result = VerificationResult("credential")
    jws: CompactJws | None = None
    try:
        if isinstance(assertion, str) and assertion.strip().startswith("https://"):
            url = assertion.strip()
            fetched = docs.get(url)
            if fetched is None:
                result.summary = {"id": url, "format": "OB 2.0"}
                _unreachable(result, url, moment, fetcher is None)
                return result
            assertion = fetched
        elif isinstance(assertion, str):
            jws = parse_compact(assertion)
            assertion = jws.payload_json()
    except RugzakError as exc:
        result.add(
            Check.failed(
                CheckName.structure, exc.code, "This is not a readable Open Badges 2.0 badge."
            )
        )
        return result
    if not is_ob2_assertion(assertion):
        result.add(
            Check.failed(
                CheckName.structure,
                ErrorCode.malformed_credential,
                "This is not an Open Badges 2.0 assertion (recipient, badge, verification).",
            )
        )
        return result
    badge = docs.get(assertion.get("badge"))
    issuer = docs.get(badge.get("issuer")) if badge else None
    result.summary = summarize_ob2(assertion, badge, issuer)
    result.add(Check.passed(CheckName.structure, "It is an Open Badges 2.0 assertion."))
    kind = "signed" if jws is not None else _kind(assertion)
    current: Mapping[str, Any] | None = assertion
    if kind == "signed":
        _signed(assertion, jws, docs, issuer, moment, result)
    else:
        current = _hosted(assertion, docs, badge, issuer, moment, result, fetcher is None)
        if current is not None and current is not assertion:
            badge = docs.get(current.get("badge")) or badge
            issuer = docs.get(badge.get("issuer")) if badge else issuer
            result.summary.update(summarize_ob2(current, badge, issuer))
    if current is not None:
        _ob2_dates(current, moment, skew, result)
    issuer_ref = _id(issuer) or (_id(badge.get("issuer")) if badge else None)
    # Its issuer is an https URL that only its site vouches for: never known by the list.
    _trust({"issuer": issuer_ref}, trusted_issuers, result)
    return result


def _unreachable(result: VerificationResult, url: str, moment: datetime, offline: bool) -> None:
    message = (
        "An Open Badges 2.0 hosted badge is checked at the issuer's site; this check is offline."
        if offline
        else f"The issuer's site could not be reached on {moment.date().isoformat()}."
    )
    result.add(Check.undecided(CheckName.proof, ErrorCode.fetch_failed, message, {"url": url}))


_COMPARED = ("badge", "recipient", "issuedOn", "expires", "evidence")


def _hosted(
    assertion: Mapping[str, Any],
    docs: _Documents,
    badge: Mapping[str, Any] | None,
    issuer: Mapping[str, Any] | None,
    moment: datetime,
    result: VerificationResult,
    offline: bool,
) -> Mapping[str, Any] | None:
    """Fetch the hosted copy; it is authoritative. Returns it (None when unreachable)."""
    url = _id(assertion)
    label = f"OB 2.0, checked at the issuer's site on {moment.date().isoformat()}"
    if not url or not url.startswith("https://"):
        result.add(
            Check.failed(
                CheckName.proof,
                ErrorCode.malformed_credential,
                "A hosted Open Badges 2.0 assertion needs an https id to check it at.",
            )
        )
        return None
    hosted = assertion if url in docs.fetched else docs.get(url)
    if hosted is None and url in docs.misnamed:
        hosted = {**assertion, "id": docs.misnamed[url]}  # reported as a changed copy below
    if hosted is None and url in docs.gone:
        # OB 2.0: an issuer answers 410 Gone for a revoked hosted assertion.
        result.add(Check.passed(CheckName.proof, f"It was issued ({label}).", {"url": url}))
        result.add(
            Check.failed(
                CheckName.status,
                ErrorCode.revoked,
                "The issuer revoked it (its site answers 410 Gone).",
                {"url": url},
            )
        )
        return None
    if hosted is None:
        _unreachable(result, url, moment, offline)
        return None
    if _id(hosted) != url or any(hosted.get(k) != assertion.get(k) for k in _COMPARED):
        changed = [k for k in _COMPARED if hosted.get(k) != assertion.get(k)]
        result.add(
            Check.failed(
                CheckName.proof,
                ErrorCode.proof_invalid,
                "This copy differs from the one at the issuer's site: it was changed.",
                {"url": url, "changed": changed or ["id"]},
            )
        )
        return None
    result.summary["label"] = label
    result.summary["checkedAt"] = format_datetime(moment)
    result.summary["form"] = {"ob2": "hosted", "checked": format_datetime(moment)}
    result.add(Check.passed(CheckName.proof, f"It is genuine ({label}).", {"url": url}))
    _in_issuer_scope(url, docs, issuer, result)
    if hosted.get("revoked") is True:
        reason = hosted.get("revocationReason")
        result.add(
            Check.failed(
                CheckName.status,
                ErrorCode.revoked,
                "The issuer revoked it." + (f" Reason: {reason}" if reason else ""),
                {"url": url},
            )
        )
    else:
        result.add(Check.passed(CheckName.status, "The issuer's site does not mark it revoked."))
    return hosted


def _in_issuer_scope(
    url: str, docs: _Documents, issuer: Mapping[str, Any] | None, result: VerificationResult
) -> None:
    """Whether the hosted assertion's URL is one its issuer allows (OB 2.0, "Hosted
    verification"): the issuer profile's own ``verification`` object says so with
    ``startsWith`` and ``allowedOrigins``; without one, the host of the issuer's id.

    Only the issuer profile decides, never the assertion: a copy on a stranger's site
    could otherwise allow its own host.
    """
    if issuer is None:
        if docs.misnamed:
            result.add(_misnamed(docs))
            return
        result.add(
            Check.warned(
                CheckName.issuer,
                ErrorCode.issuer_key_unconfirmed,
                "The issuer's profile could not be read, so its site was not confirmed.",
            )
        )
        return
    policy = docs.get(issuer.get("verification")) or {}
    starts = [p for p in as_list(policy.get("startsWith")) if isinstance(p, str) and p]
    default = urlsplit(_id(issuer) or "").netloc
    allowed = [
        o.lower() for o in as_list(policy.get("allowedOrigins", default)) if isinstance(o, str)
    ]
    host = urlsplit(url).netloc.lower()
    if starts and not any(url.startswith(prefix) for prefix in starts):
        result.add(
            Check.failed(
                CheckName.issuer,
                ErrorCode.issuer_mismatch,
                "It is hosted at an address its issuer does not use for its badges.",
                {"url": url, "issuer": _id(issuer), "startsWith": starts},
            )
        )
    elif allowed and host not in allowed:
        result.add(
            Check.failed(
                CheckName.issuer,
                ErrorCode.issuer_mismatch,
                "It is hosted on a site other than the issuer's.",
                {"url": url, "issuer": _id(issuer), "allowedOrigins": allowed},
            )
        )
    else:
        result.add(Check.passed(CheckName.issuer, "It is hosted on the issuer's own site."))


def _misnamed(docs: _Documents) -> Check:
    """The failure for a linked document that names itself by another address."""
    url, claimed = next(iter(docs.misnamed.items()))
    return Check.failed(
        CheckName.issuer,
        ErrorCode.issuer_mismatch,
        "A document the badge links to (its badge class, issuer profile or key) names "
        "itself by another address than the one it was found at, so it may not be the "
        "issuer's.",
        {"url": url, "id": claimed},
    )


def _pem_key(document: Mapping[str, Any]) -> PublicKey:
    pem = document.get("publicKeyPem")
    if not isinstance(pem, str):
        raise InvalidInput("the key document has no publicKeyPem", code=ErrorCode.malformed_key)
    importers: tuple[Callable[[str], Any], ...] = (
        RSAKey.import_key,
        ECKey.import_key,
        OKPKey.import_key,
    )
    for importer in importers:
        try:
            key = importer(pem)
        except (JoseError, ValueError, TypeError):
            continue
        if isinstance(key, RSAKey | ECKey | OKPKey) and not key.is_private:
            return key
    raise InvalidInput("publicKeyPem is not a public key", code=ErrorCode.malformed_key)


def _signed(
    assertion: Mapping[str, Any],
    jws: CompactJws | None,
    docs: _Documents,
    issuer: Mapping[str, Any] | None,
    moment: datetime,
    result: VerificationResult,
) -> None:
    creator = _verification(assertion).get("creator")
    if jws is None:
        result.add(
            Check.failed(
                CheckName.proof,
                ErrorCode.proof_missing,
                "A signed Open Badges 2.0 badge must come as its signature (JWS); "
                "this is only the assertion inside it.",
            )
        )
        return
    label = f"OB 2.0 signed ({jws.alg})"
    key_doc = docs.get(creator)
    if key_doc is None and docs.misnamed:
        result.add(_misnamed(docs))
        return
    if key_doc is None:
        result.add(
            Check.undecided(
                CheckName.proof,
                ErrorCode.verification_method_not_found,
                "The issuer's public key (verification.creator) was not at hand.",
                {"creator": creator},
            )
        )
        return
    try:
        verify_compact(jws, _pem_key(key_doc))
    except RugzakError as exc:
        message = (
            "The signature does not match: it was changed after signing."
            if exc.code == ErrorCode.proof_invalid
            else exc.message
        )
        result.add(Check.failed(CheckName.proof, exc.code, message, {"format": label}))
        return
    result.summary["label"] = label
    result.summary["form"] = {"ob2": "signed", "alg": jws.alg}
    result.add(
        Check.passed(CheckName.proof, f"The signature is genuine ({label}).", {"creator": creator})
    )
    issuer_id = _id(issuer)
    listed = issuer.get("publicKey") if issuer else None
    keys = listed if isinstance(listed, list) else [listed]
    if issuer is None and docs.misnamed:
        result.add(_misnamed(docs))
        return
    if issuer is None:
        result.add(
            Check.warned(
                CheckName.issuer,
                ErrorCode.issuer_key_unconfirmed,
                "The issuer's profile was not at hand, so the key's owner was not confirmed.",
            )
        )
        result.add(
            Check.undecided(
                CheckName.status,
                ErrorCode.status_unknown,
                "Whether the issuer revoked it could not be checked (no issuer profile).",
            )
        )
        return
    elif key_doc.get("owner") == issuer_id and any(_id(k) == _id(key_doc) for k in keys):
        result.add(Check.passed(CheckName.issuer, "It was signed with the issuer's own key."))
    else:
        result.add(
            Check.failed(
                CheckName.issuer,
                ErrorCode.issuer_mismatch,
                "The key that signed it does not belong to the issuer it names.",
                {"issuer": issuer_id, "owner": key_doc.get("owner")},
            )
        )
        return
    _revocation_list(assertion, docs, issuer, result)


def _revocation_list(
    assertion: Mapping[str, Any],
    docs: _Documents,
    issuer: Mapping[str, Any] | None,
    result: VerificationResult,
) -> None:
    ref = issuer.get("revocationList") if issuer else None
    if ref is None:
        return
    listing = docs.get(ref)
    if listing is None:
        result.add(
            Check.undecided(
                CheckName.status,
                ErrorCode.status_unknown,
                "The issuer's revocation list could not be obtained.",
                {"revocationList": _id(ref)},
            )
        )
        return
    wanted = _id(assertion)
    entries = listing.get("revokedAssertions")
    for entry in entries if isinstance(entries, list) else []:
        if _id(entry) == wanted or (isinstance(entry, dict) and entry.get("uid") == wanted):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            result.add(
                Check.failed(
                    CheckName.status,
                    ErrorCode.revoked,
                    "The issuer revoked it." + (f" Reason: {reason}" if reason else ""),
                    {"revocationList": _id(ref)},
                )
            )
            return
    result.add(Check.passed(CheckName.status, "It is not on the issuer's revocation list."))


def _ob2_dates(
    assertion: Mapping[str, Any], now: datetime, skew: timedelta, result: VerificationResult
) -> None:
    issued = parse_ob2_date(assertion.get("issuedOn"))
    if "issuedOn" in assertion and issued is None:
        result.add(
            Check.failed(
                CheckName.valid_from, ErrorCode.malformed_credential, "'issuedOn' is not a date."
            )
        )
    elif issued is not None and issued > now + skew:
        result.add(
            Check.failed(
                CheckName.valid_from,
                ErrorCode.not_yet_valid,
                f"It is dated in the future ({format_datetime(issued)}).",
            )
        )
    elif issued is not None:
        result.add(Check.passed(CheckName.valid_from, "It has started to be valid."))
    if "expires" not in assertion:
        return
    expires = parse_ob2_date(assertion.get("expires"))
    if expires is None:
        result.add(
            Check.failed(
                CheckName.valid_until, ErrorCode.malformed_credential, "'expires' is not a date."
            )
        )
    elif expires < now - skew:
        result.add(
            Check.failed(
                CheckName.valid_until,
                ErrorCode.expired,
                f"It expired on {format_datetime(expires)}.",
            )
        )
    else:
        result.add(Check.passed(CheckName.valid_until, "It has not expired."))


def linked_documents(assertion: Any, fetcher: Fetcher) -> dict[str, dict[str, Any]]:
    """What checking an OB 2.0 badge offline needs, fetched now: its badge class, the
    issuer profile, the signing key (``verification.creator``) and the revocation list.

    ``assertion`` is the assertion (JSON) or its JWS. Documents that cannot be had are
    left out; the check then says what was missing.
    """
    if isinstance(assertion, str):
        try:
            assertion = parse_compact(assertion).payload_json()
        except RugzakError:
            return {}
    if not is_ob2_assertion(assertion):
        return {}
    docs = _Documents({}, fetcher)
    badge = docs.get(assertion.get("badge"))
    issuer = docs.get(badge.get("issuer")) if badge else None
    docs.get(_verification(assertion).get("creator"))
    if issuer is not None:
        docs.get(issuer.get("revocationList"))
    return dict(docs.fetched)
