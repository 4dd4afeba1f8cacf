"""Stapled status: the issuer's signed status lists carried next to a presentation.

A verifier with no network and no trust pack cannot learn whether a badge was
revoked. The learner's wallet fetched the issuer's ``BitstringStatusListCredential``
when it last checked its badges; it can hand that signed list over with the
presentation (like OCSP stapling in TLS). The verifier accepts a stapled list for a
credential's status entry only when

* the list is a genuine credential (its signature holds: checked by the caller's
  status-list check, as for a fetched list),
* its ``id`` is the entry's ``statusListCredential`` URL and its ``issuer`` is the
  credential's issuer (else ``status_staple_foreign``),
* it is fresh: signed (its proof's ``created``, else ``validFrom``) no longer ago
  than the verifier's own max-age, 24 hours by default (else
  ``status_staple_stale``); the issuer re-signs its lists regularly for this; the
  list's own ``validUntil`` still applies.

Where it travels: *beside* the Verifiable Presentation, never inside it. The VP is
signed over its RDF; an extra member would need a term from a context other
verifiers do not hold (their safe-mode JSON-LD refuses it), and an extra entry in
``verifiableCredential`` would be shown as a badge and break "one credential per
DCQL query". The list needs no holder signature: the issuer signed it. So:

* QR codes and files carry a small envelope (``FORMAT`` below) holding the VP and
  the lists; only Rugzak reads ``RZ1:`` codes, and a plain VP is still accepted;
* OpenID4VP carries the lists in an extra form parameter of the Authorization
  Response (``OID4VP_PARAMETER``), which verifiers that do not know it ignore
  (RFC 6749 section 4.1.2: unrecognized response parameters are ignored).

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.dates import read_datetime
from shared.errors import ErrorCode, InvalidInput
from shared.strict_json import parse as parse_json
from shared.vocab import STATUS_LIST_CREDENTIAL_TYPES, VERIFIABLE_PRESENTATION, as_list

FORMAT = "rugzak-stapled-presentation"
VERSION = 1
OID4VP_PARAMETER = "rugzak_status_lists"
OID4VP_LINKS_PARAMETER = "rugzak_holder_links"
DEFAULT_STAPLE_MAX_AGE = timedelta(hours=24)
MAX_STAPLED_LISTS = 16
"""More distinct lists than any presentation needs (two per issuer: revocation, suspension)."""


def is_status_list(document: Any) -> bool:
    """True for a ``BitstringStatusListCredential`` (or StatusList2021) with an ``id``."""
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        return False
    return bool(STATUS_LIST_CREDENTIAL_TYPES.intersection(as_list(document.get("type"))))


def staple(
    presentation: dict[str, Any],
    lists: Sequence[dict[str, Any]],
    links: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The envelope: ``presentation`` and the status lists its credentials name, and
    the holder's key links (``shared.holder_link``) when it presents badges of an
    earlier key.

    Without either it is the presentation itself (nothing to carry, nothing changes).
    """
    if not lists and not links:
        return presentation
    unique: dict[str, dict[str, Any]] = {}
    for item in lists:
        if not is_status_list(item):
            raise ValueError("only status list credentials with an id can be stapled")
        unique.setdefault(str(item["id"]), item)
    envelope: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "presentation": presentation,
        "statusLists": list(unique.values()),
    }
    if links:
        envelope["holderLinks"] = list(links)
    return envelope


