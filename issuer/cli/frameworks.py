"""``rugzak-issuer framework import|list|show|export|edit|edit-skill|edit-level``."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from issuer.cli.common import err, issuer_for, out, print_json, print_table, read_json_object, run
from shared.errors import ErrorCode, InvalidInput
from shared.skills import BUILTIN

if TYPE_CHECKING:
    from issuer.frameworks import FrameworkEdit, LevelEdit, SkillEdit
    from issuer.service.frameworks import FrameworkOps
    from shared.skills import Framework

app = typer.Typer(no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="Language of the texts (default: the framework's).")
]


def _frameworks(ctx: typer.Context) -> AbstractContextManager[FrameworkOps]:
    """The issuer's frameworks part alone: these commands award nothing, so they
    need neither the awarding nor the credential core."""
    from issuer.service.frameworks import FrameworkOps

    return issuer_for(ctx, unlock=False, ops=FrameworkOps)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path | None, typer.Argument(help="A .csv or .json framework file.", show_default=False)
    ] = None,
    shipped: Annotated[
        str | None,
        typer.Option(
            "--builtin", help=f"Import a framework Rugzak ships: {', '.join(sorted(BUILTIN))}."
        ),
    ] = None,
    framework_id: Annotated[
        str | None, typer.Option("--id", help="Framework id (CSV default: the file name).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Framework name (CSV).")] = None,
    version: Annotated[str | None, typer.Option(help="Framework version.")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Encoding of a CSV that is not UTF-8, e.g. cp1252.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(help="Language of the achievements (default: the framework's first)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import a skill framework; each skill becomes an achievement you can award."""

    def act() -> None:
        framework = _read(file, shipped, framework_id, name, version, encoding)
        with _frameworks(ctx) as issuer:
            summary = issuer.import_framework(framework, actor="cli", language=language)
        if as_json:
            print_json(summary)
            return
        achievements = summary["achievements"]
        out.print(
            f"Imported {summary['id']}: {summary['skills']} skills, {summary['levels']} levels, "
            f"{summary['behaviours']} behaviours ({summary['language']}); achievements "
            f"{achievements['created']} created, {achievements['updated']} updated.\n"
            f"Published at {summary['url']}",
            markup=False,
            highlight=False,
        )
        out.print(
            f"Award a level: rugzak-issuer issue -a {achievements['ids'][0]} "
            "--recipient DID --result 2",
            markup=False,
            highlight=False,
        )

    run(act)


def _read(
    file: Path | None,
    shipped: str | None,
    framework_id: str | None,
    name: str | None,
    version: str | None,
    encoding: str | None,
) -> Framework:
    from shared.csv_text import WINDOWS_1252_NOTE, read_as_windows_1252
    from shared.skills import builtin, load_file
    from shared.skills.tabular import MAX_CSV_BYTES

    if (file is None) == (shipped is None):
        raise InvalidInput(
            "give a framework file or --builtin NAME (one of them)",
            code=ErrorCode.invalid_request,
        )
    if shipped is not None:
        framework = builtin(shipped)
        if framework_id or name or version:
            document = framework.model_dump(mode="json", exclude_none=True)
            return load_file(
                "shipped.json",
                json.dumps(document).encode(),
                framework_id=framework_id,
                name=name,
                version=version,
            )
        return framework
    assert file is not None
    try:
        if file.stat().st_size > MAX_CSV_BYTES:
            raise InvalidInput(
                f"{file.name} is larger than {MAX_CSV_BYTES} bytes",
                code=ErrorCode.payload_too_large,
            )
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {file.name}", code=ErrorCode.invalid_request) from exc
    framework = load_file(
        file.name, data, framework_id=framework_id, name=name, version=version, encoding=encoding
    )
    if encoding is None and file.suffix.lower() != ".json" and read_as_windows_1252(data):
        err.print(f"{file.name}: {WINDOWS_1252_NOTE}.", highlight=False)
    return framework


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """List the imported frameworks."""

    def act() -> None:
        with _frameworks(ctx) as issuer:
            views = issuer.frameworks()
        if as_json:
            print_json(views)
            return
        rows = [
            [
                v["id"],
                v["name"].get(v["language"], ""),
                str(v["version"]),
                ", ".join(v["languages"]),
                str(v["skills"]),
                v["url"],
            ]
            for v in views
        ]
        headers = ["id", "name", "version", "languages", "skills", "url"]
        print_table(headers, rows, whole=("id",))

    run(act)


