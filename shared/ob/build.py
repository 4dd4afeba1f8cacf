"""Build the unsigned OpenBadgeCredential Rugzak issues: the one place its shape is made.

The issuer signs what this returns, and the tests, the bench and the demo build
their credentials here too, so every check runs on what users really receive.
The output is a plain dict ready for ``shared.credentials.issue_credential``. It
holds only fields the models define (extensions on the inputs are dropped, so we
sign exactly what we mean), and it is checked against the bundled OB 3.0 schema
before it is returned: a credential that fails is never handed out for signing.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any, Generic, TypeVar

from fastjsonschema import JsonSchemaValueException
from pydantic import BaseModel, ValidationError

from shared.content_memo import plain_json
from shared.dates import format_datetime
from shared.errors import ErrorCode, InvalidInput
from shared.ob.fields import known_fields
from shared.ob.issues import SchemaIssue, has_errors
from shared.ob.models import (
    Achievement,
    AchievementSubject,
    CredentialSchema,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Result,
)
from shared.ob.schema import (
    PLAIN_KEYWORDS,
    status_entries_pass,
    validate_credential_schema,
    vcdm_allows,
)
from shared.ob.schema_engine import (
    Validate,
    fast_def_validator,
    fast_validator,
    load_schema,
    schema_ids,
)
from shared.ob.structure import credential_kind, is_vcdm2
from shared.status_list import StatusListEntry
from shared.status_list.entry import entry_json
from shared.vocab import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    CREDENTIALS_V2,
    JSON_SCHEMA,
    OB_V3P0_303,
    OPEN_BADGE_CREDENTIAL,
    VERIFIABLE_CREDENTIAL,
)

_INDEX = re.compile(r"[0-9]+")
M = TypeVar("M", bound=BaseModel)
_STATUS = "$.credentialStatus"


@dataclass(frozen=True, eq=False)
class Prebuilt(Generic[M]):
    """A part many credentials share (an achievement, the issuer's profile): validated
    by its model, and its spec JSON (:func:`known_fields`) made, once.

    :func:`build_credential` takes it where it takes the model and writes a copy of
    ``json`` into each credential, so the credential is exactly what the model would
    give (a test compares both ways byte for byte). Make one with :meth:`of`; a
    holder keeps it for as long as the content it was made from stays the same.
    """

    model: M
    json: Mapping[str, Any]
    #: schema verdicts on ``json`` by ``$defs`` name, filled on first use
    _verdicts: dict[str, bool] = field(default_factory=dict, repr=False)
    #: ``json`` in marshal form when it is plain JSON (copies are made from it)
    _packed: bytes | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_packed", _pack(self.json))

    @classmethod
    def of(cls, model: M) -> Prebuilt[M]:
        return cls(model, known_fields(model))

    def copy_json(self) -> Any:
        """A deep copy of ``json`` (each credential gets its own, to change as it
        likes): unpacked from its marshal form, which is several times quicker than
        copying node by node; the same value, types and key order (tested)."""
        if self._packed is None:
            return _copy(self.json)
        return marshal.loads(self._packed)  # noqa: S302 - bytes this process made

    def passes(self, definition: str) -> bool:
        """Whether ``json`` is valid under the achievement schema's ``$defs`` entry
        ``definition`` (plain JSON form), decided once."""
        verdict = self._verdicts.get(definition)
        if verdict is None:
            verdict = _passes(fast_def_validator("achievement", "formal", definition), self.json)
            self._verdicts[definition] = verdict
        return verdict


@dataclass(frozen=True, kw_only=True)
class Inputs:
    """What one credential says beside its status entries and related resources: the
    arguments of :func:`build_credential` that :func:`_direct_json` and
    :func:`_model_json` (the two ways of writing it) both take."""

    achievement: Achievement | Prebuilt[Achievement]
    issuer: Profile | Prebuilt[Profile]
    subject_id: str
    credential_id: str
    valid_from: datetime
    valid_until: datetime | None = None
    results: list[Result] | None = None
    evidence: list[Evidence] | None = None
    name: str | None = None
    awarded_date: datetime | None = None
    identifier: list[IdentityObject] | None = None
    source: Profile | None = None


def build_credential(
    *,
    achievement: Achievement | Prebuilt[Achievement],
    issuer: Profile | Prebuilt[Profile],
    subject_id: str,
    credential_id: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    results: list[Result] | None = None,
    evidence: list[Evidence] | None = None,
    credential_status: list[dict[str, Any]] | None = None,
    name: str | None = None,
    awarded_date: datetime | None = None,
    identifier: list[IdentityObject] | None = None,
    source: Profile | None = None,
    related_resource: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential awarding ``achievement`` to ``subject_id``.

    Args:
        achievement: what is awarded (or its :class:`Prebuilt`, for many credentials).
        issuer: the issuing organisation; ``issuer.id`` is its DID (or its
            :class:`Prebuilt`).
        subject_id: the learner's DID (``credentialSubject.id``).
        credential_id: a URI naming this credential (e.g. ``urn:uuid:...``).
        valid_from: when it becomes valid (aware datetime; written in UTC seconds).
        valid_until: when it expires, if it does.
        results: results reached (levels, grades), if any.
        evidence: evidence of the work, if any.
        credential_status: status entries (``BitstringStatusListEntry`` dicts, as
            ``shared.status_list.build_status_entry`` makes them), at most one per
            purpose; ``statusListIndex`` is written as a string, a missing ``id``
            becomes ``<statusListCredential>#<statusListIndex>``. One entry is written
            as an object (the OB 3.0 schema's form), several as a list (VCDM 2.0).
        name: the credential's display name; defaults to the achievement's name,
            which is what wallets show first.
        awarded_date: when it was awarded, if that differs from ``valid_from``.
        identifier: other identifiers of the learner beside the DID, e.g. a salted
            e-mail hash (:meth:`IdentityObject.hashed_identity`), so a verifier can
            match the person as well as the key.
        source: who assessed the achievement on the issuer's behalf (OB 3.0
            ``AchievementSubject.source``), e.g. the coach who judged the evidence.
        related_resource: files the credential links to (its images), each
            ``{"id": url, "digestSRI": ..., "digestMultibase": ...}`` (VC Data Model
            2.0 "Integrity of Related Resources"), so nobody can swap a file after
            signing; written as the top-level ``relatedResource`` list.

    Raises:
        InvalidInput: ``malformed_credential`` for inconsistent input (empty ids,
            ``valid_until`` before ``valid_from``), ``malformed_status_entry`` for a
            bad status entry or two with the same purpose,
            ``schema_invalid`` if the result would not pass the OB 3.0 schema.
        ValueError: a naive datetime (its instant is unknown).
    """
    for label, value in (("valid_from", valid_from), ("valid_until", valid_until),
                         ("awarded_date", awarded_date)):  # fmt: skip
        if value is not None and value.utcoffset() is None:
            raise ValueError(f"{label} is a naive datetime; pass an aware one")
    for label, text in (("subject_id", subject_id), ("credential_id", credential_id)):
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput(f"{label} must be a non-empty URI", detail=label)
    status = _status(credential_status)
    if len({entry["statusPurpose"] for entry in status}) < len(status):
        raise InvalidInput(
            "two credentialStatus entries have the same purpose",
            code=ErrorCode.malformed_status_entry,
            detail=[entry["statusPurpose"] for entry in status],
        )
    inputs = Inputs(
        achievement=achievement, issuer=issuer, subject_id=subject_id,
        credential_id=credential_id, valid_from=valid_from, valid_until=valid_until,
        results=results, evidence=evidence, name=name, awarded_date=awarded_date,
        identifier=identifier, source=source,
    )  # fmt: skip
    document = _direct_json(inputs)
    if document is None:
        document = _model_json(inputs)
    if status:
        # One entry is an object (what the OB 3.0 schema wants); several are a list,
        # as VCDM 2.0 allows (revocation beside suspension).
        document["credentialStatus"] = status[0] if len(status) == 1 else status
    if related_resource:
        document["relatedResource"] = _related(related_resource)
    if _plainly_valid(
        document,
        achievement if isinstance(achievement, Prebuilt) else None,
        issuer if isinstance(issuer, Prebuilt) else None,
    ):
        issues: list[SchemaIssue] = []
    else:
        issues = schema_findings(document)
    if has_errors(issues):
        raise InvalidInput(
            "the built credential does not pass the OB 3.0 schema",
            code=ErrorCode.schema_invalid,
            detail=[issue.to_dict() for issue in issues],
        )
    return document


def _model_json(inputs: Inputs) -> dict[str, Any]:
    """The credential's JSON (no status, no related resources) by the models: the
    general path, and the reference :func:`_direct_json` must equal."""
    achievement, issuer = inputs.achievement, inputs.issuer
    achievement_model = achievement.model if isinstance(achievement, Prebuilt) else achievement
    issuer_model = issuer.model if isinstance(issuer, Prebuilt) else issuer
    try:
        credential = OpenBadgeCredential(
            id=inputs.credential_id,
            name=inputs.name if inputs.name is not None else achievement_model.name,
            issuer=issuer_model,
            valid_from=inputs.valid_from,
            valid_until=inputs.valid_until,
            awarded_date=inputs.awarded_date,
            credential_subject=AchievementSubject(
                id=inputs.subject_id,
                achievement=achievement_model,
                identifier=inputs.identifier or None,
                result=inputs.results or None,
                source=inputs.source,
            ),
            evidence=inputs.evidence or None,
            credential_schema=[
                CredentialSchema(id=ACHIEVEMENT_CREDENTIAL_SCHEMA, type=JSON_SCHEMA)
            ],
        )
    except ValidationError as exc:
        raise InvalidInput(
            "the credential cannot be built from this input",
            detail=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from exc
    return _spec_json(
        credential,
        achievement if isinstance(achievement, Prebuilt) else None,
        issuer if isinstance(issuer, Prebuilt) else None,
    )


def _direct_json(inputs: Inputs) -> dict[str, Any] | None:
    """What :func:`_model_json` gives, written directly for the inputs the issuer
    passes (both parts prebuilt; results, evidence, identifiers and source as model
    instances of exactly their classes, which the credential model would take as they
    are, without validating them again); None for anything else.

    The only checks the credential model would add for such inputs are the ones made
    here (``validUntil`` not before ``validFrom``; the subject has an ``id``, which
    the caller checked) or hold by construction (the ``type`` lists, the
    ``@context``); each input model is dumped by :func:`known_fields` as the whole
    would dump it. Tests compare both paths byte for byte.
    """
    i = inputs
    achievement, issuer = i.achievement, i.issuer
    if not isinstance(achievement, Prebuilt) or not isinstance(issuer, Prebuilt):
        return None
    if type(achievement.model) is not Achievement or type(issuer.model) is not Profile:
        return None
    if not (type(i.subject_id) is str and type(i.credential_id) is str):
        return None
    name = achievement.model.name if i.name is None else i.name
    if type(name) is not str:
        return None
    for when in (i.valid_from, i.valid_until, i.awarded_date):
        if when is not None and type(when) is not datetime:
            return None
    if i.valid_until is not None and i.valid_until < i.valid_from:
        return None  # the model path says why
    lists: list[tuple[type[BaseModel], Sequence[BaseModel] | None]] = [
        (IdentityObject, i.identifier), (Result, i.results), (Evidence, i.evidence),
    ]  # fmt: skip
    for kind, items in lists:
        if items is not None and (
            type(items) is not list or any(type(item) is not kind for item in items)
        ):
            return None
    if i.source is not None and type(i.source) is not Profile:
        return None
    subject: dict[str, Any] = {
        "id": i.subject_id,
        "type": ["AchievementSubject"],
        "achievement": achievement.copy_json(),
    }
    if i.identifier:
        subject["identifier"] = [_item_json(item) for item in i.identifier]
    if i.results:
        subject["result"] = [_item_json(item) for item in i.results]
    if i.source is not None:
        subject["source"] = known_fields(i.source)
    document: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, OB_V3P0_303],
        "id": i.credential_id,
        "type": [VERIFIABLE_CREDENTIAL, OPEN_BADGE_CREDENTIAL],
        "name": name,
        "issuer": issuer.copy_json(),
        "validFrom": format_datetime(i.valid_from),
    }
    if i.valid_until is not None:
        document["validUntil"] = format_datetime(i.valid_until)
    if i.awarded_date is not None:
        document["awardedDate"] = format_datetime(i.awarded_date)
    document["credentialSubject"] = subject
    if i.evidence:
        document["evidence"] = [_item_json(item) for item in i.evidence]
    document["credentialSchema"] = [{"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": JSON_SCHEMA}]
    return document


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def _item_json(item: BaseModel) -> dict[str, Any]:
    """:func:`known_fields` of a result, evidence or identifier, in a third of its time
    when there is nothing to leave out (the usual case): no extension field and no
    nested model (every value plain, or a list of plain values), so one ``model_dump``
    gives it. Tested equal to known_fields."""
    if not item.__pydantic_extra__ and all(
        type(value) in _PLAIN_TYPES
        or (type(value) is list and all(type(v) in _PLAIN_TYPES for v in value))
        for value in item.__dict__.values()
    ):
        return item.model_dump(by_alias=True, exclude_none=True, mode="json")
    return known_fields(item)


