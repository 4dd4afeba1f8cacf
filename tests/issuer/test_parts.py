"""The achievement parts cache (issuer.service.parts): what every credential of an
achievement shares is made once, and an edit, a retirement or another process's change
is never missed."""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import Any

import pytest
from sqlalchemy import select

from issuer.achievements import AchievementUpdate
from issuer.service import AwardRequest, Issuer
from issuer.service.awarding import RESERVE_BLOCK
from issuer.service.parts import Bounded, Parts
from issuer.store import tables as t
from shared.errors import Conflict, ErrorCode
from shared.keys import SigningKey
from tests.sample_images import badge_png, data_uri

LEARNER = SigningKey.from_seed(b"\x05" * 32).did


def _issue(issuer: Issuer, achievement_id: str) -> dict[str, Any]:
    credential: dict[str, Any] = issuer.issue(
        AwardRequest(achievement_id, LEARNER), actor="test"
    ).credential
    return credential


def _comparable(credential: dict[str, Any]) -> dict[str, Any]:
    """Without what differs between any two credentials (ids, status, proof)."""
    out = {k: v for k, v in credential.items() if k not in ("id", "proof", "credentialStatus")}
    return out


def test_an_edit_is_seen_by_the_next_award(issuer: Issuer, achievement_id: str) -> None:
    first = _issue(issuer, achievement_id)
    issuer.update_achievement(
        achievement_id, AchievementUpdate(name="Doorzetten, vernieuwd"), actor="test"
    )
    second = _issue(issuer, achievement_id)
    assert first["credentialSubject"]["achievement"]["name"] != "Doorzetten, vernieuwd"
    assert second["credentialSubject"]["achievement"]["name"] == "Doorzetten, vernieuwd"
    assert second["name"] == "Doorzetten, vernieuwd"


def test_an_edit_by_another_process_is_seen(issuer: Issuer, achievement_id: str) -> None:
    """The row is read for every award; only work on its exact text is reused."""
    _issue(issuer, achievement_id)
    other = Issuer(issuer.store, issuer.identity, issuer.settings, key=issuer.signer)
    other.update_achievement(achievement_id, AchievementUpdate(name="Elders gewijzigd"), actor="t")
    assert _issue(issuer, achievement_id)["credentialSubject"]["achievement"]["name"] == (
        "Elders gewijzigd"
    )


def test_a_retired_achievement_is_refused_though_its_part_is_cached(
    issuer: Issuer, achievement_id: str
) -> None:
    _issue(issuer, achievement_id)
    assert len(issuer.parts) == 1
    issuer.retire_achievement(achievement_id, actor="test")
    with pytest.raises(Conflict) as info:
        _issue(issuer, achievement_id)
    assert info.value.code == ErrorCode.achievement_retired


def test_the_shared_part_and_the_general_path_give_the_same_credential(
    issuer: Issuer, achievement_id: str
) -> None:
    """A Prepared without its part takes the general path (link, validate, dump each
    time); the credential is the same, byte for byte, apart from ids and proof."""
    issuer.update_achievement(
        achievement_id, AchievementUpdate(image=data_uri(badge_png(4, seed=9))), actor="test"
    )
    prepared = issuer.prepare(AwardRequest(achievement_id, LEARNER))
    assert prepared.part is not None
    general = dataclasses.replace(prepared, part=None)
    fast = issuer.group_commit.submit((prepared, "test")).credential
    slow = issuer.group_commit.submit((general, "test")).credential
    assert fast["relatedResource"]  # the picture is linked by URL with its digest
    assert _comparable(fast) == _comparable(slow)
    assert list(fast) == list(slow)
    assert list(fast["credentialSubject"]["achievement"]) == list(
        slow["credentialSubject"]["achievement"]
    )


def test_check_award_gives_the_caller_its_own_copy(issuer: Issuer, achievement_id: str) -> None:
    ob, _days, _results = issuer.check_award(achievement_id, AwardRequest("x", LEARNER).award)
    ob["name"] = "changed by the caller"
    assert _issue(issuer, achievement_id)["credentialSubject"]["achievement"]["name"] != (
        "changed by the caller"
    )


def test_parts_are_bounded_and_keyed_on_the_text() -> None:
    parts = Parts(size=2)
    texts = [f'{{"name": "A{i}", "description": "d", "criteria_narrative": "c"}}' for i in range(3)]
    first = parts.get(texts[0], "https://x.example/achievements/a")
    assert parts.get(texts[0], "https://x.example/achievements/a") is first
    assert parts.get(texts[0], "https://x.example/achievements/b") is not first  # another URL
    parts.get(texts[1], "https://x.example/achievements/a")
    assert len(parts) == 2
    assert parts.get(texts[0], "https://x.example/achievements/a") is not first  # evicted


