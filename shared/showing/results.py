"""A badge's results read for people: grades, scores, levels and statuses, from any tool.

An OB 3.0 badge may carry several ``Result`` s, each linking a ``ResultDescription``
of its achievement that says what kind of result it is (``resultType``: a letter
grade, a percentage, a rubric level, a status, or an ``ext:`` type of the issuer's
own). Each result becomes one line in the reader's language, such as
"Final Project Grade: A (scale D to A)" or "Niveau 3 van 4 — Zelfstandig", with
the words of the message catalogue (``results``). Every app shows these lines: the
verifier page gets them in both languages from the API, the wallet, the CLI, the
public page and the certificate ask for them here. The parts stay beside the text
(``type``, ``about``, ``value``, ``status``, ``level``, ``scale``) for programs.

A copy kept apart from the credential (the wallet's cards) keeps the parts of
:func:`result_parts`, not the words: :func:`result_lines` words them when shown, in
the reader's language of that moment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from shared.messages import LANGUAGES, catalogue
from shared.skills.ob import read_level
from shared.vocab import as_list

RESULT_TYPES = (
    "GradePointAverage",
    "LetterGrade",
    "Percent",
    "PerformanceLevel",
    "PredictedScore",
    "RawScore",
    "Result",
    "RubricCriterion",
    "RubricCriterionLevel",
    "RubricScore",
    "ScaledScore",
    "Status",
)
"""OB 3.0 ``ResultType`` (an extensible vocabulary: others start with ``ext:``)."""
STATUSES = ("Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew")
"""OB 3.0 ``ResultStatusType``."""


# The parts of a level that a line says (its description and behaviours are read from
# the badge itself, by the screens that show them).
_WORDED_LEVEL = ("name", "level", "points", "number", "of")


def results_of(credential: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each result of the credential's (first) subject that says something, in order,
    with its ``text`` in every language (a result with no value, status or level is
    left out)."""
    views = _views(credential)
    for lang in LANGUAGES:
        for view, line in zip(views, result_lines(views, lang), strict=True):
            view.setdefault("text", {})[lang] = line
    return views


