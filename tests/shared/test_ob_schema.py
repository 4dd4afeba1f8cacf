"""JSON Schema check of OB 3.0 credentials (shared.ob.schema, shared.ob.schema_engine)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import fastjsonschema
import pytest

from shared.errors import ErrorCode
from shared.ob.schema import check_credential, validate_credential_schema, validate_profile_schema
from shared.ob.schema_engine import (
    KINDS,
    VARIANTS,
    SchemaKind,
    Variant,
    detailed_validator,
    draft7_equivalent,
    fast_validator,
    load_schema,
    one_of_to_any_of,
    schema_ids,
)
from tests.conftest import VECTORS, load_vector

VALIDATOR = VECTORS / "ob3" / "1edtech-validator"
DCC = VECTORS / "dcc" / "vc-test-fixtures" / "verifiableCredentials"
SCHEMAS = VECTORS / "ob3" / "schemas"

FORMAL_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json"
JSONLD_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ENDORSEMENT_ID = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)

# 1EdTech fixtures the schema rejects, with the path of one expected error. Fixtures
# whose wrong class name the JSON-LD form lets through (a string type) are caught
# by the structure check instead, as in the 1EdTech validator.
SCHEMA_ERRORS = {
    "simple-err-type.json": "$.type",
    "simple-err-issuer.json": "$",
    "simple-err-issuer-type.json": "$.issuer.type",
    "simple-err-issuer-parentorg-type.json": "$.issuer.parentOrg.type",
    "simple-err-issuer-otheridentifier-type.json": "$.issuer.otherIdentifier[1].type",
    "simple-err-credential-subject-type.json": "$.credentialSubject.type",
    "simple-err-credential-subject-identifier-type.json": "$.credentialSubject.identifier[0].type",
    "simple-err-credential-subject-result-type.json": "$.credentialSubject.result[1].type",
    # This fixture predates the required achievement; its subject has none.
    "simple-err-issued.json": "$.credentialSubject",
}
VCDM_1_1 = {
    "simple_v1.json",
    "complete_v1.json",
    "simple-eddsa-2022.json",
    "simple-noproof.json",
    "simple-err-context.json",
    "credential-status-revoked.json",
    "endorsement-err-schema-status-refresh.json",
}
# DCC fixtures the OB 3.0 schema rejects: plain VCs, a missing validFrom ("badSchema"),
# and achievementType "Program", which is neither a listed value nor an ext: name.
DCC_SCHEMA_ERRORS = {
    "v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry-nonOBWithOBContext.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-_noExpiry-credSubjName.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credName.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credSubjName.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-identityHash.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-minimal.json",
    "v2/dataIntegrityProof/didKey/twoOIDF-revoked-notExpired-badSchema.json",
    "v2/ed25519/didKey/legacy-expiredStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-notYetValidStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-tamperedStatus-noExpiry.json",
}

VALIDATOR_FILES = sorted(p.relative_to(VALIDATOR).as_posix() for p in VALIDATOR.rglob("*.json"))
DCC_FILES = sorted(p.relative_to(DCC).as_posix() for p in DCC.rglob("*.json"))


def errors(issues: list[Any]) -> list[Any]:
    return [i for i in issues if i.is_error]


def simple() -> dict[str, Any]:
    doc: dict[str, Any] = load_vector("ob3/1edtech-validator/simple.json")
    return doc


@pytest.mark.parametrize("name", VALIDATOR_FILES)
def test_1edtech_fixture_schema(name: str) -> None:
    """Each 1EdTech fixture passes or fails the schema as the validator's tests expect."""
    issues = validate_credential_schema(json.loads((VALIDATOR / name).read_text("utf-8")))
    assert all(i.check == "schema" for i in issues)
    if name in SCHEMA_ERRORS:
        assert SCHEMA_ERRORS[name] in {i.path for i in errors(issues)}
        assert {i.code for i in errors(issues)} == {ErrorCode.schema_invalid}
    else:
        assert errors(issues) == []
    if name in VCDM_1_1:
        assert issues[0].code == ErrorCode.legacy_vcdm
        assert issues[0].severity == "warning"


