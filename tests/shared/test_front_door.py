"""The core's front door, and the one result type every other finding becomes."""

from __future__ import annotations

import importlib

import shared
from shared.errors import ErrorCode
from shared.legacy.results import LegacyResult
from shared.ob.issues import SchemaIssue, StructureIssue
from shared.ob.schema import validate_credential_schema
from shared.verification import CheckName, Severity, Verdict, VerificationResult


def test_the_front_door_names_the_verbs_and_types() -> None:
    assert {
        "issue_credential",
        "create_presentation",
        "verify_credential",
        "verify_presentation",
        "build_credential",
        "VerifyOptions",
        "VerificationResult",
        "Check",
    } <= set(shared.__all__)
    for name in shared.__all__:
        assert getattr(shared, name) is not None
    from shared.credentials import verify_credential

    assert shared.verify_credential is verify_credential
    assert "placeholder" not in (shared.__doc__ or "")


def test_importing_a_leaf_module_first_works() -> None:
    """The front door imports the rules; a leaf imported on its own must not loop."""
    for name in ("shared.errors", "shared.vocab", "shared.dates", "shared.verification"):
        assert importlib.import_module(name) is not None


def test_one_severity() -> None:
    import shared.errors
    import shared.ob.issues

    assert shared.ob.issues.Severity is Severity is shared.errors.Severity


def test_issues_become_checks_in_one_place() -> None:
    error = StructureIssue(ErrorCode.malformed_credential, "no issuer", "$.issuer")
    warning = SchemaIssue(ErrorCode.legacy_vcdm, "old", "$", Severity.warning, "schema")
    failed = error.to_check(CheckName.structure)
    assert (failed.name, failed.ok, failed.code, failed.severity) == (
        "structure",
        False,
        "malformed_credential",
        Severity.error,
    )
    assert failed.detail == {"path": "$.issuer"}
    warned = warning.to_check(CheckName.schema)
    assert (warned.ok, warned.code, warned.severity) == (True, "legacy_vcdm", Severity.warning)
    tolerated = error.to_check(CheckName.schema, warn_only=True)
    assert (tolerated.ok, tolerated.severity) == (True, Severity.warning)
    assert error.to_dict()["severity"] == "error"


def test_schema_findings_carry_the_one_severity() -> None:
    issues = validate_credential_schema({"type": ["VerifiableCredential"]})
    assert issues
    assert all(isinstance(i.severity, Severity) for i in issues)


def test_legacy_results_convert_to_a_verification_result() -> None:
    ok = LegacyResult(True, [], ["a warning"], ["proof"])
    converted = ok.to_verification_result()
    assert isinstance(converted, VerificationResult)
    assert converted.verdict == Verdict.valid
    assert [(c.name, c.ok) for c in converted.checks] == [("proof", True)]
    assert converted.checks[0].detail["warnings"] == ["a warning"]

    bad_inner = LegacyResult(False, ["signature error"], code=ErrorCode.proof_invalid)
    vp = LegacyResult(True, [], [], ["proof"], credentials=[bad_inner])
    result = vp.to_verification_result("presentation")
    assert result.verdict == Verdict.invalid
    assert result.credentials[0].codes() == ["proof_invalid"]
    assert result.to_dict()["credentials"][0]["errors"][0]["message"] == "signature error"