def result_parts(credential: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What :func:`result_lines` words of each result, without words: plain data in
    no language, small (a level without its description and behaviours), to keep."""
    return [
        {
            key: {k: value[k] for k in _WORDED_LEVEL if k in value} if key == "level" else value
            for key, value in view.items()
        }
        for view in _views(credential)
    ]


def result_lines(results: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    """Each result (an item of :func:`results_of` or of :func:`result_parts`) as a
    line in ``lang``; a badge's only result may say less (see :func:`result_text`)."""
    return [result_text(result, lang, lone=len(results) == 1) for result in results]


def _views(credential: Mapping[str, Any]) -> list[dict[str, Any]]:
    subject = _first(credential.get("credentialSubject"))
    if not isinstance(subject, Mapping):
        return []
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        achievement = {}
    described = {
        d["id"]: d
        for d in as_list(achievement.get("resultDescription"))
        if isinstance(d, Mapping) and isinstance(d.get("id"), str)
    }
    found = [
        _read(r, achievement, described)
        for r in as_list(subject.get("result"))
        if isinstance(r, dict)
    ]
    return [v for v in found if v]


def _read(
    result: dict[str, Any], achievement: dict[str, Any], described: Mapping[str, Any]
) -> dict[str, Any]:
    description = described.get(result.get("resultDescription"))  # type: ignore[arg-type]
    description = description if isinstance(description, Mapping) else {}
    view: dict[str, Any] = {}
    for key, value in (
        ("type", description.get("resultType")),
        ("about", description.get("name")),
        ("value", result.get("value")),
        ("status", result.get("status")),
        ("achievedLevel", result.get("achievedLevel")),
    ):
        if _text(value):
            view[key] = value
    level = read_level(achievement, result)
    if level is not None:
        view["level"] = {
            k: v
            for k, v in (
                ("name", level.name),
                ("level", level.level),
                ("points", level.points),
                ("number", level.number),
                ("of", level.of),
                ("description", level.description),
            )
            if v
        } | {"behaviours": list(level.behaviours)}
    elif "value" in view:
        scale = _scale(description)
        if scale:
            view["scale"] = scale
    if not ({"value", "status", "achievedLevel"} & set(view)):
        return {}
    return view


def _scale(description: Mapping[str, Any]) -> dict[str, str]:
    """The values a result could have had: the ends of ``allowedValue`` (an ordered
    list, low to high, in OB 3.0: the context makes it a ``@list``), else
    ``valueMin`` and ``valueMax``."""
    allowed = [v for v in as_list(description.get("allowedValue")) if _text(v)]
    if len(allowed) > 1:
        return {"low": allowed[0], "high": allowed[-1]}
    ends = (("low", description.get("valueMin")), ("high", description.get("valueMax")))
    return {k: str(v) for k, v in ends if _text(v)}


def result_text(result: Mapping[str, Any], lang: str, *, lone: bool = True) -> str:
    """One result (an item of :func:`results_of`) as a line in ``lang``.

    Its description's name comes first ("Final Project Grade: A") unless it is the
    badge's only result and a level with a known place: "Niveau 3 van 4 — Zelfstandig"
    reads as it did (Rugzak names that description just "Niveau"). Without a name,
    several results are told apart by their type's word ("Percentage: 85%").
    """
    words = catalogue(lang).results
    kind = str(result.get("type") or "")
    parts: list[str] = []
    notes: list[str] = []
    ours = False  # the line starts with a catalogue word: capitalised if nothing precedes it
    placed = False
    level = result.get("level")
    if isinstance(level, Mapping):
        number, of = level.get("number"), level.get("of")
        name, grade = str(level.get("name") or ""), str(level.get("level") or "")
        if number and of:
            placed = ours = True
            short = _short(name, int(number))
            placed_text = words["level_of"].format(number=number, of=of)
            parts.append(f"{placed_text} — {short}" if short else placed_text)
        elif name or grade:
            parts.append(name or grade)
            if name and grade and grade != name:
                notes.append(words["level"].format(level=grade))
        else:
            ours = True
            parts.append(words["level_unknown"])
        if level.get("points"):
            notes.append(words["points"].format(points=level["points"]))
    elif result.get("achievedLevel"):
        ours = True
        parts.append(words["level_unknown"])
    value = str(result.get("value") or "")
    said = (level.get("name"), level.get("level")) if isinstance(level, Mapping) else ()
    if value and value not in said:
        parts.append(f"{value}%" if kind == "Percent" and not value.endswith("%") else value)
    status = str(result.get("status") or "")
    if status:
        ours = ours or (not parts and f"status_{status}" in words)
        parts.append(words.get(f"status_{status}", status))
    if kind == "PredictedScore":
        notes.append(words["predicted"])
    scale = result.get("scale")
    if isinstance(scale, Mapping):
        ends = {k: scale[k] for k in ("low", "high") if scale.get(k)}
        key = "scale" if len(ends) == 2 else "minimum" if "low" in ends else "maximum"
        notes.append(words[key].format(**ends))
    line = ", ".join(parts) + (f" ({'; '.join(notes)})" if notes else "")
    about = result.get("about")
    if not about and not lone and kind in RESULT_TYPES and kind != "Result":
        about = words[f"type_{kind}"]
    if about and not (lone and placed):
        return f"{about}: {line}"
    return line[:1].upper() + line[1:] if ours else line


_PREFIX = re.compile(r"\s*(?:niveau|level)\s+(\d+)\s*(?::\s*|$)", re.IGNORECASE)


def _short(name: str, number: int) -> str:
    """A level's name without the "Niveau 3: " that the line already says."""
    said = _PREFIX.match(name)
    rest = name[said.end() :] if said and said.group(1) == str(number) else name
    return "" if rest.strip() in ("", str(number)) else rest.strip()


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
