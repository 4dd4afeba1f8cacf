"""Bitstring Status List v1.0: vectors, bit order, encodings, limits, entries, check_status."""

from __future__ import annotations

import base64
import gzip
import json
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.multibase import decode_base64url, encode_base64url
from shared.status_list import (
    MAX_LIST_BYTES,
    MIN_ENTRIES,
    BitstringStatusList,
    StatusListEntry,
    StatusOutcome,
    build_status_entry,
    build_status_list_credential,
    check_status,
    format_datetime,
    random_free_index,
)
from shared.vocab import CREDENTIALS_V2
from tests.conftest import VECTORS, load_vector

INDEX = load_vector("status-list/status-lists.json")
LIST_URL = "https://issuer.example/status/3"
NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
DECODABLE = [item for item in INDEX["statusLists"] if "lengthBits" in item]


def _list_credential(purpose: str | list[str] = "revocation", **changes: Any) -> dict[str, Any]:
    bits = BitstringStatusList()
    for index in changes.pop("set", ()):
        bits.set(index, 1)
    credential = build_status_list_credential(
        list_url=LIST_URL,
        issuer="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        purpose=purpose,
        status_list=bits,
        valid_from=NOW - timedelta(days=1),
        valid_until=changes.pop("valid_until", None),
    )
    credential.update(changes)
    return credential


def _entry(index: int | str = 5, purpose: str = "revocation", **extra: Any) -> dict[str, Any]:
    return {
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": LIST_URL,
        **extra,
    }


# --- vectors


@pytest.mark.parametrize("item", DECODABLE, ids=lambda item: Path(item["file"]).name)
def test_vector_lists_decode_to_the_documented_bits(item: dict[str, Any]) -> None:
    credential = load_vector(item["file"])
    bits = BitstringStatusList.decode(
        credential["credentialSubject"]["encodedList"], min_entries=100_000
    )
    assert bits.size == item["lengthBits"]
    assert bits.nonzero_indexes() == item["setIndexes"]
    assert all(bits.get(i) == (i in item["setIndexes"]) for i in range(16))


def test_1edtech_list_has_131072_entries_and_bit_23() -> None:
    credential = load_vector("ob3/1edtech-validator/bit-string-list/testlist")
    bits = BitstringStatusList.decode(credential["credentialSubject"]["encodedList"])
    assert (bits.size, bits.nonzero_indexes()) == (131_072, [23])
    assert bits.to_bytes()[2] == 0x01  # bit 23 is the least significant bit of byte 2


def test_dcc_lists_are_refused_at_the_w3c_minimum_but_accepted_at_ours() -> None:
    encoded = load_vector(
        "dcc/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj"
    )["credentialSubject"]["encodedList"]
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(encoded)
    assert caught.value.code == ErrorCode.status_list_too_short
    assert caught.value.detail == {"entries": 100_000, "minimum": MIN_ENTRIES}
    assert BitstringStatusList.decode(encoded, min_entries=100_000).nonzero_indexes() == [2, 6, 8]


def test_w3c_spec_example_is_an_empty_131072_entry_list() -> None:
    example = INDEX["w3cSpecExample"]
    bits = BitstringStatusList.decode(example["encodedList"])
    assert bits.size == example["lengthBits"]
    assert bits.nonzero_indexes() == example["setIndexes"]


def test_tampered_dcc_list_is_malformed() -> None:
    tampered = load_vector("dcc/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/tampered")
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(tampered["credentialSubject"]["encodedList"])
    assert caught.value.code == ErrorCode.malformed_status_list


def _dcc_status_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted((VECTORS / "dcc").rglob("*.json")):
        text = path.read_text("utf-8")
        if '"credentialStatus"' in text:
            cases.append(
                (str(path.relative_to(VECTORS)), load_vector(str(path.relative_to(VECTORS))))
            )
    return cases


DCC_CASES = _dcc_status_cases()
EXPECTED_BY_LIST = {
    "expired": ErrorCode.status_list_expired,
    "missingBitStringType": ErrorCode.status_list_invalid,
    "notYetValid": ErrorCode.status_list_not_yet_valid,
    "tampered": ErrorCode.status_list_invalid,
}


def test_dcc_fixtures_with_status_are_all_found() -> None:
    assert len(DCC_CASES) == 39


