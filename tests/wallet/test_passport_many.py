"""A wallet of 300 level badges (25 skills x 4 levels from three employers, with
evidence) opens its skills passport and filters it without blocking the screen.

The badges are made by ``tests.factories.level_badge`` on the production builder and
stored unsigned with a card that says "checked and valid": signing 300 would test the
signer, not the passport, which never verifies (it reads what receiving checked).
"Without blocking" is shown without timing: the passport's reading is held back until
the test has typed into the filter and seen the screen answer; only then does the
reading finish.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Label

from shared.runtime.sealing import FAST_KDF
from shared.skills import builtin
from shared.verification import VerificationResult
from tests.factories import evidence, level_badge
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW, fixed_clock, seeded_rng
from tests.wallet.test_passport import LEERHUIS, ZWAAN, settle, shown
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.cards import make_card
from wallet.data.store import WalletStore
from wallet.screens import passport as passport_screen
from wallet.screens.passport import PassportScreen

EMPLOYERS = [(ZWAAN, "Hotel De Zwaan"), (LEERHUIS, "Leerhuis Utrecht")]
THIRD = ("Zorgcentrum De Linde", ZWAAN)


def three_hundred() -> list[dict[str, Any]]:
    skills = [skill.id for skill in builtin("levensvaardigheden").skills]
    assert len(skills) == 25
    employers = [*EMPLOYERS, (THIRD[1], THIRD[0])]
    badges = []
    n = 0
    for round_ in range(3):
        key, name = employers[round_]
        for s, skill in enumerate(skills):
            for level in range(1, 5):
                n += 1
                badges.append(
                    level_badge(
                        HOLDER_KEY.did,
                        key,
                        skill=skill,
                        level=level,
                        issuer_name=name,
                        issuer_base=f"https://werkgever-{round_}.example",
                        credential_id=f"urn:uuid:30000000-0000-4000-8000-{n:012d}",
                        awarded=datetime(2023, 1, 2, tzinfo=UTC)
                        + timedelta(days=120 * round_ + 4 * s + level),
                        evidence=[
                            evidence(
                                url=f"https://werkgever-{round_}.example/bewijs/{n}",
                                name=f"Opdracht {n}",
                                narrative="Liet dit gedrag drie weken lang zien in het eigen team.",
                            )
                        ],
                        sign=False,
                    )
                )
    return badges


@pytest.fixture
def big_wallet(
    config: WalletConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> WalletConfig:
    monkeypatch.chdir(tmp_path)
    config = replace(config, data_dir=Path("wallet"), clock=fixed_clock)
    store = WalletStore.create(
        config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=NOW, rng=seeded_rng()
    )
    checked = VerificationResult(kind="credential")
    store.add_many([(badge, make_card(badge, checked, now=NOW)) for badge in three_hundred()])
    assert store.count() == 300
    store.close()
    return config


async def test_300_badges_open_and_filter_without_blocking(
    big_wallet: WalletConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = passport_screen.build_passport

    def held_back(items: Any) -> Any:
        # the worker thread waits here until the test has used the screen meanwhile
        assert release.wait(60), "the test never released the passport's reading"
        return real(items)

    monkeypatch.setattr(passport_screen, "build_passport", held_back)
    app = WalletApp(replace(big_wallet, lang="nl"))
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PassportScreen)
        assert "Je badges worden gelezen" in shown(app)
        # the reading is still held back, yet the screen takes keys
        await pilot.press("slash", *"door")
        await pilot.pause()
        assert app.screen.query_one("#passport-skill", Input).value == "door"
        assert not release.is_set()
        release.set()
        await settle(pilot)
        count = app.screen.query_one("#passport-count", Label)
        assert str(count.render()) == "1 van 25 vaardigheden"
        text = shown(app)
        assert "Doorzettingsvermogen  Hoogste niveau: 4 van 4" in text
        assert "1 → 1 → 1 → 2 → 2 → 2 → 3 → 3 → 3 → 4 → 4 → 4" in text
        for _, name in [*EMPLOYERS, (None, THIRD[0])]:
            assert name in text

        app.screen.query_one("#passport-skill", Input).value = ""
        app.screen.query_one("#passport-issuer", Input).value = "Linde"
        app.screen.query_one("#passport-since", Input).value = "2023-10"
        await settle(pilot)
        # De Linde's levels fall on 2023-08-30 + 4 x skill number + level days: from
        # the eighth skill on (4 x 7 + 4 = 32 days: 2023-10-01) a level is in October
        assert str(count.render()) == "18 van 25 vaardigheden"
        assert app.screen.shown
        assert all(
            any((a.issued or "") >= "2023-10" for a in s.route.awards) for s in app.screen.shown
        )
