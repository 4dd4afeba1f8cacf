"""Store invariants: indexes never handed out twice, lists roll over, secrets at rest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from random import Random

import pytest
from sqlalchemy import select

from issuer import publish
from issuer.service import Issuer
from issuer.store import Store
from issuer.store import status as st
from issuer.store import tables as t
from issuer.vault import hash_token, open_seed, seal_seed, token_matches
from shared.errors import AccessDenied, ErrorCode, InvalidInput
from tests.issuer.conftest import ISSUER_SEED, PASSPHRASE

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.create_schema()
    return store


def test_allocation_never_repeats_and_opens_the_next_list(store: Store) -> None:
    # A tiny list and a fixed rng that keeps drawing the same few numbers force
    # collisions; every (list, index) must still be unique and lists must roll over.
    allocator = st.StatusAllocator(list_size=64, fill_limit=0.5, rng=Random(1))
    slots = []
    with store.begin() as conn:
        for n in range(200):
            slots.append(allocator.allocate(conn, "revocation", f"c{n}", NOW))
    pairs = {(s.list_id, s.index) for s in slots}
    assert len(pairs) == 200
    per_list: dict[str, int] = {}
    for s in slots:
        per_list[s.list_id] = per_list.get(s.list_id, 0) + 1
        assert 0 <= s.index < 64
    assert len(per_list) >= 4
    assert all(count <= 64 for count in per_list.values())
    store.dispose()


def test_same_random_sequence_in_two_allocators_still_gives_unique_indexes(store: Store) -> None:
    a = st.StatusAllocator(list_size=131_072, fill_limit=0.75, rng=Random(5))
    b = st.StatusAllocator(list_size=131_072, fill_limit=0.75, rng=Random(5))
    with store.begin() as conn:
        first = [a.allocate(conn, "revocation", f"a{n}", NOW).index for n in range(50)]
        second = [b.allocate(conn, "revocation", f"b{n}", NOW).index for n in range(50)]
    assert not set(first) & set(second)
    store.dispose()


def test_a_rolled_back_allocation_leaves_no_trace(store: Store) -> None:
    allocator = st.StatusAllocator(list_size=131_072, fill_limit=0.75, rng=Random(3))

    def crash() -> None:
        with store.begin() as conn:
            allocator.allocate(conn, "revocation", "c1", NOW)
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        crash()
    with store.begin() as conn:
        assert conn.execute(select(t.status_entries)).all() == []
    store.dispose()


def test_sealed_seed_round_trip_and_wrong_passphrase() -> None:
    blob = seal_seed(ISSUER_SEED, PASSPHRASE, kdf="min")
    assert ISSUER_SEED.hex() not in blob
    assert open_seed(blob, PASSPHRASE) == ISSUER_SEED
    with pytest.raises(AccessDenied) as info:
        open_seed(blob, "wrong passphrase")
    assert info.value.code == ErrorCode.wrong_passphrase
    with pytest.raises(AccessDenied) as short:
        seal_seed(ISSUER_SEED, "short", kdf="min")
    assert short.value.code == ErrorCode.passphrase_required
    with pytest.raises(InvalidInput) as corrupt:
        open_seed("{}", PASSPHRASE)
    assert corrupt.value.code == ErrorCode.malformed_key


def test_tokens_are_stored_hashed(issuer: Issuer, admin_token: str) -> None:
    with issuer.store.begin() as conn:
        config = issuer.store.config(conn)
        keys = issuer.store.keys(conn)
    assert admin_token not in str(config)
    assert token_matches(admin_token, config["admin_token_hash"])
    assert config["admin_token_hash"] == hash_token(admin_token)
    assert ISSUER_SEED.hex() not in keys[0]["sealed_seed"]


def test_status_list_is_resigned_only_after_a_change(issuer: Issuer, achievement_id: str) -> None:
    from issuer.service import AwardRequest
    from tests.issuer.conftest import HOLDER

    credential = issuer.issue(AwardRequest(achievement_id, HOLDER.did), actor="t").credential
    first = publish.status_list(issuer, "revocation-1")
    assert publish.status_list(issuer, "revocation-1") == first
    issuer.revoke(credential["id"], actor="t")
    changed = publish.status_list(issuer, "revocation-1")
    assert changed.etag != first.etag
    lists = publish.status_list_ids(issuer)
    assert {(x["id"], x["allocated"]) for x in lists} == {("revocation-1", 1), ("suspension-1", 1)}
