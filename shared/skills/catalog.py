"""The frameworks Rugzak ships, and reading a framework file by its extension."""

from __future__ import annotations

from importlib import resources
from pathlib import PurePath

from shared.errors import ErrorCode, InvalidInput, NotFound
from shared.skills.documents import parse_json
from shared.skills.model import Framework, slug
from shared.skills.shipped import BUILTIN
from shared.skills.tabular import parse_csv


def builtin(framework_id: str) -> Framework:
    """A shipped framework by id (see :data:`BUILTIN`)."""
    name = BUILTIN.get(framework_id)
    if name is None:
        raise NotFound(
            f"no shipped framework '{framework_id}'",
            code=ErrorCode.framework_not_found,
            detail={"choices": sorted(BUILTIN)},
        )
    return parse_json(resources.files("shared.skills").joinpath("data", name).read_bytes())


def builtin_bytes(filename: str) -> bytes:
    """A shipped data file (JSON or CSV) as bytes."""
    return resources.files("shared.skills").joinpath("data", filename).read_bytes()


def load_file(
    filename: str,
    data: bytes,
    *,
    framework_id: str | None = None,
    name: str | None = None,
    version: str | None = None,
    encoding: str | None = None,
) -> Framework:
    """A framework from a ``.csv`` or ``.json`` file's bytes.

    A CSV holds only skills and levels: the framework's id defaults to the file
    name (``levensvaardigheden.csv`` -> ``levensvaardigheden``), its name to the id.
    For JSON the options override what the file says.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".json":
        framework = parse_json(data)
        changes = {k: v for k, v in (("id", framework_id), ("version", version)) if v is not None}
        if name is not None:
            changes["name"] = dict.fromkeys(framework.languages, name)  # type: ignore[assignment]
        if changes:
            document = framework.model_dump(mode="json", exclude_none=True) | changes
            framework = parse_json(document)
        return framework
    if suffix in (".csv", ".txt"):
        fid = framework_id or slug(PurePath(filename).stem)[:24].strip("-") or "framework"
        return parse_csv(
            data, framework_id=fid, name=name, version=version or "1.0", encoding=encoding
        )
    raise InvalidInput(
        "a framework file is .csv or .json",
        code=ErrorCode.invalid_framework,
        detail={"file": PurePath(filename).name},
    )
