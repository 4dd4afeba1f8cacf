"""Frameworks as CSV: one row per skill x level, the behaviours in columns.

The files come out of Excel and LibreOffice, so the reader takes what they make:
UTF-8 with or without a byte-order mark, ``;`` (Dutch Excel) or ``,`` as the
delimiter (read from the header line), Dutch or English headers in any case.
A file that is not UTF-8 is read as Windows-1252 (Excel's "CSV
(puntkomma-gescheiden)") when it is text in it, as batch files are
(``shared.csv_text``); the CLI says so, so the accents get checked.

Columns (header names, case and ``_``/``-`` ignored; Dutch or English):

- ``vaardigheid`` / ``skill``: the skill's name (required)
- ``niveau`` / ``level``: the level number, 1 to N (required)
- ``gedrag 1`` .. ``gedrag N`` / ``behaviour 1`` ..: the behaviours (at least one)
- optional: ``id`` (else made from the name), ``code``, ``omschrijving`` /
  ``description`` (of the skill), ``niveaunaam`` / ``level name``,
  ``niveauomschrijving`` / ``level description``,
  ``koppeling`` / ``alignment url`` and ``koppeling naam`` / ``alignment name``.

A column holds the framework's first language unless its header ends in a
language code: ``gedrag 1 (en)``, ``behaviour_1_en``, ``vaardigheid [nl]``.
Skill texts repeat on each of the skill's rows; rows that disagree are refused.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from shared import csv_text
from shared.errors import ErrorCode, InvalidInput
from shared.skills.model import Framework, Problem, framework_error, slug, validate

MAX_CSV_BYTES = 4 * 1024 * 1024
MAX_ROWS = 5000
KNOWN_LANGUAGES = ("nl", "en", "de", "fr", "es", "it", "pt", "pl", "tr", "ar", "uk", "fy")
_BEHAVIOUR = re.compile(
    r"^(?:gedrag|gedraging|gedragsindicator|behaviour|behavior|indicator) ?(\d{1,2})$"
)
_LANG_TAG = re.compile(r"^(?P<base>.*?)[ ]?[(\[]?(?P<lang>[a-z]{2})[)\]]?$")

# header (normalised) -> (field, Dutch?)
_FIELDS: dict[str, tuple[str, bool]] = {}
for _names, _field, _dutch in (
    (("vaardigheid", "naam vaardigheid", "vaardigheid naam"), "skill", True),
    (("skill", "skill name"), "skill", False),
    (("id", "skill id"), "skill_id", False),
    (("vaardigheid id",), "skill_id", True),
    (("code", "skill code"), "code", False),
    (("vaardigheid code", "vaardigheidscode"), "code", True),
    (
        (
            "omschrijving",
            "beschrijving",
            "omschrijving vaardigheid",
            "vaardigheid omschrijving",
            "beschrijving vaardigheid",
        ),
        "description",
        True,
    ),
    (("description", "skill description"), "description", False),
    (("niveau", "niveau nummer"), "level", True),
    (("level", "level number"), "level", False),
    (("niveaunaam", "niveau naam", "naam niveau"), "level_name", True),
    (("level name",), "level_name", False),
    (
        (
            "niveauomschrijving",
            "niveau omschrijving",
            "omschrijving niveau",
            "niveaubeschrijving",
            "niveau beschrijving",
            "beschrijving niveau",
        ),
        "level_description",
        True,
    ),
    (("level description",), "level_description", False),
    (("koppeling", "koppeling url"), "alignment_url", True),
    (("alignment", "alignment url"), "alignment_url", False),
    (("koppeling naam",), "alignment_name", True),
    (("alignment name",), "alignment_name", False),
):
    for _name in _names:
        _FIELDS[_name] = (_field, _dutch)
_DUTCH_HEADERS = (
    "id", "vaardigheid", "omschrijving", "niveau", "niveaunaam", "niveauomschrijving", "gedrag",
)  # fmt: skip
_ENGLISH_HEADERS = (
    "id", "skill", "description", "level", "level name", "level description", "behaviour",
)  # fmt: skip
_PER_LANGUAGE = {"skill", "description", "level_name", "level_description", "behaviour"}


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str
    language: str | None  # None: the framework's first language
    number: int = 0  # behaviour number


@dataclass
class _SkillRows:
    line: int
    values: dict[str, str]  # "field:lang" -> text, the first row's
    levels: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)


def decode(data: bytes, encoding: str | None = None) -> str:
    """The text of a framework CSV (``shared.csv_text``: UTF-8, else Windows-1252, or
    ``encoding`` if named), within the size limit."""
    if len(data) > MAX_CSV_BYTES:
        raise InvalidInput(
            f"the framework file is larger than {MAX_CSV_BYTES} bytes",
            code=ErrorCode.payload_too_large,
            detail={"bytes": len(data), "limit": MAX_CSV_BYTES},
        )
    return csv_text.decode(data, code=ErrorCode.framework_encoding, encoding=encoding)


def columns(headers: list[str]) -> tuple[list[Column], list[Problem], bool]:
    """Map the header row to fields; also whether the headers are Dutch."""
    out: list[Column] = []
    problems: list[Problem] = []
    dutch_votes = english_votes = 0
    seen: dict[tuple[str, str | None, int], str] = {}
    for index, raw in enumerate(headers):
        name = re.sub(r"[\s_-]+", " ", raw.strip().lower()).strip()
        if not name:
            continue
        column = _column(index, raw, name)
        if column is None:
            problems.append(
                Problem("unknown_column", f"unknown column '{raw.strip()}'", line=1, column=raw)
            )
            continue
        dutch = column.field == "behaviour" and name.startswith("gedrag")
        known = _FIELDS.get(_strip_lang(name))
        if dutch or (known is not None and known[1]):
            dutch_votes += 1
        elif column.field in ("skill", "level", "behaviour"):
            english_votes += 1
        key = (column.field, column.language, column.number)
        if key in seen:
            problems.append(
                Problem(
                    "duplicate_column",
                    f"columns '{seen[key]}' and '{raw.strip()}' mean the same",
                    line=1,
                    column=raw,
                )
            )
            continue
        seen[key] = raw.strip()
        out.append(column)
    fields = {c.field for c in out}
    for needed, label in (
        ("skill", "vaardigheid/skill"),
        ("level", "niveau/level"),
        ("behaviour", "gedrag 1/behaviour 1"),
    ):
        if needed not in fields:
            problems.append(Problem("missing_column", f"no '{label}' column", line=1))
    return out, problems, dutch_votes > english_votes


def _strip_lang(name: str) -> str:
    match = _LANG_TAG.fullmatch(name)
    if match and match["lang"] in KNOWN_LANGUAGES and match["base"].strip():
        return match["base"].strip()
    return name


def _column(index: int, raw: str, name: str) -> Column | None:
    candidates: list[tuple[str, str | None]] = [(name, None)]
    match = _LANG_TAG.fullmatch(name)
    if match and match["lang"] in KNOWN_LANGUAGES and match["base"].strip():
        candidates.insert(0, (match["base"].strip(), match["lang"]))
    for base, lang in candidates:
        behaviour = _BEHAVIOUR.fullmatch(base)
        if behaviour:
            return Column(index, raw, "behaviour", lang, int(behaviour[1]))
        known = _FIELDS.get(base)
        if known is not None:
            if lang is not None and known[0] not in _PER_LANGUAGE:
                continue
            return Column(index, raw, known[0], lang)
    return None


def parse_csv(
    data: bytes,
    *,
    framework_id: str,
    name: str | dict[str, str] | None = None,
    version: str = "1.0",
    languages: list[str] | None = None,
    level_count: int | None = None,
    behaviours_per_level: int | None = None,
    encoding: str | None = None,
) -> Framework:
    """A checked framework from CSV bytes; ``invalid_framework`` lists bad rows by line."""
    text = decode(data, encoding)
    delimiter = csv_text.field_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        headers = next(reader)
    except StopIteration:
        raise framework_error([Problem("empty_file", "the file is empty", line=1)]) from None
    except csv.Error as exc:
        raise framework_error([Problem("invalid_csv", str(exc), line=1)]) from exc
    cols, problems, dutch = columns(headers)
    if problems:
        raise framework_error(problems)
    langs = languages or _languages(cols, "nl" if dutch else "en")
    first = langs[0]
    skills: dict[str, _SkillRows] = {}
    order: list[str] = []
    line = 1
    rows = 0
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem("invalid_csv", str(exc), line=start))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
        if rows > MAX_ROWS:
            problems.append(Problem("too_many_rows", f"more than {MAX_ROWS} rows", line=start))
            break
        if len(row) > len(headers) and any(c.strip() for c in row[len(headers) :]):
            problems.append(
                Problem("extra_cells", "the row has more cells than the header", line=start)
            )
            continue
        values = {
            f"{c.field}:{c.language or first}:{c.number}": row[c.index].strip()
            for c in cols
            if c.index < len(row)
        }
        problems += _row(values, start, langs, skills, order)
    if problems:
        raise framework_error(problems)
    if not order:
        raise framework_error([Problem("empty_file", "the file has no rows", line=2)])
    document = _document(
        framework_id, name, version, langs, skills, order, level_count, behaviours_per_level
    )
    try:
        return validate(document)
    except InvalidInput as exc:
        raise _with_lines(exc, skills) from exc


def _languages(cols: list[Column], default: str) -> list[str]:
    langs = [default]
    for column in cols:
        if column.language and column.language not in langs:
            langs.append(column.language)
    return langs


def _get(values: dict[str, str], key: str, lang: str, number: int = 0) -> str:
    return values.get(f"{key}:{lang}:{number}", "")


def _row(
    values: dict[str, str],
    line: int,
    langs: list[str],
    skills: dict[str, _SkillRows],
    order: list[str],
) -> list[Problem]:
    first = langs[0]
    skill_name = _get(values, "skill", first)
    level_text = _get(values, "level", first)
    problems: list[Problem] = []
    if not skill_name:
        problems.append(Problem("missing_value", "the skill name is empty", line=line))
    level = _level_number(level_text)
    if level is None:
        problems.append(
            Problem("invalid_level", f"'{level_text}' is not a level number", line=line)
        )
    if problems:
        return problems
    assert level is not None
    skill_id = slug(_get(values, "skill_id", first) or skill_name)
    if not skill_id:
        return [Problem("invalid_skill_id", "the skill name gives no usable id", line=line)]
    skill_values = {
        f"{key}:{lang}": _get(values, key, lang)
        for key in ("skill", "description")
        for lang in langs
    }
    skill_values["code"] = _get(values, "code", first)
    skill_values["alignment_url"] = _get(values, "alignment_url", first)
    skill_values["alignment_name"] = _get(values, "alignment_name", first)
    entry = skills.get(skill_id)
    if entry is None:
        entry = skills[skill_id] = _SkillRows(line, skill_values)
        order.append(skill_id)
    else:
        for key, value in skill_values.items():
            if value and entry.values.get(key) and value != entry.values[key]:
                problems.append(
                    Problem(
                        "conflicting_value",
                        f"'{key.split(':')[0]}' differs from line {entry.line} for the same skill",
                        line=line,
                        skill=skill_id,
                    )
                )
            elif value and not entry.values.get(key):
                entry.values[key] = value
    if level in entry.levels:
        problems.append(
            Problem(
                "duplicate_level",
                f"level {level} of '{skill_name}' is also on line {entry.levels[level][0]}",
                line=line,
                skill=skill_id,
                level=level,
            )
        )
        return problems
    behaviours, behaviour_problems = _behaviours(values, langs, line, skill_id, level)
    problems += behaviour_problems
    entry.levels[level] = (
        line,
        {
            "number": level,
            "name": _lang_text(values, "level_name", langs) or {lang: str(level) for lang in langs},
            "description": _lang_text(values, "level_description", langs),
            "behaviours": behaviours,
        },
    )
    return problems


def _level_number(text: str) -> int | None:
    match = re.fullmatch(r"(?:niveau|level)?\s*(\d{1,2})", text.strip().lower())
    return int(match[1]) if match else None


def _lang_text(values: dict[str, str], key: str, langs: list[str]) -> dict[str, str] | None:
    text = {lang: _get(values, key, lang) for lang in langs if _get(values, key, lang)}
    return text or None


def _behaviours(
    values: dict[str, str], langs: list[str], line: int, skill: str, level: int
) -> tuple[list[dict[str, str]], list[Problem]]:
    numbers = sorted({int(k.split(":")[2]) for k in values if k.startswith("behaviour:")})
    out: list[dict[str, str]] = []
    problems: list[Problem] = []
    gap = False
    for number in numbers:
        text = {lang: _get(values, "behaviour", lang, number) for lang in langs}
        filled = {lang: t for lang, t in text.items() if t}
        if not filled:
            gap = True
            continue
        if gap:
            problems.append(
                Problem(
                    "behaviour_gap",
                    f"behaviour {number} follows an empty behaviour column",
                    line=line,
                    skill=skill,
                    level=level,
                )
            )
        if len(filled) != len(langs):
            absent = ", ".join(lang for lang in langs if lang not in filled)
            problems.append(
                Problem(
                    "missing_translation",
                    f"behaviour {number} has no text in {absent}",
                    line=line,
                    skill=skill,
                    level=level,
                )
            )
        out.append(filled)
    if not out:
        problems.append(
            Problem(
                "no_behaviours", "the level has no behaviours", line=line, skill=skill, level=level
            )
        )
    return out, problems


def _document(
    framework_id: str,
    name: str | dict[str, str] | None,
    version: str,
    langs: list[str],
    skills: dict[str, _SkillRows],
    order: list[str],
    level_count: int | None,
    behaviours_per_level: int | None,
) -> dict[str, Any]:
    if isinstance(name, dict):
        names = name
    else:
        names = dict.fromkeys(langs, name or framework_id)
    out_skills = []
    for skill_id in order:
        entry = skills[skill_id]
        skill: dict[str, Any] = {
            "id": skill_id,
            "name": {
                lang: entry.values[f"skill:{lang}"]
                for lang in langs
                if entry.values.get(f"skill:{lang}")
            },
            "description": {
                lang: entry.values[f"description:{lang}"]
                for lang in langs
                if entry.values.get(f"description:{lang}")
            }
            or {lang: entry.values.get(f"skill:{lang}") or skill_id for lang in langs},
            "levels": [entry.levels[n][1] for n in sorted(entry.levels)],
        }
        for lang in langs:
            if lang not in skill["name"]:
                skill["name"][lang] = ""  # reported as a missing translation
        if entry.values.get("code"):
            skill["code"] = entry.values["code"]
        if entry.values.get("alignment_url"):
            skill["alignments"] = [
                {
                    "name": entry.values.get("alignment_name") or skill["name"][langs[0]],
                    "url": entry.values["alignment_url"],
                }
            ]
        for level in skill["levels"]:
            if level["description"] is None:
                del level["description"]
        out_skills.append(skill)
    counts = {len(level["behaviours"]) for s in out_skills for level in s["levels"]}
    return {
        "id": framework_id,
        "name": names,
        "version": version,
        "languages": langs,
        "level_count": level_count or max(len(s["levels"]) for s in out_skills),
        "behaviours_per_level": behaviours_per_level
        or (counts.pop() if len(counts) == 1 else None),
        "skills": out_skills,
    }


def _with_lines(exc: InvalidInput, skills: dict[str, _SkillRows]) -> InvalidInput:
    """Add the CSV line to problems found on the whole framework."""
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    problems = []
    for item in detail.get("problems", []):
        entry = skills.get(item.get("skill", ""))
        if entry is not None and "line" not in item:
            level = item.get("level")
            item["line"] = entry.levels[level][0] if level in entry.levels else entry.line
        problems.append(Problem(**item))
    if not problems:
        return exc
    return framework_error(problems)


def to_csv(framework: Framework, *, delimiter: str = ";", bom: bool = True) -> bytes:
    """The framework as the CSV :func:`parse_csv` reads (Dutch headers when ``nl`` is first).

    The BOM and ``;`` make Excel in a Dutch locale open it without an import dialog.
    """
    langs = framework.languages
    dutch = langs[0] == "nl"
    width = max(len(level.behaviours) for s in framework.skills for level in s.levels)

    def tagged(base: str, lang: str) -> str:
        return base if lang == langs[0] else f"{base} ({lang})"

    names = _DUTCH_HEADERS if dutch else _ENGLISH_HEADERS
    header = [names[0], "code"]
    header += [tagged(names[1], lang) for lang in langs]
    header += [tagged(names[2], lang) for lang in langs]
    header += [names[3]]
    header += [tagged(names[4], lang) for lang in langs]
    header += [tagged(names[5], lang) for lang in langs]
    for lang in langs:
        header += [tagged(f"{names[6]} {n}", lang) for n in range(1, width + 1)]
    aligned = any(skill.alignments for skill in framework.skills)
    if aligned:
        header += ["koppeling", "koppeling naam"] if dutch else ["alignment url", "alignment name"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for skill in framework.skills:
        for level in skill.levels:
            row = [skill.id, skill.code or ""]
            row += [skill.name.get(lang, "") for lang in langs]
            row += [skill.description.get(lang, "") for lang in langs]
            row += [str(level.number)]
            row += [level.name.get(lang, "") for lang in langs]
            row += [(level.description or {}).get(lang, "") for lang in langs]
            for lang in langs:
                texts = [b.get(lang, "") for b in level.behaviours]
                row += texts + [""] * (width - len(texts))
            if aligned:
                target = skill.alignments[0] if skill.alignments else None
                row += [target.url, target.name] if target else ["", ""]
            writer.writerow(row)
    text = buffer.getvalue()
    return (csv_text.BOM if bom else b"") + text.encode("utf-8")
