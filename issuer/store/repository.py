"""Row access for the issuer. Every method takes the caller's connection, so the
service decides what one transaction covers (e.g. index allocation, the signed
credential and its audit row commit together or not at all)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Engine, Table, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import OperationalError

from issuer.store import tables as t
from issuer.store.db import (
    READ_ONLY,
    HeldConnection,
    checked_insert,
    copy_rows,
    make_engine,
    unreachable,
)
from issuer.store.schema import MIGRATIONS
from shared.errors import ErrorCode, Unavailable
from shared.runtime.migrations import SchemaState, SchemaStatus

# Built once: SQLAlchemy then reuses the compiled SQL (the batch path's hot spot).
_INSERT_CREDENTIAL = insert(t.credentials)
_INSERT_AUDIT = insert(t.audit)
_ACHIEVEMENT_STATES = select(
    t.achievements.c.id,
    t.achievements.c.revision,
    t.achievements.c.valid_days,
    t.achievements.c.retired_at,
).where(t.achievements.c.id.in_(bindparam("ids", expanding=True)))
_CREDENTIALS_BY_KEYS = select(t.credentials).where(
    t.credentials.c.idempotency_key.in_(bindparam("keys", expanding=True))
)


#: Most credentials ``Store.store_issued`` writes in one statement on PostgreSQL; a
#: larger group (a batch) goes by COPY, cheaper per row once there are many.
ONE_STATEMENT_MAX = 16


class Store:
    """Owns the engine; hands out transactions; reads and writes rows."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.writer = HeldConnection(self.engine)  # PostgreSQL's one-statement writes

    def create_schema(self) -> None:
        """Create the tables of a new store at the newest migration (``init``); a store
        that exists must already be current (``db upgrade`` moves it)."""
        try:
            MIGRATIONS.require_current(self.engine, create_empty=True)
        except OperationalError as exc:
            raise unreachable(exc, self.url) from exc

    def check_schema(self) -> None:
        """Refuse a store that is not at the newest migration (``database_outdated``);
        an empty one is an issuer that was never set up (``not_initialized``)."""
        try:
            status = MIGRATIONS.status(self.engine)
        except OperationalError as exc:
            raise unreachable(exc, self.url) from exc
        if status.state is SchemaState.empty:
            raise Unavailable(
                "the issuer is not initialised: run 'rugzak-issuer init' first",
                code=ErrorCode.not_initialized,
            )
        if status.state is not SchemaState.current:
            raise MIGRATIONS.refusal(status)

    def upgrade_schema(self) -> tuple[SchemaStatus, SchemaStatus]:
        """Migrate the store to the newest revision; its status before and after."""
        try:
            return MIGRATIONS.upgrade(self.engine)
        except OperationalError as exc:
            raise unreachable(exc, self.url) from exc

    def schema_status(self) -> SchemaStatus:
        try:
            return MIGRATIONS.status(self.engine)
        except OperationalError as exc:
            raise unreachable(exc, self.url) from exc

    def dispose(self) -> None:
        self.writer.close()
        self.engine.dispose()

    @contextmanager
    def begin(self, *, durable: bool = True) -> Iterator[Connection]:
        """One transaction: committed on success, rolled back on any exception.

        ``durable=False`` (status index reservations only): the commit does not wait
        for the disk (SQLite ``synchronous=NORMAL`` in WAL mode, PostgreSQL
        ``synchronous_commit=off``). Both logs are sequential, so any later durable
        commit makes it durable too; a crash can lose it only together with everything
        that came after it, and what came after it was not acknowledged either. Use it
        only for writes whose loss is harmless on its own.
        """
        try:
            with self.engine.connect() as conn:
                relaxed = None if durable else self._relax(conn)
                try:
                    with conn.begin():
                        if not durable and conn.dialect.name == "postgresql":
                            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                        yield conn
                finally:
                    if relaxed is not None:
                        self._restore(conn, relaxed)
        except OperationalError as exc:
            if "could not connect" in str(exc) or "unable to open" in str(exc):
                raise unreachable(exc, self.url) from exc
            raise

    @staticmethod
    def _relax(conn: Connection) -> int | None:
        """SQLite: commit without fsync on this connection until ``_restore``; the
        setting to restore (None on other databases)."""
        if conn.dialect.name != "sqlite":
            return None
        raw: Any = conn.connection.driver_connection  # outside any transaction
        level = int(raw.execute("PRAGMA synchronous").fetchone()[0])
        raw.execute("PRAGMA synchronous = NORMAL")
        return level

    @staticmethod
    def _restore(conn: Connection, level: int) -> None:
        if not conn.invalidated:
            conn.connection.driver_connection.execute(  # type: ignore[union-attr]
                f"PRAGMA synchronous = {int(level)}"
            )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (SQLite: no write lock taken)."""
        try:
            with self.engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
                yield conn
        except OperationalError as exc:
            if "could not connect" in str(exc) or "unable to open" in str(exc):
                raise unreachable(exc, self.url) from exc
            raise

    # ------------------------------------------------------------ config

    def config(self, conn: Connection) -> dict[str, str]:
        rows = conn.execute(select(t.config.c.key, t.config.c.value)).all()
        return {row.key: row.value for row in rows}

    def set_config(self, conn: Connection, key: str, value: str) -> None:
        done = conn.execute(update(t.config).where(t.config.c.key == key).values(value=value))
        if done.rowcount == 0:
            conn.execute(insert(t.config).values(key=key, value=value))

    # ------------------------------------------------------------ images

    def put_image(
        self, conn: Connection, *, name: str, media_type: str, data: bytes, now: datetime
    ) -> None:
        """Keep an image under its content name (nothing happens if it is there)."""
        if conn.execute(select(t.images.c.name).where(t.images.c.name == name)).first() is None:
            conn.execute(
                insert(t.images).values(name=name, media_type=media_type, data=data, created_at=now)
            )

    def image(self, conn: Connection, name: str) -> RowMapping | None:
        return conn.execute(select(t.images).where(t.images.c.name == name)).mappings().first()

    def image_names(self, conn: Connection) -> list[str]:
        return list(conn.execute(select(t.images.c.name).order_by(t.images.c.name)).scalars())

    # ------------------------------------------------------------ keys

    def active_key_id(self, conn: Connection) -> int | None:
        """The row id of the key that signs now (one indexed read: checked often)."""
        keys = t.signing_keys
        found = conn.execute(
            select(func.max(keys.c.id)).where(keys.c.retired_at.is_(None))
        ).scalar_one_or_none()
        return None if found is None else int(found)

    def add_key(
        self, conn: Connection, *, fragment: str, public_multibase: str, sealed: str, now: datetime
    ) -> None:
        conn.execute(
            insert(t.signing_keys).values(
                fragment=fragment,
                public_multibase=public_multibase,
                sealed_seed=sealed,
                created_at=now,
            )
        )

    def keys(self, conn: Connection) -> list[RowMapping]:
        return list(conn.execute(select(t.signing_keys).order_by(t.signing_keys.c.id)).mappings())

    def retire_keys(self, conn: Connection, *, except_fragment: str, now: datetime) -> None:
        conn.execute(
            update(t.signing_keys)
            .where(t.signing_keys.c.fragment != except_fragment)
            .where(t.signing_keys.c.retired_at.is_(None))
            .values(retired_at=now)
        )

    # ------------------------------------------------------------ achievements

    def insert_achievement(
        self,
        conn: Connection,
        *,
        id: str,
        document: dict[str, Any],
        valid_days: int | None,
        now: datetime,
    ) -> None:
        conn.execute(
            insert(t.achievements).values(
                id=id,
                document=_dump(document),
                valid_days=valid_days,
                created_at=now,
                updated_at=now,
            )
        )

    def update_achievement(
        self,
        conn: Connection,
        id: str,
        *,
        document: dict[str, Any],
        valid_days: int | None,
        now: datetime,
    ) -> None:
        conn.execute(
            update(t.achievements)
            .where(t.achievements.c.id == id)
            .values(
                document=_dump(document),
                valid_days=valid_days,
                updated_at=now,
                revision=t.achievements.c.revision + 1,
            )
        )

    def retire_achievement(self, conn: Connection, id: str, now: datetime) -> bool:
        done = conn.execute(
            update(t.achievements)
            .where(t.achievements.c.id == id, t.achievements.c.retired_at.is_(None))
            .values(retired_at=now, updated_at=now, revision=t.achievements.c.revision + 1)
        )
        return bool(done.rowcount)

    def achievement(self, conn: Connection, id: str) -> RowMapping | None:
        return (
            conn.execute(select(t.achievements).where(t.achievements.c.id == id)).mappings().first()
        )

    def achievement_states(self, conn: Connection, ids: list[str]) -> dict[str, RowMapping]:
        """Revision, validity and retirement of some achievements, by id (one query,
        without their documents)."""
        rows = conn.execute(_ACHIEVEMENT_STATES, {"ids": list(ids)}).mappings()
        return {row["id"]: row for row in rows}

    def achievements(self, conn: Connection, *, include_retired: bool) -> list[RowMapping]:
        query = select(t.achievements).order_by(t.achievements.c.created_at, t.achievements.c.id)
        if not include_retired:
            query = query.where(t.achievements.c.retired_at.is_(None))
        return list(conn.execute(query).mappings())

    # ------------------------------------------------------------ credentials

    def insert_credential(self, conn: Connection, **values: Any) -> None:
        values["document"] = _dump(values["document"])
        conn.execute(_INSERT_CREDENTIAL, values)

    def insert_credentials(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """Several credentials at once: one COPY on PostgreSQL, else one executemany."""
        if rows:
            _insert_many(
                conn, t.credentials, [{**r, "document": _dump(r["document"])} for r in rows]
            )

    def one_statement(self, count: int) -> bool:
        """Whether ``count`` new credentials are stored by :meth:`store_issued` (on
        PostgreSQL, up to ``ONE_STATEMENT_MAX``) rather than in a transaction of
        :meth:`begin`."""
        return 0 < count <= ONE_STATEMENT_MAX and self.engine.dialect.name == "postgresql"

    def store_issued(
        self,
        expected: Sequence[tuple[str, int | None, int | None]],
        credentials: list[dict[str, Any]],
        audits: list[dict[str, Any]],
    ) -> set[str]:
        """Store credentials and their audit rows (as :meth:`insert_credentials` and
        :meth:`audit_many`) in one transaction of their own, only while each
        achievement of ``expected`` (id, revision or None, validity in days) is still
        stored so and not retired; the ids of those that are not (then nothing is
        stored). Returns once committed. PostgreSQL only (see :meth:`one_statement`):
        one statement, one round trip (``issuer.store.db.checked_insert``)."""
        return set(
            checked_insert(
                self.writer,
                t.achievements,
                list(dict.fromkeys(expected)),  # each once: a group is mostly of one
                [
                    (t.credentials, [{**r, "document": _dump(r["document"])} for r in credentials]),
                    (t.audit, [_audit_row(e) for e in audits]),
                ],
            )
        )

    def credential(self, conn: Connection, id: str) -> RowMapping | None:
        return (
            conn.execute(select(t.credentials).where(t.credentials.c.id == id)).mappings().first()
        )

    def credential_by_key(self, conn: Connection, key: str) -> RowMapping | None:
        query = select(t.credentials).where(t.credentials.c.idempotency_key == key)
        return conn.execute(query).mappings().first()

    def credentials_by_keys(self, conn: Connection, keys: list[str]) -> dict[str, RowMapping]:
        """The credentials stored under any of ``keys``, by key (one query)."""
        rows = conn.execute(_CREDENTIALS_BY_KEYS, {"keys": sorted(set(keys))}).mappings()
        return {row["idempotency_key"]: row for row in rows}

    def credentials(
        self,
        conn: Connection,
        *,
        achievement_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[RowMapping]:
        query = select(
            t.credentials.c.id,
            t.credentials.c.achievement_id,
            t.credentials.c.subject_id,
            t.credentials.c.state,
            t.credentials.c.issued_at,
            t.credentials.c.valid_until,
            t.credentials.c.offer_id,
        ).order_by(t.credentials.c.issued_at, t.credentials.c.id)
        if achievement_id is not None:
            query = query.where(t.credentials.c.achievement_id == achievement_id)
        return list(conn.execute(query.limit(limit).offset(offset)).mappings())

    def count_credentials(self, conn: Connection) -> int:
        return int(conn.execute(select(func.count()).select_from(t.credentials)).scalar_one())

    def set_credential_state(self, conn: Connection, id: str, state: str) -> None:
        conn.execute(update(t.credentials).where(t.credentials.c.id == id).values(state=state))

    # ------------------------------------------------------------ offers

    def insert_offer(self, conn: Connection, **values: Any) -> None:
        values["award"] = _dump(values["award"])
        if values.get("skills") is not None:
            values["skills"] = _dump(values["skills"])
        conn.execute(insert(t.offers).values(**values))

    def offer(self, conn: Connection, id: str) -> RowMapping | None:
        return conn.execute(select(t.offers).where(t.offers.c.id == id)).mappings().first()

    def offer_by(self, conn: Connection, column: str, value: str) -> RowMapping | None:
        query = select(t.offers).where(t.offers.c[column] == value)
        return conn.execute(query).mappings().first()

    def offers(self, conn: Connection, *, limit: int = 100, offset: int = 0) -> list[RowMapping]:
        query = select(t.offers).order_by(t.offers.c.created_at, t.offers.c.id)
        return list(conn.execute(query.limit(limit).offset(offset)).mappings())

    def update_offer(self, conn: Connection, id: str, *, expect_state: str, **values: Any) -> bool:
        """Compare-and-set on the offer's state: False when someone got there first."""
        done = conn.execute(
            update(t.offers)
            .where(t.offers.c.id == id, t.offers.c.state == expect_state)
            .values(**values)
        )
        return bool(done.rowcount == 1)

    def take_tx_attempt(self, conn: Connection, id: str, *, limit: int) -> bool:
        """Count one transaction-code attempt if fewer than ``limit`` were made.

        One conditional UPDATE, so concurrent guesses cannot all pass a read-then-check:
        the database lets exactly ``limit`` of them through. False when none is left.
        """
        result = conn.execute(
            update(t.offers)
            .where(t.offers.c.id == id, t.offers.c.tx_attempts < limit)
            .values(tx_attempts=t.offers.c.tx_attempts + 1)
        )
        return result.rowcount == 1

    # ------------------------------------------------------------ nonces

    def add_nonce(self, conn: Connection, nonce_hash: str, expires_at: datetime) -> None:
        conn.execute(
            insert(t.nonces).values(nonce_hash=nonce_hash, expires_at=expires_at, used=False)
        )

    def consume_nonce(self, conn: Connection, nonce_hash: str, now: datetime) -> bool:
        """Mark a live nonce used; False if unknown, used or expired (single use)."""
        done = conn.execute(
            update(t.nonces)
            .where(t.nonces.c.nonce_hash == nonce_hash, t.nonces.c.used.is_(False))
            .where(t.nonces.c.expires_at > now)
            .values(used=True)
        )
        return bool(done.rowcount == 1)

    def nonce(self, conn: Connection, nonce_hash: str) -> RowMapping | None:
        query = select(t.nonces).where(t.nonces.c.nonce_hash == nonce_hash)
        return conn.execute(query).mappings().first()

    def purge_nonces(self, conn: Connection, now: datetime) -> None:
        conn.execute(t.nonces.delete().where(t.nonces.c.expires_at <= now))

    # ------------------------------------------------------------ audit

    def audit(
        self,
        conn: Connection,
        *,
        at: datetime,
        actor: str,
        action: str,
        subject: str,
        detail: dict[str, Any] | None = None,
    ) -> None:
        conn.execute(
            _INSERT_AUDIT,
            {
                "at": at,
                "actor": actor[:256],
                "action": action,
                "subject": subject[:512],
                "detail": _dump(detail) if detail is not None else None,
            },
        )

    def audit_many(self, conn: Connection, entries: list[dict[str, Any]]) -> None:
        """Several audit entries (``audit``'s keywords each) at once (as credentials)."""
        if entries:
            _insert_many(conn, t.audit, [_audit_row(e) for e in entries])

    def audit_log(
        self, conn: Connection, *, limit: int = 100, offset: int = 0, subject: str | None = None
    ) -> list[RowMapping]:
        query = select(t.audit).order_by(t.audit.c.id.desc())
        if subject is not None:
            query = query.where(t.audit.c.subject == subject)
        return list(conn.execute(query.limit(limit).offset(offset)).mappings())


