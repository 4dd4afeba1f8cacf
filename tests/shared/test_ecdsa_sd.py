"""ecdsa-sd-2023 against every intermediate value of the W3C vc-di-ecdsa test vectors.

The vectors fix everything that is random in real use: the issuer key, the
proof-scoped key, the HMAC key and (for the skolem IRIs) the random string.
ECDSA here is deterministic (RFC 6979), so base and derived proof values are
reproduced byte for byte.

Inputs: ``employ`` signs ``employmentAuth.json``; ``prc`` signs the signed base
document minus its proof, because ``prCredUnsigned.json`` in the vector snapshot
has another ``description`` than the document the vectors were made from.
"""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.canonical import canonize
from shared.did import StaticResolver
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.keys import P256SigningKey, verify_p256_signature
from shared.multibase import P256_PUB_PREFIX, decode_base58btc, multibase_to_p256_public
from shared.proof import verify_proofs
from shared.proof.ecdsa_sd import create_base_proof, derive_proof, verify_derived_proof
from shared.proof.ecdsa_sd.base import canonical_proof_config, hash_base, transform_base
from shared.proof.ecdsa_sd.cbor import (
    DERIVED_HEADER,
    parse_base_proof_value,
    parse_derived_proof_value,
)
from shared.proof.ecdsa_sd.derive import create_disclosure_data
from shared.proof.ecdsa_sd.labels import (
    canonicalize_and_group,
    hmac_label_map_function,
    label_map_function,
    label_replacement_canonicalize_json_ld,
)
from shared.proof.ecdsa_sd.pointers import parse_pointer, select_json_ld
from shared.proof.ecdsa_sd.verify import create_verify_data
from shared.proof.suites import proof_config
from tests.conftest import VECTORS, load_vector

SD = "ecdsa-sd-2023"
KEYS = load_vector(f"{SD}/{SD}/SDKeyMaterial.json")
HMAC_KEY = bytes.fromhex(KEYS["hmacKeyString"])
ISSUER = P256SigningKey.from_multibase(KEYS["baseKeyPair"]["secretKeyMultibase"])
PROOF_KEY = P256SigningKey.from_multibase(KEYS["proofKeyPair"]["secretKeyMultibase"])
CREATED = datetime(2023, 8, 15, 23, 36, 38, tzinfo=UTC)
CASES = {"prc": "prCred", "employ": "employ"}


def _step(case: str, name: str) -> Any:
    if name.endswith(".txt"):
        return (VECTORS / SD / SD / case / name).read_text("utf-8")
    return load_vector(f"{SD}/{SD}/{case}/{name}")


def _unsigned(case: str) -> dict[str, Any]:
    if case == "employ":
        return load_vector(f"{SD}/employmentAuth.json")
    signed = _step(case, "addSignedSDBase.json")
    return {k: v for k, v in signed.items() if k != "proof"}


def _pointers(case: str) -> tuple[list[str], list[str]]:
    prefix = CASES[case]
    return (
        load_vector(f"{SD}/{prefix}Mandatory.json"),
        load_vector(f"{SD}/{prefix}Selective.json"),
    )


def _pairs(mapping: dict[Any, Any]) -> list[list[Any]]:
    return [[k, v] for k, v in mapping.items()]


def _signed(case: str) -> dict[str, Any]:
    mandatory, _ = _pointers(case)
    return create_base_proof(
        _unsigned(case),
        ISSUER,
        created=CREATED,
        mandatory_pointers=mandatory,
        hmac_key=HMAC_KEY,
        proof_key=PROOF_KEY,
    )


def _random_string(case: str) -> str:
    """The UUID the vector generator used in its skolem IRIs (``urn:bnid:_<uuid>_<n>``)."""
    first = _step(case, "derivedAllGroupData.json")["labelMap"]["value"][0][0]
    return str(first.split("_")[1])


