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
from issuer.store import tokens as token_rows
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


def test_reserving_a_block_never_repeats_and_opens_the_next_list(store: Store) -> None:
    # Blocks of 20 credentials x 2 purposes in a tiny list with a fill limit: draws
    # collide in the table and within one round, and lists roll over.
    allocator = st.StatusAllocator(list_size=64, fill_limit=0.5, rng=Random(1))
    slots: list[st.Slot] = []
    for block in range(10):
        ids = [f"c{block}-{n}" for n in range(20)]
        with store.begin(durable=False) as conn:
            reserved = allocator.reserve(conn, ids, ["revocation", "suspension"], NOW)
        assert list(reserved) == ids
        for cid in ids:
            assert [s.purpose for s in reserved[cid]] == ["revocation", "suspension"]
            slots += reserved[cid]
    assert len({(s.list_id, s.index) for s in slots}) == 400
    assert all(0 <= s.index < 64 for s in slots)
    with store.begin() as conn:
        rows = conn.execute(select(t.status_entries)).mappings().all()
    # every reserved row names the credential it was reserved for
    owner = {(r["list_id"], r["idx"]): r["credential_id"] for r in rows}
    assert len(owner) == 400
    per_list: dict[str, int] = {}
    for s in slots:
        per_list[s.list_id] = per_list.get(s.list_id, 0) + 1
    assert len(per_list) >= 8
    assert max(per_list.values()) <= 64
    store.dispose()


def test_two_allocators_with_the_same_draws_reserve_disjoint_blocks(store: Store) -> None:
    a = st.StatusAllocator(list_size=131_072, fill_limit=0.75, rng=Random(5))
    b = st.StatusAllocator(list_size=131_072, fill_limit=0.75, rng=Random(5))
    with store.begin() as conn:
        first = a.reserve(conn, [f"a{n}" for n in range(50)], ["revocation"], NOW)
    with store.begin() as conn:
        second = b.reserve(conn, [f"b{n}" for n in range(50)], ["revocation"], NOW)
    taken = {s.index for v in first.values() for s in v}
    again = {s.index for v in second.values() for s in v}
    assert len(taken) == len(again) == 50
    assert not taken & again
    store.dispose()


def test_a_reservation_names_each_credential_once(store: Store) -> None:
    allocator = st.StatusAllocator(list_size=64, fill_limit=0.5, rng=Random(1))
    with store.begin() as conn, pytest.raises(ValueError, match="named twice"):
        allocator.reserve(conn, ["c1", "c1"], ["revocation"], NOW)
    store.dispose()


def test_a_relaxed_transaction_commits_and_leaves_the_connection_durable(store: Store) -> None:
    with store.begin(durable=False) as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        conn.execute(t.config.insert().values(key="k", value="v"))
    with store.begin() as conn:  # the pool hands the same connection back: FULL again
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert store.config(conn)["k"] == "v"

    def fail() -> None:
        with store.begin(durable=False) as conn:
            conn.execute(t.config.insert().values(key="gone", value="v"))
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        fail()
    with store.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert "gone" not in store.config(conn)
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
        tokens = [dict(row) for row in token_rows.all_rows(conn)]
    assert admin_token not in str(config) + str(tokens)
    assert [t["name"] for t in tokens] == ["admin"]
    assert token_matches(admin_token, tokens[0]["token_hash"])
    assert tokens[0]["token_hash"] == hash_token(admin_token)
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


def test_set_bits_are_read_through_the_partial_index(store: Store) -> None:
    """Only set entries are in ix_status_entries_set_bits (a new entry costs it
    nothing), and reading a list's set bits uses it."""
    from sqlalchemy import text

    now = datetime(2026, 11, 28, tzinfo=UTC)
    allocator = st.StatusAllocator(list_size=64, fill_limit=0.9, rng=Random(3))
    with store.begin() as conn:
        slots = allocator.reserve(conn, [f"c{i}" for i in range(8)], ["revocation"], now)
        first = slots["c0"][0]
        st.set_value(conn, first.list_id, first.index, 1)
    with store.read() as conn:
        assert st.set_indexes(conn, first.list_id) == [first.index]
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT idx FROM status_entries "
                    "WHERE list_id = :l AND value != 0"
                ),
                {"l": first.list_id},
            )
        )
        made = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_status_entries_set_bits'")
        ).scalar_one()
    assert "ix_status_entries_set_bits" in plan
    assert "WHERE value != 0" in made


def _prefill(store: Store, list_size: int, share: float) -> None:
    """The revocation list, ``share`` of it taken by earlier credentials."""
    from issuer.store.db import insert_ignore_many

    allocator = st.StatusAllocator(list_size=list_size, fill_limit=0.75, rng=Random(9))
    with store.begin() as conn:
        allocator.current_list(conn, "revocation", NOW)
        taken = Random(8).sample(range(list_size), int(list_size * share))
        rows = [
            {"list_id": "revocation-1", "idx": i, "credential_id": f"old{i}", "value": 0}
            for i in taken
        ]
        insert_ignore_many(
            conn, t.status_entries, rows, (t.status_entries.c.list_id, t.status_entries.c.idx)
        )


def _reserve_blocks(store: Store, allocator: st.StatusAllocator, blocks: int) -> list[st.Slot]:
    slots: list[st.Slot] = []
    for block in range(blocks):
        with store.begin(durable=False) as conn:
            reserved = allocator.reserve(
                conn, [f"c{block}-{n}" for n in range(200)], ["revocation"], NOW
            )
        slots += [s for v in reserved.values() for s in v]
    return slots


def test_a_list_well_below_its_limit_is_not_counted(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting a list's entries scans them all; the share of draws that collide tells
    that a list a quarter full is nowhere near its limit (it was counted every 16
    collisions: 6 times a block here)."""
    counted: list[str] = []
    real = st.allocated_count
    monkeypatch.setattr(st, "allocated_count", lambda c, lid: counted.append(lid) or real(c, lid))
    _prefill(store, 16_384, 0.25)
    slots = _reserve_blocks(store, st.StatusAllocator(list_size=16_384, fill_limit=0.75), 10)
    assert len({(s.list_id, s.index) for s in slots}) == 2000
    assert counted == []


def test_a_list_at_its_limit_is_still_counted_and_rolled_over(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted: list[str] = []
    real = st.allocated_count
    monkeypatch.setattr(st, "allocated_count", lambda c, lid: counted.append(lid) or real(c, lid))
    _prefill(store, 16_384, 0.76)
    slots = _reserve_blocks(store, st.StatusAllocator(list_size=16_384, fill_limit=0.75), 3)
    assert counted[:1] == ["revocation-1"]
    assert slots[-1].list_id == "revocation-2"
    with store.read() as conn:
        assert st.allocated_count(conn, "revocation-1") < 16_384 * 0.78  # hardly past it
