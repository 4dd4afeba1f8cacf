"""shared.jsonld.to_rdf: each JSON-LD construct either matches pyld or falls back.

Every case is run three ways: the fast path alone (when it claims the
construct), ``canonize`` and the pyld reference. A case marked ``fast`` fails
if the fast path quietly falls back; a case marked ``fallback`` fails if the
fast path tries to handle it.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from shared.canonical import canonize, canonize_reference
from shared.errors import ErrorCode, InvalidInput, RugzakError
from shared.jsonld.context import Fallback
from shared.jsonld.rdfc import canonicalize
from shared.jsonld.to_rdf import canonical_double, document_quads, literal_term
from shared.vocab import OB_V3P0_303 as OB

V2 = "https://www.w3.org/ns/credentials/v2"
EX = "https://www.w3.org/ns/credentials/examples/v2"
DI = "https://w3id.org/security/data-integrity/v2"
VOCAB = {"@vocab": "https://example.com/vocab#"}


def _credential(**fields: Any) -> dict[str, Any]:
    # Written by hand on purpose: the JSON-LD edge cases below need shapes the builder
    # never makes (string types, no subject id, arbitrary extra fields).
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": "Profile", "name": "Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": "AchievementSubject",
            "achievement": {
                "id": "urn:uuid:a",
                "type": "Achievement",
                "name": "A",
                "criteria": {"narrative": "n"},
            },
        },
        **fields,
    }


def _outcome(engine: Any, document: Any) -> tuple[str, str]:
    try:
        return "ok", engine(document)
    except RugzakError as error:
        return "error", str(error.code)


def _fast_outcome(document: dict[str, Any]) -> tuple[str, str]:
    try:
        return "ok", canonicalize(document_quads(document))
    except InvalidInput as error:
        return "error", str(error.code)


FAST_CASES = {
    "json-literal-object": _credential(
        credentialSchema={
            "id": "urn:schema",
            "type": "JsonSchema",
            "jsonSchema": {"b": 1.0, "a": [True, None, "é", 1e21, 0.5]},
        }
    ),
    "json-literal-null": _credential(
        credentialSchema={"id": "urn:schema", "type": "JsonSchema", "jsonSchema": None}
    ),
    "json-literal-array": _credential(
        credentialSchema={"id": "urn:schema", "type": "JsonSchema", "jsonSchema": [3, "x"]}
    ),
    "list-container-values": _credential(
        credentialSubject={
            "type": "AchievementSubject",
            "achievement": {
                "type": "Achievement",
                "resultDescription": [
                    {
                        "id": "urn:rd:1",
                        "type": "ResultDescription",
                        "name": "grade",
                        "resultType": "LetterGrade",
                        "allowedValue": ["A", "B", "A", None, 3],
                    },
                    {
                        "id": "urn:rd:2",
                        "type": "ResultDescription",
                        "name": "empty",
                        "resultType": "LetterGrade",
                        "allowedValue": [],
                    },
                    {
                        "id": "urn:rd:3",
                        "type": "ResultDescription",
                        "name": "single",
                        "resultType": "LetterGrade",
                        "allowedValue": "only",
                    },
                ],
            },
        }
    ),
    "graph-container-with-iri-reference": _credential(proof="urn:proof:elsewhere"),
    "graph-container-with-number": _credential(proof=7),
    "graph-container-with-two-proofs": _credential(
        proof=[
            {
                "type": "DataIntegrityProof",
                "cryptosuite": "eddsa-rdfc-2022",
                "proofPurpose": "assertionMethod",
                "verificationMethod": "did:example:issuer#k1",
                "proofValue": "z1",
            },
            {"id": "urn:proof:2", "type": "DataIntegrityProof", "proofValue": "z2"},
        ]
    ),
    "null-empty-array-empty-object": _credential(
        name=None, description=[], image={}, evidence=[[], [None]]
    ),
    "duplicate-values-collapse": _credential(name=["a", "a", 1, 1.0, True, "1"]),
    "escaping-and-unicode": _credential(name='tab\tnl\nret\rquote"back\\slash\x00\x0c\u2028 é 🎓'),
    "numbers": _credential(name=[0, -0.0, 5.0, 1e21, 10**21, 1.5e-7, -3.25, 2**60, 1e300]),
    "float-typed-field-gets-typed-literals": _credential(
        credentialSubject={
            "type": "AchievementSubject",
            "achievement": {"type": "Achievement", "creditsAvailable": 2},
            "creditsEarned": "2.50",
        }
    ),
    "double-typed-string": {
        "@context": [V2, {"d": {"@id": "https://example.com/d", "@type": "xsd:double"}}],
        "type": "VerifiableCredential",
        "d": ["1.5", "abc", 2, " 7 ", "1_000", True],
    },
    "compact-iri-and-absolute-iri-keys": {
        "@context": [V2, {"schema": "https://schema.org/"}],
        "type": ["VerifiableCredential", "schema:Thing", "https://example.com/T"],
        "schema:name": "x",
        "https://example.com/p": {"id": "schema:about", "schema:name": "y"},
    },
    "vocab-terms-and-types": {
        "@context": [V2, EX],
        "type": ["VerifiableCredential", "AnyTypeAtAll"],
        "credentialSubject": {"anything": "goes", "nested": {"deeper": 1}},
    },
    "vocab-coerced-value": _credential(
        proof={
            "type": "DataIntegrityProof",
            "proofPurpose": "authentication",
            "verificationMethod": "did:example:issuer#k1",
        }
    ),
    "presentation-with-graph-container-credentials": {
        "@context": [V2, OB],
        "type": "VerifiablePresentation",
        "verifiableCredential": [_credential(), _credential(id="urn:uuid:2")],
    },
    "data-integrity-context-after-ob": {
        "@context": [V2, OB, DI],
        "id": "urn:uuid:9",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:s"},
    },
    "subject-reference-keeps-type-scope": _credential(
        credentialSubject={"type": "AchievementSubject", "achievement": {"id": "urn:a"}}
    ),
    "type-scoped-term-used-outside-its-type-is-undefined": _credential(
        credentialSubject={
            "type": "AchievementSubject",
            "achievement": {"type": "Achievement", "name": "x", "source": "urn:s"},
        }
    ),
    "undefined-term-deep-inside": _credential(
        evidence=[{"type": "Evidence", "name": "e", "colour": "red"}]
    ),
    "keyword-like-key-is-undefined": _credential(**{"@foo": "bar"}),
    "null-term-mapping-is-undefined": {
        "@context": [EX, {"dropped": None}],
        "type": "VerifiableCredential",
        "dropped": "x",
    },
}

FALLBACK_CASES = {
    "explicit-value-object": _credential(name={"@value": "Naam", "@language": "nl"}),
    "explicit-typed-value": _credential(name={"@value": "2020-01-01", "@type": "xsd:date"}),
    "explicit-list-object": _credential(name={"@list": ["a", "b"]}),
    "top-level-graph": {"@context": [V2, EX], "@graph": [{"id": "urn:a", "name": "x"}]},
    "blank-node-identifiers": {
        "@context": [V2, EX],
        "type": "VerifiableCredential",
        "credentialSubject": [{"id": "_:s", "knows": {"id": "_:s"}}],
    },
    "default-language": {
        "@context": [V2, EX, {"@language": "nl"}],
        "type": "VerifiableCredential",
        "name": "Naam",
        "credentialSubject": {"note": "tekst", "n": 1},
    },
    "language-map": {
        "@context": [
            V2,
            {"title": {"@id": "https://example.com/title", "@container": "@language"}},
        ],
        "type": "VerifiableCredential",
        "title": {"en": "Title", "nl": ["Titel", "Kop"]},
    },
    "reverse-property": {
        "@context": [V2, {"member": {"@reverse": "https://example.com/hasMember"}}],
        "type": "VerifiableCredential",
        "member": {"id": "urn:group"},
    },
    "index-container": {
        "@context": [
            V2,
            {"byKey": {"@id": "https://example.com/byKey", "@container": "@index"}},
        ],
        "type": "VerifiableCredential",
        "byKey": {"a": "x", "b": {"id": "urn:b"}},
    },
    "included-block": {
        "@context": [V2, EX],
        "type": "VerifiableCredential",
        "@included": [{"id": "urn:inc", "name": "x"}],
    },
    "nest-property": {
        "@context": [V2, EX, {"meta": "@nest"}],
        "type": "VerifiableCredential",
        "meta": {"name": "x"},
    },
    "list-of-lists": {
        "@context": [V2, {"m": {"@id": "https://example.com/m", "@container": "@list"}}],
        "type": "VerifiableCredential",
        "m": [[1, 2], [3]],
    },
    "two-keys-for-type": {
        "@context": [V2, EX],
        "type": "VerifiableCredential",
        "@type": "AlumniCredential",
    },
    "non-json-value": _credential(name=datetime.date(2026, 11, 23)),
    "relative-id": _credential(id="credentials/1"),
    "unknown-context": _credential(**{"@context": [V2, "https://example.com/ctx"]}),
    "protected-redefinition": {
        "@context": [V2, {"VerifiableCredential": "https://example.com/VC"}],
        "type": "VerifiableCredential",
    },
}


@pytest.mark.parametrize("document", FAST_CASES.values(), ids=FAST_CASES.keys())
def test_fast_path_handles_construct_like_pyld(document: dict[str, Any]) -> None:
    reference = _outcome(canonize_reference, document)
    assert _fast_outcome(document) == reference
    assert _outcome(canonize, document) == reference


@pytest.mark.parametrize("document", FALLBACK_CASES.values(), ids=FALLBACK_CASES.keys())
def test_unhandled_construct_falls_back_to_pyld(document: dict[str, Any]) -> None:
    with pytest.raises(Fallback):
        document_quads(document)
    assert _outcome(canonize, document) == _outcome(canonize_reference, document)


def test_expected_outcomes_of_a_few_cases() -> None:
    """Guards the cases above against all being errors (which would compare trivially)."""
    assert _outcome(canonize, FAST_CASES["numbers"])[0] == "ok"
    assert _outcome(canonize, FAST_CASES["json-literal-object"])[1].count("#JSON>") == 1
    assert _outcome(
        canonize, FAST_CASES["type-scoped-term-used-outside-its-type-is-undefined"]
    ) == (
        "error",
        ErrorCode.undefined_term,
    )
    assert _outcome(canonize, FALLBACK_CASES["explicit-value-object"])[1].count('"Naam"@nl') == 1
    assert _outcome(canonize, FALLBACK_CASES["relative-id"]) == ("error", ErrorCode.invalid_jsonld)


@pytest.mark.parametrize(
    ("value", "datatype", "expected"),
    [
        (True, None, '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
        (5, None, '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (5.0, None, '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (-0.0, None, '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (1.5, None, '"1.5E0"^^<http://www.w3.org/2001/XMLSchema#double>'),
        (1e21, None, '"1.0E21"^^<http://www.w3.org/2001/XMLSchema#double>'),
        (10**21, None, '"1.0E21"^^<http://www.w3.org/2001/XMLSchema#double>'),
        (1.5e-7, None, '"1.5E-7"^^<http://www.w3.org/2001/XMLSchema#double>'),
        (
            "2",
            "http://www.w3.org/2001/XMLSchema#double",
            '"2.0E0"^^<http://www.w3.org/2001/XMLSchema#double>',
        ),
        ("x", None, '"x"'),
        ('a"b\\c\nd', None, '"a\\"b\\\\c\\nd"'),
        (3, "https://example.com/dt", '"3"^^<https://example.com/dt>'),
    ],
)
def test_literal_forms_match_pyld(value: Any, datatype: str | None, expected: str) -> None:
    assert literal_term(value, datatype) == expected


def test_canonical_double_is_pyld_form() -> None:
    assert canonical_double(123456789.125) == "1.23456789125E8"
    assert canonical_double(-2.5e-300) == "-2.5E-300"


def test_undefined_term_error_names_the_term() -> None:
    with pytest.raises(InvalidInput) as caught:
        canonize(FAST_CASES["undefined-term-deep-inside"])
    assert caught.value.code == ErrorCode.undefined_term
    assert caught.value.detail == "colour"