def test_bounded_is_safe_across_threads() -> None:
    cache: Bounded[int, int] = Bounded(8)
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        try:
            for i in range(2000):
                key = (i * seed) % 20
                assert cache.get(key, lambda key=key: key * 2) == key * 2
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(cache) <= 8


# ---------------------------------------------------------------- reserved status slots


def _entries(issuer: Issuer) -> list[Any]:
    with issuer.store.read() as conn:
        return list(conn.execute(t.status_entries.select()).mappings())


def test_a_one_off_award_reserves_only_its_own_slots(issuer: Issuer, achievement_id: str) -> None:
    credential = _issue(issuer, achievement_id)
    entries = _entries(issuer)
    purposes = 2 if issuer.identity.suspension else 1
    assert len(entries) == purposes
    assert {e["credential_id"] for e in entries} == {credential["id"]}


def test_the_reserve_grows_with_demand_and_is_bounded(issuer: Issuer, achievement_id: str) -> None:
    purposes = 2 if issuer.identity.suspension else 1
    issued = [_issue(issuer, achievement_id) for _ in range(100)]
    entries = _entries(issuer)
    spare = len(entries) // purposes - len(issued)
    assert 0 <= spare < RESERVE_BLOCK
    owner = {(e["list_id"], e["idx"]): e["credential_id"] for e in entries}
    for credential in issued:  # every slot's row names the credential that carries it
        status = credential["credentialStatus"]
        for entry in status if isinstance(status, list) else [status]:
            key = (entry["statusListCredential"].rsplit("/", 1)[-1], int(entry["statusListIndex"]))
            assert owner[key] == credential["id"]
    # 100 awards one by one took a handful of reservations, not 100
    assert len({e["credential_id"] for e in entries}) == len(entries) // purposes


def test_slots_of_a_refused_award_are_never_used(issuer: Issuer, achievement_id: str) -> None:
    """A group refused after its slots were taken (here: a broken signer) leaves those
    rows behind; later credentials never get them."""
    _issue(issuer, achievement_id)

    class SignerBrokenError(Exception):
        pass

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise SignerBrokenError

    original = issuer._make
    issuer._make = broken  # type: ignore[method-assign]
    with pytest.raises(SignerBrokenError):
        _issue(issuer, achievement_id)
    issuer._make = original  # type: ignore[method-assign]
    before = {(e["list_id"], e["idx"]) for e in _entries(issuer)}
    later = [_issue(issuer, achievement_id) for _ in range(5)]
    with issuer.store.read() as conn:
        stored = {r for r in conn.execute(select(t.credentials.c.id)).scalars()}
    owner = {(e["list_id"], e["idx"]): e["credential_id"] for e in _entries(issuer)}
    for credential in later:
        status = credential["credentialStatus"]
        for entry in status if isinstance(status, list) else [status]:
            key = (entry["statusListCredential"].rsplit("/", 1)[-1], int(entry["statusListIndex"]))
            assert owner[key] == credential["id"]
    unused = {k for k, cid in owner.items() if cid not in stored}
    assert unused  # the refused award's slots stay taken ...
    assert unused <= before  # ... and were reserved before the later awards


# ---------------------------------------------------------------- rows read once, checked at store


def _other(issuer: Issuer) -> Issuer:
    """Another issuer process on the same store (its own memory)."""
    return Issuer(issuer.store, issuer.identity, issuer.settings, key=issuer.signer)


def test_a_retirement_by_another_process_is_refused(issuer: Issuer, achievement_id: str) -> None:
    _issue(issuer, achievement_id)  # this process now remembers the row
    _other(issuer).retire_achievement(achievement_id, actor="t")
    with pytest.raises(Conflict) as info:
        _issue(issuer, achievement_id)
    assert info.value.code == ErrorCode.achievement_retired


def test_an_edit_between_prepare_and_store_is_caught(issuer: Issuer, achievement_id: str) -> None:
    """Checked in the transaction that stores the credential: the award is made again
    from the edited achievement, so no credential carries a superseded definition."""
    prepared = issuer.prepare(AwardRequest(achievement_id, LEARNER))
    _other(issuer).update_achievement(achievement_id, AchievementUpdate(name="Nieuw"), actor="t")
    credential = issuer.group_commit.submit((prepared, "test")).credential
    assert credential["credentialSubject"]["achievement"]["name"] == "Nieuw"


def test_issue_prepared_catches_an_edit_or_retirement_since_prepare(
    issuer: Issuer, achievement_id: str
) -> None:
    """What ``rugzak-issuer batch`` does: prepare each row once, then issue them as
    prepared; the storing transaction still sees a later edit or retirement."""
    prepared = [issuer.prepare(AwardRequest(achievement_id, LEARNER)) for _ in range(3)]
    _other(issuer).update_achievement(achievement_id, AchievementUpdate(name="Nieuw"), actor="t")
    issued = issuer.issue_prepared(prepared, actor="test")
    assert [i.credential["credentialSubject"]["achievement"]["name"] for i in issued] == [
        "Nieuw"
    ] * 3
    again = [issuer.prepare(AwardRequest(achievement_id, LEARNER))]
    _other(issuer).retire_achievement(achievement_id, actor="t")
    with pytest.raises(Conflict) as info:
        issuer.issue_prepared(again, actor="test")
    assert info.value.code == ErrorCode.achievement_retired


