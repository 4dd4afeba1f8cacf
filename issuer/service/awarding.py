"""Awarding: check an award, then allocate, build, sign and store it in one transaction."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError, OperationalError

from issuer.awards import (
    AwardIn,
    ResultIn,
    SkillLevelIn,
    assessor_profile,
    awarded_at,
    check_email,
    check_recipient_did,
    idempotency_key,
    learner_identifiers,
    resolve_results,
    to_evidence,
)
from issuer.images import Linked, StoredImage, link_images
from issuer.service.base import ACTIVE, AwardRequest, Issued, IssuerBase, Prepared
from issuer.service.group_commit import GroupCommit
from issuer.service.parts import AchievementPart, Parts
from issuer.store.db import retryable
from issuer.store.repository import load
from issuer.store.status import Slot
from shared.credentials import issue_credential
from shared.dates import parse_datetime
from shared.errors import AccessDenied, Conflict, ErrorCode, InvalidInput
from shared.keys import SigningKey
from shared.ob import Achievement, Profile, Result, build_credential
from shared.ob.build import Prebuilt
from shared.proof import create_proof
from shared.proof.suites import ED25519_2020
from shared.runtime.heap import settle
from shared.vocab import ED25519_2020_V1, as_list

#: The store's column width; longer keys are refused the same way on every database.
MAX_IDEMPOTENCY_KEY = 64
#: Most credential ids (with their status slots) a process reserves ahead of need.
RESERVE_BLOCK = 64
#: Tries of one reservation that PostgreSQL ended as a deadlock victim or a
#: serialization failure (``_reserve_block``).
RESERVE_ATTEMPTS = 5
#: Rounds of ``AwardOps._write`` (a lost idempotency race, an achievement edited meanwhile).
ATTEMPTS = 3
_MAKE_LOCK = threading.Lock()


def _settle() -> None:
    """Once per process, after it first stored credentials: what was loaded to make
    them (schemas and their compiled validators, JSON-LD contexts, models) lives as long
    as the process, so it is frozen out of the cyclic collector's sight
    (``shared.runtime.heap.settle``). The collections that issuing many credentials sets
    off then stop walking all of it each time (batch issuance: 0.066 -> 0.017 ms of
    collector CPU per credential). Without a collection first: a command that issues
    one badge would wait for it."""
    settle(collect=False)


def _same_award(row: Mapping[Any, Any], document: dict[str, Any], prepared: Prepared) -> bool:
    """Whether a stored credential is the award ``prepared`` asks for again: the same
    achievement, learner and result values (a retry), not another award reusing a key."""
    request = prepared.request
    if row["achievement_id"] != request.achievement_id or row["subject_id"] != request.subject_id:
        return False
    subject = document.get("credentialSubject")
    stored = subject.get("result", []) if isinstance(subject, dict) else []
    values = sorted(str(r.get("value")) for r in stored if isinstance(r, dict))
    return values == sorted(str(r.get("value")) for r in prepared.results)


@dataclass
class Writes:
    """The rows of a transaction's credentials and audit entries, sent together at its
    end (one multi-row INSERT each: on PostgreSQL every statement is a round trip)."""

    credentials: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)

    def flush(self, store: Any, conn: Connection) -> None:
        store.insert_credentials(conn, self.credentials)
        store.audit_many(conn, self.audits)
        self.credentials, self.audits = [], []


class AwardOps(IssuerBase):
    """Issue credentials (one, or many in one transaction)."""

    def with_sd_proof(self, signed: dict[str, Any], now: datetime) -> dict[str, Any]:
        """``signed`` plus an ecdsa-sd-2023 base proof when the setting asks for one.

        The base proof is for the learner's wallet, which derives disclosures
        from it; what always shows is ``shared.ob.disclosure.mandatory_pointers``.
        """
        if not self.settings.sd_proofs:
            return signed
        if self._sd_key is None:
            raise AccessDenied(
                "the selective-disclosure key is locked: set RUGZAK_ISSUER_PASSPHRASE",
                code=ErrorCode.passphrase_required,
            )
        # Imported here: selective disclosure (CBOR, the ecdsa-sd-2023 algorithms) is
        # off unless the issuer turns it on.
        from shared.ob.disclosure import mandatory_pointers
        from shared.proof.ecdsa_sd import create_base_proof

        return create_base_proof(
            signed, self._sd_key, created=now, mandatory_pointers=mandatory_pointers(signed)
        )

    def prepare(
        self, request: AwardRequest, cache: dict[str, RowMapping] | None = None
    ) -> Prepared:
        """Check one award without writing anything (unknown achievement, bad DID...)."""
        check_recipient_did(request.subject_id)
        key = request.idempotency_key
        if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
            raise InvalidInput(
                f"an idempotency key has 1 to {MAX_IDEMPOTENCY_KEY} characters",
                code=ErrorCode.invalid_request,
                detail={"length": len(key)},
            )
        if request.email is not None:
            check_email(request.email)
        # Without a per-call ``cache`` (one award through ``issue``) the achievement's
        # row may come from this process's memory: ``_write`` checks it against the
        # store in the transaction that stores the credential, and redoes the award
        # if the achievement was edited or retired meanwhile (here or elsewhere).
        part, row = self._part(request.achievement_id, self._rows if cache is None else cache)
        url = self.identity.achievement_url(request.achievement_id)
        results = resolve_results(request.award, part.data, url)
        chosen = part.document.get("legacy_proof")
        legacy = self.settings.legacy_proofs if chosen is None else bool(chosen)
        # Images inside the credential only when the achievement, else the issuer, asks.
        embed = part.document.get("embed_image")
        embed = self.settings.embed_images if embed is None else bool(embed)
        return Prepared(
            request, part.ob, row["valid_days"], results, legacy, embed, part, row["revision"]
        )

    def check_award(
        self, achievement_id: str, award: AwardIn, cache: dict[str, RowMapping] | None = None
    ) -> tuple[dict[str, Any], int | None, list[dict[str, Any]]]:
        """The OB achievement, validity and results of an award (nothing written)."""
        part, row = self._part(achievement_id, cache if cache is not None else {})
        url = self.identity.achievement_url(achievement_id)
        ob = json.loads(json.dumps(part.ob))  # the caller's own copy
        return ob, row["valid_days"], resolve_results(award, part.data, url)

    def _part(
        self, achievement_id: str, cache: dict[str, RowMapping]
    ) -> tuple[AchievementPart, RowMapping]:
        """The achievement's shared part (cached on its stored text) and its row, read
        now (or from ``cache``, one call's rows) so a retirement or edit counts at once.

        Raises:
            NotFound: ``achievement_not_found``. Conflict: ``achievement_retired``.
        """
        row = cache.get(achievement_id)
        if row is None:
            with self.store.read() as conn:
                row = self._current_row(conn, achievement_id)
            cache[achievement_id] = row
        if row["retired_at"] is not None:
            raise Conflict(
                f"achievement '{achievement_id}' is retired",
                code=ErrorCode.achievement_retired,
                detail=achievement_id,
            )
        return self.parts.get(row["document"], self.identity.achievement_url(achievement_id)), row

    def _current_row(self, conn: Connection, achievement_id: str) -> RowMapping:
        """The achievement's row as stored now: the one this process remembers if its
        revision is still the stored one (a few bytes read), else read whole (and
        remembered). Every change to the row raises its revision."""
        state = self.store.achievement_states(conn, [achievement_id]).get(achievement_id)
        known = self._rows.get(achievement_id)
        if state is not None and known is not None and known["revision"] == state["revision"]:
            return known
        row = self._row(conn, achievement_id)
        self._rows[achievement_id] = row
        return row

    @property
    def parts(self) -> Parts:
        """This issuer's achievement parts (see ``issuer.service.parts``)."""
        parts = self.__dict__.get("_parts")
        if parts is None:
            with _MAKE_LOCK:
                parts = self.__dict__.setdefault("_parts", Parts())
        return parts  # type: ignore[no-any-return]

    def issue(self, request: AwardRequest, *, actor: str) -> Issued:
        """One credential, checked here, then written by group commit: concurrent calls
        (the API's worker threads) share one transaction and one commit, and each
        returns only once the transaction holding its credential has committed."""
        prepared = self.prepare(request)
        return self.group_commit.submit((prepared, actor))

    @property
    def group_commit(self) -> GroupCommit[tuple[Prepared, str], Issued]:
        """This issuer's writer (one per issuer: made on first use, thread-safe)."""
        committer = self.__dict__.get("_group_commit")
        if committer is None:
            with _MAKE_LOCK:
                committer = self.__dict__.setdefault(
                    "_group_commit", GroupCommit(self._commit_group)
                )
        return committer  # type: ignore[no-any-return]

    def _commit_group(self, items: list[tuple[Prepared, str]]) -> list[Issued | BaseException]:
        """Write a group in one transaction; if that fails, each item on its own, so a
        bad request (or a lost idempotency race) answers only for itself."""
        try:
            return list(self._write([p for p, _ in items], [a for _, a in items]))
        except Exception as exc:
            if len(items) == 1:
                return [exc]
        answers: list[Issued | BaseException] = []
        for prepared, actor in items:
            try:
                answers.extend(self._write([prepared], [actor]))
            except Exception as exc:
                answers.append(exc)
        return answers

    def award_skills(
        self,
        recipient: str,
        skills: Sequence[SkillLevelIn],
        award: AwardIn,
        *,
        actor: str,
        email: str | None = None,
        key: str | None = None,
    ) -> list[Issued]:
        """One piece of work as evidence for several skills: one credential per skill
        level, all in ONE transaction (every one or none).

        ``award`` holds what the levels share (evidence, assessor, date, name); each
        skill's level becomes its ``Result``. With ``key`` a repeat returns the same
        credentials instead of new ones.
        """
        return self.issue_many(
            skill_requests(recipient, skills, award, email=email, key=key), actor=actor
        )

    def issue_many(self, requests: Sequence[AwardRequest], *, actor: str) -> list[Issued]:
        """Issue several awards in ONE transaction (all or nothing), after checking all."""
        cache: dict[str, RowMapping] = {}
        return self.issue_prepared([self.prepare(r, cache) for r in requests], actor=actor)

    def issue_prepared(self, prepared: Sequence[Prepared], *, actor: str) -> list[Issued]:
        """Issue awards :meth:`prepare` checked, in ONE transaction (all or nothing), for
        a caller that prepared them itself (``rugzak-issuer batch`` checks each row
        first). An achievement edited or retired since is caught when they are stored,
        as for :meth:`issue`."""
        with self.group_commit.exclusive():  # this process writes one transaction at a time
            return self._write(prepared, [actor] * len(prepared))

    def _write(self, prepared: Sequence[Prepared], actors: Sequence[str]) -> list[Issued]:
        """Issue ``prepared`` (the caller holds the writer), in three steps so that no
        database lock is held while credentials are built and signed:

        1. take their ids and status indexes from the process's reserve, which, when
           short, reserves a block in one short transaction of its own (one statement;
           not waiting for the disk, see ``Store.begin``; see ``_take_slots``);
        2. build and sign them, outside any transaction;
        3. store them, their images and audit rows in ONE transaction (all or none).

        Nothing is returned before step 3 commits. An index reserved for a credential
        that is then not stored (a crash, a refusal, a lost idempotency race) stays
        taken and is never used, so no index is ever handed out twice.
        """
        signer = self.signer
        prepared = list(prepared)
        for attempt in range(ATTEMPTS):
            last = attempt == ATTEMPTS - 1
            plan = self._plan(prepared)
            fresh = [i for i, step in enumerate(plan) if step is None]
            taken = dict(zip(fresh, self._take_slots(len(fresh)), strict=True))
            writes = Writes()
            made: dict[int, Issued] = {}
            images: dict[str, StoredImage] = {}
            for i in fresh:
                issued, row, audit, linked = self._make(
                    prepared[i],
                    actor=actors[i],
                    signer=signer,
                    credential_id=taken[i][0],
                    slots=taken[i][1],
                )
                made[i] = issued
                writes.credentials.append(row)
                writes.audits.append(audit)
                images.update((image.name, image) for image in linked.images)
            try:
                if self.store.one_statement(len(fresh)) and images.keys() <= self.stored_images:
                    # The check and the writes in one statement (PostgreSQL, a few awards).
                    changed = self.store.store_issued(
                        [
                            (p.request.achievement_id, p.revision, p.valid_days)
                            for p in (prepared[i] for i in fresh)
                        ],
                        writes.credentials,
                        writes.audits,
                    )
                    if changed:
                        raise _ChangedError(changed)
                else:
                    self._store(writes, images, [prepared[i] for i in fresh])
            except IntegrityError:
                # Another process stored the same idempotency key first: the next
                # round finds it and returns the earlier credential.
                if last:
                    raise
                continue
            except _ChangedError as exc:
                # An achievement was edited or retired since it was read: read it again
                # and make those credentials anew (a retired one is refused now).
                if last:
                    raise Conflict(
                        "the achievement kept changing while it was being awarded; try again",
                        code=ErrorCode.conflict,
                        detail=sorted(exc.ids),
                    ) from None
                for aid in exc.ids:
                    self._forget_row(aid)
                prepared = [
                    self.prepare(p.request) if p.request.achievement_id in exc.ids else p
                    for p in prepared
                ]
                continue
            self.stored_images.update(images)
            _settle()
            return [
                made[i]
                if step is None
                else Issued(made[step].credential, created=False)
                if isinstance(step, int)
                else step
                for i, step in enumerate(plan)
            ]
        raise AssertionError("unreachable")

    def _store(
        self, writes: Writes, images: dict[str, StoredImage], prepared: Sequence[Prepared]
    ) -> None:
        """Store a group's credentials, audit rows and new images in one transaction,
        after checking in it that their achievements are unchanged (``_ChangedError``)."""
        with self.store.begin() as conn:
            changed = self._changed(conn, prepared)
            if changed:
                raise _ChangedError(changed)
            now = self.now()
            for image in images.values():
                if image.name not in self.stored_images:
                    self.store.put_image(
                        conn, name=image.name, media_type=image.media_type, data=image.data, now=now
                    )
            writes.flush(self.store, conn)

    def _changed(self, conn: Connection, prepared: Sequence[Prepared]) -> set[str]:
        """The achievements of ``prepared`` whose stored row is no longer the one they
        were prepared from (edited, or retired), read in the caller's transaction."""
        ids = {p.request.achievement_id for p in prepared}
        if not ids:
            return set()
        current = self.store.achievement_states(conn, sorted(ids))
        changed: set[str] = set()
        for p in prepared:
            row = current.get(p.request.achievement_id)
            if (
                row is None
                or row["retired_at"] is not None
                or row["valid_days"] != p.valid_days
                or (p.revision is not None and row["revision"] != p.revision)
            ):
                changed.add(p.request.achievement_id)
        return changed

    @property
    def _rows(self) -> dict[str, RowMapping]:
        """Achievement rows this process read (checked again when used: ``_changed``)."""
        rows = self.__dict__.get("_row_memo")
        if rows is None:
            with _MAKE_LOCK:
                rows = self.__dict__.setdefault("_row_memo", _RowMemo())
        return rows  # type: ignore[no-any-return]

    def _forget_row(self, achievement_id: str) -> None:
        self._rows.pop(achievement_id, None)

    def _take_slots(self, count: int) -> list[tuple[str, list[Slot]]]:
        """``count`` credential ids, each with its status slots (one per purpose).

        Taken from this process's reserve; when that runs short, a block is reserved in
        one short transaction (see ``_write``). The block grows while awards keep coming
        (1, 2, 4 ... up to ``RESERVE_BLOCK``, or what one batch needs), so a busy service
        reserves once per ``RESERVE_BLOCK`` credentials and a one-off ``award`` command
        reserves just its own. What is left when the process ends stays taken, unused.
        """
        purposes = tuple(self._purposes())
        with self._reserve_lock:
            if self._reserve_purposes != purposes:  # the identity changed: start afresh
                self._reserve, self._reserve_purposes = [], purposes
            short = count - len(self._reserve)
            if short > 0:
                block = max(short, min(RESERVE_BLOCK, self._reserve_next))
                ids = [f"urn:uuid:{uuid.uuid4()}" for _ in range(block)]
                reserved = self._reserve_block(ids, purposes)
                self._reserve.extend((cid, reserved[cid]) for cid in ids)
                self._reserve_next = min(RESERVE_BLOCK, 2 * block)
            taken, self._reserve = self._reserve[:count], self._reserve[count:]
        return taken

    def _reserve_block(self, ids: list[str], purposes: tuple[str, ...]) -> dict[str, list[Slot]]:
        """Reserve slots for ``ids`` in one short transaction. PostgreSQL may end it as
        one side of a deadlock (two processes whose later draws meet each other's
        earlier ones) or a serialization failure: nothing of it was kept, so it is
        simply tried again, a few times."""
        for attempt in range(RESERVE_ATTEMPTS):
            try:
                with self.store.begin(durable=False) as conn:
                    return self.allocator.reserve(conn, ids, purposes, self.now())
            except OperationalError as exc:
                self.allocator.forget()
                if attempt + 1 == RESERVE_ATTEMPTS or not retryable(exc):
                    raise
            except BaseException:
                self.allocator.forget()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _purposes(self) -> list[str]:
        return ["revocation", "suspension"] if self.identity.suspension else ["revocation"]

    def _plan(self, prepared: Sequence[Prepared]) -> list[Issued | int | None]:
        """Per award: None (a new credential), the earlier credential of its idempotency
        key (``Issued``, not created), or the position of an earlier award in this group
        with the same key (the same credential). One read for all keys.

        Raises:
            Conflict: ``idempotency_key_reused``, a key used for a different award.
        """
        keys = [p.request.idempotency_key for p in prepared if p.request.idempotency_key]
        stored: dict[str, RowMapping] = {}
        if keys:
            with self.store.read() as conn:
                stored = self.store.credentials_by_keys(conn, keys)
        plan: list[Issued | int | None] = []
        first: dict[str, int] = {}
        for i, p in enumerate(prepared):
            key = p.request.idempotency_key
            if key is None:
                plan.append(None)
            elif key in stored:
                document = load(stored[key]["document"])
                if not _same_award(stored[key], document, p):
                    raise _reused()
                plan.append(Issued(document, created=False))
            elif key in first:
                earlier = prepared[first[key]]
                same = (earlier.request.achievement_id, earlier.request.subject_id) == (
                    p.request.achievement_id,
                    p.request.subject_id,
                ) and sorted(str(r.get("value")) for r in earlier.results) == sorted(
                    str(r.get("value")) for r in p.results
                )
                if not same:
                    raise _reused()
                plan.append(first[key])
            else:
                first[key] = i
                plan.append(None)
        return plan

    def issue_in(
        self,
        conn: Connection,
        prepared: Prepared,
        *,
        actor: str,
        signer: SigningKey,
    ) -> Issued:
        """Issue within the caller's transaction (indexes drawn in it, the credential
        and audit row written in it): for work that must commit together with other
        writes (an offer's redemption)."""
        request = prepared.request
        if request.idempotency_key is not None:
            existing = self.store.credential_by_key(conn, request.idempotency_key)
            if existing is not None:
                document = load(existing["document"])
                if not _same_award(existing, document, prepared):
                    raise _reused()
                return Issued(document, created=False)
        now = self.now()
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        slots = [
            self.allocator.allocate(conn, purpose, credential_id, now)
            for purpose in self._purposes()
        ]
        issued, row, audit, linked = self._make(
            prepared, actor=actor, signer=signer, credential_id=credential_id, slots=slots
        )
        for image in linked.images:
            if image.name not in self.stored_images:
                self.store.put_image(
                    conn, name=image.name, media_type=image.media_type, data=image.data, now=now
                )
        self.store.insert_credential(conn, **row)
        self.store.audit(conn, **audit)
        return issued

    def _make(
        self,
        prepared: Prepared,
        *,
        actor: str,
        signer: SigningKey,
        credential_id: str,
        slots: Sequence[Slot],
    ) -> tuple[Issued, dict[str, Any], dict[str, Any], Linked]:
        """Build and sign one credential on the given status slots: the credential,
        its row and audit row (to be inserted by the caller), and its linked images."""
        request = prepared.request
        now = self.now()
        # What ``build_status_entry`` writes; ``build_credential`` checks each entry and
        # writes it in its one form (so it is not parsed twice here).
        status = [
            {
                "id": f"{self.identity.status_url(slot.list_id)}#{slot.index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": slot.purpose,
                "statusListIndex": slot.index,
                "statusListCredential": self.identity.status_url(slot.list_id),
            }
            for slot in slots
        ]
        valid_until = (
            None if prepared.valid_days is None else now + timedelta(days=prepared.valid_days)
        )
        achievement: Achievement | Prebuilt[Achievement]
        profile: Profile | Prebuilt[Profile]
        if prepared.part is not None and prepared.part.ob is prepared.achievement:
            shared = prepared.part.shared(self.identity, embed=prepared.embed_images)
            linked, achievement, profile = shared.linked, shared.achievement, shared.profile
        else:  # a Prepared made by hand: the general path
            linked = link_images(
                prepared.achievement,
                self.identity.profile,
                base_url=self.identity.base_url,
                embed=prepared.embed_images,
            )
            achievement = Achievement.model_validate(linked.achievement)
            profile = Profile.model_validate(linked.profile)
        unsigned = build_credential(
            achievement=achievement,
            issuer=profile,
            subject_id=request.subject_id,
            credential_id=credential_id,
            valid_from=now,
            valid_until=valid_until,
            results=[Result.model_validate(r) for r in prepared.results],
            evidence=[to_evidence(e) for e in request.award.evidence],
            credential_status=status,
            awarded_date=awarded_at(request.award, now),
            identifier=learner_identifiers(request.email, request.award),
            source=assessor_profile(request.award.assessor) if request.award.assessor else None,
            related_resource=linked.related,
        )
        if prepared.legacy_proof:
            signed = with_ed25519_2020(unsigned, signer, now)
        else:
            signed = issue_credential(unsigned, signer, created=now)
        signed = self.with_sd_proof(signed, now)
        row: dict[str, Any] = {
            "id": credential_id,
            "achievement_id": request.achievement_id,
            "subject_id": request.subject_id,
            "idempotency_key": request.idempotency_key,
            "offer_id": request.offer_id,
            "state": ACTIVE,
            "issued_at": now,
            # What the credential says (whole seconds), not the unrounded clock.
            "valid_until": parse_datetime(unsigned["validUntil"]) if valid_until else None,
            "document": signed,
        }
        audit: dict[str, Any] = {
            "at": now,
            "actor": actor,
            "action": "issue",
            "subject": credential_id,
            "detail": {
                "achievement": request.achievement_id,
                "recipient": request.subject_id,
                "status": [f"{s['statusListCredential']}#{s['statusListIndex']}" for s in status],
            },
        }
        return Issued(signed, created=True), row, audit, linked


class _ChangedError(Exception):
    """Achievements changed under an award (their ids in ``ids``)."""

    def __init__(self, ids: set[str]) -> None:
        super().__init__(sorted(ids))
        self.ids = ids


class _RowMemo(dict[str, RowMapping]):
    """Achievement rows by id, at most ``MAX_ROWS`` (then it starts afresh). A plain
    dict's item reads and writes are atomic, so threads may share it."""

    MAX_ROWS = 1024

    def __setitem__(self, key: str, value: RowMapping) -> None:
        if len(self) >= self.MAX_ROWS:
            self.clear()
        super().__setitem__(key, value)


def _reused() -> Conflict:
    return Conflict(
        "this idempotency key was used for a different award",
        code=ErrorCode.idempotency_key_reused,
    )


def skill_requests(
    recipient: str,
    skills: Sequence[SkillLevelIn],
    award: AwardIn,
    *,
    email: str | None = None,
    key: str | None = None,
    offer_id: str | None = None,
) -> list[AwardRequest]:
    """The award requests of a multi-skill award (one per skill level)."""
    if not skills:
        raise InvalidInput("name at least one skill and level", code=ErrorCode.invalid_request)
    seen = [s.achievement_id for s in skills]
    if len(set(seen)) != len(seen):
        raise InvalidInput(
            "a skill is named twice in one award", code=ErrorCode.invalid_request, detail=seen
        )
    return [
        AwardRequest(
            achievement_id=skill.achievement_id,
            subject_id=recipient,
            award=award.model_copy(update={"results": [ResultIn(value=skill.level)]}),
            email=email,
            idempotency_key=None if key is None else idempotency_key(key, skill.achievement_id),
            offer_id=offer_id,
        )
        for skill in skills
    ]


def with_ed25519_2020(
    unsigned: dict[str, Any], signer: SigningKey, now: datetime
) -> dict[str, Any]:
    """A proof set: eddsa-rdfc-2022 and Ed25519Signature2020 over the same credential.

    The suite's context goes last in ``@context`` (after VCDM 2.0 and OB 3.0, which
    must stay first and second), before either proof is made: both proofs sign the
    document without ``proof``, so each verifies on its own.
    """
    document = dict(unsigned)
    document["@context"] = [*as_list(unsigned["@context"]), ED25519_2020_V1]
    signed = issue_credential(document, signer, created=now)
    return create_proof(signed, signer, created=now, proof_type=ED25519_2020)
