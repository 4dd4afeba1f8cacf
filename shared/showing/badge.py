"""A credential read for people: image, level, results, criteria, evidence, learner's name.

Everything comes from the credential itself (OB 3.0 ``Achievement``, ``Result``,
``Evidence``, ``IdentityObject``), so a badge from any OB 3.0 issuer is shown the same
way. Images keep their reference (an ``https`` URL or a data URI) and, when the
credential lists the URL among its ``relatedResource`` entries (VC Data Model 2.0),
the digest the bytes must have: the app that shows the image fetches and checks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.ob.disclosure import hidden_parts
from shared.showing.results import results_of
from shared.vocab import as_list

_EVIDENCE_KEYS = ("id", "name", "narrative", "description", "genre", "audience")
_DIGEST_KEYS = ("digestSRI", "digestMultibase", "mediaType")
NAME_TYPE = "name"


def badge_view(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The shown parts of ``credential`` (keys absent when the credential lacks them).

    ``level`` is a skill level with a known place (as ``shared.skills.routes.level_of``);
    ``results`` holds every result, that level included, as lines to show
    (``shared.showing.results``)."""
    subject = _first(credential.get("credentialSubject"))
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    achievement = achievement if isinstance(achievement, Mapping) else {}
    related = _related(credential)
    view: dict[str, Any] = {}
    image = _image(achievement.get("image"), related) or _image(credential.get("image"), related)
    if image:
        view["image"] = image
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        logo = _image(issuer.get("image"), related)
        if logo:
            view["issuerImage"] = logo
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        if isinstance(criteria.get("narrative"), str):
            view["criteria"] = criteria["narrative"]
        if isinstance(criteria.get("id"), str):
            view["criteriaUrl"] = criteria["id"]
    results = results_of(credential)
    if results:
        view["results"] = results
    # the first level with a known place, as shared.skills.routes.level_of picks it
    # (read once: the results already hold it)
    placed = next((r["level"] for r in results if "number" in r.get("level", {})), None)
    if placed is not None:
        view["level"] = {
            "skill": str(achievement.get("name") or ""),
            "number": placed["number"],
            "of": placed["of"],
            "name": placed.get("name", ""),
            "description": placed.get("description", ""),
            "behaviours": list(placed["behaviours"]),
        }
    evidence = [_evidence(e) for e in as_list(credential.get("evidence"))]
    evidence = [e for e in evidence if e]
    if evidence:
        view["evidence"] = evidence
    learner = _learner(subject if isinstance(subject, Mapping) else {})
    view["learner"] = learner
    awarded = credential.get("awardedDate")
    if isinstance(awarded, str):
        view["awardedDate"] = awarded
    hidden = hidden_parts(credential)
    if hidden:
        view["hidden"] = hidden  # selective disclosure: the learner showed the rest
    return view


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _related(credential: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``relatedResource`` entries by URL: the digests a linked file must match."""
    out: dict[str, dict[str, str]] = {}
    for entry in as_list(credential.get("relatedResource")):
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            out[entry["id"]] = {
                k: str(entry[k]) for k in _DIGEST_KEYS if isinstance(entry.get(k), str)
            }
    return out


def _image(value: Any, related: Mapping[str, Mapping[str, str]]) -> dict[str, Any] | None:
    if isinstance(value, str):
        value = {"id": value}
    if not isinstance(value, Mapping) or not isinstance(value.get("id"), str):
        return None
    url = value["id"]
    image: dict[str, Any] = {"id": url}
    if isinstance(value.get("caption"), str):
        image["caption"] = value["caption"]
    image.update(related.get(url, {}))
    return image


def _evidence(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        return {"id": value}
    if not isinstance(value, Mapping):
        return None
    out = {k: value[k] for k in _EVIDENCE_KEYS if isinstance(value.get(k), str)}
    for key in _DIGEST_KEYS:
        if isinstance(value.get(key), str):
            out[key] = value[key]
    return out or None


def _learner(subject: Mapping[str, Any]) -> dict[str, Any]:
    """The learner's DID and, if the credential holds one, their name (plain or hashed)."""
    learner: dict[str, Any] = {}
    if isinstance(subject.get("id"), str):
        learner["did"] = subject["id"]
    for identity in as_list(subject.get("identifier")):
        if not isinstance(identity, Mapping) or identity.get("identityType") != NAME_TYPE:
            continue
        value = identity.get("identityHash")
        if not isinstance(value, str):
            continue
        if identity.get("hashed") is True:
            learner["nameHash"] = {
                "identityHash": value,
                "salt": identity.get("salt") if isinstance(identity.get("salt"), str) else "",
            }
        else:
            learner["name"] = value
        break
    return learner


MAX_ENDORSEMENTS = 10


def endorsements_of(credential: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``EndorsementCredential``s embedded in a badge (OB 3.0 ``endorsement`` on the
    credential and on its achievement), at most ``MAX_ENDORSEMENTS``; each must be
    verified on its own before it is shown."""
    subject = _first(credential.get("credentialSubject"))
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    found = list(as_list(credential.get("endorsement")))  # a copy: extended below
    if isinstance(achievement, Mapping):
        found += as_list(achievement.get("endorsement"))
    return [dict(e) for e in found if isinstance(e, Mapping)][:MAX_ENDORSEMENTS]


def endorsement_view(endorsement: Mapping[str, Any]) -> dict[str, Any]:
    """Who endorses, what they say, what about (``target``: the endorsed id), and when
    (keys absent when not given)."""
    view: dict[str, Any] = {}
    issuer = endorsement.get("issuer")
    if isinstance(issuer, Mapping):
        if isinstance(issuer.get("name"), str):
            view["endorser"] = issuer["name"]
        if isinstance(issuer.get("id"), str):
            view["endorserId"] = issuer["id"]
    elif isinstance(issuer, str):
        view["endorserId"] = issuer
    subject = _first(endorsement.get("credentialSubject"))
    if isinstance(subject, Mapping) and isinstance(subject.get("endorsementComment"), str):
        view["comment"] = subject["endorsementComment"]
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        view["target"] = subject["id"]
    when = endorsement.get("validFrom") or endorsement.get("issuanceDate")
    if isinstance(when, str):
        view["date"] = when
    return view
