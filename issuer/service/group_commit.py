"""Group commit: concurrent writers share one transaction and one commit.

Issuing one credential is mostly signing and one durable commit (an fsync on SQLite, a
WAL flush on PostgreSQL). When the API's worker threads issue at the same time, each
waiting for its own commit, the disk is the bottleneck. Here the first caller to find
the writer free becomes the *leader*: it takes every request queued so far (its own
included), writes them in ONE transaction and commits once; the others return when
the transaction holding their credential has committed. Nothing is acknowledged
before its commit, so nothing acknowledged can be lost.

The write function answers per item (a result or the exception for that item), so one
bad request never fails the others queued with it (see ``AwardOps._commit_group``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Most requests written in one transaction (bounds the time a lock is held).
MAX_GROUP = 64


class _Slot(Generic[T, R]):
    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: T) -> None:
        self.item = item
        self.done = False
        self.result: R | None = None
        self.error: BaseException | None = None


class GroupCommit(Generic[T, R]):
    """Queue items; a leader writes each group with ``write`` (one transaction).

    ``write(items)`` returns, in order, a result or an exception for every item.
    """

    def __init__(
        self, write: Callable[[list[T]], list[R | BaseException]], max_group: int = MAX_GROUP
    ) -> None:
        self._write = write
        self._max = max_group
        self._leader = threading.Lock()  # held while a group is written
        self._queue_lock = threading.Lock()
        self._queue: list[_Slot[T, R]] = []

    def submit(self, item: T) -> R:
        """Write ``item`` (with whatever else is queued); its result once committed.

        Raises:
            The exception ``write`` gave for this item.
        """
        slot: _Slot[T, R] = _Slot(item)
        with self._queue_lock:
            self._queue.append(slot)
        while not slot.done:
            with self._leader:
                if slot.done:  # a leader wrote it while this thread waited
                    break
                with self._queue_lock:
                    group, self._queue = self._queue[: self._max], self._queue[self._max :]
                self._run(group)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]  # set with done

    def pending(self) -> int:
        """How many items wait for a leader (for tests and metrics)."""
        with self._queue_lock:
            return len(self._queue)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the writer for other work (a batch's own transaction) in this process."""
        with self._leader:
            yield

    def _run(self, group: list[_Slot[T, R]]) -> None:
        try:
            answers = self._write([slot.item for slot in group])
        except BaseException as exc:  # the write itself broke: every item hears it
            answers = [exc] * len(group)
        for slot, answer in zip(group, answers, strict=True):
            if isinstance(answer, BaseException):
                slot.error = answer
            else:
                slot.result = answer
            slot.done = True
