"""A file that could not be read or written, as a sentence in the learner's language.

The one place the wallet (app and CLI) turns an ``OSError`` into an error: the
operating system's text is English and may name the temporary file of an atomic write
(``.name.<hex>.tmp``), so the learner reads instead what went wrong with the file they
chose (``file.<problem>`` in the shared catalogue's wallet texts, formatted with
``{path}`` and ``{folder}``). The code stays ``invalid_request`` (or the caller's, such
as ``backup_invalid``) and ``detail["os_error"]`` keeps the system's words for support.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path
from typing import Any

from shared import messages
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.runtime.files import is_disk_full

#: errno -> the problem named in the catalogue (``file.<problem>``)
_PROBLEMS = {
    errno.ENOENT: "not_found",
    errno.EACCES: "no_permission",
    errno.EPERM: "no_permission",
    errno.EISDIR: "is_folder",
    errno.ENOTDIR: "not_folder",
    errno.EROFS: "read_only",
    errno.ENAMETOOLONG: "name_too_long",
}
#: every problem a sentence exists for (``unnamed``: the system named no file)
PROBLEMS = frozenset({*_PROBLEMS.values(), "folder_missing", "other", "unnamed"})
#: the temporary file of ``shared.runtime.files.atomic_write``
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[0-9a-f]{8}\.tmp$")


def chosen_path(filename: str | bytes | Path) -> Path:
    """The file the learner chose: a temporary file of an atomic write maps back to
    the file it was to become, in the same folder."""
    path = Path(filename.decode(errors="replace") if isinstance(filename, bytes) else filename)
    temporary = _TEMPORARY.match(path.name)
    return path.with_name(temporary["name"]) if temporary else path


def file_problem(
    problem: str,
    path: Path | None,
    *,
    code: ErrorCode = ErrorCode.invalid_request,
    os_error: str | None = None,
) -> RugzakError:
    """The error for ``problem`` (one of ``PROBLEMS``) with ``path``, its message the
    English sentence; ``Translator.error_text`` says it in the learner's language."""
    if path is None:
        problem = "unnamed"
    values = {"path": str(path or ""), "folder": str(path.parent if path else "")}
    detail: dict[str, Any] = {"file_problem": problem, **values}
    if os_error:
        detail["os_error"] = os_error
    return InvalidInput(file_sentence(detail, "en"), code=code, detail=detail)


def file_sentence(detail: dict[str, Any], lang: str) -> str:
    """The sentence for a ``file_problem`` detail in ``lang``."""
    text = messages.catalogue(lang).wallet[f"file.{detail['file_problem']}"]
    return text.format(path=detail.get("path", ""), folder=detail.get("folder", ""))


def is_file_problem(error: RugzakError) -> bool:
    detail = error.detail
    return isinstance(detail, dict) and detail.get("file_problem") in PROBLEMS


def file_error(
    exc: OSError, path: Path | None = None, *, code: ErrorCode = ErrorCode.invalid_request
) -> RugzakError:
    """``exc`` as the learner's error, naming ``path`` (else the file the system named,
    mapped back from a temporary file). A full disk is ``disk_full``, as everywhere."""
    if is_disk_full(exc):
        # imported here: the store loads the crypto stack, not needed for the sentence
        from wallet.data.store import disk_full

        return disk_full()
    if path is None and exc.filename is not None:
        path = chosen_path(exc.filename)
    problem = _PROBLEMS.get(exc.errno or 0, "other")
    if problem == "not_found" and path is not None and not path.parent.is_dir():
        problem = "folder_missing"
    number = errno.errorcode.get(exc.errno or 0, "")
    os_error = ": ".join(part for part in (number, exc.strerror or "") if part) or str(exc)
    return file_problem(problem, path, code=code, os_error=os_error)
