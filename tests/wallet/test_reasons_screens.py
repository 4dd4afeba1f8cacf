"""The wallet says the reasons beside a badge's status as the verifier does.

``shared.showing.reasons`` chooses them: each reason once (one line per check and
code, errors first), never the one the status line already says, notes apart, no
"passed" line for a check with findings. The wallet says them with the catalogue's
labels and sentences in the learner's language (``wallet.reasons``). The detail
screen keeps every check, as the verification wrote it, under "All checks".
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Collapsible, Markdown, OptionList, Static

from shared.messages import check_label, sentence
from tests.conftest import load_vector
from tests.wallet.helpers import HOLDER_KEY, NOW, make_credential
from tests.wallet.test_app import receive, settle, unlock
from wallet.app import WalletApp
from wallet.badge_text import describe
from wallet.config import WalletConfig
from wallet.data.cards import make_card
from wallet.i18n import Translator
from wallet.receive import Checker
from wallet.screens.detail import DetailScreen
from wallet.service import WalletService

COMPLETE = "ob3/1edtech-validator/complete_v1.json"


def said(code: str, lang: str) -> str:
    text = sentence(code, lang)
    assert text is not None, code
    return text


async def received(config: WalletConfig, tmp_path: Path, document: object) -> str:
    path = tmp_path / "received.json"
    await asyncio.to_thread(path.write_text, json.dumps(document))
    app = WalletApp(config)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(app, pilot)
        return await receive(app, pilot, str(path))


async def test_a_refused_badge_says_each_reason_once_in_dutch(
    config: WalletConfig, store: object, tmp_path: Path
) -> None:
    store.close()  # type: ignore[attr-defined]
    text = await received(replace(config, lang="nl"), tmp_path, load_vector(COMPLETE))
    lines = text.splitlines()
    assert lines[0].startswith("✘ Geweigerd: " + said("holder_mismatch", "nl"))
    assert text.count(said("holder_mismatch", "nl")) == 1  # the refusal says it; no reason
    assert f"✘ {check_label('valid_until', 'nl')}: {said('expired', 'nl')}" in text
    assert f"! {check_label('proof', 'nl')}: {said('did_not_found', 'nl')}" in text
    for note in ("deprecated_context", "legacy_vcdm", "schema_invalid", "schema_not_checked"):
        assert text.count(said(note, "nl")) == 1, note
    assert "Opmerkingen" in text
    # the errors before the warnings, the notes after them
    assert text.index(said("expired", "nl")) < text.index(said("did_not_found", "nl"))
    assert text.index(said("status_unknown", "nl")) < text.index(said("deprecated_context", "nl"))
    for developer_text in ("structure:", "valid_until:", "VCDM 2.0 calls it", "@context"):
        assert developer_text not in text


async def test_a_kept_badge_says_no_reason_its_status_says(
    config: WalletConfig, store: object, tmp_path: Path
) -> None:
    store.close()  # type: ignore[attr-defined]
    expired = make_credential(
        HOLDER_KEY.did, number=3, valid_until=datetime(2026, 9, 1, tzinfo=UTC)
    )
    text = await received(config, tmp_path, expired)
    assert text.splitlines()[0].startswith("✔ Kept: Doorzettingsvermogen")
    assert "expired" in text.splitlines()[0]
    assert "End date" not in text
    assert "(code: expired)" not in text
    assert len(text.splitlines()) == 2  # the badge, then its issuer and date


def test_the_detail_checks_are_the_reasons_in_the_learners_words() -> None:
    """After a re-check: a line per check that found nothing, in Dutch, the reasons
    each once, without the one the status line says, and the notes apart."""
    badge = load_vector(COMPLETE)
    checker = Checker(resolver=None, status_fetcher=None, clock=lambda: NOW)
    result = checker.verify(badge, HOLDER_KEY.did)
    card = make_card(badge, result, now=NOW, local_id="abc")
    assert card.status_code == "holder_mismatch"  # what the status line says
    text = describe(badge, card, Translator("nl"), result)
    checks = text.split("## Controles")[1]
    assert f"- ✘ {check_label('valid_until', 'nl')}: {said('expired', 'nl')}" in checks
    assert f"- ✔ {check_label('valid_from', 'nl')}: {said('ok', 'nl')}" in checks
    assert said("holder_mismatch", "nl") not in checks
    assert checks.count(said("deprecated_context", "nl")) == 1
    assert "Opmerkingen" in checks
    assert "Vorm:" not in checks  # its findings are notes: no "passed" line beside them
    assert "It has started to be valid" not in checks  # the check's own (English) text


def test_a_valid_badges_status_check_says_what_it_ruled_out() -> None:
    badge = make_credential(HOLDER_KEY.did)
    checker = Checker(resolver=None, status_fetcher=None, clock=lambda: NOW)
    result = checker.verify(badge, HOLDER_KEY.did)
    card = make_card(badge, result, now=NOW, local_id="abc")
    checks = describe(badge, card, Translator("en"), result).split("## Checks")[1]
    assert "- ✔ Signature: Passed." in checks
    assert "- ✔ Owner: Passed." in checks
    assert "The signature is genuine" not in checks


async def test_the_detail_screen_keeps_every_check_under_all_checks(
    config: WalletConfig, service: WalletService
) -> None:
    (outcome,) = service.import_document(make_credential(HOLDER_KEY.did, status_index=42))
    assert outcome.card is not None
    service.store.close()
    app = WalletApp(replace(config, lang="nl"))
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(app, pilot)
        app.screen.query_one("#cards", OptionList).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)
        every = app.screen.query_one("#all-checks", Collapsible)
        assert not every.display  # nothing checked yet on this screen
        await pilot.press("r")
        await settle(app, pilot)
        shown = app.screen.query_one("#detail", Markdown).source
        assert said("revoked", "nl") not in shown.split("## Controles")[1]
        assert every.display
        assert every.collapsed
        lines = str(app.screen.query_one("#all-checks-list", Static).render()).splitlines()
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.result is not None
        assert len(lines) == len(app.screen.result.checks)
        assert any(line.startswith("✘ status: ") and "(revoked)" in line for line in lines)
        assert any(line.startswith("✔ proof: The signature is genuine") for line in lines)
