"""One strict JSON reader: duplicate member names and NaN/Infinity are refused with
``invalid_json`` at every entry point, and a proofValue must be base58btc only."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shared.credentials import verify_credential
from shared.errors import ErrorCode, InvalidInput
from shared.formats import read_any
from shared.keys import SigningKey
from shared.multibase import decode_base58btc, decode_base64url, encode_base58btc
from shared.strict_json import StrictJSONError, loads, parse
from tests.factories import signed_badge

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUER = SigningKey.from_seed(b"\x01" * 32)
LEARNER = SigningKey.from_seed(b"\x02" * 32)

DUPLICATE = '{"type": ["VerifiableCredential"], "name": "Fleur", "name": "Forged"}'


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (DUPLICATE, "duplicate_key"),
        ('{"a": {"b": 1, "b": 2}}', "duplicate_key"),
        ('[{"x": 1}, {"x": 1, "x": 1}]', "duplicate_key"),
        ('{"level": NaN}', "not_a_number"),
        ('{"level": Infinity}', "not_a_number"),
        ('{"level": -Infinity}', "not_a_number"),
    ],
)
def test_duplicates_and_non_numbers_are_refused(text: str, reason: str) -> None:
    with pytest.raises(StrictJSONError) as raised:
        parse(text)
    assert raised.value.reason == reason
    with pytest.raises(InvalidInput) as caught:
        loads(text.encode("utf-8"), what="The badge")
    assert caught.value.code is ErrorCode.invalid_json
    assert caught.value.detail["reason"] == reason
    assert caught.value.message.startswith("The badge")


def test_ordinary_json_reads_as_json_loads_does() -> None:
    text = '{"name": "Fleur van der Berg-\\u00d6zdemir", "n": [1, 2.5, -0, 1e3], "x": null}'
    assert parse(text) == json.loads(text)
    with pytest.raises(InvalidInput) as caught:
        loads("{not json")
    assert caught.value.code is ErrorCode.invalid_json


def test_the_front_door_refuses_a_duplicate_member() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_any(DUPLICATE.encode())
    assert caught.value.code is ErrorCode.invalid_json


@pytest.mark.parametrize("spoil", [" ", "\n", "\t", "a b"])
def test_a_proof_value_with_whitespace_is_refused(spoil: str) -> None:
    credential = signed_badge(LEARNER.did, ISSUER, created=NOW)
    value = credential["proof"][0]["proofValue"]
    assert verify_credential(credential, now=NOW).verified
    if spoil == "a b":
        credential["proof"][0]["proofValue"] = value[:10] + " " + value[10:]
    else:
        credential["proof"][0]["proofValue"] = value + spoil
    result = verify_credential(credential, now=NOW)
    assert not result.verified


@pytest.mark.parametrize("text", ["z", "z ", " z3", "z3 ", "z3\n", "z0OIl"])
def test_base58btc_is_the_alphabet_and_nothing_else(text: str) -> None:
    with pytest.raises(InvalidInput):
        decode_base58btc(text)
    assert decode_base58btc(encode_base58btc(b"\x00\x01rugzak")) == b"\x00\x01rugzak"


def test_base64url_refuses_whitespace_but_takes_padding() -> None:
    assert decode_base64url("uAQI") == b"\x01\x02"
    assert decode_base64url("uAQI=") == b"\x01\x02"
    with pytest.raises(InvalidInput):
        decode_base64url("uAQ I")


@pytest.mark.parametrize(
    "data",
    [
        '{"naam": "Jeroen de Vries"}',
        b'{"naam": "Jeroen de Vries"}',
        bytearray(b'[1, 2.5, "\\u00e9"]'),
        '\ufeff{"a": 1}',  # a str with a BOM: refused, as json.loads refuses it
        b'\xef\xbb\xbf{"a": 1}',  # UTF-8 bytes with a BOM: read, as json.loads reads them
        '{"a": 1}'.encode("utf-16"),
        '{"a": 1}'.encode("utf-32-le"),
        b'{"a": "\xff"}',
        "",
        b"[1,",
    ],
)
def test_parse_reads_and_refuses_what_json_loads_does(data: str | bytes | bytearray) -> None:
    """``parse`` keeps one decoder instead of calling ``json.loads``: the same input
    gives the same value or the same kind of error."""
    try:
        expected: object = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        with pytest.raises(type(exc)):
            parse(data)
    else:
        assert parse(data) == expected


def test_parse_refuses_other_types_like_json_loads() -> None:
    with pytest.raises(TypeError):
        json.loads(123)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse(123)  # type: ignore[arg-type]
