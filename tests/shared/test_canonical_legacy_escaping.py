"""Proofs made over the N-Quads escaping before RDFC-1.0 still verify; nothing else does.

pyld 3.3 (and Rugzak until it followed RDFC-1.0) wrote U+000B, U+000C and other
control characters raw in canonical N-Quads; RDFC-1.0 writes ``\\u000B``, ``\\f``.
Signing uses RDFC-1.0 only; verifying also accepts a signature over the older form.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

import shared.proof.create as create_module
from shared.canonical import canonize, canonize_legacy, canonize_reference
from shared.did import StaticResolver
from shared.errors import ErrorCode
from shared.jsonld import legacy_escaping
from shared.keys import SigningKey
from shared.proof import create_proof, verify_proofs
from shared.proof.suites import (
    DATA_INTEGRITY,
    ED25519_2020,
    ED25519_2020_CONTEXT,
    hash_data,
    legacy_hash_data,
    proof_config,
)
from tests.conftest import load_vector

KEY = SigningKey.from_seed(b"\x05" * 32)
CREATED = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
CONTROL = "Regel een\x0bregel twee\x0cpagina\x7f"


def _document(text: str = CONTROL, *, ed25519_2020: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = load_vector("eddsa/unsigned.json")
    document["credentialSubject"]["alumniOf"] = text
    if ed25519_2020:
        document["@context"] = [*document["@context"], ED25519_2020_CONTEXT]
    return document


def _old_hash_data(
    suite: Any, proof: Any, unsecured: Any, *, forms: list[str] | None = None
) -> bytes:
    """What signing computed before RDFC-1.0 escaping: pyld's own form of both parts."""
    config = proof_config(proof, unsecured)
    return (
        hashlib.sha256(canonize_legacy(config).encode()).digest()
        + hashlib.sha256(canonize_legacy(dict(unsecured)).encode()).digest()
    )


def _sign_old(document: dict[str, Any], monkeypatch: pytest.MonkeyPatch, **kw: Any) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(create_module, "hash_data", _old_hash_data)
        return create_proof(document, KEY, created=CREATED, **kw)


def _verify(document: dict[str, Any]) -> Any:
    (result,) = verify_proofs(document, StaticResolver())
    return result


def test_the_forms_differ_only_for_such_characters() -> None:
    document = _document()
    assert "\\u000B" in canonize(document)
    assert "\\f" in canonize(document)
    assert canonize(document) == canonize_reference(document)
    assert "\x0b" in canonize_legacy(document)
    plain = _document('Tab\there, quote " and backslash \\ as before')
    assert canonize_legacy(plain) == canonize(plain)


@pytest.mark.parametrize("ed25519_2020", [False, True], ids=["eddsa-rdfc-2022", "2020"])
def test_old_escaping_signature_verifies_and_tampering_fails(
    ed25519_2020: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = _document(ed25519_2020=ed25519_2020)
    kw = {"proof_type": ED25519_2020} if ed25519_2020 else {}
    old = _sign_old(document, monkeypatch, **kw)
    new = create_proof(document, KEY, created=CREATED, **kw)
    assert old["proof"] != new["proof"]  # the two forms really were signed apart
    for signed in (old, new):
        result = _verify(signed)
        assert result.ok, (result.code, result.message)
        assert not result.key_unconfirmed
        tampered = copy.deepcopy(signed)
        tampered["credentialSubject"]["alumniOf"] = CONTROL.replace("\x0b", "\x0c")
        bad = _verify(tampered)
        assert (bad.ok, bad.code) == (False, ErrorCode.proof_invalid)


def test_old_escaping_in_the_proof_options_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    document = _document("no control characters here")
    old = _sign_old(document, monkeypatch, challenge="nonce\x0b1")
    assert _verify(old).ok
    tampered = copy.deepcopy(old)
    tampered["proof"]["challenge"] = "nonce\x0c1"
    assert _verify(tampered).code == ErrorCode.proof_invalid


def test_signature_over_another_key_or_document_is_still_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = _sign_old(_document(), monkeypatch)
    other = copy.deepcopy(old)
    other["proof"]["proofValue"] = create_proof(_document("x\x0b"), KEY, created=CREATED)["proof"][
        "proofValue"
    ]
    assert _verify(other).code == ErrorCode.proof_invalid


def test_an_iri_holding_backslashes_does_not_pass_for_the_iri_they_escape() -> None:
    """The older form wrote IRIs raw: "\\u007B" typed into an IRI would read exactly as
    RDFC-1.0's escape of "{" in the signed one. Such a copy must not verify."""
    document = _document("no control characters here")
    document["id"] = "https://portfolio.example/{dossier}"
    signed = create_proof(document, KEY, created=CREATED)
    assert "\\u007B" in canonize(document)
    assert _verify(signed).ok
    forged = copy.deepcopy(signed)
    forged["id"] = "https://portfolio.example/\\u007Bdossier\\u007D"
    assert canonize_legacy({k: v for k, v in forged.items() if k != "proof"}) == canonize(
        document
    )  # the same bytes: without the guard, the signature would hold for the copy
    assert _verify(forged).code == ErrorCode.proof_invalid


def test_no_second_form_when_nothing_differs() -> None:
    suite = (DATA_INTEGRITY, "eddsa-rdfc-2022")
    plain = _document('quote " backslash \\ tab \t newline \n u0041 \\u0041 \\f')
    proof = create_proof(plain, KEY, created=CREATED)["proof"]
    forms: list[str] = []
    hash_data(suite, proof, plain, forms=forms)
    assert forms == [canonize(plain)]
    assert legacy_hash_data(suite, proof, plain, forms[0]) is None
    jcs_suite = (DATA_INTEGRITY, "eddsa-jcs-2022")
    assert legacy_hash_data(jcs_suite, proof, _document(), canonize(_document())) is None
    differs = _document()
    assert legacy_hash_data(suite, proof, differs, canonize(differs)) is not None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("\\u000B", True),
        ("\\f", True),
        ("\\b", True),
        ("a\\\\\\u005C", True),  # an escaped backslash, then a UCHAR
        ("\\\\u0041", False),  # a literal backslash, then 'u0041'
        ("\\\\f \\\\b", False),
        ('\\t\\n\\r\\"\\\\', False),
        ("plain", False),
    ],
)
def test_rdfc10_only_escapes_are_recognised(text: str, found: bool) -> None:
    assert legacy_escaping.differs(text) is found
