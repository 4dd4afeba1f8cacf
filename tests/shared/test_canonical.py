"""shared.canonical: spec vectors byte for byte, safe mode, error codes."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from shared.canonical import canonize, canonize_reference, jcs
from shared.errors import ErrorCode, InvalidInput
from shared.jsonld.context import Fallback
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.to_rdf import document_quads
from shared.vocab import OB_V3P0_303 as OB
from tests.conftest import VECTORS, load_vector

V2 = "https://www.w3.org/ns/credentials/v2"
ENGINES = [
    pytest.param(canonize, id="canonize"),
    pytest.param(canonize_reference, id="reference"),
    pytest.param(lambda doc: canonicalize(document_quads(doc)), id="fast-only"),
]


def _text(path: str) -> str:
    return (VECTORS / path).read_text("utf-8")


def _without_proof(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def _ob_credential() -> dict[str, Any]:
    document: dict[str, Any] = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    return copy.deepcopy(document["unsignedCredential"])


# --- spec vectors -------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_eddsa_rdfc_2022_document_canon_matches_w3c_vector(engine: Any) -> None:
    assert engine(load_vector("eddsa/unsigned.json")) == _text(
        "eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_eddsa_rdfc_2022_proof_canon_matches_w3c_vector(engine: Any) -> None:
    proof_config = load_vector("eddsa/eddsa-rdfc-2022/proofConfigDataInt.json")
    canon = engine(proof_config)
    assert canon == _text("eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt")
    assert hashlib.sha256(canon.encode()).hexdigest() == (
        _text("eddsa/eddsa-rdfc-2022/proofHashDataInt.txt").strip()
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_eddsa_rdfc_2022_document_hash_matches_w3c_vector(engine: Any) -> None:
    canon = engine(load_vector("eddsa/unsigned.json"))
    assert hashlib.sha256(canon.encode()).hexdigest() == (
        _text("eddsa/eddsa-rdfc-2022/docHashDataInt.txt").strip()
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_ed25519signature2020_canon_matches_vector(engine: Any) -> None:
    signed = load_vector("eddsa/Ed25519Signature2020/signedEdSig.json")
    assert engine(_without_proof(signed)) == _text("eddsa/Ed25519Signature2020/canonDocEdSig.txt")
    proof_config = load_vector("eddsa/Ed25519Signature2020/proofConfigEdSig.json")
    assert engine(proof_config) == _text("eddsa/Ed25519Signature2020/proofCanonEdSig.txt")


@pytest.mark.parametrize("engine", ENGINES)
def test_ob3_spec_vector_document_and_proof_canon(engine: Any) -> None:
    vector = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    credential = vector["unsignedCredential"]
    document_canon = engine(credential)
    assert document_canon == _text("ob3/spec-test-vector/document-canon.txt")
    assert hashlib.sha256(document_canon.encode()).hexdigest() == vector["documentHashHex"]
    proof_config = {**vector["proofOptions"], "@context": credential["@context"]}
    proof_canon = engine(proof_config)
    assert proof_canon == _text("ob3/spec-test-vector/proof-canon.txt")
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == vector["proofHashHex"]


def test_jcs_matches_eddsa_jcs_2022_vectors() -> None:
    assert jcs(load_vector("eddsa/unsigned.json")).decode() == _text(
        "eddsa/eddsa-jcs-2022/canonDocJCS.txt"
    )
    assert jcs(load_vector("eddsa/eddsa-jcs-2022/proofConfigJCS.json")).decode() == _text(
        "eddsa/eddsa-jcs-2022/proofCanonJCS.txt"
    )


def test_jcs_sorts_keys_and_formats_numbers_per_rfc8785() -> None:
    assert jcs({"b": 1.0, "a": [1e21, 0.5, "é"]}) == '{"a":[1e+21,0.5,"é"],"b":1}'.encode()


@pytest.mark.parametrize(
    "value",
    [float("nan"), {"n": 2**60}, {1: "non-string key"}, {"when": object()}],
    ids=["nan", "big-integer", "int-key", "object"],
)
def test_jcs_refuses_what_json_cannot_carry_with_a_stable_code(value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        jcs(value)
    assert caught.value.code == ErrorCode.invalid_json


def test_canonize_is_fast_path_for_the_ob_credential() -> None:
    """The OB credential must not need the reference path (that is the point of it)."""
    assert canonicalize(document_quads(_ob_credential())) == canonize_reference(_ob_credential())


# --- safe mode and error codes ------------------------------------------------------------


def _code(engine: Any, document: Any) -> tuple[ErrorCode, Any]:
    with pytest.raises(InvalidInput) as caught:
        engine(document)
    return caught.value.code, caught.value.detail


SAFE_ENGINES = [
    pytest.param(canonize, id="canonize"),
    pytest.param(canonize_reference, id="reference"),
]


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_undefined_top_level_term_is_an_error(engine: Any) -> None:
    credential = _ob_credential()
    credential["favouriteColour"] = "blue"
    assert _code(engine, credential) == (ErrorCode.undefined_term, "favouriteColour")


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_undefined_nested_term_is_an_error(engine: Any) -> None:
    credential = _ob_credential()
    credential["credentialSubject"]["achievement"]["criteria"]["narative"] = "typo"
    assert _code(engine, credential) == (ErrorCode.undefined_term, "narative")


def test_fast_path_detects_undefined_terms_itself() -> None:
    credential = _ob_credential()
    credential["issuer"]["nickname"] = "EC"
    with pytest.raises(InvalidInput) as caught:
        document_quads(credential)
    assert caught.value.code == ErrorCode.undefined_term
    assert caught.value.detail == "nickname"


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_undefined_type_without_vocab_is_an_error(engine: Any) -> None:
    credential = _ob_credential()
    credential["type"] = ["VerifiableCredential", "MadeUpCredential"]
    assert _code(engine, credential) == (ErrorCode.undefined_term, "MadeUpCredential")


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_relative_id_is_an_error_not_resolved_against_example_org(engine: Any) -> None:
    credential = _ob_credential()
    credential["credentialSubject"]["id"] = "subjects/42"
    assert _code(engine, credential) == (ErrorCode.invalid_jsonld, "subjects/42")


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_relative_id_coerced_value_is_an_error(engine: Any) -> None:
    credential = _ob_credential()
    credential["issuer"] = "issuers/565049"
    assert _code(engine, credential)[0] == ErrorCode.invalid_jsonld


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_unknown_context_url_is_refused(engine: Any) -> None:
    credential = _ob_credential()
    credential["@context"] = [*credential["@context"], "https://example.com/evil-context.jsonld"]
    assert _code(engine, credential) == (
        ErrorCode.unknown_context,
        "https://example.com/evil-context.jsonld",
    )


@pytest.mark.parametrize("engine", SAFE_ENGINES)
def test_inline_context_with_remote_import_is_refused(engine: Any) -> None:
    credential = _ob_credential()
    credential["@context"] = [
        *credential["@context"],
        {"@import": "https://example.com/remote.jsonld", "extra": "https://example.com/extra"},
    ]
    assert _code(engine, credential)[0] == ErrorCode.unknown_context


def test_inline_context_extending_bundled_contexts_takes_the_fast_path() -> None:
    credential = _ob_credential()
    credential["@context"] = [*credential["@context"], {"nickname": "https://example.com/v#nick"}]
    credential["issuer"]["nickname"] = "EC"
    canon = canonicalize(document_quads(credential))
    assert '<https://example.com/v#nick> "EC" .' in canon
    assert canon == canonize_reference(credential)


def test_import_of_a_bundled_context_gets_the_reference_answer() -> None:
    """pyld 3.3 rejects @import of a context file wrapped in "@context"; we agree with it."""
    credential = _ob_credential()
    credential["@context"] = [V2, {"@import": OB}]
    with pytest.raises(InvalidInput) as reference:
        canonize_reference(credential)
    with pytest.raises(InvalidInput) as fast:
        canonize(credential)
    assert (fast.value.code, fast.value.detail) == (reference.value.code, reference.value.detail)
    assert reference.value.code == ErrorCode.invalid_jsonld
    assert len(reference.value.message) < 300


@pytest.mark.parametrize("engine", SAFE_ENGINES)
@pytest.mark.parametrize(
    "document",
    [
        pytest.param(["not", "an", "object"], id="list"),
        pytest.param("https://example.com", id="string"),
        pytest.param(None, id="null"),
        pytest.param({"@context": 5, "name": "x"}, id="context-number"),
        pytest.param({"@context": [V2, {"@vocab": 7}]}, id="vocab-number"),
        pytest.param(
            {"@context": [V2], "id": "urn:a", "@id": "urn:b", "type": "VerifiableCredential"},
            id="colliding-keywords",
        ),
        pytest.param({"@context": [V2], "id": 42}, id="id-not-string"),
        pytest.param({"@context": [V2], "type": [{"x": 1}]}, id="type-not-string"),
        pytest.param(
            {"@context": [V2, {"VerifiableCredential": "https://example.com/Other"}]},
            id="protected-term-redefinition",
        ),
    ],
)
def test_invalid_jsonld_has_a_stable_code(engine: Any, document: Any) -> None:
    assert _code(engine, document)[0] == ErrorCode.invalid_jsonld


def test_deep_nesting_is_invalid_input_not_recursion_error() -> None:
    node: dict[str, Any] = {"id": "urn:leaf"}
    for _ in range(3000):
        node = {"@context": {"@vocab": "https://example.com/#"}, "next": node}
    with pytest.raises(InvalidInput) as caught:
        canonize(node)
    assert caught.value.code == ErrorCode.invalid_jsonld


@pytest.mark.parametrize("depth", [300, 100_000])
def test_nesting_is_counted_not_left_to_the_stack(depth: int) -> None:
    # Compiled (shared.native), the walk has no recursion limit: without its own
    # count, 20,000 levels took minutes and gigabytes before it was refused.
    node: dict[str, Any] = {"id": "urn:leaf"}
    for _ in range(depth):
        node = {"next": [node]}
    with pytest.raises(Fallback):
        document_quads({"@context": {"@vocab": "https://example.com/#"}, **node})


def test_canonize_does_not_mutate_the_document() -> None:
    credential = _ob_credential()
    before = copy.deepcopy(credential)
    canonize(credential)
    canonize_reference(credential)
    assert credential == before


def test_dataset_poisoning_is_refused() -> None:
    """A clique of indistinguishable blank nodes would take factorial time."""
    size = 9
    nodes = [
        {"@id": f"_:n{i}", "knows": [{"@id": f"_:n{j}"} for j in range(size) if j != i]}
        for i in range(size)
    ]
    document = {
        "@context": {"@vocab": "https://example.com/#"},
        "@graph": nodes,
    }
    for engine in (canonize, canonize_reference):
        with pytest.raises(InvalidInput) as caught:
            engine(document)
        assert caught.value.code == ErrorCode.canonicalization_too_complex