@pytest.mark.parametrize("name", DCC_FILES)
def test_dcc_fixture_schema(name: str) -> None:
    """DCC Open Badges pass the schema, except the known-bad ones listed above."""
    issues = validate_credential_schema(json.loads((DCC / name).read_text("utf-8")))
    assert bool(errors(issues)) == (name in DCC_SCHEMA_ERRORS)


def test_program_is_not_an_achievement_type() -> None:
    """DCC's achievementType 'Program' is reported at its path."""
    doc = json.loads(
        (
            DCC / "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-credName.json"
        ).read_text("utf-8")
    )
    (issue,) = validate_credential_schema(doc)
    assert issue.path == "$.credentialSubject.achievement.achievementType"
    assert "'Program'" in issue.message


def test_plain_json_difference_is_a_warning() -> None:
    """A single proof object passes the JSON-LD form and warns about the plain form."""
    signed = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")["signedCredential"]
    assert isinstance(signed["proof"], dict)
    (issue,) = validate_credential_schema(signed)
    assert (issue.severity, issue.code, issue.path) == (
        "warning",
        ErrorCode.schema_invalid,
        "$.proof",
    )
    assert "must be array" in issue.message
    signed["proof"] = [signed["proof"]]
    assert validate_credential_schema(signed) == []


def test_spec_vector_and_complete_pass() -> None:
    """The unsigned spec vector and complete.json pass both schema forms cleanly."""
    unsigned = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")[
        "unsignedCredential"
    ]
    assert validate_credential_schema(unsigned) == []
    assert validate_credential_schema(load_vector("ob3/1edtech-validator/complete.json")) == []


def test_vcdm_1_1_is_checked_as_its_2_0_view() -> None:
    """A VCDM 1.1 credential's body is still checked; findings are warnings."""
    doc = load_vector("ob3/1edtech-validator/simple_v1.json")
    assert [i.code for i in validate_credential_schema(doc)] == [ErrorCode.legacy_vcdm]
    del doc["credentialSubject"]["achievement"]["name"]
    issues = validate_credential_schema(doc)
    assert errors(issues) == []
    assert "$.credentialSubject.achievement" in {i.path for i in issues}


def test_vcdm_1_1_findings_name_the_fields_it_has() -> None:
    """Findings on a VCDM 1.1 credential name issuanceDate, not the 2.0 view's validFrom."""
    doc = load_vector("ob3/1edtech-validator/simple_v1.json")
    doc["issuanceDate"] = "2010-01-01T00:00:00"
    assert [i.path for i in validate_credential_schema(doc)] == ["$", "$.issuanceDate"]
    del doc["issuanceDate"]
    assert validate_credential_schema(doc)[1].message == "'issuanceDate' is a required property"


def test_declared_schema_either_id_is_bundled() -> None:
    """credentialSchema may name either published $id; both are known, others are not checked."""
    assert schema_ids()[FORMAL_ID] == "achievement"
    assert schema_ids()[JSONLD_ID] == "achievement"
    doc = simple()
    for schema_id in (FORMAL_ID, JSONLD_ID):
        doc["credentialSchema"] = [{"id": schema_id, "type": "1EdTechJsonSchemaValidator2019"}]
        assert validate_credential_schema(doc) == []
    doc["credentialSchema"] = [{"id": "https://example.org/schema.json", "type": "JsonSchema"}]
    (issue,) = validate_credential_schema(doc)
    assert (issue.code, issue.severity, issue.path) == (
        ErrorCode.schema_not_checked,
        "warning",
        "$.credentialSchema[0]",
    )


def test_declared_schema_of_another_kind_is_applied() -> None:
    """An OB credential declaring the endorsement schema is checked against it too."""
    doc = simple()
    doc["credentialSchema"] = {"id": ENDORSEMENT_ID, "type": "JsonSchema"}
    found = errors(validate_credential_schema(doc))
    assert found
    assert all(i.message.startswith(f"declared schema {ENDORSEMENT_ID}") for i in found)


