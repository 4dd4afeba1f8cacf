"""The compiled schema validators name array items with f-strings
(``shared.ob.schema_engine.named_items``) instead of ``"...".format(**locals())``: they
judge, and word their exceptions, exactly as ``fastjsonschema.compile`` does, on every
OB 3.0 vector and on documents with each array item broken in turn."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from shared.ob.schema_engine import (
    _DRAFT7,
    KINDS,
    VARIANTS,
    fast_def_validator,
    fast_validator,
    named_items,
)
from tests import sample_badges as sb
from tests.conftest import VECTORS
from tests.shared.test_schema_code_cache import outcome, todays, transformed

OB3 = VECTORS / "ob3"
DCC = VECTORS / "dcc" / "vc-test-fixtures" / "verifiableCredentials"
BROKEN: tuple[Any, ...] = (None, {}, {"type": 5})


def test_a_locals_format_becomes_an_f_string() -> None:
    source = 'name = (p or "data") + ".type[{data__type_x}]".format(**locals())'
    assert named_items(source) == 'name = (p or "data") + f".type[{data__type_x}]"'
    two = '"a{x}\\"b{y_1}".format(**locals()) + "c{z}".format(**locals())'
    assert named_items(two) == 'f"a{x}\\"b{y_1}" + f"c{z}"'


@pytest.mark.parametrize(
    "source",
    [
        '"{0}".format(**locals())',  # a position, not a name
        '"{x.y}".format(**locals())',  # an attribute
        '"{x!r}".format(**locals())',  # a conversion
        '"{{x}}".format(**locals())',  # escaped braces
        '"\\{x}".format(**locals())',  # a backslash before a brace
        '"{x}".format(x=1)',  # not the locals
        '"no field".format(**locals())',
        '"{x}"',
    ],
)
def test_anything_else_is_left_as_it_is(source: str) -> None:
    assert named_items(source) == source


def _lists(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], int]]:
    """(path of a list, its length) for every list in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _lists(value, (*path, key))
    elif isinstance(node, list):
        yield path, len(node)
        for i, value in enumerate(node):
            yield from _lists(value, (*path, i))


def _with_item(document: Any, path: tuple[Any, ...], index: int, value: Any) -> Any:
    changed = copy.deepcopy(document)
    node = changed
    for part in path:
        node = node[part]
    node[index] = value
    return changed


def _bases() -> list[Any]:
    found: list[Any] = []
    for folder in (OB3 / "1edtech-validator", DCC):
        found += [json.loads(p.read_text("utf-8")) for p in sorted(folder.rglob("*.json"))]
    spec = json.loads((OB3 / "spec-test-vector" / "ob3-eddsa-rdfc-2022-vector.json").read_text())
    found.append(spec["signedCredential"])
    with sb.issuer_with_badges() as issuer:
        found += [sb.award(issuer, 0), sb.skill_level(issuer)]
    return found


@pytest.fixture(scope="module")
def documents() -> list[Any]:
    """Every vector, and each with one array item at a time broken (the items the
    generated code names with the rewritten literals)."""
    out: list[Any] = []
    for base in _bases():
        out.append(base)
        if not isinstance(base, dict):
            continue
        for path, length in _lists(base):
            for index in range(length):
                out += [_with_item(base, path, index, value) for value in BROKEN]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("kind", KINDS)
def test_validators_judge_as_fastjsonschema_does(
    kind: str, variant: str, documents: list[Any]
) -> None:
    reference = todays(transformed(kind, variant))
    ours = fast_validator.__wrapped__(kind, variant)  # type: ignore[attr-defined]
    named = 0
    for document in documents:
        expected = outcome(reference, document)
        assert outcome(ours, document) == expected
        named += expected[0] == "invalid" and "[" in str(expected[3])
    if variant == "formal":  # the JSON-LD form's anyOf keeps an item's error to itself
        assert named > 100  # errors inside a named item were compared, not only others


@pytest.mark.parametrize("name", ["CredentialStatus", "Achievement", "ProfileRef"])
def test_definition_validators_judge_as_fastjsonschema_does(
    name: str, documents: list[Any]
) -> None:
    schema = transformed("achievement", "formal")
    reference = todays({"$schema": _DRAFT7, "$ref": f"#/$defs/{name}", "$defs": schema["$defs"]})
    ours = fast_def_validator.__wrapped__("achievement", "formal", name)  # type: ignore[attr-defined]
    for document in documents:
        if not isinstance(document, dict):
            continue
        subject = document.get("credentialSubject")
        subject = subject if isinstance(subject, dict) else {}
        for part in (
            document.get("credentialStatus"),
            subject.get("achievement"),
            document.get("issuer"),
        ):
            assert outcome(ours, part) == outcome(reference, part)