def _spec_json(
    credential: OpenBadgeCredential,
    achievement: Prebuilt[Achievement] | None,
    issuer: Prebuilt[Profile] | None,
) -> dict[str, Any]:
    """``known_fields(credential)``, with the JSON of prebuilt parts copied in rather
    than made again (in the same place: keys keep the models' field order)."""
    if achievement is None and issuer is None:
        return known_fields(credential)
    subject = credential.credential_subject
    light = credential.model_copy(
        update={
            "issuer": None if issuer is not None else credential.issuer,
            "credential_subject": subject.model_copy(update={"achievement": None})
            if achievement is not None
            else subject,
        }
    )
    document = known_fields(light)  # None fields are left out
    if achievement is not None:
        document["credentialSubject"] = _place(
            document["credentialSubject"], AchievementSubject, "achievement", achievement.json
        )
    if issuer is not None:
        document = _place(document, OpenBadgeCredential, "issuer", issuer.json)
    return document


def _place(
    dumped: dict[str, Any], model: type[BaseModel], key: str, part: Mapping[str, Any]
) -> dict[str, Any]:
    """``dumped`` with a copy of ``part`` under ``key``, at that field's place."""
    out: dict[str, Any] = {}
    for alias in _aliases(model):
        if alias == key:
            out[key] = _copy(part)
        elif alias in dumped:
            out[alias] = dumped[alias]
    if len(out) != len(dumped) + 1:  # known_fields gives model fields only
        raise AssertionError(f"unexpected fields in {model.__name__}: {sorted(dumped)}")
    return out


