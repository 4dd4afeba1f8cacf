"""QR text format: encode/decode, parts, the collector and every error code."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
from typing import Any

import base45
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import qr
from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported
from shared.qr import codecs
from shared.qr.capacity import ALPHANUMERIC
from tests.shared.test_qr_samples import dcc_presentation, json_size, presentation

GOLDEN_PAYLOAD = {
    "type": ["VerifiablePresentation"],
    "holder": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
    "naam": "Doorzettingsvermogen, niveau 2 ✓",
}
GOLDEN_Z = (
    "RZ1:ZQ65036E545YB*10 J09ED8I8KB6V$D3$CQB8JR66Y87DBE*8%59KFE409R097-ASCAGM6BKDY6BR D.3EJ2BB"
    "EC374XZJ9G42Y02A6CS0040OKHM68CZ0IHFPL1UWS"
)
GOLDEN_B = (
    "RZ1:B*F8940U UZYE-W4F/GF5WX9F45IW59RP7C NW3VA2TX+DNTCLXK1MR9K2XTIYKLZOQ4L32C0FGTKSM0V6FX4TAI"
    "407XQ5BJGAQU/FP%KBAQ8*ZG8:08*HRD5N%418TWF9YIA1NE%I7C$IC$PBESU4K*HNVQLKXCMZQ2REXFQA/TNGTVM5U1"
    "EDSIH*AULM4XM82N$ 36.NM2DIJSL21VVAJ 16JS00"
)
GOLDEN_C = (
    "RZ1:C*342 Q620NTK..DBEC1FS7TSCQIUM01U85D2G820PDNHOFBBV500N7215/5Q:XK6LCGFLIG5NV1VZC5W20Z3%O8A"
    "J7889XRH4QR"
)
GOLDEN_PARTS = [
    "RZ1:1/6:F5VQEN:ZQ65036E545YB*10 J09ED",
    "RZ1:2/6:F5VQEN:8I8KB6V$D3$CQB8JR66Y8",
    "RZ1:3/6:F5VQEN:7DBE*8%59KFE409R097-A",
    "RZ1:4/6:F5VQEN:SCAGM6BKDY6BR D.3EJ2B",
    "RZ1:5/6:F5VQEN:BEC374XZJ9G42Y02A6CS0",
    "RZ1:6/6:F5VQEN:040OKHM68CZ0IHFPL1UWS",
]


def text_for(data: bytes, codec: str = "Z") -> str:
    """A single-code text around arbitrary (possibly bad) compressed bytes."""
    return "RZ1:" + codec + base45.b45encode(data).decode()


def error_of(texts: list[str]) -> RugzakError:
    with pytest.raises(RugzakError) as info:
        qr.decode(texts)
    return info.value


# --- format stability: codes printed today must read tomorrow


@pytest.mark.parametrize("texts", [[GOLDEN_Z], [GOLDEN_B], [GOLDEN_C], GOLDEN_PARTS])
def test_golden_texts_still_decode(texts: list[str]) -> None:
    assert qr.decode(texts) == GOLDEN_PAYLOAD


def test_default_codec_is_the_semantic_codec() -> None:
    assert qr.DEFAULT_CODEC == "C"
    assert qr.encode(GOLDEN_PAYLOAD) == [GOLDEN_C]
    assert qr.encode(GOLDEN_PAYLOAD, codec="Z") == [GOLDEN_Z]


def test_part_id_is_base32_of_sha256_of_the_stream() -> None:
    stream = "".join(text.split(":", 3)[3] for text in GOLDEN_PARTS)
    assert stream == GOLDEN_Z.removeprefix("RZ1:")
    expected = base64.b32encode(hashlib.sha256(stream.encode()).digest()).decode()[:6]
    assert GOLDEN_PARTS[0].split(":")[2] == expected


# --- round trips


unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # no surrogates
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | unicode_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(unicode_text, children, max_size=6)
    ),
    max_leaves=30,
)
json_objects = st.dictionaries(unicode_text, json_values, max_size=8)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(payload=json_objects, codec=st.sampled_from(["C", "Z", "B"]))
def test_round_trip_arbitrary_json_objects(payload: dict[str, Any], codec: str) -> None:
    texts = qr.encode(payload, codec=codec)
    assert all(set(text) <= ALPHANUMERIC for text in texts)
    assert qr.decode(texts) == payload


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(payload=json_objects, max_version=st.integers(min_value=2, max_value=6))
def test_round_trip_through_parts_in_any_order(payload: dict[str, Any], max_version: int) -> None:
    texts = qr.encode(payload, max_version=max_version)
    shuffled = texts * 2
    random.Random(len(texts)).shuffle(shuffled)
    assert qr.decode(shuffled) == payload


def test_three_credentials_split_shuffled_with_duplicates() -> None:
    vp = presentation(3)
    texts = qr.encode(vp, max_version=15)
    assert len(texts) >= 3
    scanned = texts + texts[::-1] + texts[1:2] * 5
    random.Random(7).shuffle(scanned)
    assert qr.decode(scanned) == vp


@pytest.mark.parametrize("max_version", [5, 10, 15, 20, 25, 40])
@pytest.mark.parametrize("ecc", ["L", "M", "Q", "H"])
def test_every_part_fits_its_version_and_the_charset(max_version: int, ecc: str) -> None:
    texts = qr.encode(presentation(3), max_version=max_version, ecc=ecc)
    limit = qr.max_part_chars(max_version, ecc)
    for text in texts:
        assert len(text) <= limit
        assert set(text) <= ALPHANUMERIC
        assert text == text.strip()
        assert qr.qr_version(text, ecc) <= max_version
    if len(texts) > 1:
        header = re.compile(r"RZ1:(\d+)/(\d+):([A-Z2-7]{6}):")
        matches = [header.match(text) for text in texts]
        assert [int(m[1]) for m in matches if m] == list(range(1, len(texts) + 1))
        lengths = [len(text) for text in texts[:-1]]
        assert max(lengths) - min(lengths) <= 2  # balanced: one code size when animated


def test_parts_are_cut_on_base45_group_boundaries() -> None:
    texts = qr.encode(presentation(3), max_version=7)
    chunks = [text.split(":", 3)[3] for text in texts]
    assert (len(chunks[0]) - 1) % 3 == 0
    assert all(len(chunk) % 3 == 0 for chunk in chunks[1:-1])


def test_one_credential_presentation_fits_one_code_of_version_25() -> None:
    vp = presentation(1)
    texts = qr.encode(vp, max_version=25, ecc="M")
    assert len(texts) == 1
    assert qr.qr_version(texts[0], "M") <= 25
    assert qr.decode(texts) == vp


def test_brotli_alone_would_not_fit_version_25() -> None:
    """Why a dictionary codec is the default: brotli needs two codes for the same
    presentation."""
    assert len(qr.encode(presentation(1), codec="B")) == 2


def test_codec_c_is_smaller_than_z_on_rugzak_presentations() -> None:
    for n in (1, 2, 3):
        c = qr.text.encode_stream(presentation(n), "C")
        z = qr.text.encode_stream(presentation(n), "Z")
        assert c[0] == "C"
        assert len(c) < 0.85 * len(z)  # 18-22 % smaller on these unseen badges


def test_real_dcc_fixture_presentation_round_trips_in_parts() -> None:
    vp = dcc_presentation()
    assert json_size(vp) > 3400
    texts = qr.encode(vp, max_version=15)
    assert qr.decode(texts[::-1]) == vp


def test_encode_for_modules_picks_the_largest_version_that_fits() -> None:
    vp = presentation(1)
    texts = qr.encode_for_modules(vp, 77)  # version 15 is 77 modules
    assert texts == qr.encode(vp, max_version=15)
    assert all(qr.qr_version(t) <= 15 for t in texts)
    assert qr.encode_for_modules(vp, 80) == texts
    assert qr.version_for_modules(81) == 16


def test_scanner_noise_whitespace_and_lower_case_are_tolerated() -> None:
    texts = qr.encode(presentation(3), max_version=10)
    noisy = [f"  {text.lower()}\r\n" for text in texts]
    assert qr.decode(noisy) == presentation(3)


def test_encoded_json_is_compact_utf8() -> None:
    payload = {"naam": "Zoë", "n": [1, 2]}
    stream = qr.encode(payload, codec="B")[0].removeprefix("RZ1:B")
    raw = codecs.decompress(base45.b45decode(stream), "B")
    assert raw == '{"naam":"Zoë","n":[1,2]}'.encode()


# --- errors, each with its code


@pytest.mark.parametrize("text", ["HC1:ABC", "", "   ", "RZ1:", "rz2:ZAB", "VP1-BABC"])
def test_not_an_rz1_text(text: str) -> None:
    assert error_of([text]).code is ErrorCode.qr_decode_failed


@pytest.mark.parametrize(
    "text", ["RZ1:1/2:ABCDEF:", "RZ1:1/2:ABC:ZZZ", "RZ1:0/2:ABCDEF:Z00", "RZ1:3/2:ABCDEF:Z00"]
)
def test_malformed_part_header(text: str) -> None:
    assert error_of([text]).code is ErrorCode.qr_decode_failed


def test_no_texts_at_all() -> None:
    assert error_of([]).code is ErrorCode.qr_decode_failed


def test_one_string_instead_of_a_list_is_a_caller_bug() -> None:
    with pytest.raises(TypeError):
        qr.decode(GOLDEN_Z)  # type: ignore[arg-type]


@pytest.mark.parametrize("body", ["ZAB!", "ZABCD", "Z:::", "Zab~"])
def test_bad_base45(body: str) -> None:
    assert error_of(["RZ1:" + body]).code is ErrorCode.invalid_base45


def test_unknown_codec() -> None:
    err = error_of([text_for(b"anything", codec="X")])
    assert isinstance(err, Unsupported)
    assert err.code is ErrorCode.unsupported_codec
    assert err.detail["codec"] == "X"


@pytest.mark.parametrize("codec", ["Z", "B"])
def test_corrupted_compression(codec: str) -> None:
    good = codecs.compress(json.dumps(presentation(1)).encode(), codec)
    for bad in (good[: len(good) // 2], good + b"\x00junk", b"\x13\x37" * 40):
        assert error_of([text_for(bad, codec)]).code is ErrorCode.decompression_failed


@pytest.mark.parametrize("codec", ["Z", "B"])
def test_decompression_bomb_is_refused(codec: str) -> None:
    bomb = codecs.compress(b'{"a":"' + b"0" * (2 * codecs.MAX_DECOMPRESSED) + b'"}', codec)
    text = text_for(bomb, codec)
    assert len(text) < 8000  # small enough for a handful of QR codes
    err = error_of([text])
    assert err.code is ErrorCode.payload_too_large
    assert err.detail == {"limit": codecs.MAX_DECOMPRESSED}


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[1, 2]",
        b'"text"',
        b"\xff\xfe{}",
        b'{"a": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_not_a_json_object(raw: bytes) -> None:
    assert error_of([text_for(codecs.compress(raw, "Z"))]).code is ErrorCode.invalid_json


def test_missing_parts_are_named() -> None:
    texts = qr.encode(presentation(3), max_version=10)
    assert len(texts) >= 4
    err = error_of([texts[0], texts[2], texts[0]])
    assert err.code is ErrorCode.qr_parts_incomplete
    assert err.detail["missing"] == [2, *range(4, len(texts) + 1)]
    assert err.detail["have"] == 2
    assert err.detail["total"] == len(texts)


def test_parts_of_two_payloads_are_refused() -> None:
    one = qr.encode(presentation(3), max_version=10)
    other = qr.encode(presentation(2), max_version=10)
    assert error_of([one[0], other[1]]).code is ErrorCode.qr_parts_mismatch


def test_single_code_mixed_with_parts_is_refused() -> None:
    parts = qr.encode(presentation(3), max_version=10)
    assert error_of([GOLDEN_Z, parts[0]]).code is ErrorCode.qr_parts_mismatch
    assert error_of([GOLDEN_Z, GOLDEN_B]).code is ErrorCode.qr_parts_mismatch


def test_same_part_with_other_content_is_refused() -> None:
    head, chunk = GOLDEN_PARTS[1].rsplit(":", 1)
    forged = f"{head}:{chunk[::-1]}"
    assert error_of([GOLDEN_PARTS[1], forged]).code is ErrorCode.qr_parts_mismatch


def test_misread_part_is_caught_by_the_id() -> None:
    parts = list(GOLDEN_PARTS)
    head, chunk = parts[3].rsplit(":", 1)
    parts[3] = f"{head}:{'0' + chunk[1:] if chunk[0] != '0' else '1' + chunk[1:]}"
    err = error_of(parts)
    assert err.code is ErrorCode.qr_decode_failed
    assert err.detail["id"] == "F5VQEN"


def test_oversized_payload_is_refused_by_encode() -> None:
    with pytest.raises(InvalidInput) as info:
        qr.encode({"a": "x" * codecs.MAX_DECOMPRESSED})
    assert info.value.code is ErrorCode.payload_too_large


@pytest.mark.parametrize("max_version", [1, 3])
def test_too_many_parts_is_refused_by_encode(max_version: int) -> None:
    noise = random.Random(1).randbytes(40_000).hex()  # incompressible: ~120 k base45 chars
    with pytest.raises(InvalidInput) as info:
        qr.encode({"noise": noise}, max_version=max_version)
    assert info.value.code is ErrorCode.payload_too_large


def test_version_1_carries_a_tiny_payload_in_parts_and_refuses_more() -> None:
    texts = qr.encode({"a": 1}, max_version=1, codec="B")
    assert 1 < len(texts) <= 9  # 20 characters: one base45 group per part
    assert all(len(text) <= qr.max_part_chars(1) for text in texts)
    assert qr.decode(texts) == {"a": 1}
    with pytest.raises(InvalidInput) as info:
        qr.encode(GOLDEN_PAYLOAD, max_version=1)
    assert info.value.code is ErrorCode.payload_too_large


@pytest.mark.parametrize("bad", [0, 41])
def test_version_out_of_range_is_a_caller_bug(bad: int) -> None:
    with pytest.raises(ValueError, match="version"):
        qr.encode(GOLDEN_PAYLOAD, max_version=bad)


def test_non_object_payload_is_a_caller_bug() -> None:
    with pytest.raises(TypeError):
        qr.encode([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ecc"):
        qr.encode(GOLDEN_PAYLOAD, ecc="X")


# --- the collector


def test_collector_reports_progress_and_completes_in_any_order() -> None:
    vp = presentation(3)
    texts = qr.encode(vp, max_version=10)
    total = len(texts)
    collector = qr.PartCollector()
    assert collector.progress == (0, 0)
    assert not collector.complete
    order = list(range(total))
    random.Random(3).shuffle(order)
    for have, index in enumerate(order, start=1):
        assert collector.add(texts[index]) == (have, total)
        assert collector.add(texts[index]) == (have, total)  # a repeat changes nothing
    assert collector.complete
    assert collector.missing == []
    assert collector.result() == vp
    assert collector.result() is collector.result()


def test_collector_refuses_another_payload_and_keeps_its_state() -> None:
    texts = qr.encode(presentation(3), max_version=10)
    collector = qr.PartCollector()
    collector.add(texts[0])
    with pytest.raises(InvalidInput) as info:
        collector.add(GOLDEN_PARTS[0])
    assert info.value.code is ErrorCode.qr_parts_mismatch
    assert collector.progress == (1, len(texts))
    with pytest.raises(InvalidInput) as incomplete:
        collector.result()
    assert incomplete.value.code is ErrorCode.qr_parts_incomplete
    collector.reset()
    for text in GOLDEN_PARTS:
        collector.add(text)
    assert collector.result() == GOLDEN_PAYLOAD


def test_collector_takes_a_single_code() -> None:
    collector = qr.PartCollector()
    assert collector.add(GOLDEN_Z) == (1, 1)
    assert collector.add(GOLDEN_Z.lower()) == (1, 1)
    assert collector.complete
    assert collector.result() == GOLDEN_PAYLOAD


def test_collector_rejects_garbage_without_changing_state() -> None:
    collector = qr.PartCollector()
    collector.add(GOLDEN_PARTS[0])
    with pytest.raises(InvalidInput) as info:
        collector.add("https://example.com")
    assert info.value.code is ErrorCode.qr_decode_failed
    assert collector.progress == (1, 6)
    assert collector.missing == [2, 3, 4, 5, 6]


# --- robustness: any input gets a result or a coded error, never a traceback

qr_charset_text = st.text(alphabet=[*sorted(ALPHANUMERIC), "a", "z", "\n", "é"], max_size=80)
QR_CODES = {
    ErrorCode.qr_decode_failed,
    ErrorCode.qr_parts_incomplete,
    ErrorCode.qr_parts_mismatch,
    ErrorCode.invalid_base45,
    ErrorCode.unsupported_codec,
    ErrorCode.decompression_failed,
    ErrorCode.payload_too_large,
    ErrorCode.invalid_json,
}


def outcome(texts: list[str]) -> ErrorCode | None:
    """None for a decoded object, else the error code; anything else propagates."""
    try:
        qr.decode(texts)
    except RugzakError as err:
        return err.code
    return None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts=st.lists(st.one_of(qr_charset_text, st.builds("RZ1:".__add__, qr_charset_text))))
def test_arbitrary_texts_fail_with_a_code(texts: list[str]) -> None:
    assert outcome(texts) in QR_CODES | {None}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    which=st.integers(min_value=0, max_value=5),
    position=st.integers(min_value=0, max_value=40),
    char=st.sampled_from(sorted(ALPHANUMERIC)),
    prefix=st.sampled_from(["RZ1:Z", "RZ1:B", "RZ1:1/1:AAAAAA:Z", "RZ1:2/2:F5VQEN:"]),
    tail=qr_charset_text,
)
def test_mutated_texts_fail_with_a_code(
    which: int, position: int, char: str, prefix: str, tail: str
) -> None:
    parts = list(GOLDEN_PARTS)
    text = parts[which]
    parts[which] = text[:position] + char + text[position + 1 :]
    assert outcome(parts) in QR_CODES | {None}
    assert outcome([prefix + tail]) in QR_CODES | {None}
    assert outcome([GOLDEN_Z[: position + 5] + tail]) in QR_CODES | {None}
