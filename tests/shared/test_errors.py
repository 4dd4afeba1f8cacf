"""The error tree and its stable codes."""

from __future__ import annotations

import runpy
from pathlib import Path

from shared.errors import ErrorCode, InvalidInput, RugzakError

ROOT = Path(__file__).resolve().parents[2]


def test_codes_are_snake_case_and_equal_to_their_names() -> None:
    for code in ErrorCode:
        assert code.name == code.value
        assert code.value == code.value.lower()
        assert " " not in code.value


def test_error_to_dict_shape() -> None:
    err = InvalidInput("bad", code=ErrorCode.invalid_json, detail={"at": 3})
    assert err.to_dict() == {"code": "invalid_json", "message": "bad", "detail": {"at": 3}}
    assert isinstance(err, RugzakError)
    assert InvalidInput("x").code == ErrorCode.malformed_credential


def test_docs_list_every_code() -> None:
    """docs/error-codes.md is regenerated whenever a code is added."""
    generated = runpy.run_path(str(ROOT / "scripts" / "gen_error_codes.py"))["render"]()
    assert (ROOT / "docs" / "error-codes.md").read_text("utf-8") == generated
    for code in ErrorCode:
        assert f"`{code.value}`" in generated
    assert "|  |" not in generated, "every code needs a one-line meaning in shared/errors.py"