def test_key_material_matches_the_published_multikeys() -> None:
    assert ISSUER.public_multibase == KEYS["baseKeyPair"]["publicKeyMultibase"]
    assert ISSUER.secret_multibase == KEYS["baseKeyPair"]["secretKeyMultibase"]
    assert PROOF_KEY.public_multibase == KEYS["proofKeyPair"]["publicKeyMultibase"]
    assert load_vector(f"{SD}/p256KeyPair.json") == KEYS["baseKeyPair"]
    assert ISSUER.did == f"did:key:{ISSUER.public_multibase}"


def test_prc_unsigned_input_differs_from_the_signed_one_only_in_description() -> None:
    published = load_vector(f"{SD}/prCredUnsigned.json")
    used = _unsigned("prc")
    assert {k for k in used.keys() | published.keys() if used.get(k) != published.get(k)} == {
        "description"
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_base_proof_every_step(case: str) -> None:
    unsigned = _unsigned(case)
    mandatory, _ = _pointers(case)
    assert canonize(unsigned) == "".join(_step(case, "addBaseDocCanon.json"))

    transform = transform_base(unsigned, mandatory, HMAC_KEY)
    expected = _step(case, "addBaseTransform.json")
    assert transform.mandatory_pointers == expected["mandatoryPointers"]
    assert _pairs(transform.mandatory) == expected["mandatory"]["value"]
    assert _pairs(transform.non_mandatory) == expected["nonMandatory"]["value"]
    assert transform.hmac_key.hex().upper() == expected["hmacKeyString"]
    assert transform.grouped.nquads == _step(case, "addBaseDocHMACCanon.json")

    for entry in _step(case, "addPointerValues.json"):
        value: Any = unsigned
        for segment in parse_pointer(entry["pointer"]):
            value = value[segment]
        assert value == entry["value"]

    options = {k: v for k, v in _step(case, "addSignedSDBase.json")["proof"].items()}
    del options["proofValue"]
    assert proof_config(options, unsigned) == _step(case, "addProofConfig.json")
    canonical = canonical_proof_config(options, unsigned)
    assert canonical == _step(case, "addProofConfigCanon.txt")

    hashed = hash_base(transform, canonical)
    hashes = _step(case, "addHashData.json")
    assert hashed.proof_hash.hex() == hashes["proofHash"]
    assert hashed.mandatory_hash.hex() == hashes["mandatoryHash"]

    signed = _signed(case)
    assert signed == _step(case, "addSignedSDBase.json")
    raw = _step(case, "addRawBaseSignatureInfo.json")
    parsed = parse_base_proof_value(signed["proof"]["proofValue"])
    assert parsed.base_signature.hex() == raw["baseSignature"]
    assert parsed.public_key == decode_base58btc(raw["publicKey"])
    assert [s.hex() for s in parsed.signatures] == raw["signatures"]
    assert parsed.mandatory_pointers == raw["mandatoryPointers"]
    assert parsed.hmac_key == HMAC_KEY


@pytest.mark.parametrize("case", sorted(CASES))
def test_canonicalize_and_group_every_value(case: str) -> None:
    mandatory, selective = _pointers(case)
    grouped = canonicalize_and_group(
        _unsigned(case),
        hmac_label_map_function(HMAC_KEY),
        {"mandatory": mandatory, "selective": selective, "combined": mandatory + selective},
        random_string=_random_string(case),
    )
    expected = _step(case, "derivedAllGroupData.json")
    assert grouped.skolemized.expanded == expected["skolemized"]["expanded"]
    assert grouped.skolemized.compact == expected["skolemized"]["compact"]
    assert grouped.deskolemized.nquads() == expected["deskolemizedNQuads"]
    assert _pairs(grouped.label_map) == expected["labelMap"]["value"]
    assert grouped.nquads == expected["nquads"]
    for name, group in grouped.groups.items():
        want = expected["groups"][name]
        assert _pairs(group.matching) == want["matching"]["value"], name
        assert _pairs(group.non_matching) == want["nonMatching"]["value"], name
        assert group.deskolemized_nquads == want["deskolemizedNQuads"], name

    indexes = _step(case, "derivedGroupIndexes.json")
    assert list(grouped.groups["combined"].matching) == indexes["combinedIndexes"]
    assert list(grouped.groups["mandatory"].matching) == indexes["mandatoryIndexes"]
    assert list(grouped.groups["mandatory"].non_matching) == indexes["nonMandatoryIndexes"]
    assert list(grouped.groups["selective"].matching) == indexes["selectiveIndexes"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_derived_proof_every_step(case: str) -> None:
    signed = _signed(case)
    _, selective = _pointers(case)
    recovered = _step(case, "derivedRecoveredBaseData.json")
    base = parse_base_proof_value(signed["proof"]["proofValue"])
    assert base.base_signature.hex() == recovered["baseSignature"]
    assert base.public_key == decode_base58btc(recovered["proofPublicKey"])
    assert base.hmac_key.hex() == recovered["hmacKey"]
    assert [s.hex() for s in base.signatures] == recovered["signatures"]
    assert base.mandatory_pointers == recovered["mandatoryPointers"]

    document = {k: v for k, v in signed.items() if k != "proof"}
    data = create_disclosure_data(document, signed["proof"], selective)
    assert (
        data.value.mandatory_indexes
        == (_step(case, "derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"])
    )
    adjusted = _step(case, "derivedAdjSignatures.json")
    assert [s.hex() for s in data.value.signatures] == adjusted["filteredSignatures"]
    assert [base.signatures.index(s) for s in data.value.signatures] == (
        adjusted["adjSignatureIndexes"]
    )
    disclosure = _step(case, "derivedDisclosureData.json")
    assert data.value.base_signature.hex() == disclosure["baseSignature"]
    assert data.value.public_key == decode_base58btc(disclosure["publicKey"])
    assert [s.hex() for s in data.value.signatures] == disclosure["signatures"]
    assert _pairs(data.value.label_map) == disclosure["labelMap"]["value"]
    assert data.value.mandatory_indexes == disclosure["mandatoryIndexes"]
    assert data.reveal_document == _step(case, "derivedUnsignedReveal.json")

    derived = derive_proof(signed, selective)
    assert derived == _step(case, "derivedRevealDocument.json")


@pytest.mark.parametrize("case", sorted(CASES))
def test_verification_every_step(case: str) -> None:
    revealed = _step(case, "derivedRevealDocument.json")
    document = {k: v for k, v in revealed.items() if k != "proof"}
    proof = revealed["proof"]

    parsed = parse_derived_proof_value(proof["proofValue"])
    expected = _step(case, "verifyDerivedProofValue.json")
    assert parsed.base_signature.hex() == expected["baseSignature"]
    assert parsed.public_key == decode_base58btc(expected["publicKey"])
    assert [s.hex() for s in parsed.signatures] == expected["signatures"]
    assert _pairs(parsed.label_map) == expected["labelMap"]
    assert parsed.mandatory_indexes == expected["mandatoryIndexes"]

    relabelled = label_replacement_canonicalize_json_ld(
        document, label_map_function(parsed.label_map)
    )
    assert relabelled.nquads == _step(case, "verifyNQuads.json")

    data = create_verify_data(document, proof)
    want = _step(case, "verifyCreateVerifyData.json")
    assert data.base_signature.hex() == want["baseSignature"]
    assert data.proof_hash.hex() == want["proofHash"]
    assert data.public_key == decode_base58btc(want["publicKey"])
    assert [s.hex() for s in data.signatures] == want["signatures"]
    assert data.non_mandatory == want["nonMandatory"]
    assert data.mandatory_hash.hex() == want["mandatoryHash"]

    issuer = multibase_to_p256_public(KEYS["baseKeyPair"]["publicKeyMultibase"])
    assert verify_derived_proof(document, proof, issuer)
    # The per-statement signatures really are from the proof-scoped key.
    assert data.public_key == P256_PUB_PREFIX + PROOF_KEY.public_key
    assert verify_p256_signature(
        PROOF_KEY.public_key, data.non_mandatory[0].encode(), data.signatures[0]
    )


def _revealed(case: str = "prc") -> tuple[dict[str, Any], dict[str, Any]]:
    revealed = _step(case, "derivedRevealDocument.json")
    return {k: v for k, v in revealed.items() if k != "proof"}, revealed["proof"]


ISSUER_PUBLIC = multibase_to_p256_public(KEYS["baseKeyPair"]["publicKeyMultibase"])


def test_a_changed_disclosed_value_fails() -> None:
    document, proof = _revealed()
    document["credentialSubject"]["birthCountry"] = "Utopia"
    assert not verify_derived_proof(document, proof, ISSUER_PUBLIC)


def test_a_changed_mandatory_value_fails() -> None:
    document, proof = _revealed()
    document["issuer"]["image"] = "data:image/png;base64,AAAA"
    assert not verify_derived_proof(document, proof, ISSUER_PUBLIC)


def test_an_over_disclosed_document_fails() -> None:
    """Putting back a statement the holder hid (even its true value) breaks the proof."""
    document, proof = _revealed()
    document["credentialSubject"]["givenName"] = "JANE"
    assert not verify_derived_proof(document, proof, ISSUER_PUBLIC)


def test_a_removed_disclosed_value_fails() -> None:
    document, proof = _revealed()
    del document["validUntil"]
    assert not verify_derived_proof(document, proof, ISSUER_PUBLIC)


def test_an_extra_node_without_a_label_fails() -> None:
    document, proof = _revealed()
    document["credentialSubject"]["permanentResidentCard"] = {
        "type": ["PermanentResidentCard"],
        "lprCategory": "C09",
    }
    assert not verify_derived_proof(document, proof, ISSUER_PUBLIC)


def test_changed_proof_options_fail() -> None:
    document, proof = _revealed()
    assert not verify_derived_proof(
        document, {**proof, "created": "2024-01-01T00:00:00Z"}, ISSUER_PUBLIC
    )


def test_another_issuer_key_fails() -> None:
    document, proof = _revealed()
    assert not verify_derived_proof(document, proof, PROOF_KEY.public_key)


def test_a_base_proof_is_refused_by_the_verifier() -> None:
    signed = _step("prc", "addSignedSDBase.json")
    document = {k: v for k, v in signed.items() if k != "proof"}
    with pytest.raises(Unsupported) as info:
        verify_derived_proof(document, signed["proof"], ISSUER_PUBLIC)
    assert info.value.code == ErrorCode.base_proof_presented
    assert "base proof" in info.value.message


@pytest.mark.parametrize(
    "value",
    ["z2V0BhVhA", "u!!!", "uAAAA", "u2V0BgA", "u2V0BhQ", 5, None],
)
def test_unreadable_derived_proof_values_are_malformed(value: Any) -> None:
    document, proof = _revealed()
    with pytest.raises(InvalidInput) as info:
        verify_derived_proof(document, {**proof, "proofValue": value}, ISSUER_PUBLIC)
    assert info.value.code == ErrorCode.malformed_proof


def test_a_dropped_signature_fails() -> None:
    from shared.proof.ecdsa_sd.cbor import serialize_derived_proof_value

    document, proof = _revealed()
    parsed = parse_derived_proof_value(proof["proofValue"])
    fewer = type(parsed)(
        parsed.base_signature,
        parsed.public_key,
        parsed.signatures[1:],
        parsed.label_map,
        parsed.mandatory_indexes,
    )
    changed = {**proof, "proofValue": serialize_derived_proof_value(fewer)}
    assert not verify_derived_proof(document, changed, ISSUER_PUBLIC)


def test_selection_keeps_ids_and_types_along_the_path() -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "_:b0", "type": "T", "a": [1, 2, {"id": "urn:y", "b": 3}]},
    }
    selected = select_json_ld(document, ["/credentialSubject/a/2/b", "/credentialSubject/a/0"])
    assert selected == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:x",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"type": "T", "a": [1, {"id": "urn:y", "b": 3}]},
    }
    assert select_json_ld(document, []) is None
    assert select_json_ld(document, [""]) == document


