"""Sharing a badge for a CV, still owned by the learner.

- :func:`publish`: a presentation of the chosen badges (parts hidden if asked) goes to
  a verifier the learner picks, which keeps it at a stable link that is verified
  again on every view (Rugzak's verifier with ``public_presentations`` on). The
  presentation is signed for a single-use challenge from that verifier.
- :func:`withdraw`: the learner's signed withdrawal request (a presentation with no
  badges, for a challenge issued for that one link); the link then answers 410.
- :func:`linkedin_url`: LinkedIn's "Add to profile" link for a certification, with
  the fields filled (name, organisation, issue and expiry month, the public link as
  the credential URL, the badge's id as the credential id).

The wallet keeps a sealed record of each publication (``WalletStore.publications``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from shared.credentials import create_presentation
from shared.dates import format_datetime, read_datetime
from shared.errors import ErrorCode, InvalidInput, NotFound, RugzakError
from shared.presentation_request import PresentationRequest, normalize_origin

if TYPE_CHECKING:
    from wallet.service import WalletService

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"
PAGE_PATH = "/p/"


@dataclass(frozen=True)
class Publication:
    """One public presentation: where it is, what it holds, and whether it was withdrawn."""

    url: str
    verifier: str
    id: str
    credential_ids: tuple[str, ...]
    names: tuple[str, ...]
    created: str
    hidden: tuple[str, ...] = ()
    withdrawn: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Publication:
        return cls(
            url=str(data["url"]),
            verifier=str(data["verifier"]),
            id=str(data["id"]),
            credential_ids=tuple(data.get("credential_ids") or ()),
            names=tuple(data.get("names") or ()),
            created=str(data.get("created") or ""),
            hidden=tuple(data.get("hidden") or ()),
            withdrawn=data.get("withdrawn"),
        )


def publications(service: WalletService) -> list[Publication]:
    return [Publication.from_dict(p) for p in service.store.publications()]


def live_link(service: WalletService, credential_id: str) -> str | None:
    """The newest public link that holds this badge and was not withdrawn."""
    found = [
        p for p in publications(service) if credential_id in p.credential_ids and not p.withdrawn
    ]
    return found[-1].url if found else None


def _refusal(status: int, body: Any, what: str) -> RugzakError:
    message = body.get("message") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    if status == 404 and code == "not_found":
        return NotFound(
            f"{what} does not keep public presentations (or no longer has this one).",
            code=ErrorCode.not_found,
        )
    if status == 410:
        return NotFound(
            "This public presentation was already withdrawn.",
            code=ErrorCode.presentation_withdrawn,
        )
    text = f"{what} refused: {message}" if isinstance(message, str) else f"{what}: HTTP {status}"
    return InvalidInput(text[:400], code=ErrorCode.invalid_request, detail={"status": status})


def publish(
    service: WalletService, verifier: str, ids: Sequence[str], hide: Collection[str] = ()
) -> Publication:
    """Publish the chosen badges at ``verifier``; returns the kept record with its link."""
    origin = normalize_origin(verifier)
    network = service.network
    status, body = network.post(origin + "/public/challenge")
    if status != 201 or not isinstance(body, dict):
        raise _refusal(status, body, origin)
    if body.get("domain") != origin:
        raise InvalidInput(
            "The verifier answered for another address than the one you gave.",
            code=ErrorCode.invalid_request,
            detail={"given": origin, "answered": body.get("domain")},
        )
    request = PresentationRequest(str(body.get("challenge")), origin)
    presentation = service.present(list(ids), request, hide=hide)
    status, body = network.post(origin + "/public", json_body=presentation.document)
    if status != 201 or not isinstance(body, dict):
        raise _refusal(status, body, origin)
    url, ident = body.get("url"), body.get("id")
    if not isinstance(url, str) or not isinstance(ident, str) or url != origin + PAGE_PATH + ident:
        raise InvalidInput(
            "The verifier's answer has no link of its own address.",
            code=ErrorCode.invalid_request,
            detail={"answer": body},
        )
    chosen = [service.store.get(cid) for cid in presentation.credential_ids]
    record = Publication(
        url=url,
        verifier=origin,
        id=ident,
        credential_ids=presentation.credential_ids,
        names=tuple(item.card.name for item in chosen),
        created=str(body.get("created") or format_datetime(service.config.clock())),
        hidden=tuple(sorted(hide)),
    )
    service.store.keep_publication(record.to_dict())
    return record


def split_link(link: str) -> tuple[str, str]:
    """The verifier's origin and the id in a public link ``https://host/p/<id>``."""
    parts = urlsplit(link.strip())
    ident = parts.path[len(PAGE_PATH) :] if parts.path.startswith(PAGE_PATH) else ""
    if not ident or "/" in ident or parts.query or parts.fragment:
        raise InvalidInput(
            "That is not a link to a public presentation (https://…/p/…).",
            code=ErrorCode.invalid_request,
        )
    return normalize_origin(f"{parts.scheme}://{parts.netloc}"), ident


