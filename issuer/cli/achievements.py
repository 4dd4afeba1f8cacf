"""``rugzak-issuer achievement create|list|show|update|retire``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from issuer.cli.common import (
    err,
    issuer_for,
    out,
    print_json,
    print_table,
    read_json_object,
    run,
    state,
    styled,
)
from shared.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    from issuer.service.achievements import AchievementOps

app = typer.Typer(no_args_is_help=True)

NameOpt = Annotated[str | None, typer.Option(help="Name, e.g. 'Perseverance, level 2'.")]
DescriptionOpt = Annotated[str | None, typer.Option(help="What it recognises.")]
CriteriaOpt = Annotated[str | None, typer.Option("--criteria", help="How to earn it (Markdown).")]
CriteriaUrlOpt = Annotated[str | None, typer.Option(help="A page describing the criteria.")]
ImageOpt = Annotated[str | None, typer.Option(help="Image file (embedded) or https URL.")]
TypeOpt = Annotated[str | None, typer.Option("--type", help="achievementType, e.g. Badge.")]
LegacyOpt = Annotated[
    bool | None,
    typer.Option(
        "--legacy-proof/--no-legacy-proof",
        help="Also sign with Ed25519Signature2020 (older wallets); default: the issuer's "
        "RUGZAK_ISSUER_LEGACY_PROOFS.",
    ),
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")]
AlignOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--align",
        help="Alignment 'NAME|URL[|FRAMEWORK[|CODE]]' to a framework node (repeatable).",
    ),
]
ResultOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--result-description",
        help="A result kind 'NAME[=V1,V2,...]', e.g. 'Level=1,2,3,4' (repeatable).",
    ),
]
ValidOpt = Annotated[int | None, typer.Option(help="Credentials expire after this many days.")]
JsonOpt = Annotated[
    Path | None, typer.Option("--from-json", help="Read the definition from a JSON file.")
]


def _achievements(ctx: typer.Context) -> AbstractContextManager[AchievementOps]:
    """The issuer's achievements part alone: these commands award nothing, so they
    need neither the awarding nor the credential core."""
    from issuer.service.achievements import AchievementOps

    return issuer_for(ctx, unlock=False, ops=AchievementOps)


def _fields(
    settings_max_image: int,
    name: str | None,
    description: str | None,
    criteria: str | None,
    criteria_url: str | None,
    image: str | None,
    type_: str | None,
    tag: list[str] | None,
    align: list[str] | None,
    result: list[str] | None,
    valid_days: int | None,
    from_json: Path | None,
) -> dict[str, Any]:
    from issuer.achievements import image_from_file

    data: dict[str, Any] = {} if from_json is None else read_json_object(from_json)
    for key, value in (
        ("name", name),
        ("description", description),
        ("criteria_narrative", criteria),
        ("criteria_url", criteria_url),
        ("achievement_type", type_),
        ("valid_days", valid_days),
    ):
        if value is not None:
            data[key] = value
    if image is not None:
        local = not image.startswith(("https://", "http://", "data:"))
        if local:
            loaded = image_from_file(Path(image), settings_max_image)
            data["image"] = loaded.uri
            if loaded.fitted:
                err.print(f"Image {Path(image).name}: {loaded.fitted}.", highlight=False)
        else:
            data["image"] = image
    if tag:
        data["tags"] = tag
    if align:
        data["alignments"] = [_alignment(a) for a in align]
    if result:
        data["result_descriptions"] = [_result(r) for r in result]
    return data


def _alignment(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 2 or len(parts) > 4:
        raise InvalidInput(
            "an alignment is 'NAME|URL[|FRAMEWORK[|CODE]]'",
            code=ErrorCode.invalid_request,
            detail=text,
        )
    keys = ["target_name", "target_url", "target_framework", "target_code"]
    return {k: v for k, v in zip(keys, parts, strict=False) if v}


def _result(text: str) -> dict[str, Any]:
    name, sep, values = text.partition("=")
    out_: dict[str, Any] = {"name": name.strip()}
    if sep:
        out_["allowed_values"] = [v.strip() for v in values.split(",") if v.strip()]
    return out_


@app.command("create")
def create(
    ctx: typer.Context,
    name: NameOpt = None,
    description: DescriptionOpt = None,
    criteria: CriteriaOpt = None,
    criteria_url: CriteriaUrlOpt = None,
    image: ImageOpt = None,
    type_: TypeOpt = None,
    tag: TagOpt = None,
    align: AlignOpt = None,
    result: ResultOpt = None,
    valid_days: ValidOpt = None,
    from_json: JsonOpt = None,
    legacy_proof: LegacyOpt = None,
    achievement_id: Annotated[str | None, typer.Option("--id", help="Choose the id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Define an achievement."""
    from issuer.achievements import parse_input

    def act() -> None:
        settings = state(ctx).settings()
        data = _fields(
            settings.max_image_bytes,
            name,
            description,
            criteria,
            criteria_url,
            image,
            type_,
            tag,
            align,
            result,
            valid_days,
            from_json,
        )
        if legacy_proof is not None:
            data["legacy_proof"] = legacy_proof
        with _achievements(ctx) as issuer:
            view = issuer.create_achievement(
                parse_input(data), actor="cli", achievement_id=achievement_id
            )
        _show(view, as_json)

    run(act)


