"""Issuer store migrations (Alembic): a new store is made at head, a store made before
migrations existed (tests/fixtures/migrations/issuer-v0.db) is upgraded with its data,
and ``serve`` refuses a store that is not current, with ``database_outdated``."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from typer.testing import CliRunner

from issuer.api_tokens import TokenScope, authenticate, create_token, replace_admin_token
from issuer.cli import app
from issuer.service import AwardRequest, Issuer
from issuer.settings import IssuerSettings
from issuer.store import Store
from issuer.store import tables as t
from issuer.store.schema import MIGRATIONS
from issuer.vault import hash_token
from shared.errors import ErrorCode, Unavailable
from shared.runtime.migrations import SchemaState
from tests.issuer.multiprocess import pg_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrations"
V0_PASSPHRASE = "migratie-test-wachtwoord"  # see tests/fixtures/migrations/make_stores.py
LEARNER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("RUGZAK_ISSUER_PASSPHRASE", V0_PASSPHRASE)
    monkeypatch.setenv("RUGZAK_ISSUER_KDF", "min")
    monkeypatch.delenv("RUGZAK_ISSUER_DATABASE_URL", raising=False)
    return CliRunner()


@pytest.fixture
def v0(tmp_path: Path) -> Path:
    """A copy of the issuer data directory made by the code before migrations."""
    data = tmp_path / "issuer"
    data.mkdir()
    shutil.copyfile(FIXTURES / "issuer-v0.db", data / "issuer.db")
    return data


def cli(runner: CliRunner, data: Path, *args: str, code: int = 0) -> Any:
    result = runner.invoke(app, ["--data-dir", str(data), *args])
    assert result.exit_code == code, result.output
    return result


def schema_differences(url: str) -> list[Any]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"version_table": MIGRATIONS.version_table}
            )
            return list(compare_metadata(context, t.metadata))
    finally:
        engine.dispose()


def test_init_makes_the_store_at_the_newest_revision(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "new"
    cli(runner, data, "init", "--name", "Leerhuis Utrecht", "--local")
    status = json.loads(cli(runner, data, "db", "status", "--json").output)
    assert status == {"state": "current", "revision": MIGRATIONS.head(), "head": MIGRATIONS.head()}
    # the migrations make exactly the tables the code uses
    assert schema_differences(f"sqlite:///{data / 'issuer.db'}") == []


def test_serve_refuses_a_store_from_before_migrations_until_db_upgrade(
    runner: CliRunner, v0: Path
) -> None:
    refused = cli(runner, v0, "serve", "--port", "0", code=2)
    assert "database_outdated" in refused.output
    assert "rugzak-issuer db upgrade" in refused.output
    before = json.loads(cli(runner, v0, "db", "status", "--json").output)
    assert before["state"] == "unversioned"

    upgraded = cli(runner, v0, "db", "upgrade")
    assert f"to revision {MIGRATIONS.head()}" in " ".join(upgraded.output.split())
    again = cli(runner, v0, "db", "upgrade")
    assert "up to date" in again.output
    assert schema_differences(f"sqlite:///{v0 / 'issuer.db'}") == []

    # the data made by the old code is all there and the issuer works on it
    settings = IssuerSettings(data_dir=v0, kdf="min")
    issuer = Issuer.open(settings, passphrase=V0_PASSPHRASE)
    try:
        listed = issuer.credentials()
        assert sorted(c["state"] for c in listed) == ["active", "revoked"]
        assert issuer.identity.profile["name"] == "Leerhuis Utrecht"
        new = issuer.issue(AwardRequest("doorzetten-2", LEARNER), actor="test").credential
        assert new["credentialSubject"]["id"] == LEARNER
        assert new["proof"][0]["verificationMethod"].startswith(issuer.identity.did)
    finally:
        issuer.store.dispose()


def test_every_command_that_opens_the_issuer_refuses_an_old_store(
    runner: CliRunner, v0: Path
) -> None:
    for args in (
        ["achievement", "list"],
        ["rotate-key"],
        ["status", "list"],
        ["audit"],
        ["config"],
        ["revoke", "urn:uuid:0"],
    ):
        refused = cli(runner, v0, *args, code=2)
        assert "database_outdated" in refused.output, args


def test_a_store_at_an_older_revision_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    """A versioned store behind the code: the quick check (``head_revision``, no
    Alembic) does not take it for current; Alembic then says what to run."""
    data = tmp_path / "behind"
    cli(runner, data, "init", "--name", "Leerhuis Utrecht", "--local")
    engine = sa.create_engine(f"sqlite:///{data / 'issuer.db'}")
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE rugzak_issuer_version SET version_num = '0005_achievement_revision'")
        )
    engine.dispose()
    for args in (["achievement", "list"], ["audit"], ["config"], ["revoke", "urn:uuid:0"]):
        refused = cli(runner, data, *args, code=2)
        assert "database_outdated" in refused.output, args
        assert "rugzak-issuer db upgrade" in " ".join(refused.output.split()), args
    assert "state: behind" in cli(runner, data, "db", "status").output


def test_the_written_head_is_the_newest_migration() -> None:
    """``head_revision`` lets a current store open without Alembic; a migration added
    without moving it would let a store one revision behind pass as current."""
    from dataclasses import replace

    from shared.runtime.migrations import _script
    from verifier.store.schema import migrations

    for store in (MIGRATIONS, migrations("rzv_")):
        assert store.head_revision == _script(store.package).get_current_head()
        assert store.head() == store.head_revision
        with pytest.raises(ValueError, match="head_revision"):
            replace(store, head_revision="0000_stale").head()


def test_a_store_migrated_by_newer_code_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    data = tmp_path / "new"
    cli(runner, data, "init", "--name", "Leerhuis Utrecht", "--local")
    engine = sa.create_engine(f"sqlite:///{data / 'issuer.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE rugzak_issuer_version SET version_num = '9999_future'"))
    engine.dispose()
    refused = cli(runner, data, "serve", "--port", "0", code=2)
    assert "database_outdated" in refused.output
    assert "newer version of Rugzak" in refused.output
    assert "newer version" in cli(runner, data, "db", "upgrade", code=2).output


def test_a_database_with_only_some_issuer_tables_is_left_alone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'odd.db'}"
    engine = sa.create_engine(url)
    t.metadata.create_all(engine, tables=[t.config, t.signing_keys])
    engine.dispose()
    store = Store(url)
    try:
        with pytest.raises(Unavailable) as caught:
            store.upgrade_schema()
        assert caught.value.code == ErrorCode.database_outdated
        assert caught.value.detail["missing_tables"] == sorted(
            set(MIGRATIONS.baseline_tables) - {"issuer_config", "signing_keys"}
        )
        assert store.schema_status().state is SchemaState.unversioned
    finally:
        store.dispose()


def test_an_empty_database_is_an_issuer_not_set_up(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(Unavailable) as caught:
            store.check_schema()
        assert caught.value.code == ErrorCode.not_initialized
    finally:
        store.dispose()


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_store_made_before_migrations_is_upgraded() -> None:
    with pg_schema() as url:
        # what the code before migrations did on PostgreSQL: create_all of the tables
        # as they were then (the baseline revision), with no version table
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            command.upgrade(MIGRATIONS.config(conn), MIGRATIONS.baseline)
            conn.execute(sa.text(f"DROP TABLE {MIGRATIONS.version_table}"))
            conn.execute(t.config.insert().values(key="did", value="did:key:z6Mk-test"))
        engine.dispose()
        store = Store(url)
        try:
            with pytest.raises(Unavailable) as caught:
                store.check_schema()
            assert caught.value.code == ErrorCode.database_outdated
            before, after = store.upgrade_schema()
            assert (before.state, after.state) == (SchemaState.unversioned, SchemaState.current)
            assert after.revision == MIGRATIONS.head()
            store.check_schema()
            with store.read() as conn:
                assert store.config(conn)["did"] == "did:key:z6Mk-test"
        finally:
            store.dispose()
        assert schema_differences(url) == []


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_new_store_is_made_at_head() -> None:
    with pg_schema() as url:
        store = Store(url)
        try:
            store.create_schema()
            assert store.schema_status().state is SchemaState.current
            with store.read() as conn:
                setting = (
                    "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"
                )
                lz4 = "lz4" in conn.execute(sa.text(setting)).scalar_one()
                methods = dict(
                    conn.execute(
                        sa.text(
                            "SELECT attrelid::regclass::text, attcompression FROM pg_attribute "
                            "WHERE attname = 'document' AND attrelid IN "
                            "('credentials'::regclass, 'achievements'::regclass)"
                        )
                    ).all()
                )
            # 0004: the documents (a credential is over the TOAST threshold) use lz4
            assert methods == ({"credentials": "l", "achievements": "l"} if lz4 else methods)
        finally:
            store.dispose()
        assert schema_differences(url) == []


OLD_ADMIN_TOKEN = "ou-beheerderstoken-van-voor-0007"


def _store_at_0006(url: str) -> None:
    """A store as the code before named tokens left it: the admin token's hash in the
    config (``admin_token_hash``)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        command.upgrade(MIGRATIONS.config(conn), "0006_set_bits_index")
        conn.execute(
            t.config.insert(),
            [
                {"key": "did", "value": "did:key:z6Mk-test"},
                {"key": "created_at", "value": "2026-09-01T08:30:00+00:00"},
                {"key": "admin_token_hash", "value": hash_token(OLD_ADMIN_TOKEN)},
            ],
        )
    engine.dispose()


