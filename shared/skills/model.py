"""A skill framework: skills, each with numbered levels, each level with behaviours.

Every text is a :data:`LangText`, one string per language, because the frameworks
Rugzak ships (and the ones organisations bring) are read by Dutch and English
speakers alike. A behaviour is one ``LangText``, so its translations stay paired.

The pydantic models check shapes (types, lengths, id syntax); :func:`check_framework`
checks what only the whole framework can tell (every skill has levels 1..N, every
text in every language, the same number of behaviours in each language) and returns
:class:`Problem` values, which importers turn into errors that name the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from shared.errors import ErrorCode, InvalidInput, NotFound

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
FRAMEWORK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,23}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
MAX_SKILLS = 200
MAX_LEVELS = 10
MAX_BEHAVIOURS = 12
MAX_PROBLEMS = 50
_LANGUAGE = re.compile(LANGUAGE_PATTERN)
_SLUG = re.compile(r"[^a-z0-9]+")
_FOLD = str.maketrans("áàäâéèëêíìïîóòöôúùüûçñ", "aaaaeeeeiiiioooouuuucn")


def _check_lang_text(value: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang, text in value.items():
        if not _LANGUAGE.fullmatch(lang):
            raise ValueError(f"{lang!r} is not a language code such as 'nl' or 'en'")
        stripped = text.strip()
        if not stripped:
            raise ValueError(f"the {lang} text is empty")
        out[lang] = stripped
    if not out:
        raise ValueError("a text needs at least one language")
    return out


LangText = Annotated[
    dict[str, Annotated[str, Field(max_length=4000)]], AfterValidator(_check_lang_text)
]
"""One text in several languages: ``{"nl": "Luisteren", "en": "Listening"}``."""


def _one_line(value: dict[str, str]) -> dict[str, str]:
    # Names, level texts and behaviours become lines of a rubric level's description
    # ("- behaviour"), which readers split on line breaks: a line break inside one
    # (Alt+Enter in an Excel cell) would read as a second behaviour.
    return {lang: " ".join(text.split()) for lang, text in value.items()}


LineText = Annotated[LangText, AfterValidator(_one_line)]
"""A :data:`LangText` on one line (runs of white space, line breaks included, become one space)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlignmentTarget(_Model):
    """A node in another framework this skill corresponds to (ESCO, a CASE item...)."""

    name: str = Field(min_length=1, max_length=300)
    url: str = Field(min_length=1, max_length=2048, pattern=r"^https?://\S+$")
    framework: str | None = Field(default=None, max_length=300)
    code: str | None = Field(default=None, max_length=100)
    type: str | None = Field(default=None, max_length=100)


class Level(_Model):
    """One level of a skill: a name, what it means, and the behaviours that show it."""

    number: int = Field(ge=1, le=MAX_LEVELS)
    name: LineText
    description: LineText | None = None
    behaviours: list[LineText] = Field(min_length=1, max_length=MAX_BEHAVIOURS)


class Skill(_Model):
    """One skill of the framework with its levels, lowest first."""

    id: str = Field(pattern=ID_PATTERN)
    code: str | None = Field(default=None, max_length=40)
    name: LineText
    description: LangText
    levels: list[Level] = Field(min_length=1, max_length=MAX_LEVELS)
    alignments: list[AlignmentTarget] = Field(default_factory=list, max_length=20)

    def level(self, number: int) -> Level:
        for level in self.levels:
            if level.number == number:
                return level
        raise NotFound(
            f"skill '{self.id}' has no level {number}",
            code=ErrorCode.skill_not_found,
            detail={"skill": self.id, "level": number},
        )


