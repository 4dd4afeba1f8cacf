"""The verifier's schema check of a credential with a set of status entries
(``shared.credentials.checks.schema_findings``) gives exactly what the general path
(``validate_credential_schema``) gives: on badges the real issuer makes and on variants
that change the set, its entries, the declared schemas, the context and other members."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.credentials import checks
from shared.ob.schema import status_entries_pass, validate_credential_schema
from shared.ob.schema_engine import SchemaKind
from tests import sample_badges as sb

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def issued() -> Iterator[list[Doc]]:
    with sb.issuer_with_badges() as issuer:
        yield [sb.award(issuer, i) for i in range(len(sb.BADGES))] + [sb.skill_level(issuer)]


def _status(doc: Doc) -> list[Doc]:
    status: list[Doc] = doc["credentialStatus"]
    return status


def _set(path: list[str | int], value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


def _drop(name: str) -> Callable[[Doc], None]:
    return lambda doc: doc.pop(name, None)  # type: ignore[func-returns-value]


VARIANTS: dict[str, Callable[[Doc], None]] = {
    "as issued": lambda doc: None,
    "one entry in the set": lambda doc: _status(doc).pop(),
    "three entries": lambda doc: _status(doc).append(copy.deepcopy(_status(doc)[0])),
    "entries reversed": lambda doc: _status(doc).reverse(),
    "empty set": _set(["credentialStatus"], []),
    "an entry is text": lambda doc: _status(doc).append("https://example.org/status#1"),
    "an entry without type": lambda doc: _status(doc)[0].pop("type"),
    "an entry with a number index": _set(["credentialStatus", 0, "statusListIndex"], 7),
    "an entry with an extra member": _set(["credentialStatus", 1, "extra"], "x"),
    "an entry with an id that is a number": _set(["credentialStatus", 0, "id"], 5),
    "the second entry without type": lambda doc: _status(doc)[1].pop("type"),
    "the second entry with a number index": _set(["credentialStatus", 1, "statusListIndex"], 7),
    "the second entry with an id that is a number": _set(["credentialStatus", 1, "id"], 5),
    "the second entry empty": _set(["credentialStatus", 1], {}),
    "the second entry with a null purpose": _set(["credentialStatus", 1, "statusPurpose"], None),
    "a bad third entry": lambda doc: _status(doc).append({"id": 5, "type": "X"}),
    "one entry, not a set": lambda doc: doc.update(credentialStatus=_status(doc)[0]),
    "no credentialSchema": _drop("credentialSchema"),
    "credentialSchema of an endorsement": _set(
        ["credentialSchema"],
        [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_endorsementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
    ),
    "credentialSchema not bundled": _set(
        ["credentialSchema"], [{"id": "https://example.org/s.json", "type": "JsonSchema"}]
    ),
    "credentialSchema without id": _set(["credentialSchema"], [{"type": "JsonSchema"}]),
    "credentialSchema as one object": lambda doc: doc.update(
        credentialSchema=doc["credentialSchema"][0]
    ),
    "no name": _drop("name"),
    "name is a number": _set(["name"], 12),
    "an unknown member": _set(["nietBekend"], True),
    "subject is text": _set(["credentialSubject"], "did:example:x"),
    "no validFrom": _drop("validFrom"),
    "VCDM 1.1 context": lambda doc: doc.update(
        {"@context": ["https://www.w3.org/2018/credentials/v1", *doc["@context"][1:]]}
    ),
    "an endorsement": _set(["type"], ["VerifiableCredential", "EndorsementCredential"]),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_same_findings_as_the_general_path(issued: list[Doc], variant: str) -> None:
    for badge in issued:
        doc = copy.deepcopy(badge)
        VARIANTS[variant](doc)
        checks._STATUS_SET_FINDINGS.clear()
        assert checks.schema_findings(doc) == validate_credential_schema(doc, memo=False)
        # and again, now answered from what the first call kept
        assert checks.schema_findings(doc) == validate_credential_schema(doc, memo=False)


def test_issued_badges_take_the_fast_path(issued: list[Doc]) -> None:
    for badge in issued:
        assert checks._status_set_findings(badge) is not None
        found = checks.schema_findings(badge)
        assert [issue.path for issue in found] == ["$.credentialStatus"]


ENTRIES: dict[str, Any] = {
    "without type": {"id": "https://example.org/status/1#4"},
    "an id that is a number": {"id": 5, "type": "BitstringStatusListEntry"},
    "a type that is a list": {"id": "https://example.org/s#1", "type": ["X"]},
    "empty": {},
    "text": "https://example.org/status/1#4",
    "null": None,
    "a list": [],
}


def _endorsement() -> Doc:
    path = Path(__file__).resolve().parents[1] / "vectors/ob3/1edtech-validator"
    endorsement: Doc = json.loads((path / "endorsement-valid.json").read_text("utf-8"))
    return endorsement


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_an_entry_passes_on_its_own_exactly_when_it_passes_in_a_credential(
    issued: list[Doc], name: str
) -> None:
    # The builder and the verifier judge a set's further entries on their own
    # (status_entries_pass); in the place of a credential's one entry, the whole
    # credential must get the same verdict.
    endorsement = _endorsement()
    assert validate_credential_schema(endorsement, memo=False) == []
    frames: list[tuple[SchemaKind, Doc]] = [("endorsement", endorsement)]
    for badge in issued:
        frames.append(("achievement", {**badge, "credentialStatus": _status(badge)[0]}))
    for kind, frame in frames:
        for entry in [ENTRIES[name], *_status(issued[0])]:
            whole = validate_credential_schema({**frame, "credentialStatus": entry}, memo=False)
            assert status_entries_pass(kind, [entry]) == (whole == [])


def test_an_endorsement_with_a_status_set_takes_the_fast_path(issued: list[Doc]) -> None:
    endorsement = {**_endorsement(), "credentialStatus": copy.deepcopy(_status(issued[0]))}
    checks._STATUS_SET_FINDINGS.clear()
    assert checks._status_set_findings(endorsement) is not None
    assert checks.schema_findings(endorsement) == validate_credential_schema(
        endorsement, memo=False
    )
