"""The one message catalogue: a plain sentence for every stable code and a label for
every check, in English and Dutch.

``en.json`` and ``nl.json`` beside this module are the only place these sentences are
written. The wallet shows them, the verifier page gets them through
``verifier/static/messages.js`` (generated from these files by
``scripts/gen_page_messages.py``, ``make messages``), and Python code asks
``sentence(code, lang)``. A sentence is for people; the code beside it is what
programs compare.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Catalogue:
    """The sentences of one language: ``codes`` (stable code -> sentence, including
    ``ok`` and ``status_ok`` for checks that passed), ``checks`` (check name -> label)
    and ``verdicts`` (the plain states of ``shared.showing.verdict``: ``state_<state>``
    labels, ``say_<state>`` sentences, ``count_<state>`` headline words,
    ``status_<status>`` and ``bind_<binding>`` sentences, ``list_*`` for an issuer's
    status list checked on its own), ``wallet`` (the wallet's
    screen texts kept here, such as the skills passport's, with ``{name}`` fields),
    ``verifier_cli`` (the headings and lines ``rugzak-verifier`` prints) and
    ``results`` (the words of a badge's results, ``shared.showing.results``)."""

    lang: str
    codes: Mapping[str, str]
    checks: Mapping[str, str]
    verdicts: Mapping[str, str]
    wallet: Mapping[str, str]
    verifier_cli: Mapping[str, str]
    results: Mapping[str, str]


@cache
def catalogue(lang: str = DEFAULT_LANGUAGE) -> Catalogue:
    """The catalogue of ``lang`` (one of ``LANGUAGES``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    data = json.loads((_HERE / f"{lang}.json").read_text("utf-8"))
    return Catalogue(
        lang=lang,
        codes=MappingProxyType(dict(data["codes"])),
        checks=MappingProxyType(dict(data["checks"])),
        verdicts=MappingProxyType(dict(data["verdicts"])),
        wallet=MappingProxyType(dict(data.get("wallet", {}))),
        verifier_cli=MappingProxyType(dict(data.get("verifier_cli", {}))),
        results=MappingProxyType(dict(data["results"])),
    )


def sentence(code: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The plain sentence for a stable code (an ``ErrorCode`` value, ``ok`` or
    ``status_ok``), or None for a code the catalogue does not hold."""
    return catalogue(lang).codes.get(str(code))


def plain(code: str) -> str:
    """The English sentence for a code the catalogue must hold (every ``ErrorCode`` does,
    which a test checks): what the Python checks write as their message."""
    text = sentence(code)
    if text is None:
        raise KeyError(f"no sentence for {code!r} in shared/messages/en.json")
    return text


def check_label(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of a check (``CheckName`` value); the name itself when unknown."""
    return catalogue(lang).checks.get(str(name), str(name))


def verdict_word(key: str, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """A plain-verdict text, e.g. ``verdict_word("bind_unbound", "nl")``."""
    return catalogue(lang).verdicts.get(key)


def pick_language(chosen: str | None, environ: Mapping[str, str]) -> str:
    """The language to speak to a person: ``chosen`` (an option), else ``RUGZAK_LANG``,
    else the locale (the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set:
    ``nl...`` is Dutch), else English.

    Raises ``ValueError`` naming the choices for an explicit choice (the option or
    ``RUGZAK_LANG``) that is not one of ``LANGUAGES``: a typo must not pass silently.
    """
    explicit = chosen or environ.get("RUGZAK_LANG", "")
    if explicit:
        lang = explicit.strip().lower()
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {explicit!r}; use one of {', '.join(LANGUAGES)}")
        return lang
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "nl" if value.lower().startswith("nl") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def as_json() -> dict[str, dict[str, dict[str, str]]]:
    """Every language's catalogue as plain data (what the page's JS file holds)."""
    return {
        lang: {
            "codes": dict(catalogue(lang).codes),
            "checks": dict(catalogue(lang).checks),
            "verdicts": dict(catalogue(lang).verdicts),
        }
        for lang in LANGUAGES
    }


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Catalogue",
    "as_json",
    "catalogue",
    "check_label",
    "pick_language",
    "plain",
    "sentence",
    "verdict_word",
]