def test_endorsement_credential_uses_endorsement_schema() -> None:
    """A standalone EndorsementCredential validates against the endorsement schema."""
    doc = load_vector("ob3/1edtech-validator/endorsement-valid.json")
    assert validate_credential_schema(doc) == []
    del doc["credentialSubject"]["id"]
    assert "$.credentialSubject" in {i.path for i in errors(validate_credential_schema(doc))}


@pytest.mark.parametrize("value", [None, [], "x", 1.5])
def test_not_an_object(value: object) -> None:
    """Non-objects give one schema_invalid error, never an exception."""
    assert [(i.code, i.path) for i in validate_credential_schema(value)] == [
        (ErrorCode.schema_invalid, "$")
    ]
    assert [i.code for i in validate_profile_schema(value)] == [ErrorCode.schema_invalid]


def test_deeply_nested_input_is_a_finding() -> None:
    """A value nested past Python's recursion limit is an error, not a RecursionError."""
    doc = simple()
    node: dict[str, Any] = doc["issuer"]
    for _ in range(3000):
        node["parentOrg"] = {"id": "https://example.org", "type": ["Profile"]}
        node = node["parentOrg"]
    (issue,) = validate_credential_schema(doc)
    assert issue.message == "the document is nested too deeply to check"


def test_date_formats_are_checked() -> None:
    """date-time without timezone and impossible dates fail the schema's format."""
    doc = simple()
    doc["validFrom"] = "2010-01-01T00:00:00"
    assert [i.path for i in validate_credential_schema(doc)] == ["$.validFrom"]
    doc = simple()
    doc["issuer"]["dateOfBirth"] = "2001-02-30"
    assert [i.path for i in validate_credential_schema(doc)] == ["$.issuer.dateOfBirth"]


def test_profile_schema() -> None:
    """The issuer Profile document validates against the bundled profile schema."""
    profile = simple()["issuer"]
    assert validate_profile_schema(profile) == []
    profile["type"] = ["Organisation"]
    assert [i.path for i in errors(validate_profile_schema(profile))] == ["$.type"]


def test_check_credential_order_and_short_circuit() -> None:
    """check_credential: context/type, schema, then the rest; not-a-badge stops early."""
    doc = load_vector("ob3/1edtech-validator/simple-err-issuer-type.json")
    assert [i.check for i in check_credential(doc)] == ["schema", "issuer"]
    doc = load_vector("ob3/1edtech-validator/simple-err-type.json")
    assert [i.check for i in check_credential(doc)] == ["type"]
    doc = load_vector("ob3/1edtech-validator/simple_v1.json")
    checks = [(i.check, i.severity) for i in check_credential(doc)]
    assert checks[:2] == [("context", "warning"), ("context", "warning")]
    assert ("schema", "warning") in checks
    assert all(severity == "warning" for _, severity in checks)


# --- the engine: bundled files, draft-7 compilation, oneOf rewrite ---


