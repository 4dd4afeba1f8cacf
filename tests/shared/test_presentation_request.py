"""Presentation request texts: full and short forms, nonce entropy, clear errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import ErrorCode, InvalidInput
from shared.presentation_request import (
    ALPHABET,
    CODE_LENGTH,
    DEFAULT_TTL,
    NONCE_BITS,
    PresentationRequest,
    check_character,
    format_code,
    new_nonce,
    normalize_code,
    normalize_origin,
    parse,
)

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def fixed_bytes(n: int) -> bytes:
    return bytes(range(1, n + 1))


def make(types: tuple[str, ...] = ()) -> PresentationRequest:
    return PresentationRequest.create(
        "https://Verify.Example.NL", now=NOW, types=types, token_bytes=fixed_bytes
    )


def test_create_is_deterministic_with_injected_randomness() -> None:
    req = make()
    assert req.challenge == new_nonce(fixed_bytes)
    assert len(req.challenge) == CODE_LENGTH == 16
    assert req.domain == "https://verify.example.nl"
    assert req.expires_at == NOW + DEFAULT_TTL
    assert NONCE_BITS >= 64


def test_nonces_differ_and_use_the_whole_alphabet() -> None:
    nonces = {new_nonce() for _ in range(2000)}
    assert len(nonces) == 2000
    assert set("".join(n[:15] for n in nonces)) == set(ALPHABET)


def test_full_text_round_trip_with_types() -> None:
    req = make(("Badge", "ext:Stage Werk"))
    text = req.to_text()
    assert text.startswith("rugzak-request:?challenge=")
    assert "domain=https://verify.example.nl" in text
    assert "expires=2026-11-23T12:10:00Z" in text
    assert parse(text) == req


def test_full_text_exact_form() -> None:
    req = PresentationRequest(
        "0123456789ABCDE" + check_character("0123456789ABCDE"),
        "http://localhost:8000",
        NOW,
        ("Badge",),
    )
    assert req.to_text() == (
        f"rugzak-request:?challenge={req.challenge}&domain=http://localhost:8000"
        "&expires=2026-11-23T12:00:00Z&type=Badge"
    )


def test_short_text_round_trip_without_expiry() -> None:
    req = make()
    short = req.to_short_text()
    assert short == f"{format_code(req.challenge)}@verify.example.nl"
    parsed = parse(short)
    assert parsed.challenge == req.challenge
    assert parsed.domain == req.domain
    assert parsed.expires_at is None


def test_short_text_is_forgiving_about_case_dashes_and_lookalikes() -> None:
    req = make()
    sloppy = req.short_code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert parse(f"  {sloppy} verify.example.nl ").challenge == req.challenge


def test_short_text_keeps_http_scheme_for_development() -> None:
    req = PresentationRequest.create("http://127.0.0.1:8000", now=NOW, token_bytes=fixed_bytes)
    assert req.to_short_text().endswith("@http://127.0.0.1:8000")
    assert parse(req.to_short_text()).domain == "http://127.0.0.1:8000"


def test_typo_in_code_is_caught_by_check_character() -> None:
    req = make()
    code = req.challenge
    wrong = "1" if code[3] != "1" else "2"
    typo = code[:3] + wrong + code[4:]
    with pytest.raises(InvalidInput) as info:
        parse(f"{typo}@verify.example.nl")
    assert info.value.code is ErrorCode.invalid_request
    assert "typing error" in info.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ABCD@verify.example.nl", "16 characters"),
        ("ABCD-EFGH-JKMN-PQR!@verify.example.nl", "not used in codes"),
        ("K7QM3XHD9RTPW2BE", "verifier's address"),
        ("rugzak-request:?domain=https://a.nl", "no challenge"),
        ("rugzak-request:?challenge=K7QM3XHD9RTPW2BE", "no domain"),
        ("https://example.org/?challenge=x", "not a Rugzak"),
        ("rugzak-request:?challenge=a&challenge=b&domain=https://a.nl", "more than once"),
        ("x" * 3000, "too long"),
    ],
)
def test_parse_errors_are_invalid_request(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse(text)
    assert info.value.code is ErrorCode.invalid_request
    assert fragment in info.value.message


def test_bad_expiry_and_domain_in_full_text() -> None:
    code = make().challenge
    with pytest.raises(InvalidInput, match="not a valid date"):
        parse(f"rugzak-request:?challenge={code}&domain=https://a.nl&expires=tomorrow")
    with pytest.raises(InvalidInput, match="no time zone"):
        parse(f"rugzak-request:?challenge={code}&domain=https://a.nl&expires=2026-01-01T00:00:00")
    with pytest.raises(InvalidInput, match="without a path"):
        parse(f"rugzak-request:?challenge={code}&domain=https://a.nl/verify")


def test_unknown_parameters_are_ignored() -> None:
    req = make()
    assert parse(req.to_text() + "&future=1") == req


@pytest.mark.parametrize(
    ("given_origin", "expected"),
    [
        ("verify.example.nl", "https://verify.example.nl"),
        ("HTTPS://Verify.Example.nl:443/", "https://verify.example.nl"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("https://[::1]:8443", "https://[::1]:8443"),
    ],
)
def test_normalize_origin(given_origin: str, expected: str) -> None:
    assert normalize_origin(given_origin) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://x.nl",
        "https://user@x.nl",
        "https://x.nl/path",
        "https://x.nl?q",
        "https://bad_host",
        "",
    ],
)
def test_normalize_origin_refuses(bad: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_origin(bad)


def test_is_expired_at_the_boundary() -> None:
    req = make()
    assert not req.is_expired(NOW + DEFAULT_TTL - timedelta(seconds=1))
    assert req.is_expired(NOW + DEFAULT_TTL)
    assert not parse(req.to_short_text()).is_expired(NOW + timedelta(days=365))


def test_to_dict_carries_both_texts() -> None:
    d = make(("Badge",)).to_dict()
    assert d["expires_at"] == "2026-11-23T12:10:00Z"
    assert parse(d["text"]).types == ("Badge",)
    assert parse(d["short_text"]).challenge == d["challenge"]


def test_too_many_types_refused() -> None:
    with pytest.raises(InvalidInput):
        PresentationRequest.create("a.nl", now=NOW, types=[f"T{i}" for i in range(17)])


@given(st.binary(min_size=10, max_size=10))
def test_every_generated_code_normalizes_to_itself(seed: bytes) -> None:
    nonce = new_nonce(lambda n: seed[:n])
    assert normalize_code(format_code(nonce)) == nonce


def test_stored_request_is_the_request_that_was_created() -> None:
    """``stored`` rebuilds a request from the verifier's own store without checking it
    again: it must equal the request ``create`` made."""
    made = PresentationRequest.create(
        "https://werken.zorggroep-oost.example", now=datetime(2026, 11, 27, 12, tzinfo=UTC),
        types=("OpenBadgeCredential",),
    )  # fmt: skip
    again = PresentationRequest.stored(made.challenge, made.domain, made.expires_at, made.types)
    assert again == made
    assert again.to_text() == made.to_text()
