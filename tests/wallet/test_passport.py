"""The skills passport: routes per skill across employers, what the highest level means
(from the credential's own rubric), evidence, filters, Dutch and English; pilot and
snapshots at 80x24."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from shared.keys import SigningKey
from shared.runtime.sealing import FAST_KDF
from shared.skills import builtin
from tests.factories import evidence, level_badge
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW, fixed_clock, make_credential, seeded_rng
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.passport import build_passport, filter_passport
from wallet.data.store import WalletStore
from wallet.screens.passport import PassportScreen
from wallet.service import WalletService

ZWAAN = SigningKey.from_seed(b"\x21" * 32)
LEERHUIS = SigningKey.from_seed(b"\x22" * 32)
MENU = evidence(
    url="https://hoteldezwaan.example/bewijs/menukaart-najaar",
    name="De nieuwe menukaart",
    narrative="Ontwierp de najaarskaart en hield vol na twee mislukte proefavonden.",
)
Snap = Callable[..., bool]


def level_badges() -> list[dict[str, Any]]:
    """Perseverance 1 -> 2 -> 3 from two employers, creativity 2, and a badge without
    a framework."""

    def award(
        key: SigningKey, name: str, skill: str, level: int, when: datetime, n: int, **kw: Any
    ) -> dict[str, Any]:
        return level_badge(
            HOLDER_KEY.did,
            key,
            skill=skill,
            level=level,
            issuer_name=name,
            issuer_base=f"https://{name.split()[-1].lower()}.example",
            credential_id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
            awarded=when,
            **kw,
        )

    return [
        award(
            ZWAAN, "Hotel De Zwaan", "doorzettingsvermogen", 1, datetime(2025, 3, 3, tzinfo=UTC), 1
        ),
        award(
            LEERHUIS,
            "Leerhuis Utrecht",
            "doorzettingsvermogen",
            2,
            datetime(2025, 11, 10, tzinfo=UTC),
            2,
        ),
        award(
            ZWAAN,
            "Hotel De Zwaan",
            "doorzettingsvermogen",
            3,
            datetime(2026, 6, 1, tzinfo=UTC),
            3,
            evidence=[MENU],
        ),
        award(
            ZWAAN,
            "Hotel De Zwaan",
            "creativiteit",
            2,
            datetime(2026, 6, 1, tzinfo=UTC),
            4,
            evidence=[MENU],
        ),
        make_credential(HOLDER_KEY.did, number=9, name="Excel voor gevorderden"),
    ]


@pytest.fixture
def passport_wallet(
    config: WalletConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> WalletConfig:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", "/home/learner")
    config = replace(config, data_dir=Path("wallet"), clock=fixed_clock)
    store = WalletStore.create(
        config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=NOW, rng=seeded_rng()
    )
    service = WalletService(config, store)
    for badge in level_badges():
        (outcome,) = service.import_document(badge)
        assert outcome.accepted, outcome
    store.close()
    return config


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_passport(pilot: Pilot[Any]) -> None:
    pilot.app.screen.query_one("#passphrase", Input).value = PASSPHRASE
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


def shown(app: WalletApp) -> str:
    """The passport's text as a wide terminal would print it."""
    console = Console(file=io.StringIO(), width=400, color_system=None)
    console.print(app.screen.query_one("#passport-text", Static).content)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


def behaviours(skill: str, level: int, lang: str) -> list[str]:
    framework = builtin("levensvaardigheden")
    (chosen,) = [lv for lv in framework.skill(skill).levels if lv.number == level]
    return [framework.text(b, lang) for b in chosen.behaviours]


def test_the_passport_reads_routes_across_employers(service: WalletService) -> None:
    for badge in level_badges():
        service.import_document(badge)
    skills = build_passport(service.store.everything())
    assert [s.route.skill for s in skills] == ["Creativiteit", "Doorzettingsvermogen"]
    perseverance = skills[1]
    assert [a.level.number for a in perseverance.route.awards] == [1, 2, 3]
    assert perseverance.issuers == ("Hotel De Zwaan", "Leerhuis Utrecht")
    assert perseverance.route.highest is not None
    assert list(perseverance.route.highest.level.behaviours) == behaviours(
        "doorzettingsvermogen", 3, "nl"
    )
    assert [e.name for e in perseverance.evidence] == ["De nieuwe menukaart"]
    assert len(perseverance.card_ids) == 3
    assert filter_passport(skills, issuer="leerhuis") == [perseverance]
    assert filter_passport(skills, since="2026") == skills
    assert filter_passport(skills, since="2026-07") == []
    assert filter_passport(skills, skill="creat") == [skills[0]]
    assert filter_passport(skills, skill="levensvaardigheden") == skills


