"""QR codec C (shared/qr/semantic.py): exact round trips, the shipped data, hostile input.

Round trips are checked as JSON text (types, key order and all), and signed
presentations still verify after the trip. Hostile input must end in one of the
codec's stable error codes, never another exception.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import base45
import cbor2
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import qr
from shared.credentials import create_presentation, verify_presentation
from shared.did import StaticResolver
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.keys import SigningKey
from shared.proof import verify_proofs
from shared.qr import semantic
from shared.qr.semantic import STATUS_ID, TEXT, TEXT_WITH_DIGEST, VALUE_BASE
from tests.conftest import load_vector
from tests.shared.test_qr import json_objects
from tests.shared.test_qr_samples import credential, dcc_presentation, presentation

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
BENCH = ROOT / "bench"
S = cbor2.CBORSimpleValue
HOLDER = SigningKey.from_seed(b"\x07" * 32)
CODEC_ERRORS = {
    ErrorCode.decompression_failed,
    ErrorCode.payload_too_large,
    ErrorCode.invalid_json,
}


def as_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def round_trip(value: dict[str, Any]) -> dict[str, Any]:
    back = semantic.decode(semantic.encode(value))
    assert as_json(back) == as_json(value)
    return back


def frame(inner: bytes) -> bytes:
    """Codec C bytes around hand-made streams (skeleton + texts + binary)."""
    return semantic.compress_streams(
        semantic.Streams(inner, b"", b""), semantic._compress_dictionary()
    )


def error_of(data: bytes) -> RugzakError:
    with pytest.raises(RugzakError) as info:
        semantic.decode(data)
    return info.value


def skeleton(value: Any, texts: bytes = b"", binary: bytes = b"") -> bytes:
    return frame(cbor2.dumps(value) + texts + binary)


# --- the shipped data


def test_shipped_terms_and_dictionary_are_the_pinned_ones() -> None:
    files = resources.files("shared.qr")
    terms = files.joinpath(semantic.TERMS_FILE).read_bytes()
    dictionary = files.joinpath(semantic.DICT_FILE).read_bytes()
    assert hashlib.sha256(terms).hexdigest() == semantic.TERMS_SHA256
    assert hashlib.sha256(dictionary).hexdigest() == semantic.DICT_SHA256
    assert zstandard.ZstdCompressionDict(dictionary).dict_id() == semantic.DICT_ID
    table = json.loads(terms)
    assert table["version"] == 1
    assert table["keys"][:2] == ["type", "id"]
    assert "eddsa-rdfc-2022" in table["values"]
    assert len(table["values"]) <= semantic.MAX_VALUES


@pytest.mark.slow
def test_shipped_data_rebuilds_byte_for_byte() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import qr_dictionary  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    terms, dictionary = qr_dictionary.train_c()
    assert hashlib.sha256(terms).hexdigest() == semantic.TERMS_SHA256
    assert hashlib.sha256(dictionary).hexdigest() == semantic.DICT_SHA256


def test_c_bytes_are_a_zstd_frame_without_its_magic_number() -> None:
    data = semantic.encode(presentation(1))
    params = zstandard.get_frame_parameters(semantic.ZSTD_MAGIC + data)
    assert params.dict_id == 0
    assert not params.has_checksum
    assert params.content_size > 0


# --- exact round trips


def test_rugzak_presentations_round_trip_and_still_verify() -> None:
    for n in (1, 2, 3):
        vp = presentation(n)
        back = round_trip(vp)
        assert back == vp
        assert list(back) == list(vp)  # key order kept too


def test_a_signed_presentation_verifies_after_the_trip() -> None:
    holder = SigningKey.from_seed(b"\x44" * 32)
    vp = create_presentation(
        [credential(holder.did, 0)],
        holder,
        challenge="K7QM3XHD9RTPW2B5",
        domain="https://werkgever.example.nl",
        created=datetime(2026, 11, 1, tzinfo=UTC),
    )
    back = round_trip(vp)
    result = verify_presentation(
        back,
        challenge="K7QM3XHD9RTPW2B5",
        domain="https://werkgever.example.nl",
        now=datetime(2026, 11, 2, tzinfo=UTC),
    )
    assert not result.errors, result.errors
    assert result.credentials
    assert all(not c.errors for c in result.credentials)
    tampered = semantic.decode(semantic.encode({**vp, "holder": HOLDER.did}))
    assert verify_presentation(
        tampered,
        challenge="K7QM3XHD9RTPW2B5",
        domain="https://werkgever.example.nl",
        now=datetime(2026, 11, 2, tzinfo=UTC),
    ).errors  # the check can fail: a changed value does not verify
    texts = qr.encode(vp)
    assert texts[0].startswith("RZ1:C")
    assert qr.decode(texts) == vp


def test_every_json_vector_round_trips() -> None:
    seen = 0
    for path in sorted(VECTORS.rglob("*.json")):
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(value, dict):
            texts = qr.encode(value, max_version=40)
            assert as_json(qr.decode(texts)) == as_json(value), path
            seen += 1
    assert seen > 50


def test_every_verified_vector_still_verifies_after_the_trip() -> None:
    """Signatures are over RDF or JCS of the value: equal values keep them valid."""
    expected = load_vector("expected-proof-results.json")["results"]
    resolver = StaticResolver(
        {
            d["id"]: d
            for d in (
                load_vector("dcc/vc-test-fixtures/dids/legacy/did.json"),
                load_vector("dcc/vc-test-fixtures/dids/oidf/did.json"),
            )
        }
    )
    checked = 0
    for path, rows in expected.items():
        if not any(row["result"] == "verified" for row in rows):
            continue
        document = json.loads((VECTORS / path).read_text("utf-8"))
        back = semantic.decode(semantic.encode(document))
        before = [r.ok for r in verify_proofs(document, resolver)]
        after = [r.ok for r in verify_proofs(back, resolver)]
        assert after == before, path
        assert any(after), path
        checked += 1
    assert checked > 30


def test_corpus_documents_round_trip() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import qr_corpus_c  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCH))
    for document in qr_corpus_c.documents(4242, 60):
        round_trip(document)


def test_dcc_fixture_presentation_round_trips() -> None:
    round_trip(dcc_presentation())


@pytest.mark.parametrize(
    "text",
    [
        HOLDER.did,
        HOLDER.verification_method,
        "urn:uuid:4f5521c6-22e7-4743-97c8-dc8cb4aa84ab",
        "sha256$" + "ab" * 32,
        "uEiBeNq8VIRtrlPESL11Fn3Q7M13njHXINAscItY20cXOew",
        "96b515312c11d024",
        "2026-11-23T12:00:00Z",
        "https://x.example/images/uEiBeNq8VIRtrlPESL11Fn3Q7M13njHXINAscItY20cXOew.png",
    ],
)
def test_known_forms_travel_as_bytes(text: str) -> None:
    streams = semantic.split({"v": text})
    assert text.encode() not in streams.texts
    assert streams.binary
    assert round_trip({"v": text}) == {"v": text}


@pytest.mark.parametrize(
    "text",
    [
        "urn:uuid:4F5521C6-22E7-4743-97C8-DC8CB4AA84AB",  # upper case: not the canonical form
        "sha256$" + "AB" * 32,
        "uEiBeNq8VIRtrlPESL11Fn3Q7M13njHXINAscItY20cXOew=",  # padded
        "uEiBeNq8VIRtrlPESL11Fn3Q7M13njHXINAscItY20cXOex",  # non-zero trailing bits
        "z1" + "1" * 90,  # base58 that does not write back the same way
        "did:key:z6Mk",
        "2026-02-30T12:00:00Z",  # no such day
        "2026-11-23T12:00:00.5Z",
        "1969-12-31T23:59:59Z",
        "x\x01y",  # the digest mark itself
        "\x02starts with an origin mark",
        "with a \x00 inside",
        "z" + "2" * 5000,  # base58-looking, far too long for a signature: stays text
        "did:key:z6Mk" + "2" * 5000,
        "",
    ],
)
def test_look_alikes_stay_text_and_come_back_exactly(text: str) -> None:
    assert round_trip({"v": text, "w": [text, {"k": text}]})["v"] == text


def test_numbers_keep_their_type() -> None:
    value = {"int": 3, "float": 3.0, "neg": -0.0, "big": 2**63, "small": -(2**64), "t": True}
    back = round_trip(value)
    assert type(back["int"]) is int
    assert type(back["float"]) is float
    assert back["t"] is True


def test_unknown_keys_and_values_fall_back_to_text() -> None:
    value = {"x-rugzak:ondernemer": {"😀": ["ééé", None, {"": ""}]}, "type": "Nieuw"}
    assert round_trip(value) == value


def test_status_ids_and_origins_are_rebuilt() -> None:
    entry = {
        "id": "https://a.example/status/1#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://a.example/status/1",
    }
    other = {**entry, "id": "https://a.example/status/1#43"}  # not the derived form
    value = {"a": "https://a.example", "s": [entry, other], "u": "https://a.example:8443/x"}
    streams = semantic.split(value)
    assert b"#42" not in streams.texts
    assert b"#43" in streams.texts
    assert round_trip(value) == value


def test_what_codec_c_cannot_carry_goes_out_as_codec_z() -> None:
    value = {"huge": 2**70}
    with pytest.raises(semantic.UnrepresentableError):
        semantic.encode(value)
    texts = qr.encode(value)
    assert texts[0].startswith("RZ1:Z")
    assert qr.decode(texts) == value


def test_many_floats_that_cbor_makes_larger_go_out_as_codec_z() -> None:
    value = {"f": [0.5] * 200_000}  # 4 JSON bytes each, 9 CBOR bytes: over 1 MiB inside
    with pytest.raises(semantic.UnrepresentableError):
        semantic.encode(value)
    assert qr.decode(qr.encode(value, max_version=40))["f"][-1] == 0.5


@settings(max_examples=150, deadline=None, derandomize=True)
@given(payload=json_objects)
def test_round_trip_arbitrary_json_objects(payload: dict[str, Any]) -> None:
    texts = qr.encode(payload, codec="C")
    assert as_json(qr.decode(texts)) == as_json(payload)


# --- hostile input


def test_garbage_is_decompression_failed() -> None:
    for data in (b"", b"\x00", b"\x13\x37" * 40, semantic.encode(presentation(1))[:-5]):
        assert error_of(data).code is ErrorCode.decompression_failed


def test_a_zstd_bomb_is_refused() -> None:
    cctx = zstandard.ZstdCompressor(level=3, dict_data=semantic._dictionary())
    bomb = cctx.compress(b"\xa0" + b"\x00" * (2 * semantic.MAX_OUTPUT))[4:]
    assert len(bomb) < 1000
    assert error_of(bomb).code is ErrorCode.payload_too_large


def test_value_references_cannot_expand_past_the_budget() -> None:
    longest = max(range(len(semantic.shipped_terms().values)),
                  key=lambda i: len(semantic.shipped_terms().values[i]))  # fmt: skip
    many = [S(VALUE_BASE + longest)] * 120_000  # ~240 KB of skeleton, ~11 MB of strings
    err = error_of(skeleton({"a": many}))
    assert err.code is ErrorCode.payload_too_large


@pytest.mark.parametrize(
    ("inner", "why"),
    [
        (cbor2.dumps([1, 2]), "not an object"),
        (cbor2.dumps("text"), "not an object"),
        (b"\xa1\x41\x01\xd8\x1c\x01", "shared reference tag"),
        (b"\xa1\x41\x01\xd9\x01\x02\x80", "set tag"),
        (b"\xa1\x41\x01\xc0\x74" + b"2013-03-21T20:04:00Z", "date tag"),
        (b"\xa1\x41\x01\xd9\x0f\xff\x01", "unknown tag"),
        (b"\xa1\x01\x01", "integer key"),
        (b"\xbf\x41\x01\x01\xff", "indefinite map"),
        (b"\xa2\x41\x01\x01\x41\x01\x02", "duplicate key"),
        (b"\xa1\x41\x01\xf7", "undefined"),
        (b"\xa1\x41\x01\x41\x00", "bytes as a value"),
        (b"\xa1" + b"\x81" * 200 + b"\x01", "too deep"),
        (b"\xa1\x42\xff\xff\x01", "unknown term id"),
        (b"\xa1\x42\x00\x01\x01", "two-byte id below 256"),
        (b"\xa1\x41\x01\xf8\xff", "value id past the table"),
        (b"\xa1\x41\x01\xf3", "unknown simple value"),
        (b"\xa1\x41\x01\xe0", "text stream too short"),
        (b"\xa1\x41\x01\xe1" + b"\x00" * 31, "binary stream too short"),
        (b"\xa1\x41\x01\xe1" + b"\x00" * 33, "binary stream too long"),
        (b"\xa1\x41\x01\xe0hi\x00extra", "bytes after the streams"),
        (b"\xa1\x41\x01\xe0\xff\xfe\x00", "text not UTF-8"),
        (b"\xa1\x41\x01\xe8ab\x00" + b"\x00" * 32, "digest text without its mark"),
        (b"\xa1\x41\x01\xe8\x01\x01\x00" + b"\x00" * 32, "digest text with two marks"),
        (b"\xa1\x41\x01\xe0\x02x\x00", "origin not met yet"),
        (b"\xa1\x41\x01\xea", "status id outside a status entry"),
        (b"\xa1\x41\x00\xea", "status id without list and index"),
        (b"\xa2\x41\x01\x01\x62id\x02", "term id and text key for the same key"),
    ],
)
def test_malformed_streams_have_stable_codes(inner: bytes, why: str) -> None:
    err = error_of(frame(inner))
    assert err.code in CODEC_ERRORS, why
    if why == "not an object":
        assert err.code is ErrorCode.invalid_json
    else:
        assert err.code is ErrorCode.decompression_failed, why


def test_marker_numbers_are_the_documented_ones() -> None:
    assert (TEXT, TEXT_WITH_DIGEST, STATUS_ID, VALUE_BASE) == (0, 8, 10, 32)
    assert [kind.number for kind in semantic.KINDS] == [1, 2, 3, 4, 5, 6, 7, 9]


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.binary(max_size=400))
def test_random_inner_bytes_only_give_codec_errors(data: bytes) -> None:
    code = None
    try:
        semantic.join(data, semantic.shipped_terms())
    except InvalidInput as exc:
        code = exc.code
    assert code is None or code in CODEC_ERRORS


@settings(max_examples=200, deadline=None, derandomize=True)
@given(flip=st.integers(min_value=0, max_value=10_000), value=st.integers(0, 255))
def test_damaged_codes_only_give_codec_errors(flip: int, value: int) -> None:
    data = bytearray(semantic.encode(presentation(1)))
    data[flip % len(data)] = value
    code, back = None, None
    try:
        back = semantic.decode(bytes(data))
    except InvalidInput as exc:
        code = exc.code
    assert code in CODEC_ERRORS if back is None else isinstance(back, dict)


def test_qr_decode_of_a_damaged_c_text_names_the_codec() -> None:
    text = "RZ1:C" + base45.b45encode(b"\x13\x37" * 20).decode()
    with pytest.raises(InvalidInput) as info:
        qr.decode([text])
    assert info.value.code is ErrorCode.decompression_failed
    assert info.value.detail["codec"] == "C"
