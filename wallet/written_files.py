"""Files the wallet writes for the learner (exports, presentations, certificates).

One rule for all of them: never over another file unasked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.errors import Conflict, ErrorCode, InvalidInput


def refuse_existing(*paths: Path | None, force: bool = False) -> None:
    """Stop before a file is written over another one unasked (``--force`` allows it):
    a plain sentence with the code ``file_exists``, never the operating system's."""
    for path in paths:
        if path is None:
            continue
        target = Path(path).expanduser()
        if target.is_dir():
            raise InvalidInput(
                f"{target} is a folder: give a file name.",
                code=ErrorCode.invalid_request,
                detail=str(target),
            )
        if target.exists() and not force:
            raise Conflict(
                f"There is already a file {target}.",
                code=ErrorCode.file_exists,
                detail={"path": str(target)},
            )


def json_file_bytes(value: Any) -> bytes:
    """``value`` as a readable JSON file (indented, letters as they are, UTF-8)."""
    try:
        text = json.dumps(value, indent=2, ensure_ascii=False)
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # a lone surrogate (legal as a JSON escape): kept as the escape, same data
        return (json.dumps(value, indent=2) + "\n").encode("ascii")