def _check_old_admin_token_kept(url: str) -> None:
    store = Store(url)
    try:
        with pytest.raises(Unavailable):
            store.check_schema()
        store.upgrade_schema()
        store.check_schema()
        now = datetime(2026, 12, 1, tzinfo=UTC)
        found = authenticate(store, OLD_ADMIN_TOKEN, now=now)
        assert found is not None
        assert (found.name, found.scope, found.actor) == ("admin", TokenScope.admin, "api:admin")
        assert found.created_at == datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
        assert authenticate(store, "iets anders", now=now) is None
        with store.read() as conn:
            assert "admin_token_hash" not in store.config(conn)  # kept in one place only
        # admin-token replaces it as before; a named token can be added beside it
        new = replace_admin_token(store, subject="did:key:z6Mk-test", now=now)
        assert authenticate(store, OLD_ADMIN_TOKEN, now=now) is None
        assert authenticate(store, new, now=now) is not None
        create_token(store, "Joost de Vries", "issue", now=now)
        # downgrading puts the admin token (the newest) back where the old code reads it
        with store.engine.begin() as conn:
            command.downgrade(MIGRATIONS.config(conn), "0006_set_bits_index")
            assert store.config(conn)["admin_token_hash"] == hash_token(new)
            assert "api_tokens" not in sa.inspect(conn).get_table_names()
    finally:
        store.dispose()
    assert schema_differences(url) != []  # at 0006 now: the code's tables have api_tokens


def test_an_admin_token_from_before_named_tokens_keeps_working(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'issuer.db'}"
    _store_at_0006(url)
    _check_old_admin_token_kept(url)


@pytest.mark.postgres
@pytest.mark.slow
def test_postgres_admin_token_from_before_named_tokens_keeps_working() -> None:
    with pg_schema() as url:
        _store_at_0006(url)
        _check_old_admin_token_kept(url)


def test_the_migrations_are_packages_a_wheel_carries() -> None:
    """The wheel holds what ``pyproject.toml`` finds: every migrations folder must be a
    package (``alembic upgrade`` from a pip install has no checkout to read from)."""
    from setuptools import find_packages

    root = Path(__file__).resolve().parents[2]
    found = set(find_packages(str(root), include=["shared*", "issuer*", "wallet*", "verifier*"]))
    for app_name in ("issuer", "verifier"):
        assert {f"{app_name}.store.migrations", f"{app_name}.store.migrations.versions"} <= found
