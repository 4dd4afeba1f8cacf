"""Check.outcome: the one place that says how a list of checks marks each one."""

from __future__ import annotations

from shared.errors import ErrorCode
from shared.verification import Check, CheckName, Severity


def test_each_kind_of_check_has_its_outcome() -> None:
    name = CheckName.status
    assert Check.passed(name, "Not revoked.").outcome == "passed"
    assert Check.failed(name, ErrorCode.revoked, "Revoked.").outcome == "failed"
    assert Check.undecided(name, ErrorCode.status_unknown, "Not looked up.").outcome == "warning"
    assert Check.warned(name, ErrorCode.two_status_lists, "Two lists.").outcome == "warning"
    info = Check(str(name), True, str(ErrorCode.two_status_lists), "Two lists.", Severity.info)
    assert info.outcome == "info"