@pytest.mark.parametrize(
    ("kind", "variant", "source"),
    [
        ("achievement", "formal", "achievementcredential.json"),
        ("endorsement", "formal", "endorsementcredential.json"),
        ("profile", "formal", "profile.json"),
        ("achievement", "jsonld", "jsonld-adaptation/ob_v3p0_achievementcredential_schema.json"),
        ("endorsement", "jsonld", "jsonld-adaptation/ob_v3p0_endorsementcredential_schema.json"),
        ("profile", "jsonld", "jsonld-adaptation/ob_v3p0_profile_schema.json"),
    ],
)
def test_bundled_schemas_are_the_vectors(kind: SchemaKind, variant: Variant, source: str) -> None:
    """Package data is byte-for-byte the 1EdTech files in tests/vectors."""
    assert load_schema(kind, variant) == json.loads((SCHEMAS / source).read_text("utf-8"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_schemas_read_the_same_in_draft_7(kind: SchemaKind, variant: Variant) -> None:
    """The 2019-09 schemas only use keywords draft 7 reads the same way."""
    assert draft7_equivalent(load_schema(kind, variant))


@pytest.mark.parametrize(
    "schema",
    [
        {"unevaluatedProperties": False},
        {"properties": {"a": {"$ref": "#/$defs/A", "type": "string"}}},
        {"dependentRequired": {"a": ["b"]}},
    ],
)
def test_draft7_guard_rejects_2019_only_meaning(schema: dict[str, Any]) -> None:
    """Keywords that draft 7 would ignore or read differently are refused."""
    assert not draft7_equivalent(schema)


def test_one_of_rewrite_only_when_branches_exclusive() -> None:
    """oneOf becomes anyOf only when no value can match two branches."""
    root: dict[str, Any] = {"$defs": {"Obj": {"type": "object"}}}
    by_type = {"oneOf": [{"type": "string"}, {"$ref": "#/$defs/Obj"}, {"type": "array"}]}
    assert one_of_to_any_of(by_type, root) == {"anyOf": by_type["oneOf"]}
    enum_vs_ext = {
        "oneOf": [
            {"type": "string", "enum": ["Badge"]},
            {"type": "string", "pattern": "(ext:)[a-z]+"},
        ]
    }
    assert "anyOf" in one_of_to_any_of(enum_vs_ext, root)
    clash = {
        "oneOf": [
            {"type": "string", "enum": ["ext:x"]},
            {"type": "string", "pattern": "(ext:)[a-z]+"},
        ]
    }
    assert one_of_to_any_of(clash, root) == clash
    overlapping = {"oneOf": [{"type": "string"}, {"type": "string", "pattern": "x"}]}
    assert one_of_to_any_of(overlapping, root) == overlapping
    untyped = {"oneOf": [{"minItems": 1}, {"type": "array"}]}
    assert one_of_to_any_of(untyped, root) == untyped


def mutations(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The document with each value, in turn, removed or replaced by a wrong-typed one."""

    def paths(node: Any, prefix: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for key, value in items:
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))

    for path in list(paths(doc, ())):
        for replacement in ("delete", 42, "ext:x", [], {}, [{"type": "X"}], None):
            copied = copy.deepcopy(doc)
            parent = copied
            for key in path[:-1]:
                parent = parent[key]
            if replacement == "delete":
                if isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent.pop(path[-1])
            else:
                parent[path[-1]] = copy.deepcopy(replacement)
            yield copied


def differential_documents() -> list[dict[str, Any]]:
    vector = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    small = [
        simple(),
        vector["signedCredential"],
        load_vector("ob3/1edtech-validator/simple-err-evidence-type.json"),
    ]
    docs = [m for doc in small for m in mutations(doc)]
    for folder in (VALIDATOR, DCC):
        docs += [json.loads(p.read_text("utf-8")) for p in sorted(folder.rglob("*.json"))]
    return docs


def test_fast_and_reference_engines_agree() -> None:
    """fastjsonschema (draft 7, rewritten) and jsonschema (2019-09) agree on every document."""
    disagreements = []
    for i, doc in enumerate(differential_documents()):
        for variant in VARIANTS:
            try:
                fast_validator("achievement", variant)(doc)
                fast_ok = True
            except fastjsonschema.JsonSchemaValueException:
                fast_ok = False
            reference_ok = detailed_validator("achievement", variant).is_valid(doc)
            if fast_ok != reference_ok:
                disagreements.append((i, variant, fast_ok))
    assert disagreements == []


def test_fast_engine_does_not_mutate_input() -> None:
    """Validation leaves the credential untouched (no defaults written in)."""
    doc = load_vector("ob3/1edtech-validator/complete.json")
    before = copy.deepcopy(doc)
    validate_credential_schema(doc)
    assert doc == before
