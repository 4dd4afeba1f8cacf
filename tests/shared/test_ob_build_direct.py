"""The builder's direct path (the credential's JSON written from validated inputs)
against the model path it replaces: byte for byte, on built inputs and on the inputs
of every shipped credential; and the status-entry and copy fast paths."""

from __future__ import annotations

import copy
import json
import sys
import warnings
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from shared.errors import ErrorCode, InvalidInput
from shared.ob.build import (
    Inputs,
    Prebuilt,
    _direct_json,
    _item_json,
    _model_json,
    build_credential,
)
from shared.ob.fields import known_fields
from shared.ob.models import (
    Alignment,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Result,
)
from shared.status_list import StatusListEntry, build_status_entry
from shared.status_list.entry import _SPACE, entry_json
from tests.shared.test_ob_build import (
    LEARNER_DID,
    START,
    STATUS,
    _shipped_credentials,
    achievement,
    issuer,
)

ARGS: dict[str, Any] = {
    "subject_id": LEARNER_DID,
    "credential_id": "urn:uuid:2f0c7f7e-8a8e-4c38-9b64-0e2d0ddc4a51",
    "valid_from": START,
    "valid_until": None,
    "results": None,
    "evidence": None,
    "name": None,
    "awarded_date": None,
    "identifier": None,
    "source": None,
}
CASES: dict[str, dict[str, Any]] = {
    "minimal": {},
    "named": {"name": "Doorzetten 2"},
    "empty name": {"name": ""},
    "empty lists": {"results": [], "evidence": [], "identifier": []},
    "every field": {
        "valid_until": START + timedelta(days=730),
        "awarded_date": START - timedelta(days=1),
        "results": [Result(value="2"), Result(achieved_level="urn:x:l2", status="Completed")],
        "evidence": [
            Evidence(id="https://issuer.example/e/1", narrative="n", digest_sri="sha384-x"),
            Evidence(narrative="only a story", genre="Portfolio", audience="Werkgevers"),
        ],
        "identifier": [
            IdentityObject.hashed_identity("a@example.nl", salt="00"),
            IdentityObject(hashed=False, identity_hash="Jan Jansen", identity_type="name"),
        ],
        "source": Profile(id="urn:uuid:5e2c", name="Coach", description="Begeleider"),
    },
    "other time zones": {
        "valid_from": START.astimezone(timezone(timedelta(hours=5, minutes=30))),
        "valid_until": (START + timedelta(days=1, microseconds=999_999)).astimezone(
            timezone(-timedelta(hours=7))
        ),
        "awarded_date": START.replace(microsecond=123_456),
    },
    "valid until equals valid from": {"valid_until": START},
    "extensions on the inputs": {
        "results": [Result(value="3", ext_score=7)],
        "evidence": [Evidence(id="https://issuer.example/e/2", extra_note="x")],
        "identifier": [IdentityObject.hashed_identity("b@example.nl", salt="01")],
        "source": Profile(id="urn:uuid:5e2d", name="Coach", shoe_size=44),
    },
}


def _parts(**extra: Any) -> dict[str, Any]:
    return {
        "achievement": Prebuilt.of(achievement(tag=["a", "b"], **extra)),
        "issuer": Prebuilt.of(issuer(url="https://issuer.example", shoe_size=44)),
    }


@pytest.mark.parametrize("case", list(CASES))
def test_the_direct_path_writes_what_the_models_write(case: str) -> None:
    args = {**ARGS, **_parts(), **CASES[case]}
    direct = _direct_json(Inputs(**args))
    assert direct is not None  # these inputs take the direct path
    assert json.dumps(direct) == json.dumps(_model_json(Inputs(**args)))  # values, types, key order


@pytest.mark.parametrize("case", list(CASES))
def test_built_credentials_are_the_same_both_ways(case: str) -> None:
    """The whole builder, with the parts prebuilt (direct path) and as models."""
    suspension = build_status_entry("https://issuer.example/status/suspension-1", 12, "suspension")
    args = {k: v for k, v in {**ARGS, **CASES[case]}.items() if v is not None}
    args["credential_status"] = [STATUS, suspension]
    models = {"achievement": achievement(tag=["a", "b"]), "issuer": issuer(shoe_size=44)}
    prebuilt = {k: Prebuilt.of(v) for k, v in models.items()}
    assert json.dumps(build_credential(**args, **prebuilt)) == json.dumps(
        build_credential(**args, **models)
    )


class _MyResult(Result):
    pass


class _MyTime(datetime):
    pass


