"""Data Integrity proofs against the W3C, 1EdTech and DCC vectors."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.canonical import canonize, jcs
from shared.did import StaticResolver
from shared.errors import ErrorCode, Unsupported
from shared.keys import SigningKey
from shared.multibase import multibase_to_ed25519_seed
from shared.proof import AssertionPurpose, AuthenticationPurpose, create_proof, verify_proofs
from shared.proof.suites import proof_config
from tests.conftest import VECTORS, load_vector

CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
EXPECTED = load_vector("expected-proof-results.json")["results"]


def _text(path: str) -> str:
    return (VECTORS / path).read_text("utf-8")


def _w3c_key() -> SigningKey:
    pair = load_vector("eddsa/keyPair.json")
    key = SigningKey.from_seed(multibase_to_ed25519_seed(pair["privateKeyMultibase"]))
    assert key.public_multibase == pair["publicKeyMultibase"]
    return key


def _dcc_resolver() -> StaticResolver:
    docs = [
        load_vector("dcc/vc-test-fixtures/dids/legacy/did.json"),
        load_vector("dcc/vc-test-fixtures/dids/oidf/did.json"),
    ]
    return StaticResolver({d["id"]: d for d in docs})


@pytest.mark.parametrize(
    ("folder", "suffix", "cryptosuite", "proof_type"),
    [
        ("eddsa-rdfc-2022", "DataInt", "eddsa-rdfc-2022", "DataIntegrityProof"),
        ("eddsa-jcs-2022", "JCS", "eddsa-jcs-2022", "DataIntegrityProof"),
        ("Ed25519Signature2020", "EdSig", "eddsa-rdfc-2022", "Ed25519Signature2020"),
    ],
)
def test_w3c_vectors_byte_for_byte(
    folder: str, suffix: str, cryptosuite: str, proof_type: str
) -> None:
    """Every intermediate value of the W3C vc-di-eddsa vectors is reproduced."""
    base = f"eddsa/{folder}"
    unsigned = load_vector("eddsa/unsigned.json")
    config = load_vector(f"{base}/proofConfig{suffix}.json")
    if proof_type == "Ed25519Signature2020":
        unsigned = {**unsigned, "@context": config["@context"]}
    if cryptosuite == "eddsa-jcs-2022":
        doc_canon = jcs(unsigned).decode()
        proof_canon = jcs(config).decode()
    else:
        doc_canon = canonize(unsigned)
        proof_canon = canonize(config)
    assert doc_canon == _text(f"{base}/canonDoc{suffix}.txt")
    assert proof_canon == _text(f"{base}/proofCanon{suffix}.txt")
    doc_hash = hashlib.sha256(doc_canon.encode()).hexdigest()
    proof_hash = hashlib.sha256(proof_canon.encode()).hexdigest()
    assert doc_hash == _text(f"{base}/docHash{suffix}.txt").strip()
    assert proof_hash == _text(f"{base}/proofHash{suffix}.txt").strip()
    assert proof_hash + doc_hash == _text(f"{base}/combinedHash{suffix}.txt").strip()

    signed = create_proof(
        unsigned, _w3c_key(), created=CREATED, cryptosuite=cryptosuite, proof_type=proof_type
    )
    assert signed["proof"]["proofValue"] == _text(f"{base}/sigBTC58{suffix}.txt").strip()
    assert signed == load_vector(f"{base}/signed{suffix}.json")


def test_ob_spec_vector_reproduces_proof_value() -> None:
    """The 1EdTech OB 3.0 eddsa-rdfc-2022 example: hashes and proofValue match."""
    vec = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    key = SigningKey.from_seed(bytes.fromhex(vec["keyPair"]["privateKeyHex"][:64]))
    key = key.with_controller(vec["keyPair"]["controller"])
    unsigned = vec["unsignedCredential"]
    options = vec["proofOptions"]
    doc = canonize(unsigned)
    assert doc == _text("ob3/spec-test-vector/document-canon.txt")
    assert canonize(proof_config(options, unsigned)) == _text(
        "ob3/spec-test-vector/proof-canon.txt"
    )
    assert hashlib.sha256(doc.encode()).hexdigest() == vec["documentHashHex"]
    created = datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)
    signed = create_proof(unsigned, key, created=created)
    assert signed["proof"]["proofValue"] == vec["proofValue"]
    assert signed == vec["signedCredential"]


def _expected_rows() -> list[tuple[str, int, dict[str, Any]]]:
    rows = []
    for path, proofs in EXPECTED.items():
        for i, row in enumerate(proofs):
            rows.append((path, i, row))
    return rows


def _load_fixture(path: str) -> Any:
    return json.loads((VECTORS / path).read_text("utf-8"))


@pytest.mark.parametrize(("path", "index", "row"), _expected_rows(), ids=lambda v: str(v)[:90])
def test_agrees_with_expected_proof_results(path: str, index: int, row: dict[str, Any]) -> None:
    """Our verifier agrees with every row of expected-proof-results.json."""
    doc = _load_fixture(path)
    results = verify_proofs(doc, _dcc_resolver())
    got = results[index]
    outcome = row["result"]
    if outcome == "verified":
        assert got.ok, (got.code, got.message)
    elif outcome == "failed":
        assert not got.ok
        assert got.code in (ErrorCode.proof_invalid, ErrorCode.undefined_term)
    elif outcome.startswith("error"):
        assert not got.ok
        assert got.code in (
            ErrorCode.malformed_key,
            ErrorCode.malformed_proof,
            ErrorCode.unsupported_key_type,
        )
    elif "suite not implemented" in outcome:
        assert not got.ok
        assert got.code == ErrorCode.unsupported_cryptosuite
    elif "context not vendored" in outcome:
        assert not got.ok
        assert got.code == ErrorCode.unknown_context
    elif "not resolvable offline" in outcome:
        assert not got.ok
        assert got.code in (
            ErrorCode.verification_method_not_found,
            ErrorCode.did_not_found,
            ErrorCode.unsupported_did_method,
            ErrorCode.malformed_proof,
            ErrorCode.unsupported_key_type,
        )
    elif "previousProof" in outcome:
        # Proof sets and chains: checked properly in test_proof_sets_and_chains.
        assert got.type == "DataIntegrityProof"
    else:
        pytest.fail(f"unexpected row {row}")


@pytest.mark.parametrize(
    "name",
    [
        "signedProofSet1.json",
        "signedProofSet2.json",
        "signedProofChain1.json",
        "signedProofChain2.json",
    ],
)
def test_proof_sets_and_chains(name: str) -> None:
    """W3C proof-set/chain vectors: every proof verifies (previousProof honoured)."""
    doc = load_vector(f"eddsa/proof-set-chain/{name}")
    results = verify_proofs(doc, StaticResolver())
    assert results
    assert all(r.ok for r in results), [(r.code, r.message) for r in results]


def test_tampering_breaks_every_suite(fixed_now: datetime) -> None:
    """A changed value after signing fails with proof_invalid, in every signing suite."""
    key = SigningKey.from_seed(b"\x01" * 32)
    unsigned = load_vector("eddsa/unsigned.json")
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = create_proof(unsigned, key, created=fixed_now, cryptosuite=suite)
        assert verify_proofs(signed, StaticResolver())[0].ok
        bad = copy.deepcopy(signed)
        bad["credentialSubject"]["alumniOf"] = "Evil University"
        result = verify_proofs(bad, StaticResolver())[0]
        assert not result.ok
        assert result.code == ErrorCode.proof_invalid


def test_presentation_binding_checks(fixed_now: datetime) -> None:
    """Purpose, challenge and domain are compared when the verifier expects them."""
    key = SigningKey.from_seed(b"\x02" * 32)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": key.did,
    }
    signed = create_proof(
        vp,
        key,
        created=fixed_now,
        proof_purpose="authentication",
        challenge="n1",
        domain="d.example",
    )
    resolver = StaticResolver()
    request = AuthenticationPurpose(challenge="n1", domain="d.example")
    ok = verify_proofs(signed, resolver, purpose=request)
    assert ok[0].ok
    assert (ok[0].challenge, ok[0].domain) == ("n1", "d.example")
    assert [(c.name, c.ok, c.code) for c in request.bind(ok)] == [
        ("challenge", True, "ok"),
        ("domain", True, "ok"),
    ]
    # The signature holds whatever the request; the purpose judges the binding, once.
    wrong_challenge = AuthenticationPurpose(challenge="n2").bind(ok)
    assert [(c.name, c.ok, c.code) for c in wrong_challenge] == [
        ("challenge", False, ErrorCode.challenge_mismatch)
    ]
    wrong_domain = AuthenticationPurpose(challenge="n1", domain="other.example").bind(ok)
    assert [(c.name, c.ok, c.code) for c in wrong_domain] == [
        ("challenge", True, "ok"),
        ("domain", False, ErrorCode.domain_mismatch),
    ]
    wrong_purpose = verify_proofs(signed, resolver, purpose=AssertionPurpose())
    assert wrong_purpose[0].code == ErrorCode.proof_purpose_mismatch


def test_proof_set_keeps_both_proofs_independent(fixed_now: datetime) -> None:
    """Adding a second proof makes a set; each verifies over the document alone."""
    a = SigningKey.from_seed(b"\x03" * 32)
    unsigned = load_vector("eddsa/unsigned.json")
    once = create_proof(unsigned, a, created=fixed_now)
    twice = create_proof(once, a, created=fixed_now, cryptosuite="eddsa-jcs-2022")
    assert isinstance(twice["proof"], list)
    assert len(twice["proof"]) == 2
    assert all(r.ok for r in verify_proofs(twice, StaticResolver()))


def test_bad_proofs_never_raise() -> None:
    """Garbage proofs give coded results, not exceptions."""
    unsigned = load_vector("eddsa/unsigned.json")
    cases: list[Any] = [
        "not an object",
        {"type": "DataIntegrityProof", "cryptosuite": "nope"},
        {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
            "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            "proofPurpose": "assertionMethod",
            "proofValue": "not-base58!",
        },
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": "did:example:123#key",
            "proofPurpose": "assertionMethod",
            "proofValue": "z1111",
        },
    ]
    for proof in cases:
        results = verify_proofs({**unsigned, "proof": proof}, StaticResolver())
        assert len(results) == 1
        assert not results[0].ok
        assert results[0].code is not None


def test_signing_refuses_unknown_suite(fixed_now: datetime) -> None:
    key = SigningKey.from_seed(b"\x04" * 32)
    with pytest.raises(Unsupported) as info:
        create_proof(
            load_vector("eddsa/unsigned.json"),
            key,
            created=fixed_now,
            cryptosuite="ecdsa-rdfc-2019",
        )
    assert info.value.code == ErrorCode.unsupported_cryptosuite


def test_vectors_folder_exists() -> None:
    assert Path(VECTORS / "expected-proof-results.json").is_file()


@pytest.mark.parametrize("cryptosuite", [{"id": "eddsa-rdfc-2022"}, ["eddsa-rdfc-2022"], 7])
def test_cryptosuite_that_is_not_a_string_is_a_malformed_proof(cryptosuite: Any) -> None:
    """Found by the verifier's fuzz test: a dict here used to crash the lookup (a 500)."""
    signed = load_vector("eddsa/eddsa-rdfc-2022/signedDataInt.json")
    signed["proof"]["cryptosuite"] = cryptosuite
    (result,) = verify_proofs(signed, StaticResolver())
    assert not result.ok
    assert result.code == ErrorCode.malformed_proof