def is_stapled(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == FORMAT


def unstaple(document: Any) -> tuple[Any, dict[str, dict[str, Any]]]:
    """(the presentation, its stapled lists by URL); anything else comes back as it is.

    A damaged envelope is ``malformed_presentation``: it is never read as "no staple".
    """
    if not is_stapled(document):
        return document, {}
    if document.get("version") != VERSION:
        raise _bad(f"unknown stapled presentation version {document.get('version')!r}")
    presentation = document.get("presentation")
    if not isinstance(presentation, dict) or VERIFIABLE_PRESENTATION not in as_list(
        presentation.get("type")
    ):
        raise _bad("the envelope holds no Verifiable Presentation")
    return presentation, lists_by_url(document.get("statusLists"))


def holder_links(document: Any) -> tuple[dict[str, Any], ...]:
    """The holder's key links an envelope carries (none for anything else)."""
    if not is_stapled(document):
        return ()
    value = document.get("holderLinks")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad("holderLinks must be a list of link statements")
    return tuple(value)


def lists_by_url(value: Any) -> dict[str, dict[str, Any]]:
    """Stapled lists (a JSON array of list credentials) by their ``id``."""
    if value is None:
        return {}
    if not isinstance(value, list) or len(value) > MAX_STAPLED_LISTS:
        raise _bad(f"stapled status lists must be a list of at most {MAX_STAPLED_LISTS}")
    out: dict[str, dict[str, Any]] = {}
    for item in value:
        if not is_status_list(item):
            raise _bad("a stapled item is not a status list credential with an id")
        out.setdefault(str(item["id"]), item)
    return out


def parse_parameter(text: str | None) -> dict[str, dict[str, Any]]:
    """The OpenID4VP form parameter (a JSON array) as lists by URL; absent gives none."""
    return lists_by_url(_json_array(text, "stapled status lists"))


def parse_links_parameter(text: str | None) -> tuple[dict[str, Any], ...]:
    """The OpenID4VP ``rugzak_holder_links`` parameter (a JSON array of link statements)."""
    value = _json_array(text, "holder key links")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _bad("the holder key links must be a list of link statements")
    return tuple(value)


def _json_array(text: str | None, what: str) -> Any:
    if text is None or not text.strip():
        return None
    try:
        return parse_json(text)
    except (ValueError, RecursionError):
        raise _bad(f"the {what} are not JSON") from None


def list_time(list_credential: Mapping[str, Any]) -> datetime | None:
    """When the issuer last vouched for this list: the newest ``created`` of its proofs
    (signed with it), else ``validFrom`` (VCDM 2.0) or ``issuanceDate`` (1.1).

    ``validFrom`` may stay at the list's creation (Rugzak's issuer keeps it there so a
    verifier whose clock lags never sees a re-signed list as not yet valid) while the
    issuer re-signs the list regularly; the proof's time is what says it is current.
    """
    signed = [
        read_datetime(proof.get("created"))
        for proof in as_list(list_credential.get("proof"))
        if isinstance(proof, Mapping)
    ]
    times = [t for t in signed if t is not None]
    if times:
        return max(times)
    return read_datetime(list_credential.get("validFrom", list_credential.get("issuanceDate")))


def staple_problem(
    list_credential: Mapping[str, Any],
    *,
    url: str,
    credential_issuer: str | None,
    list_issuer: str | None,
    now: datetime,
    max_age: timedelta,
    skew: timedelta,
) -> tuple[ErrorCode, str] | None:
    """Why a genuine stapled list cannot stand for the issuer's list at ``url`` (None: it can).

    The list's signature is checked before this, by the caller's status-list check.
    """
    if list_credential.get("id") != url or credential_issuer is None:
        return (
            ErrorCode.status_staple_foreign,
            "The status list the learner brought is not the one this badge names.",
        )
    if list_issuer != credential_issuer:
        return (
            ErrorCode.status_staple_foreign,
            "The status list the learner brought was not made by this badge's issuer.",
        )
    made = list_time(list_credential)
    if made is None:
        return (
            ErrorCode.status_staple_stale,
            "The status list the learner brought does not say when it was made.",
        )
    if now - made > max_age + skew:
        return (
            ErrorCode.status_staple_stale,
            f"The status list the learner brought is from {made.strftime('%Y-%m-%d %H:%M')} UTC, "
            f"older than this verifier accepts ({_hours(max_age)}).",
        )
    return None


def _hours(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours:g} hours" if hours != 1 else "1 hour"


def _bad(reason: str) -> InvalidInput:
    return InvalidInput(
        f"The stapled presentation cannot be read: {reason}.",
        code=ErrorCode.malformed_presentation,
    )