@pytest.mark.parametrize(("name", "credential"), DCC_CASES, ids=[name for name, _ in DCC_CASES])
def test_dcc_credentials_get_the_status_their_fixture_name_says(
    name: str, credential: dict[str, Any]
) -> None:
    entry = credential["credentialStatus"]
    list_file = INDEX["statusListCredentialUrlToFile"][entry["statusListCredential"]]
    outcome = check_status(entry, load_vector(list_file), now=NOW)
    list_name = Path(list_file).name
    if list_name in EXPECTED_BY_LIST:
        assert (outcome.code, outcome.ok, outcome.value) == (
            EXPECTED_BY_LIST[list_name],
            False,
            None,
        )
    elif "revoked" in Path(name).name.lower():
        assert (outcome.code, outcome.ok, outcome.value) == (ErrorCode.revoked, False, 1)
    else:
        assert "valid" in Path(name).name.lower()
        assert (outcome.code, outcome.ok, outcome.value) == (None, True, 0)


@pytest.mark.parametrize(
    "name", ["credential-status-revoked.json", "credential-status-revoked-blank-nodes.json"]
)
def test_1edtech_integer_index_is_read_and_revoked(name: str) -> None:
    entry = load_vector(f"ob3/1edtech-validator/bit-string-list/{name}")["credentialStatus"]
    assert entry["statusListIndex"] == 23
    outcome = check_status(
        entry, load_vector("ob3/1edtech-validator/bit-string-list/testlist"), now=NOW
    )
    assert outcome == StatusOutcome("revocation", 23, 1, ErrorCode.revoked, outcome.message, False)
    assert outcome.message.startswith("Revoked")


# --- bits


def test_index_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bits = BitstringStatusList()
    bits.set(0, 1)
    bits.set(9, 1)
    bits.set(MIN_ENTRIES - 1, 1)
    raw = bits.to_bytes()
    assert raw[:2] == b"\x80\x40"
    assert raw[-1] == 0x01
    assert len(raw) == MIN_ENTRIES // 8
    bits.set(0, 0)
    assert bits.to_bytes()[0] == 0
    assert bits.nonzero_indexes() == [9, MIN_ENTRIES - 1]


def test_multi_bit_status_is_written_most_significant_bit_first() -> None:
    bits = BitstringStatusList(status_size=2)
    bits.set(0, 2)
    bits.set(1, 1)
    bits.set(3, 3)
    assert bits.to_bytes()[0] == 0b10_01_00_11
    assert [bits.get(i) for i in range(5)] == [2, 1, 0, 3, 0]
    assert bits.nonzero_indexes() == [0, 1, 3]
    bits.set(3, 0)
    assert bits.to_bytes()[0] == 0b10_01_00_00


def test_odd_status_size_spans_byte_boundaries() -> None:
    bits = BitstringStatusList(status_size=3)
    bits.set(2, 5)  # bits 6..8 = 1 0 1
    assert bits.to_bytes()[:2] == b"\x02\x80"
    assert bits.get(2) == 5
    assert bits.nonzero_indexes() == [2]


def test_new_lists_are_at_least_the_w3c_minimum() -> None:
    assert BitstringStatusList().size == MIN_ENTRIES == 131_072
    with pytest.raises(ValueError, match="herd privacy"):
        BitstringStatusList(MIN_ENTRIES - 1)
    assert BitstringStatusList(8, min_entries=8).size == 8


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"size": True}, TypeError),
        ({"size": 131_072.0}, TypeError),
        ({"status_size": 0}, ValueError),
        ({"status_size": 17}, ValueError),
    ],
)
def test_bad_constructor_arguments_are_caller_bugs(kwargs: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        BitstringStatusList(**kwargs)


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, 10**30])
def test_index_outside_the_list_is_refused(index: int) -> None:
    bits = BitstringStatusList()
    for action in (lambda: bits.get(index), lambda: bits.set(index, 1)):
        with pytest.raises(InvalidInput) as caught:
            action()
        assert caught.value.code == ErrorCode.status_index_out_of_range


def test_value_must_fit_the_status_size() -> None:
    bits = BitstringStatusList(status_size=2)
    with pytest.raises(ValueError, match=r"0\.\.3"):
        bits.set(0, 4)
    with pytest.raises(TypeError):
        bits.get(True)


