"""The OB checks never raise for hostile JSON: every input gives a list of findings."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.ob.schema import check_credential, validate_credential_schema
from shared.ob.structure import check_presentation_structure, check_structure
from tests.conftest import load_vector

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
            "2010-01-01T00:00:00Z",
            "Profile",
            "EndorsementCredential",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "type", "endorsement", "issuer", "@context", "criteria", "x"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=12,
)

BASES = [
    load_vector("ob3/1edtech-validator/simple.json"),
    load_vector("ob3/1edtech-validator/simple_v1.json"),
    load_vector("ob3/1edtech-validator/endorsement-valid.json"),
]


def places(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, value in items:
        found += places(value, (*prefix, key))
    return found


def replaced(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(doc)
    parent = copied
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copied


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(base=st.sampled_from(range(len(BASES))), choice=st.integers(min_value=0), value=JSON)
def test_checks_never_raise(base: int, choice: int, value: Any) -> None:
    """Any JSON value anywhere in a credential yields findings, never an exception."""
    doc = BASES[base]
    spots = places(doc)
    mutated = replaced(doc, spots[choice % len(spots)], value)
    for check in (check_structure, validate_credential_schema, check_credential):
        issues = check(mutated)
        assert isinstance(issues, list)
        assert all(i.severity in ("error", "warning") and i.path.startswith("$") for i in issues)
    vp = {"@context": [value], "type": value, "holder": value, "verifiableCredential": [mutated]}
    assert isinstance(check_presentation_structure(vp), list)