@app.command("show")
def show(
    ctx: typer.Context,
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    skill: Annotated[
        str | None, typer.Option(help="Show one skill's levels and behaviours.")
    ] = None,
    lang: LangOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Show a framework's skills, or one skill with its levels and behaviours."""

    def act() -> None:
        with _frameworks(ctx) as issuer:
            framework = issuer.framework(framework_id)
        if skill is None:
            if as_json:
                print_json(framework.model_dump(mode="json", exclude_none=True))
                return
            rows = [
                [s.id, s.code or "", framework.text(s.name, lang), str(len(s.levels))]
                for s in framework.skills
            ]
            print_table(["skill", "code", "name", "levels"], rows, whole=("skill",))
            return
        chosen = framework.skill(skill)
        if as_json:
            print_json(chosen.model_dump(mode="json", exclude_none=True))
            return
        lines = [f"{framework.text(chosen.name, lang)}: {framework.text(chosen.description, lang)}"]
        for level in chosen.levels:
            lines.append(f"\n{level.number}. {framework.text(level.name, lang)}")
            lines += [f"   - {framework.text(b, lang)}" for b in level.behaviours]
        out.print("\n".join(lines), markup=False, highlight=False)

    run(act)


@app.command("export")
def export(
    ctx: typer.Context,
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    format_: Annotated[
        str, typer.Option("--format", help="json (Rugzak), csv (the import format) or case.")
    ] = "json",
    lang: LangOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Export a framework as JSON, CSV or a CASE-like package."""

    def act() -> None:
        with _frameworks(ctx) as issuer:
            if format_ == "json":
                data = _json(issuer.framework_json(framework_id))
            elif format_ == "csv":
                data = issuer.framework_csv(framework_id)
            elif format_ == "case":
                data = _json(issuer.framework_case(framework_id, lang))
            else:
                raise InvalidInput(
                    "the format is json, csv or case",
                    code=ErrorCode.invalid_request,
                    detail=format_,
                )
        if output is None:
            typer.echo(data.decode("utf-8-sig"), nl=False)
        else:
            output.write_bytes(data)
            out.print(f"Wrote {output}", markup=False, highlight=False)

    run(act)


def _json(value: dict[str, Any]) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@app.command("edit")
def edit(
    ctx: typer.Context,
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    name: Annotated[str | None, typer.Option(help="New name (in --lang).")] = None,
    description: Annotated[str | None, typer.Option(help="New description (in --lang).")] = None,
    version: Annotated[
        str | None, typer.Option(help="New version (bump it after changing behaviours).")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Change a framework's name, description or version; every achievement follows."""
    from issuer.frameworks import FrameworkEdit

    def act() -> None:
        with _frameworks(ctx) as issuer:
            language = lang or issuer.framework(framework_id).language
            change = _model(
                FrameworkEdit, {**_texts(language, name, description), "version": version}
            )
            info = issuer.edit_framework(framework_id, change, actor="cli")
        out.print(
            f"Updated {info['id']}: {info['name'].get(language, '')}, version {info['version']}",
            markup=False,
            highlight=False,
        )

    run(act)


@app.command("edit-skill")
def edit_skill(
    ctx: typer.Context,
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    skill_id: Annotated[str, typer.Argument(help="Skill id.")],
    name: Annotated[str | None, typer.Option(help="New name (in --lang).")] = None,
    description: Annotated[str | None, typer.Option(help="New description (in --lang).")] = None,
    code: Annotated[str | None, typer.Option(help="New code, e.g. LV-02.")] = None,
    lang: LangOpt = None,
) -> None:
    """Rename a skill or change its description; its achievement follows."""
    from issuer.frameworks import SkillEdit

    def act() -> None:
        with _frameworks(ctx) as issuer:
            language = lang or issuer.framework(framework_id).language
            change = _model(SkillEdit, {**_texts(language, name, description), "code": code})
            skill = issuer.edit_skill(framework_id, skill_id, change, actor="cli")
        out.print(
            f"Updated {skill['id']}: {skill['name'].get(language, '')}",
            markup=False,
            highlight=False,
        )

    run(act)


@app.command("edit-level")
def edit_level(
    ctx: typer.Context,
    framework_id: Annotated[str, typer.Argument(help="Framework id.")],
    skill_id: Annotated[str, typer.Argument(help="Skill id.")],
    level: Annotated[int, typer.Argument(help="Level number.")],
    name: Annotated[str | None, typer.Option(help="New level name (in --lang).")] = None,
    description: Annotated[
        str | None, typer.Option(help="New level description (in --lang).")
    ] = None,
    behaviour: Annotated[
        list[str] | None,
        typer.Option(
            "--behaviour",
            help="A behaviour in --lang (repeat for each; replaces that language's list). "
            "Other languages keep theirs, so give as many as there are.",
        ),
    ] = None,
    from_json: Annotated[
        Path | None,
        typer.Option(help='A JSON file {"name":{..},"description":{..},"behaviours":[{..}]}.'),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Change a level's name, description or behaviours; its achievement follows."""
    from issuer.frameworks import LevelEdit

    def act() -> None:
        with _frameworks(ctx) as issuer:
            framework = issuer.framework(framework_id)
            language = lang or framework.language
            data: dict[str, Any] = {} if from_json is None else read_json_object(from_json)
            data.update(_texts(language, name, description))
            if behaviour:
                current = framework.skill(skill_id).level(level).behaviours
                data["behaviours"] = [
                    {**(current[i] if i < len(current) else {}), language: text}
                    for i, text in enumerate(behaviour)
                ]
            change = _model(LevelEdit, data)
            skill = issuer.edit_level(framework_id, skill_id, level, change, actor="cli")
        changed = next(lv for lv in skill["levels"] if lv["number"] == level)
        lines = [f"Updated {skill['id']} level {level}:"]
        lines += [f"  - {b.get(language, '')}" for b in changed["behaviours"]]
        out.print("\n".join(lines), markup=False, highlight=False)

    run(act)


def _texts(language: str, name: str | None, description: str | None) -> dict[str, dict[str, str]]:
    """The name and description given on the command line, each a text in ``language``
    (the edit replaces that language's text and keeps the others)."""
    given = {"name": name, "description": description}
    return {key: {language: text} for key, text in given.items() if text is not None}


def _model(
    cls: type[FrameworkEdit] | type[SkillEdit] | type[LevelEdit], data: dict[str, Any]
) -> Any:
    from pydantic import ValidationError

    from issuer.achievements import invalid

    try:
        return cls.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise invalid(exc) from exc