@pytest.mark.parametrize(
    "change",
    [
        {"results": (Result(value="2"),)},  # a tuple, not a list
        {"results": [_MyResult(value="2")]},  # a subclass: the model decides
        {"evidence": [Result(value="2")]},  # the wrong model
        {"valid_from": _MyTime(2026, 11, 23, tzinfo=UTC)},
        {"valid_until": START - timedelta(seconds=1)},  # the model path says why
        {"name": 7},
        {"source": "urn:uuid:5e2c"},
    ],
)
def test_anything_else_takes_the_model_path(change: dict[str, Any]) -> None:
    assert _direct_json(Inputs(**{**ARGS, **_parts(), **change})) is None


def test_the_direct_path_needs_both_parts_prebuilt() -> None:
    parts = _parts()
    assert (
        _direct_json(Inputs(**{**ARGS, **parts, "achievement": parts["achievement"].model})) is None
    )
    assert _direct_json(Inputs(**{**ARGS, **parts, "issuer": parts["issuer"].model})) is None


def test_valid_until_before_valid_from_is_refused_with_prebuilt_parts() -> None:
    with pytest.raises(InvalidInput) as info:
        build_credential(
            **{k: v for k, v in ARGS.items() if v is not None},
            **_parts(),
            valid_until=START - timedelta(seconds=1),
        )
    assert info.value.code == ErrorCode.malformed_credential


def test_a_part_the_schema_refuses_is_refused_on_the_direct_path() -> None:
    """The direct path ends in the same schema check: a result, evidence or
    achievement the OB schema refuses is never handed out."""
    refused = [
        {"achievement": Prebuilt.of(achievement(in_language="Nederlands"))},
        # made without validation: the schema is what refuses them
        {"results": [Result.model_construct(type=["Result"], value=5)]},
        {"evidence": [Evidence.model_construct(type=["Evidence"], narrative=["n"])]},
        {
            "identifier": [
                IdentityObject.model_construct(
                    hashed="yes", identity_hash="x", identity_type="emailAddress"
                )
            ]
        },
    ]
    for change in refused:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert _direct_json(Inputs(**{**ARGS, **_parts(), **change})) is not None
        args = {**{k: v for k, v in ARGS.items() if v is not None}, **_parts(), **change}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pydantic warns while dumping the wrong types
            with pytest.raises(InvalidInput) as info:
                build_credential(**args)
        assert info.value.code == ErrorCode.schema_invalid, change


def _inputs_of(document: dict[str, Any]) -> dict[str, Any] | None:
    """The builder's inputs that give a shipped credential's fields (None if the
    models refuse it or it has no achievement subject the builder writes)."""
    try:
        credential = OpenBadgeCredential.model_validate(document)
    except ValidationError:
        return None
    subject = credential.credential_subject
    issuer_model = credential.issuer
    if not isinstance(issuer_model, Profile) or not subject.id:
        return None
    return {
        "achievement": Prebuilt.of(subject.achievement),
        "issuer": Prebuilt.of(issuer_model),
        "subject_id": subject.id,
        "credential_id": credential.id,
        "valid_from": credential.valid_from,
        "valid_until": credential.valid_until,
        "results": subject.result,
        "evidence": credential.evidence,
        "name": credential.name,
        "awarded_date": credential.awarded_date,
        "identifier": subject.identifier,
        "source": subject.source,
    }


def test_the_direct_path_agrees_on_every_shipped_credential() -> None:
    compared = 0
    for name, document in _shipped_credentials():
        args = _inputs_of(document)
        if args is None:
            continue
        direct = _direct_json(Inputs(**args))
        try:
            general = _model_json(Inputs(**args))
        except InvalidInput:
            assert direct is None, name  # only the model path may refuse
            continue
        if direct is not None:
            compared += 1
            assert json.dumps(direct) == json.dumps(general), name
    assert compared > 20


# ---------------------------------------------------------------- copies of a part


def test_copies_of_a_part_are_equal_and_independent() -> None:
    part = _parts(alignment=None)["achievement"]
    assert part._packed is not None
    first, second = part.copy_json(), part.copy_json()
    assert json.dumps(first) == json.dumps(part.json) == json.dumps(second)
    first["tag"].append("changed")
    first["criteria"]["narrative"] = "changed"
    assert part.copy_json() == part.json == second
    assert part.json["tag"] == ["a", "b"]


