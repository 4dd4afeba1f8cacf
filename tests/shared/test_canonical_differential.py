"""The fast path against pyld, document for document.

``canonize`` must return exactly what ``canonize_reference`` returns (or fail
with the same code). These tests call the fast path on its own as well, so a
silent fall-back to pyld cannot make them pass.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.canonical import canonize, canonize_reference
from shared.errors import RugzakError
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.to_rdf import document_quads
from shared.vocab import OB_V3P0_303 as OB
from tests.conftest import VECTORS, load_vector
from tests.pure_modules import n_degree_steps

V2 = "https://www.w3.org/ns/credentials/v2"


def _outcome(engine: Any, document: Any) -> tuple[str, str]:
    try:
        return "ok", engine(document)
    except RugzakError as error:
        return "error", str(error.code)


def _fast_only(document: dict[str, Any]) -> str:
    return canonicalize(document_quads(document))


def assert_same(document: dict[str, Any], *, fast_path: bool = True) -> str:
    """Both engines agree; when valid, the fast path alone also agrees."""
    reference = _outcome(canonize_reference, document)
    assert _outcome(canonize, document) == reference
    if reference[0] == "ok" and fast_path:
        assert _fast_only(document) == reference[1]
    return reference[1]


# --- every JSON-LD document in tests/vectors ----------------------------------------------


def _embedded(value: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        if "@context" in value:
            yield where, value
        for key, item in value.items():
            if key != "@context":
                yield from _embedded(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _embedded(item, f"{where}[{index}]")


def _proof_configs(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    proofs = document.get("proof")
    for index, proof in enumerate(proofs if isinstance(proofs, list) else [proofs]):
        if isinstance(proof, dict):
            config = {k: v for k, v in proof.items() if k not in ("proofValue", "@context")}
            yield f"proof-config{index}", {**config, "@context": document["@context"]}


def _vector_documents() -> Iterator[Any]:
    for path in sorted(VECTORS.rglob("*.json*")):
        if "contexts" in path.relative_to(VECTORS).parts:
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except ValueError:
            continue
        name = str(path.relative_to(VECTORS))
        for where, document in _embedded(data, name):
            yield pytest.param(document, id=f"{where}:as-is")
            if "proof" in document:
                without = {k: v for k, v in document.items() if k != "proof"}
                yield pytest.param(without, id=f"{where}:no-proof")
                for label, config in _proof_configs(document):
                    yield pytest.param(config, id=f"{where}:{label}")


VECTOR_DOCUMENTS = list(_vector_documents())


def test_the_vector_corpus_is_large() -> None:
    assert len(VECTOR_DOCUMENTS) > 300


@pytest.mark.parametrize("document", VECTOR_DOCUMENTS)
def test_fast_path_matches_pyld_on_vector_document(document: dict[str, Any]) -> None:
    assert_same(document)


# --- presentations of several OB credentials ----------------------------------------------


def _signed_ob() -> dict[str, Any]:
    vector = load_vector("ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json")
    return copy.deepcopy(vector["signedCredential"])


def _presentation(credentials: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2, OB],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "verifiableCredential": credentials,
        **extra,
    }


def _vp_proof() -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-23T12:00:00Z",
        "verificationMethod": "did:example:ebfeb1f712ebc6f1c276e12ec21#key-1",
        "proofPurpose": "authentication",
        "challenge": "nonce-123",
        "domain": "https://verifier.example",
        "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6",
    }


def _distinct_credentials(count: int) -> list[dict[str, Any]]:
    """Same issuer, same achievement (its criteria blank node repeats), different ids."""
    credentials = []
    for index in range(count):
        credential = _signed_ob()
        credential["id"] = f"http://example.com/credentials/{3527 + index}"
        credential["proof"]["proofValue"] = f"z{index}ab"
        credentials.append(credential)
    return credentials


def test_presentation_of_three_credentials_sharing_blank_node_shapes() -> None:
    presentation = _presentation(_distinct_credentials(3))
    canon = assert_same(presentation)
    assert n_degree_steps(document_quads(presentation)), (
        "identical criteria nodes must need the N-degree algorithm"
    )
    # Each credential and each proof sits in its own named graph.
    graphs = {line.rsplit(" ", 2)[-2] for line in canon.splitlines() if line.count(" ") >= 4}
    assert len([g for g in graphs if g.startswith("_:c14n")]) >= 6


def test_presentation_of_three_identical_credentials() -> None:
    credential = _signed_ob()
    presentation = _presentation([credential, copy.deepcopy(credential), copy.deepcopy(credential)])
    assert_same(presentation)
    assert n_degree_steps(document_quads(presentation))


def test_signed_presentation_of_three_credentials_with_and_without_proof() -> None:
    presentation = _presentation(_distinct_credentials(3), proof=_vp_proof())
    assert_same(presentation)
    assert_same({k: v for k, v in presentation.items() if k != "proof"})


def test_presentation_of_unsigned_credentials_with_one_shared_subject_node() -> None:
    credentials = _distinct_credentials(3)
    for credential in credentials:
        del credential["proof"]
        credential["credentialSubject"]["achievement"].pop("id")
    assert_same(_presentation(credentials))


# --- hypothesis: variations of an OB credential -------------------------------------------

URLS = st.sampled_from(
    ["https://example.com/a", "https://example.com/b?x=1#y", "urn:uuid:1234", "did:key:z6Mk"]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**24), max_value=10**24),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 5.0, 1e21, 1e-7, 0.1, 123456789.125, 2**53 + 1]),
)
SCALARS = st.one_of(st.text(max_size=12), NUMBERS, st.booleans())


def _maybe_list(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, st.lists(strategy, min_size=0, max_size=3))


ALIGNMENT = st.fixed_dictionaries(
    {"type": st.sampled_from([["Alignment"], "Alignment"]), "targetName": st.text(max_size=8)},
    optional={"targetUrl": URLS, "targetCode": st.text(max_size=4)},
)
RESULT_DESCRIPTION = st.fixed_dictionaries(
    {
        "id": URLS,
        "type": st.just(["ResultDescription"]),
        "name": st.text(max_size=8),
        "resultType": st.sampled_from(["GradePointAverage", "LetterGrade"]),
    },
    optional={"allowedValue": st.lists(st.text(max_size=3), max_size=4)},
)
IMAGE = st.one_of(
    URLS,
    st.fixed_dictionaries(
        {"id": URLS, "type": st.just("Image")}, optional={"caption": st.text(max_size=8)}
    ),
)
EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        "name": _maybe_list(SCALARS),
        "description": st.text(),
        "validUntil": st.just("2030-01-01T00:00:00Z"),
        "image": IMAGE,
        "issuer_name": SCALARS,
        "issuer_image": IMAGE,
        "issuer_as_string": st.booleans(),
        "tag": st.lists(st.text(max_size=6), max_size=4),
        "alignment": st.lists(ALIGNMENT, max_size=3),
        "duplicate_alignment": st.booleans(),
        "credits": NUMBERS,
        "criteria_id": URLS,
        "result_description": st.lists(RESULT_DESCRIPTION, max_size=2),
        "result": st.lists(st.text(max_size=5), max_size=2),
        "evidence": st.lists(st.text(max_size=6), max_size=2),
        "keep_proof": st.booleans(),
        "single_types": st.booleans(),
    },
)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


def _variant(extras: dict[str, Any]) -> dict[str, Any]:
    credential = _signed_ob()
    if not extras.get("keep_proof"):
        del credential["proof"]
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    issuer = credential["issuer"]
    for key in ("name", "description", "validUntil", "image"):
        if key in extras:
            credential[key] = extras[key]
    if "issuer_name" in extras:
        issuer["name"] = extras["issuer_name"]
    if "issuer_image" in extras:
        issuer["image"] = extras["issuer_image"]
    if "tag" in extras:
        achievement["tag"] = extras["tag"]
    if "alignment" in extras:
        alignment = extras["alignment"]
        achievement["alignment"] = (
            alignment + alignment if extras.get("duplicate_alignment") else alignment
        )
    if "credits" in extras:
        achievement["creditsAvailable"] = extras["credits"]
    if "criteria_id" in extras:
        achievement["criteria"]["id"] = extras["criteria_id"]
    if "result_description" in extras:
        achievement["resultDescription"] = extras["result_description"]
    if "result" in extras:
        subject["result"] = [{"type": ["Result"], "value": value} for value in extras["result"]]
    if "evidence" in extras:
        credential["evidence"] = [
            {"type": ["Evidence"], "narrative": text, "name": text} for text in extras["evidence"]
        ]
    if extras.get("single_types"):
        issuer["type"] = "Profile"
        subject["type"] = "AchievementSubject"
        achievement["type"] = "Achievement"
    if extras.get("issuer_as_string"):
        credential["issuer"] = issuer["id"]
    return credential


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(extras=EXTRAS, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_fast_path_matches_pyld_on_ob_credential_variations(
    extras: dict[str, Any], seed: int
) -> None:
    credential = _variant(extras)
    canon = assert_same(credential)
    assert assert_same(_shuffled(credential, random.Random(seed))) == canon


@settings(max_examples=60, deadline=None, derandomize=True)
@given(extras=st.lists(EXTRAS, min_size=3, max_size=3))
def test_fast_path_matches_pyld_on_presentation_variations(extras: list[dict[str, Any]]) -> None:
    credentials = [_variant(item) for item in extras]
    for index, credential in enumerate(credentials):
        credential["id"] = f"urn:uuid:cred-{index % 2}"
    assert_same(_presentation(credentials, proof=_vp_proof()))