@app.command("update")
def update(
    ctx: typer.Context,
    achievement_id: Annotated[str, typer.Argument(help="Achievement id.")],
    name: NameOpt = None,
    description: DescriptionOpt = None,
    criteria: CriteriaOpt = None,
    criteria_url: CriteriaUrlOpt = None,
    image: ImageOpt = None,
    type_: TypeOpt = None,
    tag: TagOpt = None,
    align: AlignOpt = None,
    result: ResultOpt = None,
    valid_days: ValidOpt = None,
    from_json: JsonOpt = None,
    legacy_proof: LegacyOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Change an achievement (credentials already issued keep what they say)."""
    from pydantic import ValidationError

    from issuer.achievements import AchievementUpdate, invalid

    def act() -> None:
        settings = state(ctx).settings()
        data = _fields(
            settings.max_image_bytes,
            name,
            description,
            criteria,
            criteria_url,
            image,
            type_,
            tag,
            align,
            result,
            valid_days,
            from_json,
        )
        if legacy_proof is not None:
            data["legacy_proof"] = legacy_proof
        try:
            change = AchievementUpdate.model_validate(data)
        except ValidationError as exc:
            raise invalid(exc) from exc
        with _achievements(ctx) as issuer:
            view = issuer.update_achievement(achievement_id, change, actor="cli")
        _show(view, as_json)

    run(act)


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include retired ones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List achievements."""

    def act() -> None:
        with _achievements(ctx) as issuer:
            views = issuer.achievements(include_retired=all_)
        if as_json:
            print_json(views)
            return
        rows = [
            [
                v["id"],
                v["definition"]["name"],
                v["definition"].get("achievement_type", ""),
                ", ".join(r["name"] for r in v["definition"].get("result_descriptions", [])),
                str(v["definition"].get("valid_days") or ""),
                "yes" if v["retired"] else "",
            ]
            for v in views
        ]
        headers = ["id", "name", "type", "results", "valid days", "retired"]
        print_table(headers, rows, whole=("id",))

    run(act)


@app.command("show")
def show(
    ctx: typer.Context,
    achievement_id: Annotated[str, typer.Argument(help="Achievement id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one achievement as it appears in credentials."""

    def act() -> None:
        with _achievements(ctx) as issuer:
            _show(issuer.achievement(achievement_id), as_json)

    run(act)


@app.command("retire")
def retire(
    ctx: typer.Context, achievement_id: Annotated[str, typer.Argument(help="Achievement id.")]
) -> None:
    """Stop awarding an achievement (issued credentials stay valid)."""

    def act() -> None:
        with _achievements(ctx) as issuer:
            issuer.retire_achievement(achievement_id, actor="cli")
        out.print(f"Retired {achievement_id}", highlight=False)

    run(act)


def _show(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(view)
        return
    out.print(styled((view["id"], "bold"), "  ", view["url"]))
    if view["retired"]:
        out.print("(retired)")
    print_json(_abbreviated(view["achievement"]))


def _abbreviated(value: Any) -> Any:
    """``value`` with each embedded image (a data: URI of tens of KB of base64, screens
    of it in a terminal) written as its type and size; ``--json`` keeps them whole."""
    if isinstance(value, dict):
        return {key: _abbreviated(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_abbreviated(item) for item in value]
    if isinstance(value, str) and value.startswith("data:") and len(value) > 200:
        head = value.split(",", 1)[0]
        from issuer.achievements import size_text

        return f"{head},... ({size_text(len(value) * 3 // 4)})"
    return value