def _audit_row(entry: dict[str, Any]) -> dict[str, Any]:
    """The row of an audit entry (``Store.audit``'s keywords)."""
    detail = entry.get("detail")
    return {
        "at": entry["at"],
        "actor": entry["actor"][:256],
        "action": entry["action"],
        "subject": entry["subject"][:512],
        "detail": _dump(detail) if detail is not None else None,
    }


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows with the same keys, in the caller's transaction: a COPY on PostgreSQL (one
    statement for the server, where an executemany is one per row), else the driver's
    executemany of one prepared statement, each value made by its column type's bind
    processor as SQLAlchemy makes it (about a third of the time of ``conn.execute``
    with the rows, which builds and checks the parameters of every row itself)."""
    if conn.dialect.name == "postgresql":
        copy_rows(conn, table, rows)
        return
    columns = tuple(rows[0])
    sql, processors = _plain_insert(conn, table, columns)
    conn.exec_driver_sql(
        sql,
        [
            tuple(
                value if process is None or value is None else process(value)
                for value, process in zip((row[c] for c in columns), processors, strict=True)
            )
            for row in rows
        ],
    )


_PLAIN_INSERTS: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[Any]]] = {}


def _plain_insert(
    conn: Connection, table: Table, columns: tuple[str, ...]
) -> tuple[str, list[Any]]:
    """The INSERT of ``columns`` in the driver's own SQL, and each column's bind
    processor (None where the value goes as it is)."""
    key = (conn.dialect.name, table.name, columns)
    found = _PLAIN_INSERTS.get(key)
    if found is None:
        dialect = conn.dialect
        compiled = insert(table).values({c: None for c in columns}).compile(dialect=dialect)
        processors = [
            table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns
        ]
        found = _PLAIN_INSERTS[key] = (str(compiled), processors)
        if list(compiled.positiontup or []) != list(columns):  # pragma: no cover
            raise AssertionError(f"unexpected parameter order: {compiled.positiontup}")
    return found


def _dump(value: Any) -> str:
    """Compact JSON text of a document to store, by orjson (a signed credential in a
    seventh of json.dumps's time: 9 against 67 us). What orjson refuses (an integer past
    64 bits, a key that is not a string, a lone surrogate) or may write otherwise than
    the json module (``null`` stands for NaN and the infinities as well as None) is
    written by the json module, so the text always loads as the same value."""
    try:
        text = orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        text = b"null"
    if b"null" in text:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.decode()


def load(text: str | None) -> Any:
    """Parse a JSON column."""
    return None if text is None else json.loads(text)
