"""Status list rows: random index allocation without reuse, bit flips, set bits.

Allocation draws a uniformly random index and inserts ``(list_id, idx)`` with
ON CONFLICT DO NOTHING: the primary key makes a second hand-out impossible, in one
process or many, and a conflict just means "draw again". Entries are never deleted.
When draws keep colliding, the list is counted; past the fill limit the next list
(``<purpose>-<seq+1>``) is opened.

:meth:`StatusAllocator.reserve` draws the indexes of many credentials at once: one
multi-row INSERT per round (a retry round only for the draws that collided), each row
already naming the credential it is for. The issuer reserves in a short transaction of
its own, then signs outside any transaction, then stores the credentials: an index
reserved for a credential that is never stored (a crash, a refused award) stays taken
and is simply never used, so no index can be handed out twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from random import Random

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, RowMapping

from issuer.store import tables as t
from issuer.store.db import insert_ignore, insert_ignore_many
from shared.errors import ErrorCode, RugzakError

COLLISIONS_BEFORE_COUNT = 16
MAX_DRAWS = 4096
#: Draws of one list over which its fill is estimated (see ``StatusAllocator._full``).
ESTIMATE_DRAWS = 4096
#: Share of the fill limit from which the estimate asks for an exact count.
ESTIMATE_MARGIN = 0.9


@dataclass(frozen=True)
class Slot:
    """One allocated status entry."""

    list_id: str
    index: int
    purpose: str


def list_id(purpose: str, seq: int) -> str:
    return f"{purpose}-{seq}"


class StatusAllocator:
    """Hands out status indexes; ``rng`` is injectable for tests."""

    def __init__(self, *, list_size: int, fill_limit: float, rng: Random | None = None) -> None:
        self.list_size = list_size
        self.fill_limit = fill_limit
        self._rng: Random = rng if rng is not None else secrets.SystemRandom()
        # The newest list per purpose, remembered between allocations; refreshed when
        # draws collide, and forgotten after a rollback (it may have been created in it).
        self._current: dict[str, RowMapping] = {}
        # Per list: [draws, collisions] since the last exact count (``_full``).
        self._seen: dict[str, list[int]] = {}

    def forget(self) -> None:
        """Drop remembered lists (call after a rolled-back transaction)."""
        self._current.clear()

    def allocate(self, conn: Connection, purpose: str, credential_id: str, now: datetime) -> Slot:
        current = self._current.get(purpose)
        if current is None:
            current = self._current[purpose] = self.current_list(conn, purpose, now)
        collisions = 0
        for _ in range(MAX_DRAWS):
            index = self._rng.randrange(current["size"])
            row = {
                "list_id": current["id"],
                "idx": index,
                "credential_id": credential_id,
                "value": 0,
            }
            if insert_ignore(conn, t.status_entries, row):
                return Slot(current["id"], index, purpose)
            collisions += 1
            if collisions % COLLISIONS_BEFORE_COUNT == 0:
                used = conn.execute(
                    select(func.count())
                    .select_from(t.status_entries)
                    .where(t.status_entries.c.list_id == current["id"])
                ).scalar_one()
                if used >= current["size"] * self.fill_limit:
                    current = self.open_next(conn, purpose, current["seq"] + 1, now)
                else:
                    current = self.current_list(conn, purpose, now)
                self._current[purpose] = current
        raise RugzakError(
            "could not find a free status index",
            code=ErrorCode.status_list_full,
            detail={"list": current["id"]},
        )

    def reserve(
        self,
        conn: Connection,
        credential_ids: Sequence[str],
        purposes: Sequence[str],
        now: datetime,
    ) -> dict[str, list[Slot]]:
        """One slot per purpose for every credential in ``credential_ids``: its slots
        in ``purposes`` order. Each round inserts every missing draw in one statement
        (a draw that collides, in the table or within the round, is drawn again)."""
        wanted = [(cid, purpose) for cid in credential_ids for purpose in purposes]
        if len(set(wanted)) != len(wanted):
            raise ValueError("a credential id is named twice")
        got: dict[tuple[str, str], Slot] = {}
        collisions = dict.fromkeys(purposes, 0)
        pending = wanted
        for _ in range(MAX_DRAWS):
            rows: list[dict[str, object]] = []
            drawn: set[tuple[str, int]] = set()
            asked: list[tuple[str, str]] = []
            for cid, purpose in pending:
                current = self._current.get(purpose)
                if current is None:
                    current = self._current[purpose] = self.current_list(conn, purpose, now)
                key = (current["id"], self._rng.randrange(current["size"]))
                self._drawn(key[0])
                if key in drawn:  # the same draw twice in one round: a collision
                    self._collided(conn, purpose, collisions, now)
                    continue
                drawn.add(key)
                asked.append((cid, purpose))
                rows.append({"list_id": key[0], "idx": key[1], "credential_id": cid, "value": 0})
            inserted = insert_ignore_many(
                conn, t.status_entries, rows, (t.status_entries.c.list_id, t.status_entries.c.idx)
            )
            for (cid, purpose), row in zip(asked, rows, strict=True):
                key = (str(row["list_id"]), int(row["idx"]))  # type: ignore[call-overload]
                if key in inserted:
                    got[(cid, purpose)] = Slot(key[0], key[1], purpose)
                else:
                    self._collided(conn, purpose, collisions, now)
            pending = [w for w in wanted if w not in got]
            if not pending:
                return {cid: [got[(cid, p)] for p in purposes] for cid in credential_ids}
        raise RugzakError(
            "could not find a free status index",
            code=ErrorCode.status_list_full,
            detail={"list": self._current[pending[0][1]]["id"]},
        )

    def _collided(
        self, conn: Connection, purpose: str, collisions: dict[str, int], now: datetime
    ) -> None:
        """Count a collision; every ``COLLISIONS_BEFORE_COUNT`` see whether the list is
        past its fill limit (then open the next) or was replaced by another process."""
        collisions[purpose] += 1
        current = self._current[purpose]
        seen = self._seen.setdefault(current["id"], [0, 0])
        seen[1] += 1
        if collisions[purpose] % COLLISIONS_BEFORE_COUNT:
            return
        if self._full(conn, current):
            current = self.open_next(conn, purpose, current["seq"] + 1, now)
        else:
            current = self.current_list(conn, purpose, now)
        self._current[purpose] = current

    def _drawn(self, list_id_: str) -> None:
        seen = self._seen.setdefault(list_id_, [0, 0])
        seen[0] += 1
        if seen[0] > ESTIMATE_DRAWS:  # follow the list as it fills: a fresh window
            seen[:] = [1, 0]

    def _full(self, conn: Connection, current: RowMapping) -> bool:
        """Whether the list is past its fill limit, counted exactly (a scan of its
        entries: milliseconds on a large list, and it was made every 16 collisions, so
        a list a fifth full cost the server more than the credentials themselves) only
        when the share of this process's recent draws that collided, which estimates how
        full the list is, comes near the limit."""
        draws, hits = self._seen.get(current["id"], (0, 0))
        if draws and hits < ESTIMATE_MARGIN * self.fill_limit * draws:
            return False
        self._seen[current["id"]] = [0, 0]
        return bool(allocated_count(conn, current["id"]) >= current["size"] * self.fill_limit)

    def current_list(self, conn: Connection, purpose: str, now: datetime) -> RowMapping:
        row = (
            conn.execute(
                select(t.status_lists)
                .where(t.status_lists.c.purpose == purpose)
                .order_by(t.status_lists.c.seq.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        if row is None:
            return self.open_next(conn, purpose, 1, now)
        return row

    def open_next(self, conn: Connection, purpose: str, seq: int, now: datetime) -> RowMapping:
        insert_ignore(
            conn,
            t.status_lists,
            {
                "id": list_id(purpose, seq),
                "purpose": purpose,
                "seq": seq,
                "size": self.list_size,
                "created_at": now,
                "version": 0,
            },
        )
        row = (
            conn.execute(
                select(t.status_lists)
                .where(t.status_lists.c.purpose == purpose)
                .order_by(t.status_lists.c.seq.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        assert row is not None  # just inserted or already there
        return row


def entries_of(conn: Connection, credential_id: str) -> list[RowMapping]:
    """The status entries of one credential, with their list's purpose."""
    query = (
        select(t.status_entries, t.status_lists.c.purpose)
        .join(t.status_lists, t.status_lists.c.id == t.status_entries.c.list_id)
        .where(t.status_entries.c.credential_id == credential_id)
    )
    return list(conn.execute(query).mappings())


