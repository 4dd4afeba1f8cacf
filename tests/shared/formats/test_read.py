"""The sniffing entry point: every form is recognised, unknown input has a stable code."""

from __future__ import annotations

import json

import pytest

from shared import qr
from shared.errors import ErrorCode, ResolutionFailed, RugzakError
from shared.formats import enveloped, read_any, verify_any
from shared.verification import Verdict
from tests.conftest import VECTORS, load_vector
from tests.shared.formats import makers as mk

SIMPLE = "ob3/1edtech-validator/simple.json"


def _token() -> str:
    issuer = mk.ed25519_did(mk.ed25519_key())
    return mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.ed25519_key(), "EdDSA", {})


def test_data_integrity_json_as_bytes_and_text() -> None:
    raw = (VECTORS / SIMPLE).read_bytes()
    for value in (raw, raw.decode(), b"\xef\xbb\xbf" + raw):
        parsed = read_any(value)
        assert parsed.format == "credential"
        assert parsed.document == load_vector(SIMPLE)
    result = verify_any(read_any(raw), now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert "source" not in result.summary


def test_presentation_json() -> None:
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
    assert read_any(json.dumps(vp)).format == "presentation"


def test_jwt_text_and_enveloped_credential() -> None:
    token = _token()
    assert read_any(token).format == "vc_jwt"
    assert read_any(f"  {token}\n").token == token
    parsed = read_any(json.dumps(enveloped(token)))
    assert (parsed.format, parsed.token) == ("vc_jwt", token)
    result = verify_any(parsed, now=mk.NOW)
    assert result.verdict == Verdict.valid
    assert result.summary["source"] == "VC-JWT"


def test_rz1_text_is_decoded() -> None:
    credential = load_vector(SIMPLE)
    texts = qr.encode(credential)
    parsed = read_any("\n".join(texts))
    assert (parsed.format, parsed.wrapper) == ("credential", "rz1")
    assert parsed.document == credential


def test_vp1_text_is_decoded() -> None:
    vector = load_vector("qr/vpqr-vector.json")
    parsed = read_any(vector["qrText"])
    assert (parsed.format, parsed.wrapper) == ("presentation", "vp1")
    assert parsed.document == vector["vp"]
    assert parsed.describe() == "presentation (JSON) from a VP1 QR code"


def test_urls() -> None:
    parsed = read_any("https://example.org/beths-robotics-badge.json")
    assert (parsed.format, parsed.url) == ("url", "https://example.org/beths-robotics-badge.json")
    with pytest.raises(ResolutionFailed) as caught:
        read_any("http://example.org/badge.json")
    assert caught.value.code == ErrorCode.fetch_refused


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"", ErrorCode.unsupported_format),
        ("Gefeliciteerd met je diploma!", ErrorCode.unsupported_format),
        (b"\xff\xd8\xff\xe0 JFIF", ErrorCode.unsupported_format),
        ('{"naam": "Jan"}', ErrorCode.unsupported_format),
        ("[1, 2]", ErrorCode.invalid_json),
        ("{niet: json", ErrorCode.invalid_json),
        ("eyJhbGciOiJFZERTQSJ9.eyJmb28iOiJiYXIifQ.c2ln", ErrorCode.unsupported_format),
        ("eyJhbGciOiJFZERTQSJ9.bm90LWpzb24.c2ln", ErrorCode.invalid_jwt),
        ("RZ1:kapot", ErrorCode.unsupported_codec),
        ("[" * 100_000 + "]" * 100_000, ErrorCode.invalid_json),
        (
            "eyJhbGciOiJFZERTQSJ9." + mk.b64url(b'{"a":' * 60 + b"1" + b"}" * 60) + ".c2ln",
            ErrorCode.invalid_jwt,
        ),
    ],
)
def test_unknown_input_has_a_stable_code(value: bytes | str, code: ErrorCode) -> None:
    with pytest.raises(RugzakError) as caught:
        read_any(value)
    assert caught.value.code == code


def test_describe() -> None:
    baked = read_any((VECTORS / "ob3/1edtech-validator/simple-json.svg").read_bytes())
    assert baked.describe() == "credential (JSON) in an SVG image"
