"""Files the wallet writes for the learner (exports, presentations, certificates).

Two rules for all of them: never over another file unasked, and never a badge's
ecdsa-sd-2023 base proof in a file for someone else (``file_credential``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.errors import Conflict, ErrorCode, InvalidInput
from wallet.file_problems import file_problem


def refuse_existing(*paths: Path | None, force: bool = False) -> None:
    """Stop before a file is written over another one unasked (``--force`` allows it):
    a plain sentence with the code ``file_exists``, never the operating system's."""
    for path in paths:
        if path is None:
            continue
        target = Path(path).expanduser()
        if target.is_dir():
            raise file_problem("is_folder", target)
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


def file_credential(credential: dict[str, Any], *, for_wallet: bool = False) -> dict[str, Any]:
    """The badge as a file carries it.

    A file for someone else (a JSON to send, a baked picture, anything published) never
    holds the base proof: it holds the key that hides what a disclosure leaves out, and
    verifiers refuse it (``shown_whole`` keeps the other proofs or derives one showing
    everything). A file for another wallet of the learner's (``for_wallet``) keeps the
    badge as the wallet does, so that wallet can still show it in part.
    """
    if for_wallet:
        return credential
    # the credential core, imported when a badge is written: not at every command's start
    from shared.ob.disclosure import shown_whole

    return shown_whole(credential)


def for_wallet_json_only() -> InvalidInput:
    """``--for-wallet`` asked of a picture or a code: those are for other people."""
    return InvalidInput(
        "A badge picture or a VP1- code is for other people, so it never carries the "
        "signature meant only for your wallet: --for-wallet writes JSON (with --all, a "
        "folder of JSON files or one presentation).",
        code=ErrorCode.invalid_request,
    )
