"""The vocabulary module: one spelling per word, and the "one or many" rule."""

from __future__ import annotations

import pytest

from shared import vocab
from shared.contexts import known_urls, load_context
from shared.vocab import as_list


def test_every_context_url_is_bundled() -> None:
    urls = [
        vocab.CREDENTIALS_V2,
        vocab.CREDENTIALS_V1,
        vocab.OB_V3P0_303,
        vocab.OB_V3P0_LEGACY,
        vocab.OB_EXTENSIONS,
        vocab.DATA_INTEGRITY_V2,
        vocab.ED25519_2020_V1,
        vocab.MULTIKEY_V1,
        vocab.STATUS_V1,
    ]
    assert set(urls) <= known_urls()
    for url in urls:
        assert "@context" in load_context(url)


def test_ob_types_are_the_credential_and_its_alias() -> None:
    assert vocab.OB_TYPES == {"OpenBadgeCredential", "AchievementCredential"}
    assert vocab.OPEN_BADGE_CREDENTIAL in vocab.OB_TYPES
    assert vocab.ENDORSEMENT_CREDENTIAL not in vocab.OB_TYPES


def test_status_list_types_cover_both_generations() -> None:
    assert vocab.STATUS_LIST_CREDENTIAL_TYPES == {
        "BitstringStatusListCredential",
        "StatusList2021Credential",
    }
    assert vocab.STATUS_LIST_SUBJECT_TYPES == {"BitstringStatusList", "StatusList2021"}


def test_dcc_floor_is_below_the_w3c_minimum_we_issue() -> None:
    from shared.status_list import MIN_ENTRIES, VERIFY_MIN_ENTRIES

    assert vocab.DCC_MIN_STATUS_ENTRIES == 100_000
    assert VERIFY_MIN_ENTRIES == vocab.DCC_MIN_STATUS_ENTRIES < MIN_ENTRIES


def test_the_credential_schema_is_bundled() -> None:
    from shared.ob.schema_engine import schema_ids

    assert vocab.ACHIEVEMENT_CREDENTIAL_SCHEMA in schema_ids()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("a", ["a"]),
        ({"id": "x"}, [{"id": "x"}]),
        ([], []),
        (["a", "b"], ["a", "b"]),
        ([None], [None]),
        (0, [0]),
        ("", [""]),
    ],
)
def test_as_list(value: object, expected: list[object]) -> None:
    assert as_list(value) == expected


def test_as_list_returns_the_list_itself() -> None:
    items = [1, 2]
    assert as_list(items) is items
