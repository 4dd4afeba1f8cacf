"""What the verifier's commands share: reading input files, settings from options."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from shared.errors import ErrorCode, RugzakError
from shared.strict_json import parse as parse_json

if TYPE_CHECKING:
    from verifier.settings import Settings

MAX_INPUT_BYTES = 4 * 1024 * 1024


def read_bytes(path: Path, limit: int) -> bytes:
    try:
        if str(path) == "-":
            raw: bytes = typer.get_binary_stream("stdin").read(limit + 1)
        else:
            with path.open("rb") as handle:
                raw = handle.read(limit + 1)
    except OSError as exc:
        raise RugzakError(
            f"cannot read {path}: {exc.strerror}", code=ErrorCode.invalid_request
        ) from exc
    if len(raw) > limit:
        raise RugzakError("the file is too large", code=ErrorCode.payload_too_large)
    return raw


def read_json(path: Path) -> Any:
    raw = read_bytes(path, MAX_INPUT_BYTES)
    try:
        return parse_json(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise RugzakError(f"not JSON: {exc}", code=ErrorCode.invalid_json) from exc


def settings_from(
    trust_list: Path | None, trust_pack: Path | None, offline: bool | None
) -> Settings:
    updates: dict[str, Any] = {}
    if trust_list is not None:
        updates["trust_list"] = trust_list
    if trust_pack is not None:
        updates["trust_pack"] = trust_pack
    if offline is not None:
        updates["offline"] = offline
    return load_settings(**updates)


def load_settings(**updates: Any) -> Settings:
    """The verifier's settings. pydantic-settings is imported here, by the commands
    that read them, not by every start-up (``--help`` too): it costs a quarter second."""
    from verifier.settings import Settings

    return Settings(**updates)


TrustListOpt = Annotated[
    Path | None, typer.Option(help="JSON list of known issuers (see docs/verifier.md)")
]
TrustPackOpt = Annotated[Path | None, typer.Option(help="Offline trust pack (DIDs, status lists)")]
OfflineOpt = Annotated[
    bool | None, typer.Option("--offline/--online", help="Never use the network")
]