def test_a_revoked_level_is_not_reached(service: WalletService) -> None:
    from wallet.data.cards import Status

    for badge in level_badges():
        service.import_document(badge)
    top = next(
        c for c in service.store.cards() if c.credential_id and c.credential_id.endswith("3")
    )
    service.store.update_card(top.with_check(Status.revoked, "revoked", top.checked_at))
    perseverance = [
        s for s in build_passport(service.store.everything()) if s.route.skill.startswith("Door")
    ]
    assert perseverance[0].route.highest is not None
    assert perseverance[0].route.highest.level.number == 2


@pytest.mark.parametrize(
    ("lang", "highest", "step"),
    [
        ("en", "Highest level: 3 of 4", "level 2, 2025-11-10, Leerhuis Utrecht"),
        ("nl", "Hoogste niveau: 3 van 4", "niveau 2, 2025-11-10, Leerhuis Utrecht"),
    ],
)
async def test_pilot_route_behaviours_evidence_and_filters(
    passport_wallet: WalletConfig, lang: str, highest: str, step: str
) -> None:
    app = WalletApp(replace(passport_wallet, lang=lang))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_passport(pilot)
        assert isinstance(app.screen, PassportScreen)
        text = shown(app)
        assert highest in text
        assert "1 → 2 → 3" in text
        assert step in text
        for behaviour in behaviours("doorzettingsvermogen", 3, "nl"):
            assert behaviour in text
        assert "De nieuwe menukaart: Ontwierp de najaarskaart" in text
        assert "Excel voor gevorderden" not in text  # no framework: the badge list only
        assert "Levensvaardigheden" in text

        await pilot.press("slash", *"creat")
        await settle(pilot)
        assert "Creativiteit" in shown(app)
        assert "Doorzettingsvermogen" not in shown(app)
        app.screen.query_one("#passport-skill", Input).value = ""
        app.screen.query_one("#passport-issuer", Input).value = "Leerhuis"
        await settle(pilot)
        assert "Doorzettingsvermogen" in shown(app)
        assert "Creativiteit" not in shown(app)
        app.screen.query_one("#passport-issuer", Input).value = ""
        app.screen.query_one("#passport-since", Input).value = "2027"
        await settle(pilot)
        none = "No skill matches" if lang == "en" else "Geen vaardigheid past"
        assert none in shown(app)

        await pilot.press("escape", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, PassportScreen)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_snapshot_passport(snap_compare: Snap, passport_wallet: WalletConfig, lang: str) -> None:
    assert snap_compare(WalletApp(replace(passport_wallet, lang=lang)), run_before=open_passport)


async def test_present_my_skills_profile_in_one_step(passport_wallet: WalletConfig) -> None:
    """``p`` on the passport opens the present screen with the highest level of every
    skill shown picked; the filters choose the skills; the request binds it (QR here,
    the same picks go over OpenID4VP)."""
    from textual.widgets import SelectionList

    from shared.credentials import verify_presentation
    from shared.presentation_request import PresentationRequest
    from wallet.screens.present import PresentScreen
    from wallet.screens.qr import QRScreen

    badges = level_badges()
    request = PresentationRequest.create(
        "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x44" * n
    )
    app = WalletApp(replace(passport_wallet, lang="en"))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_passport(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PresentScreen)
        picks = app.screen.query_one("#picks", SelectionList)
        store = app.service.store  # type: ignore[union-attr]
        picked = {store.get(i).credential["id"] for i in picks.selected}
        assert picked == {badges[2]["id"], badges[3]["id"]}  # perseverance 3, creativity 2

        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#passport-skill", Input).value = "door"
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PresentScreen)
        picks = app.screen.query_one("#picks", SelectionList)
        assert [store.get(i).credential["id"] for i in picks.selected] == [badges[2]["id"]]
        app.screen.query_one("#request", Input).value = request.to_short_text()
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QRScreen)
        presentation = app.screen.presentation
        assert presentation.request is not None
        assert presentation.request.challenge == request.challenge
        result = verify_presentation(
            presentation.document, challenge=request.challenge, domain=request.domain, now=NOW
        )
        assert result.verdict == "valid", result.codes()
        (sent,) = presentation.document["verifiableCredential"]
        assert sent["id"] == badges[2]["id"]


def test_an_evidence_narrative_is_shown_without_its_markdown_marks() -> None:
    """Evidence narratives are Markdown (OB 3.0): a heading or bold is not shown raw."""
    from shared.skills.routes import SkillRoute
    from wallet.data.passport import Evidence, PassportSkill
    from wallet.i18n import Translator
    from wallet.screens.passport import passport_text

    route = SkillRoute("k", "Doorzettingsvermogen", "Levensvaardigheden", None, 4, ())
    told = "# Eindverslag\n\nHield **vol** na twee proefavonden.\n\n- menukaart\n- proefavond"
    skill = PassportSkill(route, (Evidence("Verslag", told, None, 3),), ())
    console = Console(file=io.StringIO(), width=400, color_system=None)
    console.print(passport_text([skill], Translator("nl"), total=1))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Verslag: Eindverslag Hield vol na twee proefavonden. • menukaart • proefavond" in text
    assert "#" not in text
    assert "**" not in text