@pytest.mark.parametrize("pointer", ["/nope", "/credentialSubject/a/9", "x", "/a~2b"])
def test_a_pointer_that_does_not_match_is_invalid_pointer(pointer: str) -> None:
    document = {"@context": [], "credentialSubject": {"a": [1]}}
    with pytest.raises(InvalidInput) as info:
        select_json_ld(document, [pointer])
    assert info.value.code == ErrorCode.invalid_pointer


def test_pointer_escapes() -> None:
    assert parse_pointer("/a~1b/~0c/0/x") == ["a/b", "~c", 0, "x"]


def test_a_document_without_blank_nodes_round_trips() -> None:
    """The vc-di-ecdsa alumni credential: every node has an IRI, so no labels at all."""
    unsigned = load_vector(f"{SD}/unsigned.json")
    signed = create_base_proof(
        unsigned, ISSUER, created=CREATED, mandatory_pointers=["/issuer", "/validFrom"]
    )
    derived = derive_proof(signed, ["/credentialSubject/alumniOf"])
    assert parse_derived_proof_value(derived["proof"]["proofValue"]).label_map == {}
    assert "name" not in derived
    document = {k: v for k, v in derived.items() if k != "proof"}
    assert verify_derived_proof(document, derived["proof"], ISSUER.public_key)
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert not verify_derived_proof(tampered, derived["proof"], ISSUER.public_key)