# --- encoding


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    status_size=st.integers(min_value=1, max_value=4),
    writes=st.lists(
        st.tuples(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), st.integers(0, 15)),
        max_size=40,
    ),
)
def test_encode_decode_round_trip(status_size: int, writes: list[tuple[int, int]]) -> None:
    bits = BitstringStatusList(status_size=status_size)
    expected: dict[int, int] = {}
    for index, value in writes:
        value %= 1 << status_size
        bits.set(index, value)
        expected[index] = value
    decoded = BitstringStatusList.decode(bits.encode(), status_size=status_size)
    assert decoded.to_bytes() == bits.to_bytes()
    assert decoded.size == MIN_ENTRIES
    assert decoded.nonzero_indexes() == sorted(i for i, v in expected.items() if v)
    assert all(decoded.get(i) == v for i, v in expected.items())


def test_encoding_is_multibase_gzip_and_deterministic() -> None:
    bits = BitstringStatusList()
    bits.set(23, 1)
    encoded = bits.encode()
    assert encoded.startswith("uH4sI")
    assert "=" not in encoded
    compressed = decode_base64url(encoded)
    assert compressed[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    assert gzip.decompress(compressed) == bits.to_bytes()
    again = BitstringStatusList()
    again.set(23, 1)
    assert again.encode() == encoded


def _plain_base64(data: bytes, *, urlsafe: bool, pad: bool) -> str:
    text = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(data).decode()
    return text if pad else text.rstrip("=")


@pytest.mark.parametrize(
    ("urlsafe", "pad"), [(True, False), (True, True), (False, True), (False, False)]
)
def test_statuslist2021_bare_base64_is_accepted(urlsafe: bool, pad: bool) -> None:
    raw = bytearray(MIN_ENTRIES // 8)
    raw[0], raw[100] = 0x80, 0xFF  # makes '+' and '/' likely in the standard alphabet
    compressed = gzip.compress(bytes(raw), mtime=0)
    bits = BitstringStatusList.decode(_plain_base64(compressed, urlsafe=urlsafe, pad=pad))
    assert bits.nonzero_indexes() == [0, *range(800, 808)]


def test_multibase_value_must_use_the_url_alphabet() -> None:
    compressed = gzip.compress(bytes(MIN_ENTRIES // 8), mtime=0)
    standard = base64.b64encode(compressed).decode().rstrip("=")
    if "+" not in standard and "/" not in standard:
        standard = standard[:10] + "+" + standard[11:]
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode("u" + standard)
    assert caught.value.code == ErrorCode.malformed_status_list


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "u",
        "u!!!!",
        "uH4sI A",
        "uAAAAA",  # 5 characters: not base64
        encode_base64url(b"not gzip at all, just bytes"),
        encode_base64url(zlib.compress(bytes(MIN_ENTRIES // 8))),  # zlib, not gzip
        encode_base64url(gzip.compress(bytes(MIN_ENTRIES // 8), mtime=0)[:-12]),  # truncated
        encode_base64url(
            gzip.compress(bytes(MIN_ENTRIES // 8), mtime=0) + b"junk"
        ),  # trailing bytes
        "H4sI%%%%",
    ],
    ids=[
        "empty",
        "prefix-only",
        "bad-characters",
        "space",
        "impossible-length",
        "not-gzip",
        "zlib-not-gzip",
        "truncated",
        "trailing-junk",
        "bare-bad-characters",
    ],
)
def test_bad_encodings_are_malformed_status_lists(encoded: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(encoded)
    assert caught.value.code == ErrorCode.malformed_status_list


def test_non_string_encoding_is_malformed() -> None:
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(12345)  # type: ignore[arg-type]
    assert caught.value.code == ErrorCode.malformed_status_list


def test_multi_member_gzip_is_read_whole() -> None:
    half = MIN_ENTRIES // 16
    encoded = encode_base64url(
        gzip.compress(bytes(half)) + gzip.compress(b"\x01" + bytes(half - 1))
    )
    assert BitstringStatusList.decode(encoded).nonzero_indexes() == [half * 8 + 7]


def test_gzip_bomb_is_refused_before_it_is_expanded() -> None:
    bomb = encode_base64url(gzip.compress(bytes(MAX_LIST_BYTES + 1), compresslevel=9))
    assert len(bomb) < 40_000
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(bomb)
    assert caught.value.code == ErrorCode.payload_too_large
    fits = encode_base64url(gzip.compress(bytes(MIN_ENTRIES // 8)))
    assert BitstringStatusList.decode(fits, max_bytes=MIN_ENTRIES // 8).size == MIN_ENTRIES
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(fits, max_bytes=MIN_ENTRIES // 8 - 1)
    assert caught.value.code == ErrorCode.payload_too_large


def test_gzip_bomb_is_never_inflated_past_the_cap() -> None:
    packer = zlib.compressobj(9, wbits=31)
    chunk = bytes(1 << 20)
    bomb = encode_base64url(b"".join(packer.compress(chunk) for _ in range(64)) + packer.flush())
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as caught:
            BitstringStatusList.decode(bomb, max_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == ErrorCode.payload_too_large
    assert peak < 8 << 20  # 64 MiB if it were inflated whole


def test_oversized_text_is_refused_before_decoding() -> None:
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode("u" + "A" * 5000, max_bytes=1000)
    assert caught.value.code == ErrorCode.payload_too_large


def test_length_minimum_counts_entries_not_bits() -> None:
    encoded = BitstringStatusList().encode()
    with pytest.raises(InvalidInput) as caught:
        BitstringStatusList.decode(encoded, status_size=2)
    assert caught.value.detail == {"entries": MIN_ENTRIES // 2, "minimum": MIN_ENTRIES}
    assert BitstringStatusList.decode(encoded, status_size=2, min_entries=65_536).size == 65_536


def test_a_million_entries_encode_and_decode_fast() -> None:
    bits = BitstringStatusList(1_000_000)
    rng = Random(7)
    for _ in range(10_000):
        bits.set(rng.randrange(1_000_000), 1)
    started = time.perf_counter()
    encoded = bits.encode()
    encoded_in = time.perf_counter() - started
    started = time.perf_counter()
    decoded = BitstringStatusList.decode(encoded)
    decoded_in = time.perf_counter() - started
    assert decoded.to_bytes() == bits.to_bytes()
    assert encoded_in < 0.5
    assert decoded_in < 0.5


# --- random index allocation


def test_random_index_is_reproducible_with_a_seeded_rng_and_never_reused() -> None:
    used: set[int] = set()
    for _ in range(500):
        index = random_free_index(used, 1000, Random(len(used)))
        assert 0 <= index < 1000
        assert index not in used
        used.add(index)
    assert random_free_index(used, 1000, Random(1)) == random_free_index(used, 1000, Random(1))


def test_random_index_spreads_over_the_list() -> None:
    rng = Random(3)
    picks = {random_free_index([], MIN_ENTRIES, rng) for _ in range(200)}
    assert len(picks) >= 195
    assert min(picks) < MIN_ENTRIES // 4
    assert max(picks) > 3 * MIN_ENTRIES // 4


def test_a_crowded_list_still_yields_every_free_index() -> None:
    used = [i for i in range(100) if i not in (3, 50, 99)] + [500, -4]  # out of range ignored
    rng = Random(11)
    picks = {random_free_index(used, 100, rng, attempts=0) for _ in range(200)}
    assert picks == {3, 50, 99}


def test_a_predicate_can_answer_which_indexes_are_used() -> None:
    free = {77}
    rng = Random(5)
    assert random_free_index(lambda i: i not in free, 1000, rng) == 77
    assert random_free_index(lambda i: i % 2 == 0, 1000, rng) % 2 == 1


@pytest.mark.parametrize("used", [set(range(10)), lambda i: True])
def test_a_full_list_says_so(used: Any) -> None:
    with pytest.raises(RugzakError) as caught:
        random_free_index(used, 10, Random(0))
    assert caught.value.code == ErrorCode.status_list_full


def test_random_index_without_rng_uses_the_system_source() -> None:
    assert 0 <= random_free_index(frozenset(), 10) < 10
    with pytest.raises(ValueError, match="positive"):
        random_free_index(frozenset(), 0)


# --- entries


def test_entry_accepts_an_integer_index_and_writes_a_string() -> None:
    entry = StatusListEntry.parse(_entry(23))
    assert entry.status_list_index == 23
    assert entry.to_dict() == {**_entry("23")}
    assert StatusListEntry.parse(_entry("23")) == entry


@pytest.mark.parametrize(
    "change",
    [
        {"statusListIndex": -1},
        {"statusListIndex": "-1"},
        {"statusListIndex": " 7"},
        {"statusListIndex": "1.5"},
        {"statusListIndex": 1.0},
        {"statusListIndex": True},
        {"statusListIndex": "0x10"},
        {"statusListCredential": "status/3"},
        {"statusListCredential": "https://issuer.example/a b"},
        {"statusPurpose": ""},
        {"type": "RevocationList2020Status"},
        {"statusSize": 2},
        {"statusSize": "1"},
        {"statusSize": 17},
        {"statusSize": 1, "statusMessage": [{"status": "0x0", "message": "fine"}]},
        {"type": "StatusList2021Entry", "statusSize": 2, "statusMessage": []},
    ],
)
def test_malformed_entries_are_refused_with_a_code(change: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as caught:
        StatusListEntry.parse({**_entry(), **change})
    assert caught.value.code == ErrorCode.malformed_status_entry
    assert caught.value.detail


def test_missing_fields_and_non_objects_are_refused() -> None:
    for data in ({"type": "BitstringStatusListEntry"}, ["not", "an", "object"]):
        with pytest.raises(InvalidInput) as caught:
            StatusListEntry.parse(data)  # type: ignore[arg-type]
        assert caught.value.code == ErrorCode.malformed_status_entry


def test_statuslist2021_entry_is_parsed() -> None:
    entry = StatusListEntry.parse(
        {
            "id": "https://example.com/credentials/status/3#94567",
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://example.com/credentials/status/3",
        }
    )
    assert (entry.type, entry.status_list_index, entry.status_size) == (
        "StatusList2021Entry",
        94567,
        1,
    )


def test_multi_bit_entry_carries_its_messages() -> None:
    messages = [{"status": f"0x{v:x}", "message": m} for v, m in enumerate("abcd")]
    entry = StatusListEntry.parse(_entry(purpose="message", statusSize=2, statusMessage=messages))
    assert entry.message_for(2) == "c"
    assert entry.message_for(9) is None
    assert entry.to_dict()["statusSize"] == 2
    assert entry.to_dict()["statusMessage"] == messages


def test_build_status_entry() -> None:
    assert build_status_entry(LIST_URL, 94567, "suspension") == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    with pytest.raises(InvalidInput):
        build_status_entry("not a url", 1, "revocation")
    with pytest.raises(TypeError):
        build_status_entry(LIST_URL, "1", "revocation")  # type: ignore[arg-type]


# --- list credential


def test_build_status_list_credential() -> None:
    bits = BitstringStatusList()
    bits.set(6, 1)
    credential = build_status_list_credential(
        list_url=LIST_URL,
        issuer={"id": "did:web:issuer.example", "type": ["Profile"], "name": "Issuer"},
        purpose=["revocation", "suspension"],
        status_list=bits,
        valid_from=datetime(2026, 1, 1, 9, 30, 15, 123456, tzinfo=UTC),
        valid_until=datetime(2027, 1, 1, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert credential == {
        "@context": [CREDENTIALS_V2],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": "did:web:issuer.example", "type": ["Profile"], "name": "Issuer"},
        "validFrom": "2026-01-01T09:30:15Z",
        "validUntil": "2027-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": ["revocation", "suspension"],
            "encodedList": bits.encode(),
            "ttl": 300_000,
        },
    }


@pytest.mark.parametrize(
    "change",
    [
        {"status_list": BitstringStatusList(8, min_entries=8)},
        {"purpose": ""},
        {"purpose": ["revocation", ""]},
        {"valid_from": datetime(2026, 1, 1)},  # naive
        {"valid_until": NOW - timedelta(days=2)},
        {"ttl_ms": -1},
    ],
)
def test_status_list_credential_refuses_bad_arguments(change: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {
        "list_url": LIST_URL,
        "issuer": "did:web:issuer.example",
        "purpose": "revocation",
        "status_list": BitstringStatusList(),
        "valid_from": NOW - timedelta(days=1),
        **change,
    }
    with pytest.raises(ValueError):  # noqa: PT011  # several distinct caller bugs
        build_status_list_credential(**arguments)


def test_format_datetime_writes_utc_with_z() -> None:
    moment = datetime(2026, 5, 1, 16, 0, 0, 999, tzinfo=timezone(timedelta(hours=2)))
    assert format_datetime(moment) == "2026-05-01T14:00:00Z"


# --- check_status


def test_issued_list_round_trips_through_check_status() -> None:
    credential = _list_credential(set=[5])
    assert check_status(_entry(5), credential, now=NOW).code == ErrorCode.revoked
    ok = check_status(_entry(6), credential, now=NOW)
    assert (ok.ok, ok.code, ok.value, ok.message, ok.known) == (True, None, 0, "Not revoked.", True)


def test_suspension_bit_means_suspended() -> None:
    credential = _list_credential("suspension", set=[9])
    outcome = check_status(_entry(9, "suspension"), credential, now=NOW)
    assert (outcome.code, outcome.ok, outcome.purpose) == (ErrorCode.suspended, False, "suspension")
    assert outcome.message.startswith("Suspended")


def test_purpose_must_match_the_list() -> None:
    outcome = check_status(_entry(5, "suspension"), _list_credential(set=[5]), now=NOW)
    assert (outcome.code, outcome.ok, outcome.value) == (
        ErrorCode.status_purpose_mismatch,
        False,
        None,
    )
    both = _list_credential(["revocation", "suspension"], set=[5])
    assert check_status(_entry(5, "suspension"), both, now=NOW).code == ErrorCode.suspended


def test_expired_list_makes_the_status_unknown_not_fine() -> None:
    credential = _list_credential(set=[], valid_until=NOW)
    outcome = check_status(_entry(5), credential, now=NOW)
    assert (outcome.code, outcome.ok, outcome.value, outcome.known) == (
        ErrorCode.status_list_expired,
        False,
        None,
        False,
    )
    assert "2026-11-23T12:00:00Z" in outcome.message
    before = check_status(_entry(5), credential, now=NOW - timedelta(seconds=1))
    assert before.ok


def test_list_not_yet_valid_makes_the_status_unknown() -> None:
    credential = _list_credential(validFrom="2026-11-23T12:00:01Z")
    assert check_status(_entry(5), credential, now=NOW).code == ErrorCode.status_list_not_yet_valid
    credential["validFrom"] = "2026-11-23T12:00:00Z"
    assert check_status(_entry(5), credential, now=NOW).ok


def test_index_past_the_end_is_a_range_error() -> None:
    outcome = check_status(_entry(MIN_ENTRIES), _list_credential(), now=NOW)
    assert (outcome.code, outcome.index, outcome.value) == (
        ErrorCode.status_index_out_of_range,
        MIN_ENTRIES,
        None,
    )
    assert check_status(_entry(MIN_ENTRIES - 1), _list_credential(), now=NOW).ok


def test_list_shorter_than_the_minimum_is_a_length_error() -> None:
    dcc = load_vector(
        "dcc/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/e5WK8CbZ1GjycuPombrj"
    )
    entry = {**_entry(6), "statusListCredential": dcc["id"]}
    assert check_status(entry, dcc, now=NOW).code == ErrorCode.revoked
    strict = check_status(entry, dcc, now=NOW, min_entries=MIN_ENTRIES)
    assert (strict.code, strict.ok) == (ErrorCode.status_list_too_short, False)


@pytest.mark.parametrize(
    "change",
    [
        {"type": ["VerifiableCredential"]},
        {"type": "VerifiableCredential"},
        {"credentialSubject": "https://issuer.example/status/3#list"},
        {"credentialSubject": {"type": "SomethingElse", "statusPurpose": "revocation"}},
        {"validUntil": "next tuesday"},
        {"validFrom": 20250101},
    ],
)
def test_a_list_that_is_not_a_status_list_is_invalid(change: dict[str, Any]) -> None:
    outcome = check_status(_entry(5), _list_credential(**change), now=NOW)
    assert (outcome.code, outcome.ok, outcome.value) == (ErrorCode.status_list_invalid, False, None)


@pytest.mark.parametrize(
    "encoded",
    [None, 42, "u!!", encode_base64url(gzip.compress(bytes(MAX_LIST_BYTES + 1), 9, mtime=0))],
    ids=["missing", "number", "bad-base64", "gzip-bomb"],
)
def test_undecodable_encoded_list_is_invalid(encoded: object) -> None:
    credential = _list_credential()
    credential["credentialSubject"]["encodedList"] = encoded
    outcome = check_status(_entry(5), credential, now=NOW)
    assert (outcome.code, outcome.ok) == (ErrorCode.status_list_invalid, False)


def test_malformed_entry_is_an_outcome_not_an_exception() -> None:
    outcome = check_status(_entry("five"), _list_credential(), now=NOW)
    assert (outcome.code, outcome.ok, outcome.index, outcome.purpose) == (
        ErrorCode.malformed_status_entry,
        False,
        None,
        "revocation",
    )


def test_statuslist2021_credential_is_checked_too() -> None:
    raw = bytearray(MIN_ENTRIES // 8)
    raw[0] = 0x20  # index 2
    credential = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:12345",
        "issuanceDate": "2021-04-05T14:27:40Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": [
            {
                "id": f"{LIST_URL}#list",
                "type": "StatusList2021",
                "statusPurpose": "revocation",
                "encodedList": _plain_base64(
                    gzip.compress(bytes(raw), mtime=0), urlsafe=True, pad=False
                ),
            }
        ],
    }
    entry = {**_entry(2), "type": "StatusList2021Entry"}
    assert check_status(entry, credential, now=NOW).code == ErrorCode.revoked
    assert check_status({**entry, "statusListIndex": "3"}, credential, now=NOW).ok
    late = check_status(entry, credential, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert late.code == ErrorCode.status_list_expired


def test_message_purpose_reports_the_issuers_message() -> None:
    bits = BitstringStatusList(status_size=2)
    bits.set(4, 3)
    credential = build_status_list_credential(
        list_url=LIST_URL,
        issuer="did:web:issuer.example",
        purpose="message",
        status_list=bits,
        valid_from=NOW - timedelta(days=1),
    )
    messages = [
        {"status": "0x0", "message": "pending review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "under appeal"},
    ]
    entry = _entry(4, "message", statusSize=2, statusMessage=messages)
    flagged = check_status(entry, credential, now=NOW, min_entries=MIN_ENTRIES)
    assert (flagged.code, flagged.value, flagged.ok) == (ErrorCode.status_flagged, 3, False)
    assert flagged.message.endswith("under appeal")
    clear = check_status({**entry, "statusListIndex": "5"}, credential, now=NOW)
    assert (clear.ok, clear.value, clear.message) == (True, 0, "pending review")


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        check_status(_entry(), _list_credential(), now=datetime(2026, 1, 1))


def test_outcome_serialises_with_a_string_code() -> None:
    outcome = check_status(_entry(5), _list_credential(set=[5]), now=NOW)
    assert outcome.to_dict() == {
        "purpose": "revocation",
        "index": 5,
        "value": 1,
        "code": "revoked",
        "message": outcome.message,
        "ok": False,
    }
    assert check_status(_entry(6), _list_credential(), now=NOW).to_dict()["code"] is None


# --- decoded lists are kept by content


def test_a_list_is_decoded_once_and_a_changed_list_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.status_list import check as check_module

    decodes: list[str] = []
    real = BitstringStatusList.decode.__func__  # type: ignore[attr-defined]

    def counting(cls: type[BitstringStatusList], encoded: str, **kw: Any) -> BitstringStatusList:
        decodes.append(encoded)
        result: BitstringStatusList = real(cls, encoded, **kw)
        return result

    monkeypatch.setattr(BitstringStatusList, "decode", classmethod(counting))
    check_module.clear_decoded_lists()
    listed = _list_credential(set={5})
    assert check_status(_entry(5), listed, now=NOW).value == 1
    assert check_status(_entry(6), listed, now=NOW).value == 0
    assert len(decodes) == 1
    changed = _list_credential(set={6})  # bit 5 cleared, bit 6 set: another encodedList
    assert check_status(_entry(5), changed, now=NOW).value == 0
    assert check_status(_entry(6), changed, now=NOW).value == 1
    assert len(decodes) == 2
    # a stricter floor is its own key: the same text is judged again, not waved through
    short = check_status(_entry(5), listed, now=NOW, min_entries=1_000_000)
    assert short.code == ErrorCode.status_list_too_short
    assert len(decodes) == 3
    # kept by the text, not by the object: a list read anew (another str) is found
    again = json.loads(json.dumps(listed))
    text = again["credentialSubject"]["encodedList"]
    assert text is not listed["credentialSubject"]["encodedList"]
    assert check_status(_entry(5), again, now=NOW).value == 1
    assert len(decodes) == 3
    check_module.clear_decoded_lists()
