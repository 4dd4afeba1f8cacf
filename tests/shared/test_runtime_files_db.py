"""The runtime's durable writes and engines (both apps and the wallet use these)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from shared.errors import ErrorCode, InvalidInput
from shared.runtime import files
from shared.runtime.db import READ_ONLY, make_engine, redact
from shared.runtime.files import atomic_write


def test_atomic_write_replaces_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "uitgifte" / "badge.json"
    with pytest.raises(FileNotFoundError):
        atomic_write(target, b"{}")
    assert atomic_write(target, b'{"name": "Zwemdiploma A"}', make_dirs=True) == target
    atomic_write(target, b'{"name": "Zwemdiploma B"}')
    assert target.read_bytes() == b'{"name": "Zwemdiploma B"}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    atomic_write(target, b"{}", mode=0o644)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["badge.json"]


def test_a_failed_write_keeps_the_old_content_and_leaves_no_tmp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "wallet.json"
    atomic_write(target, b"old")

    def broken_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wallet.json"]


def test_make_engine_refuses_other_databases_without_leaking_the_password() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_engine("mysql://jan:geheim@db.example.nl/rugzak")
    assert caught.value.code == ErrorCode.invalid_request
    assert "geheim" not in str(caught.value.detail)
    assert redact("postgresql+psycopg://jan:geheim@db/rugzak") == (
        "postgresql+psycopg://jan@db/rugzak"
    )


@pytest.mark.parametrize("immediate", [True, False])
def test_sqlite_engines_are_wal_with_foreign_keys(tmp_path: Path, immediate: bool) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}", immediate=immediate)
    try:
        with engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        with engine.connect().execution_options(**{READ_ONLY: True}) as conn, conn.begin():
            assert conn.execute(sa.text("SELECT x FROM t")).scalar() == 1
    finally:
        engine.dispose()


def test_a_memory_engine_is_one_shared_connection() -> None:
    engine = make_engine("sqlite://", durable=False)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 0
    engine.dispose()
