"""shared.proof.suites.config_nquads: the usual proof config written directly, as pyld.

Whenever it answers, it must answer exactly what canonicalizing the config answers;
when it does not (None), the config takes the general path. Checked on every proof
config of the shipped vectors, on realistic badges and presentations, and on
generated configs with hostile values.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.canonical import canonize, canonize_reference
from shared.errors import RugzakError
from shared.proof.suites import config_nquads, rdfc_config_hash
from shared.vocab import CREDENTIALS_V2 as V2
from shared.vocab import OB_V3P0_303 as OB
from shared.vocab import OB_V3P0_LEGACY
from tests.shared.test_canonical_differential import VECTOR_DOCUMENTS
from tests.shared.test_canonical_realistic import CORPUS

KEY = "z6MkjJRuJtMxfTErK55eWeV7FQLLxpsvzSUQ3AC6DmdNPFja"
VM = f"did:key:{KEY}#{KEY}"


def _config(**fields: Any) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-23T12:00:00Z",
        "verificationMethod": VM,
        "proofPurpose": "authentication",
        "challenge": "2B1GWYV4CQM4CKWK",
        "domain": "https://werken.zorggroep-oost.example",
        "@context": [V2],
        **fields,
    }


def assert_same(config: dict[str, Any]) -> bool:
    """The direct form, when there is one, is the canonical form; True if there is."""
    direct = config_nquads(config)
    if direct is None:
        return False
    assert direct == canonize_reference(config)
    assert direct == canonize(config)
    digest = hashlib.sha256(direct.encode("utf-8")).digest()
    assert rdfc_config_hash(config) == digest
    return True


VECTOR_CONFIGS = [
    param
    for param in VECTOR_DOCUMENTS
    if "proof-config" in str(param.id)  # type: ignore[attr-defined]
]


def test_vectors_hold_configs_of_the_usual_shape() -> None:
    usual = [p for p in VECTOR_CONFIGS if config_nquads(p.values[0]) is not None]
    assert len(VECTOR_CONFIGS) >= 20
    assert len(usual) >= 5


@pytest.mark.parametrize("config", VECTOR_CONFIGS)
def test_vector_proof_configs(config: Any) -> None:
    if isinstance(config, dict):
        assert_same(config)


def test_realistic_badges_and_presentations_take_the_direct_form() -> None:
    configs = [document for name, document in CORPUS if "config" in name]
    assert len(configs) >= 5
    for config in configs:
        assert assert_same(config), config


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"proofPurpose": "assertionMethod", "@context": [V2, OB]},
        {"@context": V2},
        {"challenge": 'a "quoted" \\ back\nslash\r\tend', "domain": ""},
        {"created": "not a date at all", "cryptosuite": "eddsa-2022"},
        {"challenge": "Café ✓ 日本語 \U0001f393"},
        {"verificationMethod": "https://issuer.example/keys/1#key-1"},
        {"verificationMethod": "did:web:issuer.example%3A8443:org#key-1"},
    ],
)
def test_usual_configs_take_the_direct_form(fields: dict[str, Any]) -> None:
    assert assert_same(_config(**fields))


@pytest.mark.parametrize(
    "fields",
    [
        {"@context": [V2, OB_V3P0_LEGACY]},
        {"@context": [V2, {"ex": "https://example.com/#"}]},
        {"@context": [OB, V2]},
        {"type": ["DataIntegrityProof"]},
        {"type": "Ed25519Signature2020"},
        {"proofPurpose": "capabilityInvocation"},
        {"verificationMethod": "key-1"},
        {"verificationMethod": "_:b0"},
        {"verificationMethod": "did:key:z6Mk has spaces"},
        {"verificationMethod": "urn:uuid:1"},
        {"domain": ["https://a.example", "https://b.example"]},
        {"challenge": 7},
        {"id": "urn:uuid:5"},
        {"expires": "2027-01-01T00:00:00Z"},
        {"colour": "blue"},
    ],
)
def test_other_configs_take_the_general_path(fields: dict[str, Any]) -> None:
    config = _config(**fields)
    assert config_nquads(config) is None
    assert _outcome(rdfc_config_hash, config) == _outcome(_reference_hash, config)


def _reference_hash(config: dict[str, Any]) -> bytes:
    return hashlib.sha256(canonize_reference(config).encode("utf-8")).digest()


def _outcome(engine: Any, config: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", engine(config)
    except RugzakError as error:
        return "error", error.code


TEXT = st.text(
    alphabet=st.sampled_from('aZ09 :#/-_."\\\n\r\t<>{}é✓\x00\x7f\u2028\U0001f393'), max_size=12
)
# Mostly what the direct form handles, so that both paths are well exercised.
VALUE = st.one_of(TEXT, TEXT, TEXT, TEXT, st.integers(), st.none(), st.lists(TEXT, max_size=2))
IRI_LIKE = st.one_of(
    st.sampled_from([VM, "did:web:issuer.example#key-1", "https://issuer.example/k#1"]),
    st.builds(
        lambda rest: "did:web:" + rest, st.from_regex(r"[a-z0-9.%:#-]{1,12}", fullmatch=True)
    ),
    st.builds(
        lambda prefix, rest: prefix + rest, st.sampled_from(["did:key:", "https://", ""]), TEXT
    ),
)
KEYS = ["cryptosuite", "created", "challenge", "domain", "verificationMethod", "proofPurpose"]


@settings(max_examples=600, deadline=None, derandomize=True)
@given(
    context=st.sampled_from([V2, [V2], [V2], [V2, OB], [V2, OB], [V2, OB_V3P0_LEGACY], [OB, V2]]),
    ptype=st.sampled_from(
        ["DataIntegrityProof"] * 4 + [["DataIntegrityProof"], "Ed25519Signature2020"]
    ),
    present=st.lists(st.sampled_from(KEYS), unique=True),
    values=st.fixed_dictionaries({key: VALUE for key in KEYS}),
    vm=IRI_LIKE,
    purpose=st.sampled_from(["authentication", "assertionMethod"] * 2 + ["keyAgreement", "x", ""]),
    extra=st.sampled_from([{}] * 6 + [{"id": "urn:uuid:1"}, {"nonce": "n"}, {"@id": "urn:x"}]),
)
def test_generated_configs(
    context: Any,
    ptype: Any,
    present: list[str],
    values: dict[str, Any],
    vm: str,
    purpose: str,
    extra: dict[str, Any],
) -> None:
    config: dict[str, Any] = {"@context": context, "type": ptype, **extra}
    for key in present:
        config[key] = values[key]
    if "verificationMethod" in present:
        config["verificationMethod"] = vm
    if "proofPurpose" in present:
        config["proofPurpose"] = purpose
    assert_same(config)