def set_value(conn: Connection, list_id_: str, index: int, value: int) -> bool:
    """Flip one entry; bumps the list's version when the value changed."""
    done = conn.execute(
        update(t.status_entries)
        .where(
            t.status_entries.c.list_id == list_id_,
            t.status_entries.c.idx == index,
            t.status_entries.c.value != value,
        )
        .values(value=value)
    )
    if done.rowcount != 1:
        return False
    conn.execute(
        update(t.status_lists)
        .where(t.status_lists.c.id == list_id_)
        .values(version=t.status_lists.c.version + 1)
    )
    return True


def set_indexes(conn: Connection, list_id_: str) -> list[int]:
    """Indexes whose bit is set in one list."""
    query = select(t.status_entries.c.idx).where(
        t.status_entries.c.list_id == list_id_, t.status_entries.c.value != 0
    )
    return [int(i) for i in conn.execute(query).scalars()]


def lists(conn: Connection) -> list[RowMapping]:
    query = select(t.status_lists).order_by(t.status_lists.c.purpose, t.status_lists.c.seq)
    return list(conn.execute(query).mappings())


def get_list(conn: Connection, list_id_: str) -> RowMapping | None:
    return (
        conn.execute(select(t.status_lists).where(t.status_lists.c.id == list_id_))
        .mappings()
        .first()
    )


def save_signed(conn: Connection, list_id_: str, *, version: int, document: str, etag: str) -> None:
    """Store a signed copy unless a newer one is already there."""
    conn.execute(
        update(t.status_lists)
        .where(t.status_lists.c.id == list_id_)
        .where(
            (t.status_lists.c.signed_version.is_(None))
            | (t.status_lists.c.signed_version < version)
        )
        .values(signed_version=version, signed_document=document, etag=etag)
    )


def allocated_count(conn: Connection, list_id_: str) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(t.status_entries)
            .where(t.status_entries.c.list_id == list_id_)
        ).scalar_one()
    )
