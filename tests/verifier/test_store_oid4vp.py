"""The OpenID4VP transactions table: lookups by code and state, a verdict written once;
SQLite file and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.verifier.helpers import NOW
from tests.verifier.test_store import PG_URL
from verifier.store import make_engine
from verifier.store.oid4vp import Oid4vpStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Oid4vpStore]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    else:
        engine = make_engine(PG_URL)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("select 1"))
        except sa.exc.OperationalError:
            engine.dispose()
            pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    made = Oid4vpStore(engine, prefix=f"rzv_{uuid.uuid4().hex[:10]}_")
    made.create_schema()
    try:
        yield made
    finally:
        made.drop_schema()
        engine.dispose()


def test_lookups_and_a_verdict_written_once(store: Oid4vpStore) -> None:
    store.add(
        challenge="K7QM3XHD9RTPW2B5",
        nonce="n-0S6_WzA2Mj0123456789",
        state="st-0S6_WzA2Mj012345678",
        transaction="tx-0S6_WzA2Mj01234567",
        expires_at=NOW + timedelta(minutes=10),
    )
    found = store.by_state("st-0S6_WzA2Mj012345678")
    assert found is not None
    assert found == store.by_challenge("K7QM3XHD9RTPW2B5")
    assert found.nonce == "n-0S6_WzA2Mj0123456789"
    assert found.answered_at is None
    assert store.by_state("other") is None

    def record(i: int) -> bool:
        return store.record("K7QM3XHD9RTPW2B5", NOW, result={"verdict": "valid", "n": i})

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(record, range(8)))
    assert outcomes.count(True) == 1
    done = store.by_challenge("K7QM3XHD9RTPW2B5")
    assert done is not None
    assert done.answered_at == NOW
    assert done.result is not None
    assert done.result["verdict"] == "valid"
    assert not store.record("K7QM3XHD9RTPW2B5", NOW, error={"error": "access_denied"})