def find_publication(service: WalletService, reference: str) -> Publication | None:
    """A kept record by its link, or by the start of its id."""
    value = reference.strip()
    kept = publications(service)
    exact = [p for p in kept if p.url == value]
    if exact:
        return exact[0]
    by_id = [p for p in kept if value and p.id.startswith(value)]
    return by_id[0] if len(by_id) == 1 else None


def withdraw(service: WalletService, reference: str) -> Publication | None:
    """Withdraw a public presentation (a link, or a kept record's id) with the holder key.

    Returns the updated record when the wallet kept one. A presentation that was
    withdrawn already is reported as ``presentation_withdrawn`` (and marked so).
    """
    record = find_publication(service, reference)
    origin, ident = split_link(record.url if record else reference)
    network = service.network
    now = service.config.clock()
    try:
        status, body = network.post(f"{origin}/public/{ident}/challenge")
        if status != 201 or not isinstance(body, dict):
            raise _refusal(status, body, origin)
        signed = create_presentation(
            [],
            service.store.holder,
            challenge=str(body.get("challenge")),
            domain=origin,
            created=now,
        )
        status, body = network.post(f"{origin}/public/{ident}/withdraw", json_body=signed)
        if status != 200:
            raise _refusal(status, body, origin)
    except NotFound as exc:
        if exc.code == ErrorCode.presentation_withdrawn and record is not None:
            service.store.keep_publication(
                replace(record, withdrawn=format_datetime(now)).to_dict()
            )
        raise
    if record is None:
        return None
    done = replace(record, withdrawn=format_datetime(now))
    service.store.keep_publication(done.to_dict())
    return done


def linkedin_url(credential: dict[str, Any], link: str) -> str:
    """LinkedIn's "Add to profile" link for a certification, its fields filled from the
    badge: name, organisation, issue (and expiry) month, the public link, the badge id."""
    from shared.credentials.fields import awarded_on, issuer_name, valid_until

    subject = credential.get("credentialSubject")
    first = subject[0] if isinstance(subject, list) and subject else subject
    achievement = first.get("achievement") if isinstance(first, dict) else None
    name = (achievement or {}).get("name") if isinstance(achievement, dict) else None
    params: dict[str, str] = {
        "startTask": "CERTIFICATION_NAME",
        "name": str(name or credential.get("name") or "Open Badge"),
        "organizationName": issuer_name(credential) or "",
    }
    issued = read_datetime(awarded_on(credential))
    if issued is not None:
        params["issueYear"], params["issueMonth"] = str(issued.year), str(issued.month)
    expires = read_datetime(valid_until(credential))
    if expires is not None:
        params["expirationYear"], params["expirationMonth"] = str(expires.year), str(expires.month)
    params["certUrl"] = link
    if isinstance(credential.get("id"), str):
        params["certId"] = credential["id"]
    return LINKEDIN_ADD + "?" + urlencode(params)
