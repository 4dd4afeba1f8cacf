"""``ErrorCode`` is the one taxonomy: every code has one family, an HTTP status and a
severity, and the code raises with agree with their class."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared import errors
from shared.errors import (
    CODE_FAMILIES,
    AccessDenied,
    Conflict,
    ErrorCode,
    InvalidInput,
    NotFound,
    ResolutionFailed,
    RugzakError,
    Severity,
    Unavailable,
    Unsupported,
    VerificationFailed,
)

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = {
    cls.__name__: cls
    for cls in (
        RugzakError,
        InvalidInput,
        Unsupported,
        ResolutionFailed,
        VerificationFailed,
        NotFound,
        Conflict,
        AccessDenied,
        Unavailable,
    )
}


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_one_family_a_status_and_a_severity(code: ErrorCode) -> None:
    homes = [family for family, codes in CODE_FAMILIES.items() if code in codes]
    assert len(homes) == 1, f"{code} is in {homes}"
    assert code.family is homes[0]
    assert 400 <= code.http_status <= 599
    assert code.severity in (Severity.error, Severity.warning, Severity.info)


def test_every_family_is_a_rugzak_error_with_a_default_code_of_its_own() -> None:
    assert set(CODE_FAMILIES) == set(FAMILIES.values())
    for family in CODE_FAMILIES:
        assert issubclass(family, RugzakError)
        assert family.default_code.family is family


def test_the_root_class_raises_the_code_s_family() -> None:
    error = RugzakError("no such offer", code=ErrorCode.offer_not_found)
    assert type(error) is NotFound
    assert (error.code, error.message) == (ErrorCode.offer_not_found, "no such offer")
    assert type(RugzakError("boom")) is RugzakError
    with pytest.raises(AccessDenied):
        raise RugzakError("wrong", code="forbidden")


def test_statuses_the_services_have_always_answered() -> None:
    assert ErrorCode.not_found.http_status == 404
    assert ErrorCode.forbidden.http_status == 403
    assert ErrorCode.unauthorized.http_status == 401
    assert ErrorCode.payload_too_large.http_status == 413
    assert ErrorCode.passphrase_required.http_status == 503
    assert ErrorCode.method_not_allowed.http_status == 405
    assert ErrorCode.rate_limited.http_status == 429
    assert ErrorCode.did_not_found.http_status == 502
    assert ErrorCode.unknown_issuer.severity is Severity.warning


def test_a_did_document_not_had_is_cannot_tell_and_a_wrong_one_fails() -> None:
    """Both are the issuer's side (502); only the wrong document is an error as a check."""
    assert ErrorCode.did_not_found.family is ResolutionFailed
    assert ErrorCode.did_document_invalid.family is ResolutionFailed
    assert ErrorCode.did_document_invalid.http_status == 502
    assert ErrorCode.did_not_found.severity is Severity.warning
    assert ErrorCode.did_document_invalid.severity is Severity.error


def _raised_with_codes() -> list[tuple[str, str, str]]:
    """(place, class name, code) for every ``Family(..., code=ErrorCode.x)`` in the apps."""
    found = []
    for package in ("shared", "issuer", "wallet", "verifier"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text("utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in FAMILIES:
                    continue
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "code"
                        and isinstance(value, ast.Attribute)
                        and isinstance(value.value, ast.Name)
                        and value.value.id == "ErrorCode"
                    ):
                        place = f"{path.relative_to(ROOT)}:{node.lineno}"
                        found.append((place, node.func.id, value.attr))
    return found


def test_the_source_raises_every_code_with_its_own_family() -> None:
    found = _raised_with_codes()
    assert len(found) > 100  # the scan sees the code base
    wrong = [
        f"{place}: {name}(code={code}) but {code} is {ErrorCode[code].family.__name__}"
        for place, name, code in found
        if name != "RugzakError" and ErrorCode[code].family is not FAMILIES[name]
    ]
    assert wrong == []


def test_docs_list_every_code_with_its_status() -> None:
    text = (ROOT / "docs" / "error-codes.md").read_text("utf-8")
    for code in ErrorCode:
        assert f"| `{code}` | {code.http_status} |" in text
    assert errors.EXIT_BAD_INPUT == 2


def test_a_subclass_keeps_its_own_signature() -> None:
    class Unreachable(ResolutionFailed):
        def __init__(self, message: str, fallback: str, limit: int) -> None:
            super().__init__(message, code=ErrorCode.fetch_failed)
            self.fallback, self.limit = fallback, limit

    error = Unreachable("the verifier is offline", "ABCD-1234", 4)
    assert (error.code, error.fallback, error.limit) == (ErrorCode.fetch_failed, "ABCD-1234", 4)
