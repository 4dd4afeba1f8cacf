"""The transaction-code attempt limit holds under concurrent guesses: 16 guesses that
all read the offer before any is counted still get at most ``tx_code_max_attempts``
comparisons (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from issuer import offers as offers_module
from issuer.achievements import parse_input
from issuer.offers import OfferService
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from shared.errors import AccessDenied
from shared.oid4vci import PRE_AUTHORIZED_GRANT, TokenRequest, parse_offer_link
from tests.issuer.conftest import ACHIEVEMENT, PASSPHRASE, FakeClock, make_issuer
from tests.issuer.multiprocess import pg_schema

GUESSES = 16


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgres), "sqlite"])
def race_issuer(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> Iterator[Issuer]:
    def build(url: str | None) -> Issuer:
        settings = IssuerSettings(
            data_dir=tmp_path / "issuer", kdf="min", passphrase=PASSPHRASE, database_url=url
        )
        return make_issuer(settings, clock)[0]

    if request.param == "sqlite":
        issuer = build(None)
        yield issuer
        issuer.store.dispose()
        return
    with pg_schema() as url:
        issuer = build(url)
        yield issuer
        issuer.store.dispose()


def test_sixteen_concurrent_guesses_get_only_the_allowed_attempts(
    race_issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = race_issuer
    aid = issuer.create_achievement(parse_input(ACHIEVEMENT), actor="t", achievement_id="a")["id"]
    service = OfferService(issuer)
    created = service.create(str(aid), actor="t", tx_code=True)
    assert created.tx_code is not None
    code = parse_offer_link(created.link).pre_authorized_code  # type: ignore[union-attr]
    limit = issuer.settings.tx_code_max_attempts

    # Every guess has read the offer (and given its connection back) before any guess
    # is counted: the worst interleaving. ``aware`` is the first call after the read.
    all_read = threading.Barrier(GUESSES)
    waited = threading.local()
    real_aware = offers_module.aware

    def aware_after_all_read(moment: Any) -> Any:
        if not getattr(waited, "done", False):
            waited.done = True
            all_read.wait(timeout=60)
        return real_aware(moment)

    monkeypatch.setattr(offers_module, "aware", aware_after_all_read)
    compared = []
    real_matches = offers_module.token_matches

    def counting_matches(value: str, digest: str) -> bool:
        compared.append(value)
        return real_matches(value, digest)

    monkeypatch.setattr(offers_module, "token_matches", counting_matches)
    wrong = [f"{n:06d}" for n in range(GUESSES + 1) if f"{n:06d}" != created.tx_code][:GUESSES]

    def guess(value: str) -> str:
        request = TokenRequest.model_validate(
            {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": value}
        )
        try:
            service.token(request)
        except AccessDenied as exc:
            return f"{exc.code}: {exc.message}"
        return "token"

    with ThreadPoolExecutor(GUESSES) as pool:
        outcomes = list(pool.map(guess, wrong))

    assert len(compared) == limit
    assert outcomes.count("tx_code_invalid: wrong transaction code") == limit
    assert "token" not in outcomes
    monkeypatch.setattr(offers_module, "aware", real_aware)
    assert guess(created.tx_code).startswith("tx_code_invalid: too many wrong")