def test_a_part_that_is_not_plain_json_is_copied_node_by_node() -> None:
    odd = {"a": ("t", "u"), "b": [{"c": 1.5}]}  # a tuple: marshal would give a tuple back
    part = Prebuilt(achievement(), odd)
    assert part._packed is None
    copied = part.copy_json()
    assert copied == odd
    assert copied["b"][0] is not odd["b"][0]
    nan = Prebuilt(achievement(), {"x": float("nan")})  # not equal to itself
    assert nan._packed is None
    assert json.dumps(nan.copy_json()) == json.dumps(nan.json)


def test_copies_keep_bools_ints_floats_and_key_order() -> None:
    value = {"z": True, "a": 1, "m": 1.0, "n": None, "l": [False, 0, 0.0, "s"], "e": {}}
    part = Prebuilt(achievement(), value)
    assert part._packed is not None
    copied = part.copy_json()
    assert json.dumps(copied) == json.dumps(value)
    assert [type(v) for v in copied["l"]] == [bool, int, float, str]
    assert list(copied) == list(value)


# ---------------------------------------------------------------- status entries

URL = "https://issuer.example/status/revocation-1"
PLAIN = {
    "id": f"{URL}#5",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": 5,
    "statusListCredential": URL,
}
ENTRIES: list[Any] = [
    PLAIN,
    {**PLAIN, "type": "StatusList2021Entry"},
    {**PLAIN, "statusListIndex": 0},
    {**PLAIN, "statusListIndex": 2**70},
    {**PLAIN, "id": ""},
    {**PLAIN, "statusListIndex": "5"},  # text: the general path
    {**PLAIN, "statusListIndex": -1},
    {**PLAIN, "statusListIndex": True},
    {**PLAIN, "statusListIndex": 5.0},
    {**PLAIN, "statusPurpose": ""},
    {**PLAIN, "statusPurpose": 3},
    {**PLAIN, "type": "Other"},
    {**PLAIN, "type": ["BitstringStatusListEntry"]},
    {**PLAIN, "statusListCredential": "relative/path"},
    {**PLAIN, "statusListCredential": "https://issuer.example/a b"},
    {**PLAIN, "statusListCredential": "https://issuer.example/a\u00a0b"},
    {**PLAIN, "statusListCredential": "https://issuer.example/a\u2028"},
    {**PLAIN, "statusListCredential": "https:"},
    {**PLAIN, "id": None},
    {**PLAIN, "extra": "ignored"},
    {**PLAIN, "statusSize": 1},
    {k: v for k, v in PLAIN.items() if k != "id"},
    build_status_entry(URL, 9, "suspension"),
    [PLAIN],
]


def _general(entry: Any) -> Any:
    try:
        return StatusListEntry.parse(entry).to_dict()
    except InvalidInput as exc:
        return (exc.code, exc.detail)


def _fast(entry: Any) -> Any:
    try:
        return entry_json(entry)
    except InvalidInput as exc:
        return (exc.code, exc.detail)


@pytest.mark.parametrize("entry", ENTRIES)
def test_status_entries_agree_with_the_model(entry: Any) -> None:
    assert json.dumps(_fast(copy.deepcopy(entry))) == json.dumps(_general(entry))


def test_status_entries_of_the_shipped_credentials_agree() -> None:
    seen = 0
    for _name, document in _shipped_credentials():
        status = document.get("credentialStatus")
        for entry in status if isinstance(status, list) else [status] if status else []:
            seen += 1
            assert json.dumps(_fast(entry)) == json.dumps(_general(entry))
    assert seen > 5


def test_the_white_space_pattern_is_str_isspace() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(_SPACE.search(char)) == char.isspace(), hex(code)


@pytest.mark.parametrize(
    "item",
    [
        Result(value="2", result_description="https://issuer.example/a#r1"),
        Result(achieved_level="urn:x:l2", status="Completed"),
        Result(value="3", ext_score=7),  # an extension: left out
        Result(alignment=[Alignment(target_name="Samenwerken", target_url="https://k.example")]),
        Result(alignment=[Alignment(target_name="S", target_url="https://k.example", ext=1)]),
        Result.model_validate({"type": ["Result"], "value": "1", "x": {"y": 1}}),
        Evidence(id="https://issuer.example/e/1", narrative="n", digest_sri="sha384-x"),
        Evidence(narrative="only a story", genre="Portfolio", audience="Werkgevers"),
        Evidence(id="https://issuer.example/e/2", extra_note="x"),
        IdentityObject.hashed_identity("a@example.nl", salt="00"),
        IdentityObject(hashed=False, identity_hash="Jan Jansen", identity_type="name"),
    ],
)
def test_item_json_is_known_fields(item: Any) -> None:
    assert json.dumps(_item_json(item)) == json.dumps(known_fields(item))
