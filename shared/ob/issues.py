"""Findings of the Open Badges structure and schema checks.

A finding is data, not an exception: the checks never raise for a bad credential,
they list what is wrong (``severity="error"``) or merely old-fashioned
(``severity="warning"``), each with a stable ``code`` and a JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from shared.errors import ErrorCode
from shared.verification import Check, CheckName, Severity

# Same rendering as jsonschema's ``ValidationError.json_path``, so schema and
# structure findings name places the same way.
_PLAIN_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9_]*")


@dataclass(frozen=True)
class Issue:
    """One finding.

    Attributes:
        code: stable machine code (an ``ErrorCode`` value).
        message: one plain English sentence.
        path: where, as a JSON path (``$.credentialSubject.type``).
        severity: ``error`` makes the credential unacceptable; ``warning`` does not
            (the one ``Severity`` of ``shared.verification``).
        check: which check found it (``context``, ``type``, ``schema``, ``issuer``...).
    """

    code: ErrorCode
    message: str
    path: str = "$"
    severity: Severity = Severity.error
    check: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.error

    def to_check(self, name: CheckName, *, warn_only: bool = False) -> Check:
        """This finding as a check of a verification: the one place that happens.

        ``warn_only`` turns an error the caller tolerates (see
        ``shared.ob.schema.vcdm_allows``) into a warning.
        """
        detail = {"path": self.path}
        if self.is_error and not warn_only:
            return Check.failed(name, ErrorCode(self.code), self.message, detail)
        return Check.warned(name, self.code, self.message, detail)

    def to_dict(self) -> dict[str, str]:
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "check": self.check,
            "path": self.path,
            "message": self.message,
        }


@dataclass(frozen=True)
class SchemaIssue(Issue):
    """A finding of the JSON Schema check."""


@dataclass(frozen=True)
class StructureIssue(Issue):
    """A finding of the ordered structural checks (1EdTech validator probes)."""


def child_path(path: str, key: str | int) -> str:
    """``path`` extended by an object key or an array index."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def json_path(parts: Iterable[str | int]) -> str:
    """The JSON path of a sequence of keys and indexes, from the root ``$``."""
    path = "$"
    for part in parts:
        path = child_path(path, part)
    return path


def has_errors(issues: Iterable[Issue]) -> bool:
    """True if any finding is an error (warnings alone keep a credential acceptable)."""
    return any(issue.is_error for issue in issues)
