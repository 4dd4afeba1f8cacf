"""Group commit: concurrent single issuances share one transaction (one commit), each
caller returns only once its credential is committed, and one bad request in a group
answers only for itself."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from issuer.service import AwardRequest, Issuer
from issuer.service.group_commit import GroupCommit
from issuer.store import tables as t
from issuer.store.repository import load
from shared.errors import Conflict, ErrorCode, InvalidInput
from shared.keys import SigningKey

CLIENTS = 12


def _wait_for(check: Callable[[], bool], patience: float = 30.0) -> None:
    deadline = time.monotonic() + patience
    while not check():
        assert time.monotonic() < deadline, "the other callers never queued"
        time.sleep(0.005)


def _in_threads(work: Callable[[int], Any], n: int) -> list[Any]:
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            out[i] = work(i)
        except Exception as exc:  # collected for the assertions
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return out


def test_callers_queued_behind_a_commit_are_written_together() -> None:
    groups: list[list[int]] = []
    writing = threading.Event()
    committer: GroupCommit[int, int]

    def write(items: list[int]) -> list[int | BaseException]:
        if not groups:  # the first leader: hold the writer until everyone else queued
            writing.set()
            _wait_for(lambda: committer.pending() == CLIENTS - 1)
        groups.append(items)
        return [-i if i == 5 else i * 10 for i in items]

    committer = GroupCommit(write)
    first = threading.Thread(target=committer.submit, args=(0,))
    first.start()
    assert writing.wait(30)
    answers = _in_threads(lambda i: committer.submit(i + 1), CLIENTS - 1)
    first.join(30)
    assert [len(g) for g in groups] == [1, CLIENTS - 1]  # two commits for twelve callers
    assert answers == [-5 if i + 1 == 5 else (i + 1) * 10 for i in range(CLIENTS - 1)]


def test_an_error_reaches_only_its_own_caller() -> None:
    def write(items: list[int]) -> list[int | BaseException]:
        return [InvalidInput("bad", code=ErrorCode.invalid_request) if i == 2 else i for i in items]

    committer: GroupCommit[int, int] = GroupCommit(write)
    assert committer.submit(1) == 1
    with pytest.raises(InvalidInput):
        committer.submit(2)


def test_concurrent_issues_share_a_transaction_and_every_one_is_committed(
    issuer: Issuer, achievement_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    learners = [SigningKey.from_seed(bytes([i + 1]) * 32).did for i in range(CLIENTS)]
    transactions: list[int] = []
    write = issuer._write

    def counted(prepared: Any, actors: Any) -> Any:
        if not transactions:  # the first writer waits until every other call queued
            _wait_for(lambda: issuer.group_commit.pending() >= CLIENTS - len(prepared))
        transactions.append(len(prepared))
        if len(prepared) > 1 and transactions.count(-1) == 0:
            transactions.append(-1)  # this group fails once: each is then retried alone
            raise RuntimeError("the disk is full")
        return write(prepared, actors)

    monkeypatch.setattr(issuer, "_write", counted)
    issued = _in_threads(
        lambda i: issuer.issue(AwardRequest(achievement_id, learners[i]), actor="test"), CLIENTS
    )
    assert all(not isinstance(i, Exception) for i in issued), issued
    assert [i.credential["credentialSubject"]["id"] for i in issued] == learners
    failed = transactions[transactions.index(-1) - 1]
    assert failed > 1  # callers shared a transaction (it failed: then each alone)
    assert sum(n for n in transactions if n > 0) - failed == CLIENTS
    assert len(transactions) - 1 < CLIENTS + failed  # fewer commits than one per call
    with issuer.store.read() as conn:
        stored = [load(r["document"]) for r in conn.execute(t.credentials.select()).mappings()]
    assert {c["id"] for c in stored} == {i.credential["id"] for i in issued}
    slots = {
        (e["statusListCredential"], e["statusListIndex"], e["statusPurpose"])
        for c in stored
        for e in c["credentialStatus"]
    }
    assert len(slots) == sum(len(c["credentialStatus"]) for c in stored)  # none reused


def test_one_idempotency_key_twice_in_one_transaction(issuer: Issuer, achievement_id: str) -> None:
    """Rows are inserted at the end of a transaction: a key repeated inside it still
    gives the first credential back, and a different award under that key is refused."""
    from issuer.awards import AwardIn, ResultIn

    learner = SigningKey.from_seed(b"\x07" * 32).did
    same = AwardRequest(achievement_id, learner, idempotency_key="menukaart-sanne")
    first, again = issuer.issue_many([same, same], actor="test")
    assert (first.created, again.created) == (True, False)
    assert again.credential["id"] == first.credential["id"]
    other = AwardRequest(
        achievement_id,
        learner,
        AwardIn(results=[ResultIn(value="3")]),
        idempotency_key="menukaart-fleur",
    )
    plain = AwardRequest(achievement_id, learner, idempotency_key="menukaart-fleur")
    with pytest.raises(Conflict) as refused:
        issuer.issue_many([plain, other], actor="test")
    assert refused.value.code == ErrorCode.idempotency_key_reused
    with issuer.store.read() as conn:
        assert len(conn.execute(t.credentials.select()).all()) == 1
