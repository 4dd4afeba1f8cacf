"""JSON Schema check of Open Badges 3.0 credentials, as the 1EdTech validator does it.

Which schema: the credential's ``type`` picks the achievement or the endorsement
schema. First the *formal* (plain JSON) schema; if that fails but the *JSON-LD
adaptation* (a single value where an array is expected, language maps) passes, the
credential is valid and the plain-JSON difference is a warning, exactly as the
1EdTech validator reports it. If both fail, the JSON-LD adaptation's errors are the
errors.

VCDM 1.1 credentials (``issuanceDate``, ``credentials/v1``): the OB 3.0 schemas are
written for VCDM 2.0, so such a credential can never pass them, yet verifiers
(ours, DCC's, 1EdTech's) accept it with a warning. We check a VCDM 2.0 *view* of it
(contexts and date names mapped to their 2.0 equivalents) and report everything as
warnings: the body is still checked, but an old format never becomes a rejection.

``credentialSchema`` entries naming a bundled schema (either published ``$id``) are
checked against it; others are reported as not checked, because nothing is fetched.

Findings are memoized by the credential's content digest (``shared.content_memo``:
SHA-256 of its exact JSON text, bounded LRU, plain JSON only): a verifier sees the
same badge again and again, and an issued badge (two status entries) always takes
the slow, detailed path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from fastjsonschema import JsonSchemaValueException

from shared.content_memo import DigestMemo, content_key
from shared.errors import ErrorCode
from shared.ob.issues import Issue, SchemaIssue, StructureIssue, json_path
from shared.ob.schema_engine import (
    SchemaKind,
    Variant,
    detailed_validator,
    fast_def_validator,
    fast_validator,
    load_schema,
    schema_ids,
    warm_up,
)

if TYPE_CHECKING:
    from jsonschema import ValidationError
from shared.ob.structure import (
    LEGACY_OB_CONTEXTS,
    check_presentation_structure,
    check_structure,
    credential_kind,
    is_vcdm2,
    structure_sections,
)
from shared.verification import Severity
from shared.vocab import CREDENTIALS_V1, CREDENTIALS_V2, OB_V3P0_303, as_list

__all__ = [
    "SchemaIssue",
    "StructureIssue",
    "check_credential",
    "check_presentation_structure",
    "check_structure",
    "clear_memo",
    "validate_credential_schema",
    "validate_profile_schema",
    "warm_up",
]

_CHECK = "schema"
_MAX_ERRORS = 50
_NAME_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_LEGACY_DATES = (("issuanceDate", "validFrom"), ("expirationDate", "validUntil"))
_memo: DigestMemo[tuple[SchemaIssue, ...]] = DigestMemo(512)
#: Schema keywords that judge each property on its own (nothing relates siblings).
PLAIN_KEYWORDS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "type", "properties", "required",
     "additionalProperties", "$defs"}
)  # fmt: skip


def validate_credential_schema(credential: object, *, memo: bool = True) -> list[SchemaIssue]:
    """Check an OB 3.0 achievement or endorsement credential against the bundled schema.

    ``memo=False`` for a document checked once (the issuer's builder: every credential
    it makes is new), which spares computing its content key.

    Never raises for bad input: every problem is a :class:`SchemaIssue`
    (``schema_invalid`` errors or warnings, ``legacy_vcdm`` and
    ``schema_not_checked`` warnings).
    """
    if not isinstance(credential, dict):
        return [_issue("the credential is not a JSON object", "$")]
    key = content_key(credential) if memo else None
    if key is not None:
        known = _memo.get(key)
        if known is not None:
            return list(known)
    try:
        issues = _check_credential_schema(credential)
    except RecursionError:
        return [_issue("the document is nested too deeply to check", "$")]
    if key is not None:
        _memo.put(key, tuple(issues))
    return issues


def clear_memo() -> None:
    """Forget the memoized findings (benchmarks measure the first check of a badge)."""
    _memo.clear()


def vcdm_allows(issue: SchemaIssue, credential: Mapping[str, Any]) -> bool:
    """A schema finding VCDM 2.0 allows and the OB 3.0 schema does not: a warning only.

    The OB schema wants one ``credentialStatus`` object; VCDM 2.0 allows a set, and
    an issuer offering both revocation and suspension needs two entries. The builder
    and the verifier both ask this one question, so what we issue always verifies.
    """
    return issue.path == "$.credentialStatus" and isinstance(
        credential.get("credentialStatus"), list
    )


def status_entries_pass(kind: SchemaKind, entries: Iterable[object]) -> bool:
    """Whether each of ``entries`` passes the plain JSON schema of ``kind`` in the place
    of the one ``credentialStatus`` object it wants.

    A set of entries (revocation beside suspension, as VCDM 2.0 allows) is judged one
    entry at a time. The schema's top level holds only :data:`PLAIN_KEYWORDS` and its
    ``credentialStatus`` is its ``CredentialStatus`` definition, so each property is
    judged on its own: a credential that passes with one entry there passes with
    another exactly when that entry passes the definition. The builder and the
    verifier both judge a set's further entries by this one function. False when the
    bundled schema is not laid out so (a schema update): callers then check in full.
    """
    if not _status_judged_apart(kind):
        return False
    check = fast_def_validator(kind, "formal", "CredentialStatus")
    for entry in entries:
        try:
            check(entry)
        except JsonSchemaValueException:
            return False
    return True


@cache
def _status_judged_apart(kind: SchemaKind) -> bool:
    schema = load_schema(kind, "formal")
    return set(schema) <= PLAIN_KEYWORDS and schema.get("properties", {}).get(
        "credentialStatus"
    ) == {"$ref": "#/$defs/CredentialStatus"}


def _check_credential_schema(credential: dict[str, Any]) -> list[SchemaIssue]:
    kind: SchemaKind = (
        "endorsement" if credential_kind(credential) == "endorsement" else "achievement"
    )
    if is_vcdm2(credential):
        issues = _validate(kind, credential)
        issues += _declared_schemas(credential, kind)
        return issues
    view = _vcdm2_view(credential)
    legacy = SchemaIssue(
        ErrorCode.legacy_vcdm,
        "VCDM 1.1 credential: the OB 3.0 schemas are for VCDM 2.0, so it was checked "
        "as its VCDM 2.0 equivalent and findings are warnings",
        "$",
        Severity.warning,
        _CHECK,
    )
    found = _validate(kind, view) + _declared_schemas(view, kind)
    renamed = {
        new: old for old, new in _LEGACY_DATES if old in credential and new not in credential
    }
    if "issuanceDate" not in credential and "validFrom" not in credential:
        renamed["validFrom"] = "issuanceDate"  # what a VCDM 1.1 credential lacks
    return [legacy, *(_as_legacy_warning(issue, renamed) for issue in found)]


def validate_profile_schema(profile: object) -> list[SchemaIssue]:
    """Check an issuer ``Profile`` document (as served at the issuer URL) against its schema."""
    if not isinstance(profile, dict):
        return [_issue("the profile is not a JSON object", "$")]
    try:
        return _validate("profile", profile)
    except RecursionError:
        return [_issue("the document is nested too deeply to check", "$")]


def check_credential(credential: object) -> list[Issue]:
    """Structure and schema findings in the 1EdTech validator's order.

    Order: context, type, schema, credentialSubject, evidence, issuer, dates, then
    embedded endorsements. If the context or type is wrong the document is not an
    Open Badge and the later checks are skipped (their findings would be noise).
    """
    head, tail, nested = structure_sections(credential)
    if any(issue.is_error for issue in head):
        return list(head)
    return [*head, *validate_credential_schema(credential), *tail, *nested]


def _validate(kind: SchemaKind, document: dict[str, Any]) -> list[SchemaIssue]:
    try:
        fast_validator(kind, "formal")(document)
        return []
    except JsonSchemaValueException as plain:
        plain_error = plain
    try:
        fast_validator(kind, "jsonld")(document)
    except JsonSchemaValueException as error:
        return _detailed(kind, "jsonld", document) or [_from_fast(error)]
    first = _from_fast(plain_error)
    return [
        SchemaIssue(
            ErrorCode.schema_invalid,
            "valid under the JSON-LD form of the schema, but not the plain JSON form "
            f"(first difference: {first.message})",
            first.path,
            Severity.warning,
            _CHECK,
        )
    ]


def _detailed(kind: SchemaKind, variant: Variant, document: dict[str, Any]) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    for error in detailed_validator(kind, variant).iter_errors(document):
        shown = _most_specific(error)
        issues.append(_issue(_describe(shown), json_path(shown.absolute_path)))
        if len(issues) >= _MAX_ERRORS:
            break
    return issues


def _most_specific(error: ValidationError) -> ValidationError:
    """Descend into ``oneOf``/``anyOf`` to the branch meant for this value.

    "Not valid under any of the given schemas" says little. A branch that fails
    only because the value has another JSON type (an array where the branch wants
    a string) was not meant for it; the remaining branch's error says why.
    """
    from jsonschema.exceptions import relevance  # loaded already: the error is its

    while error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        meant = [errs for errs in branches.values() if not any(map(_wrong_type, errs))]
        pool = meant[0] if len(meant) == 1 else list(error.context)
        # The branch that got deepest into the value is the one meant for it.
        error = max(pool, key=lambda e: (len(e.absolute_path), relevance(e)))
    return error


def _wrong_type(error: ValidationError) -> bool:
    """True if ``error`` only says the value itself has the wrong JSON type."""
    if error.relative_path:
        return False
    if error.validator == "type":
        return True
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        return all(any(map(_wrong_type, errs)) for errs in branches.values())
    return False


def _short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(error: ValidationError) -> str:
    value = error.validator_value
    match error.validator:
        case "type":
            return f"must be of type {_short(value)}"
        case "enum":
            return f"must be one of {_short(value)}, not {_short(error.instance, 40)}"
        case "const":
            return f"must be {_short(value)}"
        case "contains":
            wanted = value.get("enum") if isinstance(value, dict) else None
            return f"must contain one of {_short(wanted if wanted else value)}"
        case "pattern":
            return f"{_short(error.instance, 40)} does not match the pattern {value}"
        case "format":
            return f"{_short(error.instance, 40)} is not a valid {value}"
        case "minItems":
            return f"needs at least {value} item(s)"
        case _:
            return error.message if len(error.message) <= 200 else error.message[:197] + "..."


def _from_fast(error: JsonSchemaValueException) -> SchemaIssue:
    name = error.name or "data"
    message = error.message or "is not valid"
    if message.startswith(name):
        message = message[len(name) :].strip()
    parts: list[str | int] = []
    for key, index in _NAME_PART.findall(name.removeprefix("data")):
        parts.append(int(index) if index else key)
    return _issue(message, json_path(parts))


def _declared_schemas(credential: dict[str, Any], kind: SchemaKind) -> list[SchemaIssue]:
    entries = credential.get("credentialSchema")
    if entries is None:
        return []
    issues: list[SchemaIssue] = []
    for i, entry in enumerate(as_list(entries)):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue  # the schema check itself reports the malformed entry
        path = json_path(
            ["credentialSchema", i] if isinstance(entries, list) else ["credentialSchema"]
        )
        declared = schema_ids().get(entry["id"])
        if declared is None:
            issues.append(
                SchemaIssue(
                    ErrorCode.schema_not_checked,
                    f"credentialSchema {entry['id']} is not bundled; it was not fetched or checked",
                    path,
                    Severity.warning,
                    _CHECK,
                )
            )
        elif declared != kind:
            for issue in _validate(declared, credential):
                issues.append(
                    SchemaIssue(
                        issue.code,
                        f"declared schema {entry['id']}: {issue.message}",
                        issue.path,
                        issue.severity,
                        _CHECK,
                    )
                )
    return issues


def _vcdm2_view(credential: dict[str, Any]) -> dict[str, Any]:
    """The VCDM 2.0 reading of a VCDM 1.1 credential (and of its endorsements)."""
    view = dict(credential)
    context = view.get("@context")
    if isinstance(context, list) and context:
        mapped = list(context)
        if mapped[0] == CREDENTIALS_V1:
            mapped[0] = CREDENTIALS_V2
        if len(mapped) > 1 and isinstance(mapped[1], str) and mapped[1] in LEGACY_OB_CONTEXTS:
            mapped[1] = OB_V3P0_303
        view["@context"] = mapped
    for old, new in _LEGACY_DATES:
        if old in view and new not in view:
            view[new] = view.pop(old)
    mapped_view: dict[str, Any] = _map_endorsements(view)
    return mapped_view


def _map_endorsements(node: Any) -> Any:
    if isinstance(node, list):
        return [_map_endorsements(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "endorsement" and isinstance(value, list):
            out[key] = [
                _vcdm2_view(item) if isinstance(item, dict) and not is_vcdm2(item) else item
                for item in value
            ]
        else:
            out[key] = _map_endorsements(value) if key != "proof" else value
    return out


def _as_legacy_warning(issue: SchemaIssue, renamed: dict[str, str]) -> SchemaIssue:
    """``issue`` as a warning, naming the VCDM 1.1 date fields the credential really has."""
    path, message = issue.path, issue.message
    for new, old in renamed.items():
        if path == f"$.{new}":
            path = f"$.{old}"
        message = message.replace(f"'{new}'", f"'{old}'")
    return SchemaIssue(issue.code, message, path, Severity.warning, issue.check)


def _issue(message: str, path: str) -> SchemaIssue:
    return SchemaIssue(ErrorCode.schema_invalid, message, path, Severity.error, _CHECK)
