"""Structural checks of OB 3.0 credentials and presentations (shared.ob.structure)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from shared.errors import ErrorCode
from shared.ob.structure import check_presentation_structure, check_structure
from shared.vocab import CREDENTIALS_V1, CREDENTIALS_V2, OB_V3P0_303, OB_V3P0_LEGACY
from tests.conftest import VECTORS, load_vector

VALIDATOR = VECTORS / "ob3" / "1edtech-validator"
DCC = VECTORS / "dcc" / "vc-test-fixtures" / "verifiableCredentials"

# 1EdTech fixture -> (checks that must report an error, path of the culprit).
# Every other fixture (valid ones, and proof/expiry/issuance failures, which are
# other modules' business) must pass structure with no error.
VALIDATOR_ERRORS: dict[str, tuple[set[str], str]] = {
    "simple-err-context.json": ({"context"}, "$['@context'][0]"),
    "simple-err-type.json": ({"type"}, "$.type"),
    "simple-err-issuer.json": ({"issuer"}, "$.issuer"),
    "simple-err-issuer-type.json": ({"issuer"}, "$.issuer.type"),
    "simple-err-issuer-parentorg-type.json": ({"issuer"}, "$.issuer.parentOrg"),
    "simple-err-issuer-otheridentifier-type.json": ({"issuer"}, "$.issuer.otherIdentifier[1]"),
    "simple-err-credential-subject-type.json": (
        {"credential_subject"},
        "$.credentialSubject.type",
    ),
    "simple-err-credential-subject-identifier-type.json": (
        {"credential_subject"},
        "$.credentialSubject.identifier[0]",
    ),
    "simple-err-credential-subject-result-type.json": (
        {"credential_subject"},
        "$.credentialSubject.result[1]",
    ),
    "simple-err-credential-subject-profile-type.json": (
        {"credential_subject"},
        "$.credentialSubject.source",
    ),
    "simple-err-credential-subject-achievement-result-description-type.json": (
        {"credential_subject"},
        "$.credentialSubject.achievement.resultDescription[2]",
    ),
    "simple-err-evidence-type.json": ({"evidence"}, "$.evidence[1]"),
}

# VCDM 1.1 fixtures: acceptable, with legacy warnings.
VALIDATOR_LEGACY = {
    "simple_v1.json",
    "complete_v1.json",
    "simple-eddsa-2022.json",
    "simple-noproof.json",
    "credential-status-revoked.json",
    "endorsement-err-schema-status-refresh.json",
}

# DCC fixtures that are plain VCs, not Open Badges (status-list and minimal tests).
DCC_NOT_OPEN_BADGES = {
    "v1/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-oldDCCExample.json",
    "v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry-nonOBWithOBContext.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-minimal.json",
    "v2/ed25519/didKey/legacy-expiredStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-notYetValidStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-tamperedStatus-noExpiry.json",
}

VALIDATOR_FILES = sorted(p.relative_to(VALIDATOR).as_posix() for p in VALIDATOR.rglob("*.json"))
DCC_FILES = sorted(p.relative_to(DCC).as_posix() for p in DCC.rglob("*.json"))


def simple() -> dict[str, Any]:
    doc: dict[str, Any] = load_vector("ob3/1edtech-validator/simple.json")
    return doc


def errors(issues: list[Any]) -> list[Any]:
    return [i for i in issues if i.is_error]


def warnings(issues: list[Any]) -> list[Any]:
    return [i for i in issues if not i.is_error]


@pytest.mark.parametrize("name", VALIDATOR_FILES)
def test_1edtech_fixture_structure(name: str) -> None:
    """Each 1EdTech fixture fails structure for the reason in its name, or passes."""
    issues = check_structure(json.loads((VALIDATOR / name).read_text("utf-8")))
    found = errors(issues)
    if name in VALIDATOR_ERRORS:
        checks, path = VALIDATOR_ERRORS[name]
        assert {i.check for i in found} == checks
        assert path in {i.path for i in found}
        assert all(i.code == ErrorCode.malformed_credential for i in found)
    else:
        assert found == []


@pytest.mark.parametrize("name", sorted(VALIDATOR_LEGACY))
def test_vcdm_1_1_fixtures_pass_with_legacy_warnings(name: str) -> None:
    """VCDM 1.1 credentials are acceptable, flagged as legacy."""
    issues = check_structure(json.loads((VALIDATOR / name).read_text("utf-8")))
    assert errors(issues) == []
    codes = {i.code for i in warnings(issues)}
    assert {ErrorCode.legacy_vcdm, ErrorCode.deprecated_context} <= codes


def test_context_version_is_a_warning() -> None:
    """An older context-3.0.x is accepted with a deprecated_context warning at position 2."""
    issues = check_structure(load_vector("ob3/1edtech-validator/simple-context-version.json"))
    assert [(i.code, i.path, i.severity) for i in issues] == [
        (ErrorCode.deprecated_context, "$['@context'][1]", "warning")
    ]


@pytest.mark.parametrize("name", DCC_FILES)
def test_dcc_fixture_structure(name: str) -> None:
    """DCC Open Badges pass structure (warnings allowed); its plain VCs fail on type."""
    issues = check_structure(json.loads((DCC / name).read_text("utf-8")))
    checks = {i.check for i in errors(issues)}
    if name in DCC_NOT_OPEN_BADGES:
        assert "type" in checks
    else:
        assert checks == set()


def test_dcc_subject_without_id_is_a_warning() -> None:
    """A name-only credentialSubject (DCC style) warns instead of failing."""
    doc = simple()
    del doc["credentialSubject"]["id"]
    issues = check_structure(doc)
    assert [(i.check, i.severity, i.path) for i in issues] == [
        ("credential_subject", "warning", "$.credentialSubject")
    ]
    doc["credentialSubject"]["identifier"] = [{"type": "IdentityObject"}]
    assert check_structure(doc) == []


def test_spec_vector_and_complete_are_clean() -> None:
    """The OB spec test vector and complete.json (with endorsements) have no finding."""
    vector = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    assert check_structure(vector["signedCredential"]) == []
    assert check_structure(vector["unsignedCredential"]) == []
    assert check_structure(load_vector("ob3/1edtech-validator/complete.json")) == []


@pytest.mark.parametrize(
    ("context", "severity", "code"),
    [
        ([CREDENTIALS_V1, OB_V3P0_303], "warning", ErrorCode.deprecated_context),
        ([CREDENTIALS_V2, OB_V3P0_LEGACY], "warning", ErrorCode.deprecated_context),
        (
            [CREDENTIALS_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"],
            "warning",
            ErrorCode.deprecated_context,
        ),
        (
            [CREDENTIALS_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
            "warning",
            ErrorCode.deprecated_context,
        ),
        ([OB_V3P0_303, CREDENTIALS_V2], "error", ErrorCode.malformed_credential),
        ([CREDENTIALS_V2], "error", ErrorCode.malformed_credential),
        ([CREDENTIALS_V2, "https://example.org/ob.json"], "error", ErrorCode.malformed_credential),
        (
            [CREDENTIALS_V2, {"@vocab": "https://example.org/"}],
            "error",
            ErrorCode.malformed_credential,
        ),
        ([], "error", ErrorCode.malformed_credential),
    ],
)
def test_context_rules(context: list[Any], severity: str, code: ErrorCode) -> None:
    """@context: v2 then the OB context; aliases and older versions only warn."""
    doc = simple()
    doc["@context"] = context
    found = [i for i in check_structure(doc) if i.check == "context"]
    assert [(i.severity, i.code) for i in found] == [(severity, code)]


def test_context_extras_after_the_two_required_are_fine() -> None:
    """More contexts (or inline ones) after the required two change nothing."""
    doc = simple()
    doc["@context"] = [
        CREDENTIALS_V2,
        OB_V3P0_303,
        "https://w3id.org/security/data-integrity/v2",
        {"ex": "https://example.org/"},
    ]
    assert check_structure(doc) == []


@pytest.mark.parametrize(
    "types",
    [
        ["VerifiableCredential"],
        ["OpenBadgeCredential"],
        "VerifiableCredential",
        None,
        [1, 2],
    ],
)
def test_type_must_name_vc_and_open_badge(types: object) -> None:
    """type must contain VerifiableCredential and OpenBadgeCredential/AchievementCredential."""
    doc = simple()
    doc["type"] = types
    assert [i.check for i in errors(check_structure(doc))] == ["type"]


def test_achievement_credential_alias() -> None:
    """AchievementCredential is an alias of OpenBadgeCredential."""
    doc = simple()
    doc["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert check_structure(doc) == []


def test_string_issuer_is_a_warning() -> None:
    """A bare issuer URL is legal VCDM and schema-valid, but not the Profile OB wants."""
    doc = simple()
    doc["issuer"] = "https://example.com/issuers/876543"
    assert [(i.check, i.severity) for i in check_structure(doc)] == [("issuer", "warning")]


@pytest.mark.parametrize("issuer", [{"type": ["Profile"], "name": "x"}, ["x"], 42])
def test_issuer_needs_id_and_object(issuer: object) -> None:
    """An issuer object without id, or an issuer of another JSON type, is an error."""
    doc = simple()
    doc["issuer"] = issuer
    assert [i.check for i in errors(check_structure(doc))] == ["issuer"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("validFrom", "2010-01-01T00:00:00", "no timezone"),
        ("validFrom", "2010-01-01", "not an RFC 3339"),
        ("validFrom", 1262304000, "must be a date-time string"),
        ("validFrom", "2010-02-30T00:00:00Z", "day is out of range"),
        ("validUntil", "2030-01-01T00:00:00", "no timezone"),
        ("awardedDate", "yesterday", "not an RFC 3339"),
    ],
)
def test_dates_carry_a_timezone(field: str, value: object, message: str) -> None:
    """Dates must be RFC 3339 date-times with a timezone."""
    doc = simple()
    doc[field] = value
    found = errors(check_structure(doc))
    assert [(i.check, i.path) for i in found] == [("dates", f"$.{field}")]
    assert message in found[0].message


def test_valid_until_before_valid_from() -> None:
    """validFrom must not be after validUntil (compared as instants, not strings)."""
    doc = simple()
    doc["validFrom"] = "2020-01-01T01:00:00+02:00"
    doc["validUntil"] = "2019-12-31T23:30:00Z"  # 30 minutes after validFrom
    assert check_structure(doc) == []
    doc["validUntil"] = "2019-12-31T22:30:00Z"
    assert [i.message for i in errors(check_structure(doc))] == ["validUntil is before validFrom"]


def test_missing_valid_from() -> None:
    """A credential with neither validFrom nor issuanceDate has no start."""
    doc = simple()
    del doc["validFrom"]
    assert [(i.check, i.path) for i in errors(check_structure(doc))] == [("dates", "$.validFrom")]


def test_issuance_date_is_legacy() -> None:
    """VCDM 1.1 issuanceDate/expirationDate are read, with a legacy_vcdm warning each."""
    doc = simple()
    doc["issuanceDate"] = doc.pop("validFrom")
    doc["expirationDate"] = "2009-01-01T00:00:00Z"
    issues = check_structure(doc)
    assert [(i.code, i.severity) for i in warnings(issues)] == [
        (ErrorCode.legacy_vcdm, "warning"),
        (ErrorCode.legacy_vcdm, "warning"),
    ]
    assert [i.path for i in errors(issues)] == ["$.validUntil"]


@pytest.mark.parametrize("subject", [None, [{"id": "did:example:1"}], "did:example:1"])
def test_subject_must_be_one_object(subject: object) -> None:
    """OB has exactly one credentialSubject object."""
    doc = simple()
    doc["credentialSubject"] = subject
    assert [i.check for i in errors(check_structure(doc))] == ["credential_subject"]


@pytest.mark.parametrize("criteria", [{}, None, "narrative"])
def test_criteria_needs_id_or_narrative(criteria: object) -> None:
    """Achievement criteria must have an id or a narrative."""
    doc = simple()
    doc["credentialSubject"]["achievement"]["criteria"] = criteria
    found = errors(check_structure(doc))
    assert [i.path for i in found] == ["$.credentialSubject.achievement.criteria"]


def test_not_an_object() -> None:
    """Anything but a JSON object is one error, never an exception."""
    for value in (None, [], "credential", 3):
        assert [(i.check, i.code) for i in check_structure(value)] == [
            ("input", ErrorCode.malformed_credential)
        ]


def test_deep_nesting_is_a_finding_not_a_crash() -> None:
    """Pathologically nested endorsements give an error, not a RecursionError."""
    doc = simple()
    node = doc
    for _ in range(2000):
        inner = copy.deepcopy(simple())
        node["endorsement"] = [inner]
        node = inner
    found = check_structure(doc)
    assert errors(found)
    assert found[0].message == "the credential is nested too deeply to check"


def test_embedded_endorsements_are_checked_with_their_paths() -> None:
    """Endorsements inside issuer/achievement are checked as EndorsementCredentials."""
    doc = load_vector("ob3/1edtech-validator/complete.json")
    endorsement = doc["issuer"]["endorsement"][0]
    endorsement["credentialSubject"]["type"] = ["AchievementSubject"]
    del endorsement["issuer"]["type"]
    found = errors(check_structure(doc))
    assert [(i.check, i.path) for i in found] == [
        ("credential_subject", "$.issuer.endorsement[0].credentialSubject.type"),
        ("issuer", "$.issuer.endorsement[0].issuer.type"),
    ]


def test_endorsement_credential_on_its_own() -> None:
    """A standalone EndorsementCredential is checked with endorsement rules."""
    assert check_structure(load_vector("ob3/1edtech-validator/endorsement-valid.json")) == []


def presentation() -> dict[str, Any]:
    return {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": "did:key:z6Mkholder",
        "verifiableCredential": [simple()],
    }


def test_presentation_ok() -> None:
    """A VCDM 2.0 presentation with a holder and one credential has no finding."""
    assert check_presentation_structure(presentation()) == []
    vp = presentation()
    vp["holder"] = {"id": "did:key:z6Mkholder"}
    vp["verifiableCredential"] = simple()
    assert check_presentation_structure(vp) == []


@pytest.mark.parametrize(
    ("change", "check", "severity"),
    [
        ({"@context": [OB_V3P0_303]}, "context", "error"),
        ({"@context": [CREDENTIALS_V1]}, "context", "warning"),
        ({"type": ["VerifiableCredential"]}, "type", "error"),
        ({"holder": 7}, "holder", "error"),
        ({"holder": {"name": "no id"}}, "holder", "error"),
        ({"verifiableCredential": ["eyJhbGciOi.x.y"]}, "credentials", "error"),
        ({"verifiableCredential": []}, "credentials", "warning"),
        ({"verifiableCredential": [None]}, "credentials", "error"),
    ],
)
def test_presentation_findings(change: dict[str, Any], check: str, severity: str) -> None:
    """Presentation shape: context, type, holder, credentials as objects."""
    vp = presentation()
    vp.update(change)
    found = check_presentation_structure(vp)
    assert [(i.check, i.severity) for i in found] == [(check, severity)]
    assert all(
        i.code in (ErrorCode.malformed_presentation, ErrorCode.deprecated_context) for i in found
    )


def test_presentation_not_an_object() -> None:
    """A non-object presentation is one malformed_presentation error."""
    assert [i.code for i in check_presentation_structure([])] == [ErrorCode.malformed_presentation]


def test_issue_to_dict() -> None:
    """Findings serialise to the JSON shape services return."""
    doc = simple()
    doc["type"] = ["VerifiableCredential"]
    (issue,) = check_structure(doc)
    assert issue.to_dict() == {
        "code": "malformed_credential",
        "severity": "error",
        "check": "type",
        "path": "$.type",
        "message": issue.message,
    }


def _endorsements_by_the_full_walk(node: Any) -> bool:
    from shared.ob import structure

    found = structure._holds_endorsement
    try:
        structure._holds_endorsement = lambda _node: True  # type: ignore[assignment]
        return bool(structure._endorsements(node, "$"))
    finally:
        structure._holds_endorsement = found  # type: ignore[assignment]


def test_the_endorsement_search_agrees_with_the_full_walk() -> None:
    from shared.ob.structure import _holds_endorsement

    documents: list[Any] = [
        json.loads(p.read_text("utf-8")) for p in sorted(VECTORS.rglob("*.json"))
    ]
    documents += [
        {"proof": {"endorsement": {}}},
        {"a": [{"b": [{"endorsement": None}]}]},
        {"a": [[{"proof": [{"endorsement": 1}]}]]},
        {"endorsement": []},
        {"a": {"proof": 1, "b": {"endorsement": "x"}}},
    ]
    hits = 0
    for document in documents:
        if not isinstance(document, dict):
            continue
        expected = _endorsements_by_the_full_walk(document)
        # False (no walk with paths) only when the full walk finds nothing.
        assert _holds_endorsement(document) or not expected
        hits += expected
    assert hits >= 4


def _realistic() -> list[Any]:
    """The issuer's own badges, and each with an endorsement put in a new place."""
    from tests import sample_badges as sb

    with sb.issuer_with_badges() as issuer:
        badges: list[Any] = [sb.award(issuer, i) for i in range(len(sb.BADGES))]
        badges.append(sb.skill_level(issuer))
    endorsement = load_vector("ob3/1edtech-validator/endorsement-valid.json")
    out = list(badges)
    for badge in badges:
        for place in ("", "credentialSubject", "credentialSubject.achievement", "issuer", "proof"):
            for value in (endorsement, [endorsement], [], "text", None):
                doc = copy.deepcopy(badge)
                node = doc
                for part in filter(None, place.split(".")):
                    node = node[part]
                    node = node[0] if isinstance(node, list) else node  # the first proof
                node["endorsement"] = copy.deepcopy(value)
                out.append(doc)
    return out


def test_skipping_the_endorsement_search_changes_no_answer() -> None:
    """``check_structure(doc, embeds=False)`` where the plain-terms walk found no
    ``endorsement`` member is ``check_structure(doc)``: on every vector and on the
    issuer's badges with endorsements put in every place."""
    from shared.plain_terms import plain_term_survey

    documents: list[Any] = [
        json.loads(p.read_text("utf-8")) for p in sorted(VECTORS.rglob("*.json"))
    ]
    documents += _realistic()
    skipped = looked = 0
    for document in documents:
        problems, embeds = plain_term_survey(document, "endorsement")
        if problems:
            continue
        assert check_structure(document, embeds=embeds) == check_structure(document)
        skipped += not embeds
        looked += embeds and bool(
            [i for i in check_structure(document) if i.path.count("endorsement")]
        )
    assert skipped > 100
    assert looked > 10  # endorsements found and checked, with the walk not skipped
