"""Verifier store migrations (Alembic): new stores are made at head, a store from before
migrations (tests/fixtures/migrations/verifier-v0.db) is upgraded with its nonces, and
``serve`` refuses a store that is behind, with ``database_outdated``."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from typer.testing import CliRunner

from shared.errors import ErrorCode, Unavailable
from shared.runtime.migrations import SchemaState
from tests.verifier.test_store import PG_URL
from verifier.api import create_app
from verifier.cli import app
from verifier.settings import Settings
from verifier.store import RequestState, RequestStore, make_engine
from verifier.store.oid4vp import Oid4vpStore
from verifier.store.schema import migrations
from verifier.store.tables import verifier_metadata

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
V0_PENDING, V0_USED = "040G2081040G208Q", "081040G2081040GY"  # see make_stores.py
LATER = datetime(2026, 11, 28, tzinfo=UTC)
BASELINE = ("requests", "oid4vp")


def differences(engine: sa.Engine, prefix: str) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": migrations(prefix).version_table}
        )
        found = list(compare_metadata(context, verifier_metadata(prefix)))
    # PostgreSQL holds other tests' tables too: only this prefix's tables count
    return [d for d in found if _table_of(d).startswith(prefix)]


def _table_of(difference: Any) -> str:
    if isinstance(difference, list):  # column changes come as lists of tuples
        return str(difference[0][2])
    item = difference[1]
    table = getattr(item, "table", None)
    return str(table.name if table is not None else item.name)


@pytest.fixture
def v0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copyfile(FIXTURES / "verifier-v0.db", tmp_path / "verifier.db")
    monkeypatch.setenv("RUGZAK_VERIFIER_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("RUGZAK_VERIFIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("RUGZAK_VERIFIER_TABLE_PREFIX", raising=False)
    # `serve` writes its options to the environment (for its workers): restore them
    for name in ("PUBLIC_ORIGIN", "OFFLINE", "TRUST_LIST", "TRUST_PACK", "ALLOW_PRIVATE_NETWORK"):
        monkeypatch.setenv(f"RUGZAK_VERIFIER_{name}", "")
        monkeypatch.delenv(f"RUGZAK_VERIFIER_{name}")
    return tmp_path / "verifier.db"


def test_serve_refuses_a_store_from_before_migrations_until_db_upgrade(v0: Path) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["serve", "--port", "0", "--offline"])
    assert refused.exit_code == 2, refused.output
    assert "(database_outdated)" in refused.output
    assert "the database schema is not up to date" in refused.output
    assert "rugzak-verifier db upgrade" in refused.output
    status = json.loads(runner.invoke(app, ["db", "status", "--json"]).output)
    assert status["state"] == "unversioned"

    done = runner.invoke(app, ["db", "upgrade"])
    assert done.exit_code == 0, done.output
    assert f"to revision {migrations('rzv_').head()}" in done.output
    assert "up to date" in runner.invoke(app, ["db", "upgrade"]).output
    assert json.loads(runner.invoke(app, ["db", "status", "--json"]).output)["revision"] == (
        "0003_public_presentations"
    )

    engine = make_engine(f"sqlite:///{v0}")
    try:
        assert differences(engine, "rzv_") == []
        store = RequestStore(engine)
        store.create_schema()  # what serve does: the store is current now
        pending, used = store.get(V0_PENDING), store.get(V0_USED)
        assert pending is not None
        assert pending.state(LATER) is RequestState.pending
        assert used is not None
        assert used.state(LATER) is RequestState.used
        assert store.consume(V0_PENDING, LATER)
        assert Oid4vpStore(engine).by_challenge(V0_PENDING) is not None
    finally:
        engine.dispose()


async def test_the_service_refuses_an_old_store_at_start(v0: Path) -> None:
    app_ = create_app(Settings(database_url=f"sqlite:///{v0}", offline=True))
    with pytest.raises(Unavailable) as caught:
        async with app_.router.lifespan_context(app_):
            pass
    assert caught.value.code == ErrorCode.database_outdated


def test_a_store_with_only_the_requests_table_gains_the_rest(tmp_path: Path) -> None:
    """``rugzak-verifier request`` made only the requests table before migrations."""
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        metadata = verifier_metadata("rzv_")
        metadata.create_all(engine, tables=[metadata.tables["rzv_requests"]])
        before, after = migrations("rzv_").upgrade(engine)
        assert (before.state, after.state) == (SchemaState.unversioned, SchemaState.current)
        assert differences(engine, "rzv_") == []
    finally:
        engine.dispose()


def test_a_store_from_newer_code_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        RequestStore(engine).create_schema()
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE rzv_schema_version SET version_num = '9999_future'"))
        with pytest.raises(Unavailable, match="newer version"):
            RequestStore(engine).create_schema()
        with pytest.raises(Unavailable, match="newer version"):
            migrations("rzv_").upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture
def pg() -> Iterator[tuple[sa.Engine, str]]:
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
    except sa.exc.OperationalError:
        engine.dispose()
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    prefix = f"rzv_{uuid.uuid4().hex[:10]}_"
    try:
        yield engine, prefix
    finally:
        RequestStore(engine, prefix=prefix).drop_schema()
        engine.dispose()


@pytest.mark.postgres
def test_postgres_store_from_before_migrations_is_adopted(pg: tuple[sa.Engine, str]) -> None:
    engine, prefix = pg
    metadata = verifier_metadata(prefix)  # what the old code made: two tables
    metadata.create_all(engine, tables=[metadata.tables[f"{prefix}{n}"] for n in BASELINE])
    with pytest.raises(Unavailable) as caught:
        RequestStore(engine, prefix=prefix).create_schema()
    assert caught.value.code == ErrorCode.database_outdated
    before, after = migrations(prefix).upgrade(engine)
    assert (before.state, after.state) == (SchemaState.unversioned, SchemaState.current)
    assert differences(engine, prefix) == []
    assert sa.inspect(engine).has_table(f"{prefix}rate_limits")  # 0002 ran
    assert sa.inspect(engine).has_table(f"{prefix}public_challenges")  # 0003 ran


@pytest.mark.postgres
def test_postgres_new_store_is_made_at_head(pg: tuple[sa.Engine, str]) -> None:
    engine, prefix = pg
    RequestStore(engine, prefix=prefix).create_schema()
    assert migrations(prefix).status(engine).state is SchemaState.current
    assert differences(engine, prefix) == []


def test_a_store_behind_is_refused_then_moved_to_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    try:
        RequestStore(engine).create_schema()
        with engine.begin() as conn:  # as revision 0001 left it
            conn.execute(sa.text("DROP TABLE rzv_rate_limits"))
            conn.execute(sa.text("DROP TABLE rzv_public"))  # and what 0003 made
            conn.execute(sa.text("DROP TABLE rzv_public_challenges"))
            conn.execute(sa.text("UPDATE rzv_schema_version SET version_num = '0001_baseline'"))
        with pytest.raises(Unavailable, match="not up to date"):
            RequestStore(engine).create_schema()
        before, after = migrations("rzv_").upgrade(engine)
        assert (before.state, after.state) == (SchemaState.behind, SchemaState.current)
        assert differences(engine, "rzv_") == []
    finally:
        engine.dispose()


def test_db_upgrade_creates_a_new_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'v.db'}"
    done = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"Database created at revision {migrations('rzv_').head()}."