@cache
def _aliases(model: type[BaseModel]) -> tuple[str, ...]:
    """The JSON names of a model's fields, in the order ``model_dump`` writes them."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


def _pack(value: Any) -> bytes | None:
    """``value`` in marshal form if it is plain JSON made only of dicts, lists, str,
    int, float, bool and None (exact types) and comes back equal; else None."""
    if not plain_json(value):
        return None
    try:
        packed = marshal.dumps(value)
    except ValueError:  # pragma: no cover - plain_json admits only marshal's types
        return None
    return packed if marshal.loads(packed) == value else None  # noqa: S302 - made above


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON (each credential gets its own, to change as it likes)."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def schema_findings(document: dict[str, Any]) -> list[SchemaIssue]:
    """The OB 3.0 schema's findings on a credential, less what VCDM 2.0 allows (a set
    of ``credentialStatus`` entries where the schema wants one object).

    A credential with a set of entries is checked once per entry, that entry in the
    set's place (findings about it name its position). The schema's top level only
    holds ``type``, ``properties``, ``required`` and ``additionalProperties``, so each
    property is checked on its own: the views together check everything the set form
    checks, plus each entry (the set form stops at "not an object"). And each view is a
    plain valid credential, which the fast compiled validator answers, where the set
    form always took the detailed path (about 10 times slower).
    """
    status = document.get("credentialStatus")
    if not isinstance(status, list) or not status:
        return [
            i
            for i in validate_credential_schema(document, memo=False)
            if not vcdm_allows(i, document)
        ]
    found: list[SchemaIssue] = []
    for index, entry in enumerate(status):
        view = {**document, "credentialStatus": entry}
        for issue in validate_credential_schema(view, memo=False):
            if issue.path == _STATUS or issue.path.startswith((_STATUS + ".", _STATUS + "[")):
                issue = replace(issue, path=f"{_STATUS}[{index}]{issue.path[len(_STATUS) :]}")
            if issue not in found:
                found.append(issue)
    return found


#: Stand-ins for parts whose verdict is known: each is valid under its definition.
_STUB_ACHIEVEMENT = {
    "id": "urn:example:stub",
    "type": ["Achievement"],
    "name": "stub",
    "description": "stub",
    "criteria": {"narrative": "stub"},
}
_STUB_ISSUER = "did:example:stub"


@cache
def parts_checked_apart() -> bool:
    """Whether the bundled achievement schema (plain JSON form) checks ``issuer`` and
    ``credentialSubject.achievement`` each on its own, by a ``$defs`` entry, with
    nothing that relates them to their siblings: its top level and
    ``AchievementSubject`` hold only plain keywords (no ``oneOf``/``anyOf``/``allOf``),
    and the stand-ins are valid. Then the whole is valid exactly when the rest (parts
    replaced by stand-ins) and each part are; else :func:`_plainly_valid` never
    answers and the whole document is always checked. (Status entries:
    ``shared.ob.schema.status_entries_pass`` asks the same of ``credentialStatus``.)"""
    schema = load_schema("achievement", "formal")
    subject = schema["$defs"].get("AchievementSubject", {})
    properties = schema.get("properties", {})
    layout = (
        set(schema) <= PLAIN_KEYWORDS
        and set(subject) <= PLAIN_KEYWORDS
        and properties.get("issuer") == {"$ref": "#/$defs/ProfileRef"}
        and properties.get("credentialSubject") == {"$ref": "#/$defs/AchievementSubject"}
        and subject.get("properties", {}).get("achievement") == {"$ref": "#/$defs/Achievement"}
    )
    return (
        layout
        and _passes(fast_def_validator("achievement", "formal", "Achievement"), _STUB_ACHIEVEMENT)
        and _passes(fast_def_validator("achievement", "formal", "ProfileRef"), _STUB_ISSUER)
    )


def _plainly_valid(
    document: dict[str, Any],
    achievement: Prebuilt[Achievement] | None,
    issuer: Prebuilt[Profile] | None,
) -> bool:
    """True only if :func:`schema_findings` would find nothing: the credential is a
    VCDM 2.0 achievement credential declaring only the achievement schema, and it
    passes the plain JSON schema, where a prebuilt part already judged valid is
    replaced by its stand-in and each further status entry is checked on its own.
    False means "not known": the caller asks :func:`schema_findings`."""
    if not parts_checked_apart() or not is_vcdm2(document):
        return False
    if credential_kind(document) != "achievement":
        return False
    declared = document.get("credentialSchema")
    for entry in [] if declared is None else declared if isinstance(declared, list) else [declared]:
        if not isinstance(entry, dict) or schema_ids().get(str(entry.get("id"))) != "achievement":
            return False
    view = dict(document)
    status = document.get("credentialStatus")
    entries = status[1:] if isinstance(status, list) else []
    if isinstance(status, list):
        if not status:
            return False
        view["credentialStatus"] = status[0]
    subject = view.get("credentialSubject")
    if achievement is not None and isinstance(subject, dict) and achievement.passes("Achievement"):
        if subject.get("achievement") != achievement.json:  # pragma: no cover - a caller bug
            return False
        view["credentialSubject"] = {**subject, "achievement": _STUB_ACHIEVEMENT}
    if issuer is not None and issuer.passes("ProfileRef"):
        if document.get("issuer") != issuer.json:  # pragma: no cover - a caller bug
            return False
        view["issuer"] = _STUB_ISSUER
    if not _passes(fast_validator("achievement", "formal"), view):
        return False
    return status_entries_pass("achievement", entries)


def _passes(validate: Validate, value: object) -> bool:
    try:
        validate(value)
    except JsonSchemaValueException:
        return False
    return True


def _related(entries: list[dict[str, str]]) -> list[dict[str, str]]:
    """Each entry an ``id`` URL with at least one digest (nothing else is signed)."""
    out: list[dict[str, str]] = []
    for entry in entries:
        item = {k: entry[k] for k in ("id", "digestSRI", "digestMultibase") if entry.get(k)}
        if not isinstance(item.get("id"), str) or len(item) < 2:
            raise InvalidInput(
                "a related resource needs an id and a digest",
                code=ErrorCode.malformed_credential,
                detail=entry,
            )
        out.append(item)
    return out


def _status(entries: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Each entry as ``shared.status_list`` writes it, with an ``id`` if it had none."""
    out: list[dict[str, Any]] = []
    for entry in entries or ():
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            out.append(entry_json(entry))  # the id is kept as given
            continue
        parsed = StatusListEntry.parse(entry)
        if parsed.id is None:
            parsed = parsed.model_copy(
                update={"id": f"{parsed.status_list_credential}#{parsed.status_list_index}"}
            )
        out.append(parsed.to_dict())
    return out