def test_fresh_base_proofs_use_fresh_hmac_and_proof_keys() -> None:
    unsigned = _unsigned("employ")
    first = create_base_proof(unsigned, ISSUER, created=CREATED, mandatory_pointers=["/issuer"])
    second = create_base_proof(unsigned, ISSUER, created=CREATED, mandatory_pointers=["/issuer"])
    a = parse_base_proof_value(first["proof"]["proofValue"])
    b = parse_base_proof_value(second["proof"]["proofValue"])
    assert a.hmac_key != b.hmac_key
    assert a.public_key != b.public_key


FUZZ_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=6)
    | st.sampled_from(["Person", "_:b0", "urn:bnid:x", "did:key:zDn", "2024-01-01T00:00:00Z"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "type", "birthCountry", "@context", "@list", "@id", "x"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=10,
)
CBOR_VALUES = st.recursive(
    st.none() | st.integers() | st.binary(max_size=70) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.integers(), children),
    max_leaves=12,
)


@settings(derandomize=True, database=None, max_examples=150, deadline=None)
@given(
    path=st.lists(st.sampled_from(["credentialSubject", "issuer", "type", 0, 1]), max_size=3),
    value=FUZZ_JSON,
)
def test_a_mutated_disclosure_never_raises(path: list[Any], value: Any) -> None:
    """verify_proofs gives a verdict for any change to a disclosed document, never a crash."""
    revealed = _step("prc", "derivedRevealDocument.json")
    node: Any = revealed
    for step in path:
        child = (
            node[step]
            if isinstance(node, list) and isinstance(step, int) and step < len(node)
            else (node.get(step) if isinstance(node, dict) and isinstance(step, str) else None)
        )
        if not isinstance(child, dict | list):
            break
        node = child
    if isinstance(node, dict):
        node["birthCountry"] = value
    else:
        node.append(value)
    results = verify_proofs(revealed, StaticResolver())
    assert len(results) == 1
    assert not results[0].ok or value == "Arcadia"


@settings(derandomize=True, database=None, max_examples=150, deadline=None)
@given(components=CBOR_VALUES)
def test_any_cbor_behind_the_derived_header_is_refused_cleanly(components: Any) -> None:
    revealed = _step("prc", "derivedRevealDocument.json")
    value = base64.urlsafe_b64encode(DERIVED_HEADER + cbor2.dumps(components)).rstrip(b"=")
    revealed["proof"]["proofValue"] = "u" + value.decode()
    result = verify_proofs(revealed, StaticResolver())[0]
    assert not result.ok
    assert result.code in (ErrorCode.malformed_proof, ErrorCode.proof_invalid)