def test_a_retirement_in_a_group_refuses_only_its_own_awards(
    issuer: Issuer, achievement_id: str
) -> None:
    from issuer.achievements import parse_input
    from tests.issuer.conftest import ACHIEVEMENT

    issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="second")
    keep = issuer.prepare(AwardRequest(achievement_id, LEARNER))
    gone = issuer.prepare(AwardRequest("second", LEARNER))
    _other(issuer).retire_achievement("second", actor="t")
    answers = issuer._commit_group([(keep, "t"), (gone, "t")])
    assert not isinstance(answers[0], BaseException)
    assert isinstance(answers[1], Conflict)
    assert answers[1].code == ErrorCode.achievement_retired
    with issuer.store.read() as conn:
        stored = list(conn.execute(select(t.credentials.c.achievement_id)).scalars())
    assert stored == [achievement_id]


def test_status_entries_are_what_build_status_entry_writes(
    issuer: Issuer, achievement_id: str
) -> None:
    from shared.status_list import build_status_entry

    credential = _issue(issuer, achievement_id)
    status = credential["credentialStatus"]
    for entry in status if isinstance(status, list) else [status]:
        expected = build_status_entry(
            entry["statusListCredential"], int(entry["statusListIndex"]), entry["statusPurpose"]
        )
        assert json.dumps(entry) == json.dumps(expected)


# ---------------------------------------------------------------- revisions


def _revision(issuer: Issuer, achievement_id: str) -> int:
    with issuer.store.read() as conn:
        return int(
            conn.execute(
                select(t.achievements.c.revision).where(t.achievements.c.id == achievement_id)
            ).scalar_one()
        )


def test_every_change_raises_the_revision(issuer: Issuer, achievement_id: str) -> None:
    first = _revision(issuer, achievement_id)
    issuer.update_achievement(achievement_id, AchievementUpdate(name="Nieuw"), actor="t")
    assert _revision(issuer, achievement_id) == first + 1
    issuer.update_achievement(achievement_id, AchievementUpdate(name="Nieuw"), actor="t")
    assert _revision(issuer, achievement_id) == first + 2  # the same text again counts too
    issuer.retire_achievement(achievement_id, actor="t")
    assert _revision(issuer, achievement_id) == first + 3


def _document_reads(issuer: Issuer) -> list[str]:
    """Statements that read an achievement's document, from now on."""
    from sqlalchemy import event

    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "achievements.document" in statement and "FROM achievements" in statement:
            seen.append(statement)

    event.listen(issuer.store.engine, "before_cursor_execute", before)
    return seen


def test_a_batch_reads_an_unchanged_document_only_once(issuer: Issuer, achievement_id: str) -> None:
    """Each batch call and each storing transaction asks for the revision only; the
    document (tens of KB with a picture) is read again only after a change."""
    requests = [AwardRequest(achievement_id, LEARNER) for _ in range(3)]
    issuer.issue_many(requests, actor="t")
    reads = _document_reads(issuer)
    for _ in range(3):
        issued = issuer.issue_many(requests, actor="t")
    assert reads == []
    assert {i.credential["credentialSubject"]["achievement"]["name"] for i in issued} != {"Nieuw"}
    _other(issuer).update_achievement(achievement_id, AchievementUpdate(name="Nieuw"), actor="t")
    reads.clear()  # the edit itself reads the row
    issued = issuer.issue_many(requests, actor="t")
    assert len(reads) == 1  # the edit is seen, by reading the new document once
    assert {i.credential["credentialSubject"]["achievement"]["name"] for i in issued} == {"Nieuw"}
    issuer.issue_many(requests, actor="t")
    assert len(reads) == 1


def test_the_first_stored_credentials_settle_the_process(
    issuer: Issuer, achievement_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What issuing loaded is frozen out of the collector's way, once (gc.freeze)."""
    import gc

    from shared.runtime import heap

    calls: list[int] = []
    monkeypatch.setattr(heap, "_settled", False)
    monkeypatch.setattr(gc, "collect", lambda *_args: calls.append(-1) or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(gc.get_count()[0]))
    issuer.prepare(AwardRequest(achievement_id, LEARNER))
    assert calls == []  # nothing stored yet
    _issue(issuer, achievement_id)
    _issue(issuer, achievement_id)
    issuer.issue_many([AwardRequest(achievement_id, LEARNER)], actor="t")
    assert len(calls) == 1  # frozen once, without a full collection first (no -1)