class Framework(_Model):
    """A skill framework as Rugzak keeps, imports, exports and publishes it."""

    id: str = Field(pattern=FRAMEWORK_ID_PATTERN)
    name: LangText
    description: LangText | None = None
    version: str = Field(default="1.0", min_length=1, max_length=50)
    languages: list[Annotated[str, Field(pattern=LANGUAGE_PATTERN)]] = Field(
        min_length=1, max_length=10
    )
    level_count: int = Field(default=4, ge=1, le=MAX_LEVELS)
    behaviours_per_level: int | None = Field(default=None, ge=1, le=MAX_BEHAVIOURS)
    publisher: str | None = Field(default=None, max_length=300)
    license: str | None = Field(default=None, max_length=300)
    skills: list[Skill] = Field(min_length=1, max_length=MAX_SKILLS)

    def skill(self, skill_id: str) -> Skill:
        for skill in self.skills:
            if skill.id == skill_id:
                return skill
        raise NotFound(
            f"framework '{self.id}' has no skill '{skill_id}'",
            code=ErrorCode.skill_not_found,
            detail={"framework": self.id, "skill": skill_id},
        )

    @property
    def language(self) -> str:
        """The first language: the one used when a reader asks for none."""
        return self.languages[0]

    def text(self, value: dict[str, str] | None, language: str | None = None) -> str:
        """``value`` in ``language`` (or the framework's first language)."""
        if not value:
            return ""
        lang = language or self.language
        return value.get(lang) or value.get(self.language) or next(iter(value.values()))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a framework, where it is, and a stable ``reason`` code.

    ``skill``/``level`` locate it in the framework; importers add ``line`` (CSV)
    or ``path`` (JSON) so the person who made the file can find it.
    """

    reason: str
    message: str
    skill: str | None = None
    level: int | None = None
    line: int | None = None
    path: str | None = None
    column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def check_framework(framework: Framework) -> list[Problem]:
    """What is wrong with ``framework`` as a whole (empty: nothing)."""
    problems: list[Problem] = []
    langs = framework.languages
    if len(set(langs)) != len(langs):
        problems.append(Problem("duplicate_language", "a language is listed twice"))
    problems += _missing(framework.name, langs, "the framework name")
    seen: set[str] = set()
    for skill in framework.skills:
        if skill.id in seen:
            problems.append(
                Problem("duplicate_skill", f"skill '{skill.id}' appears twice", skill=skill.id)
            )
        seen.add(skill.id)
        problems += _missing(skill.name, langs, "the skill name", skill.id)
        problems += _missing(skill.description, langs, "the skill description", skill.id)
        numbers = [level.number for level in skill.levels]
        wanted = list(range(1, framework.level_count + 1))
        if sorted(numbers) != wanted:
            absent = sorted(set(wanted) - set(numbers))
            extra = sorted({n for n in numbers if n not in wanted or numbers.count(n) > 1})
            problems.append(
                Problem(
                    "missing_level" if absent else "invalid_level",
                    f"skill '{skill.id}' needs exactly the levels 1 to {framework.level_count}"
                    + (f"; missing {absent}" if absent else "")
                    + (f"; extra or repeated {extra}" if extra else ""),
                    skill=skill.id,
                )
            )
        for level in skill.levels:
            problems += _check_level(framework, skill.id, level)
    return problems


def _check_level(framework: Framework, skill_id: str, level: Level) -> list[Problem]:
    langs = framework.languages
    problems = _missing(level.name, langs, "the level name", skill_id, level.number)
    if level.description is not None:
        problems += _missing(
            level.description, langs, "the level description", skill_id, level.number
        )
    wanted = framework.behaviours_per_level
    if wanted is not None and len(level.behaviours) != wanted:
        problems.append(
            Problem(
                "behaviour_count",
                f"level {level.number} of '{skill_id}' has {len(level.behaviours)} behaviours; "
                f"this framework wants {wanted}",
                skill=skill_id,
                level=level.number,
            )
        )
    for number, behaviour in enumerate(level.behaviours, start=1):
        problems += _missing(behaviour, langs, f"behaviour {number}", skill_id, level.number)
    return problems


def _missing(
    text: dict[str, str], langs: list[str], what: str, skill: str | None = None,
    level: int | None = None,
) -> list[Problem]:  # fmt: skip
    absent = [lang for lang in langs if not text.get(lang)]
    if not absent:
        return []
    return [
        Problem(
            "missing_translation",
            f"{what} has no text in {', '.join(absent)}",
            skill=skill,
            level=level,
        )
    ]


def slug(text: str) -> str:
    """An id from a name: ``"Plannen en organiseren"`` -> ``"plannen-en-organiseren"``."""
    return _SLUG.sub("-", text.lower().translate(_FOLD)).strip("-")[:40].strip("-")


def framework_error(problems: list[Problem], message: str | None = None) -> InvalidInput:
    """One ``invalid_framework`` error listing (the first 50) problems."""
    shown = problems[:MAX_PROBLEMS]
    first = shown[0]
    where = f"line {first.line}: " if first.line else ""
    text = message or f"the framework has {len(problems)} problem(s); first: {where}{first.message}"
    return InvalidInput(
        text,
        code=ErrorCode.invalid_framework,
        detail={"problems": [p.to_dict() for p in shown], "count": len(problems)},
    )


def validate(data: dict[str, Any]) -> Framework:
    """A checked :class:`Framework` from plain data; ``invalid_framework`` if it is not one."""
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                "invalid_value",
                err["msg"],
                path=".".join(str(p) for p in err["loc"]),
            )
            for err in exc.errors(include_url=False)
        ]
        raise framework_error(problems) from exc
    problems = check_framework(framework)
    if problems:
        raise framework_error(problems)
    return framework
