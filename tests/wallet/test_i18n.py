"""Both languages are complete: same keys, same placeholders, every key used exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from shared.errors import ErrorCode, InvalidInput
from wallet.i18n import EN, NL, Translator, detect_language

WALLET = Path(__file__).resolve().parents[2] / "wallet"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_dutch_and_english_have_the_same_keys_and_placeholders() -> None:
    assert set(EN) == set(NL)
    for key in EN:
        assert fields(EN[key]) == fields(NL[key]), key


def test_every_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(
        r"""(?:\bt|self\.t|tr\(\))\(\s*["']([a-z_]+\.[a-z_.]+)["']"""
        r"""|"((?:bind|common|welcome|restore|backup)\.[a-z_]+)\""""
    )
    for path in WALLET.rglob("*.py"):
        for match in pattern.finditer(path.read_text("utf-8")):
            used.add(match.group(1) or match.group(2))
    assert used
    missing = sorted(key for key in used if key not in EN)
    assert missing == []


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_language_from_locale(env: dict[str, str], lang: str) -> None:
    assert detect_language(env) == lang


def test_error_text_is_the_sentence_alone() -> None:
    error = InvalidInput("bad", code=ErrorCode.wrong_passphrase)
    assert Translator("nl").error_text(error) == "Met die wachtzin gaat het niet open."
    assert Translator("en").error_text(error) == "That passphrase does not unlock it."


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        Translator("fr")
