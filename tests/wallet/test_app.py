"""Pilot journeys through the real app: create, receive, browse, present, backup, restore."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from textual.widgets import Input, OptionList, SelectionList, Static

from shared import qr
from shared.credentials import verify_presentation
from shared.messages import sentence
from shared.presentation_request import PresentationRequest
from shared.status_cache import LocalStatusSource
from shared.status_staple import unstaple
from tests.wallet.conftest import PASSPHRASE, SyncASGI
from tests.wallet.helpers import (
    HOLDER_KEY,
    NOW,
    STATUS_URL,
    FakeIssuer,
    make_credential,
    status_list,
)
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.dialogs.common import ErrorDialog
from wallet.screens.badges import BadgesScreen
from wallet.screens.detail import DetailScreen
from wallet.screens.qr import QRScreen
from wallet.screens.unlock import UnlockScreen
from wallet.screens.welcome import WelcomeScreen

REQUEST = PresentationRequest.create(
    "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x11" * n
)


async def settle(app: WalletApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def type_into(pilot: object, widget: Input, text: str) -> None:
    widget.focus()
    widget.value = text
    await pilot.pause()  # type: ignore[attr-defined]


async def unlock(app: WalletApp, pilot: object) -> None:
    """Type the wallet's passphrase on the unlock screen, press enter, let it open."""
    await type_into(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def open_first_badge(app: WalletApp, pilot: object) -> None:
    """Unlock the wallet and open its first badge's screen."""
    await unlock(app, pilot)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert isinstance(app.screen, DetailScreen)


async def export_to(app: WalletApp, pilot: object, path: str) -> None:
    """On a badge's screen: export it, typing ``path`` as where to save it."""
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await type_into(pilot, app.screen.query_one("#path", Input), path)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def receive(app: WalletApp, pilot: object, source: str) -> str:
    """From the badge list: receive ``source`` (a file or an offer) and return what the
    receive screen says about it."""
    await pilot.press("i")  # type: ignore[attr-defined]
    await type_into(pilot, app.screen.query_one("#source", Input), source)
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    return str(app.screen.query_one(".outcome", Static).render())


async def test_create_receive_browse_present(
    config: WalletConfig,
    tmp_path: Path,
    credential_file: Path,
    monkeypatch: object,
    local_status: LocalStatusSource,
) -> None:
    """The whole first-day journey, keyboard only, ends with a scannable presentation."""
    monkeypatch.chdir(tmp_path)  # type: ignore[attr-defined]
    app = WalletApp(config)
    async with app.run_test(size=(100, 40)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press(*"short", "enter", *"short", "enter")
        assert "8" in str(app.screen.query_one("#form-error", Static).render())
        await type_into(pilot, app.screen.query_one("#passphrase", Input), PASSPHRASE)
        await type_into(pilot, app.screen.query_one("#repeat", Input), PASSPHRASE)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
        assert app.service is not None
        assert app.service.did.startswith("did:key:z6Mk")
        badge = json.dumps(make_credential(app.service.did, status_index=7))
        await asyncio.to_thread(credential_file.write_text, badge)

        assert "Kept" in await receive(app, pilot, str(credential_file))
        await pilot.press("escape")
        await settle(app, pilot)
        cards = app.screen.query_one("#cards", OptionList)
        assert cards.option_count == 1

        cards.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("j")
        assert app.screen.query_one("#raw-body").display
        await pilot.press("escape")

        await pilot.press("p")
        await type_into(pilot, app.screen.query_one("#request", Input), REQUEST.to_short_text())
        picks = app.screen.query_one("#picks", SelectionList)
        picks.focus()
        await pilot.press("space", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, QRScreen)
        assert app.screen.texts
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
    png = (tmp_path / "presentation.png").read_bytes()
    payload = qr.decode(qr.read_qr_image(png))
    result = verify_presentation(
        payload,
        challenge=REQUEST.challenge,
        domain=REQUEST.domain,
        now=NOW,
        status_fetcher=local_status,
    )
    assert result.verdict == "valid", result.codes()
    vp, stapled = unstaple(payload)  # the issuer's list rides along when it fits
    assert list(stapled) == [STATUS_URL]
    assert vp["holder"] == WalletStore.unlock(config.data_dir, PASSPHRASE).did


async def test_wrong_passphrase_says_so_and_right_one_opens(
    config: WalletConfig, store: WalletStore
) -> None:
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await type_into(pilot, app.screen.query_one("#passphrase", Input), "not it")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        message = str(app.screen.query_one("#form-error", Static).render())
        assert message == sentence("wrong_passphrase")
        await unlock(app, pilot)
        assert isinstance(app.screen, BadgesScreen)


async def test_receive_offer_in_the_app(
    config: WalletConfig, store: WalletStore, issuer: FakeIssuer
) -> None:
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        await pilot.press("i")
        await type_into(pilot, app.screen.query_one("#source", Input), issuer.offer(2))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Kept" in str(app.screen.query_one(".outcome", Static).render())


async def test_refused_credential_shows_the_reason(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    bad = make_credential(HOLDER_KEY.did)
    bad["name"] = "changed"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        text = await receive(app, pilot, str(path))
        assert "Refused" in text
        assert sentence("proof_invalid") in text


async def test_a_badge_already_in_the_wallet_is_said_plainly_not_refused(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    """Receiving a badge twice is no failure: no cross, no "refused"."""
    from wallet.service import WalletService

    credential = make_credential(HOLDER_KEY.did, status_index=7)
    WalletService(config, store).import_document(credential)
    path = tmp_path / "again.json"
    path.write_text(json.dumps(credential))
    store.close()
    config.lang = "nl"
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        text = await receive(app, pilot, str(path))
        assert "Zit al in je wallet: Doorzettingsvermogen, niveau 2" in text
        assert "Geweigerd" not in text
        assert "✘" not in text


async def test_backup_then_restore_on_a_fresh_machine(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    store.add_many([])
    from wallet.service import WalletService

    WalletService(config, store).import_document(make_credential(HOLDER_KEY.did))
    store.close()
    backup = tmp_path / "backup.json"
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        await type_into(pilot, app.screen.query_one("#path", Input), str(backup))
        await type_into(pilot, app.screen.query_one("#passphrase", Input), "backup secret")
        await type_into(pilot, app.screen.query_one("#again", Input), "backup secrte")
        await pilot.press("enter")
        await settle(app, pilot)
        assert not backup.exists()  # a mistyped confirmation writes nothing
        assert "differ" in str(app.screen.query_one("#dialog-error", Static).render())
        await type_into(pilot, app.screen.query_one("#again", Input), "backup secret")
        await pilot.press("enter")
        await settle(app, pilot)
    assert backup.exists()

    fresh = WalletConfig(**{**config.__dict__, "data_dir": tmp_path / "new-machine"})
    app = WalletApp(fresh)
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+r")
        await pilot.pause()
        await type_into(pilot, app.screen.query_one("#path", Input), str(backup))
        await type_into(pilot, app.screen.query_one("#passphrase", Input), "backup secret")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
        assert app.screen.query_one("#cards", OptionList).option_count == 1
        assert app.service is not None
        assert app.service.did == HOLDER_KEY.did


async def test_status_refresh_sees_a_revocation(config: WalletConfig, store: WalletStore) -> None:
    """r fetches the issuer's list again: a badge revoked since import turns red."""
    from wallet.service import WalletService

    [outcome] = WalletService(config, store).import_document(
        make_credential(HOLDER_KEY.did, status_index=7)
    )
    assert outcome.card is not None
    assert outcome.card.status == "valid"
    store.close()
    assert isinstance(config.transport, SyncASGI)
    config.transport.routes[STATUS_URL] = status_list({7, 42})
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
        assert [c.status for c in app.screen.all_cards] == ["revoked"]


async def test_unlock_rechecks_statuses_in_the_background(
    config: WalletConfig, store: WalletStore
) -> None:
    """No r: a badge revoked since the last check turns "revoked" once the wallet opens."""
    from wallet.service import WalletService

    WalletService(config, store).import_document(make_credential(HOLDER_KEY.did, status_index=7))
    store.close()
    assert isinstance(config.transport, SyncASGI)
    config.transport.routes[STATUS_URL] = status_list({7})
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        screen = app.screen
        assert isinstance(screen, BadgesScreen)
        assert [c.status for c in screen.all_cards] == ["revoked"]
        cards = screen.query_one("#cards", OptionList)
        assert "revoked" in cards.render_line(0).text


async def test_unlock_recheck_without_network_keeps_the_last_status_quietly(
    config: WalletConfig, store: WalletStore
) -> None:
    """The issuer cannot be reached: the badge stays "valid", says since when it is not
    checked, and no error dialog interrupts the learner."""
    from wallet.service import WalletService

    WalletService(config, store).import_document(make_credential(HOLDER_KEY.did, status_index=7))
    store.close()
    assert isinstance(config.transport, SyncASGI)
    config.transport.routes.clear()
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        screen = app.screen
        assert isinstance(screen, BadgesScreen)
        assert [c.status for c in screen.all_cards] == ["valid"]
        cards = screen.query_one("#cards", OptionList)
        assert "not checked since 23 Nov 2026" in cards.render_line(0).text  # by the status


def test_unreachable_status_list_is_unknown_not_valid(
    config: WalletConfig, store: WalletStore
) -> None:
    from wallet.service import WalletService

    assert isinstance(config.transport, SyncASGI)
    config.transport.routes.clear()
    [outcome] = WalletService(config, store).import_document(
        make_credential(HOLDER_KEY.did, status_index=7)
    )
    assert outcome.card is not None
    assert outcome.card.status == "unknown"
    assert outcome.card.status_code in ("status_unknown", "status_list_unavailable")


async def test_damaged_wallet_file_shows_a_plain_error(
    config: WalletConfig, store: WalletStore
) -> None:
    store.close()
    data = store.path.read_bytes()
    store.path.write_bytes(data[: len(data) // 3])
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        assert isinstance(app.screen, ErrorDialog)
        said = str(app.screen.query_one("#error-text", Static).render())
        assert said == sentence("wallet_corrupt")
        await pilot.press("enter")
        assert isinstance(app.screen, UnlockScreen)


async def test_search_filter_export_and_delete(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    from wallet.service import WalletService

    service = WalletService(config, store)
    service.import_document(make_credential(HOLDER_KEY.did, number=1, status_index=7))
    service.import_document(
        make_credential(HOLDER_KEY.did, number=2, name="Samenwerken", status_index=42)
    )
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        cards = app.screen.query_one("#cards", OptionList)
        assert cards.option_count == 2
        await pilot.press("slash", *"samen")
        await pilot.pause()
        assert cards.option_count == 1
        await pilot.press("escape")
        await pilot.press("f")  # valid only
        await pilot.pause()
        assert cards.option_count == 1
        assert cards.get_option_at_index(0).id == app.screen.all_cards[0].id
        await pilot.press("f")  # unknown: none
        await pilot.pause()
        assert cards.option_count == 0
        assert app.screen.query_one("#empty").display
        for _ in range(6):  # round the eight filters back to "all"
            await pilot.press("f")
        await pilot.pause()
        assert cards.option_count == 2

        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)
        await export_to(app, pilot, str(tmp_path / "x.json"))
        assert json.loads((tmp_path / "x.json").read_text())["name"] == "Samenwerken"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
        assert [c.name for c in app.screen.all_cards] == ["Doorzettingsvermogen, niveau 2"]


async def test_dutch_app(config: WalletConfig, store: WalletStore) -> None:
    store.close()
    config.lang = "nl"
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Typ je wachtzin" in str(app.screen.query_one(".prompt", Static).render())
        assert not app.screen.query_one("#passphrase", Input).cursor_blink  # motion off
        await type_into(pilot, app.screen.query_one("#passphrase", Input), "fout")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Met die wachtzin" in str(app.screen.query_one("#form-error", Static).render())


async def test_request_confirms_the_verifier_and_picks_wanted_types(
    config: WalletConfig, store: WalletStore
) -> None:
    from wallet.service import WalletService

    service = WalletService(config, store)
    service.import_document(make_credential(HOLDER_KEY.did, number=1))
    other = make_credential(HOLDER_KEY.did, number=2)
    store.close()
    assert other["credentialSubject"]["achievement"]["achievementType"] == "Competency"
    wanted = PresentationRequest.create(
        "https://verify.example.nl",
        now=NOW,
        types=["Competency"],
        token_bytes=lambda n: b"\x05" * n,
    )
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        field = app.screen.query_one("#request", Input)
        await type_into(pilot, field, wanted.to_text())
        info = str(app.screen.query_one("#request-info", Static).render())
        assert "https://verify.example.nl" in info
        assert wanted.short_code in info
        assert len(app.screen.query_one("#picks", SelectionList).selected) == 1
        await type_into(pilot, field, "K7QM-3XHD")
        assert str(app.screen.query_one("#request-info", Static).render()) == ""


async def test_offer_asking_for_a_transaction_code(
    config: WalletConfig, store: WalletStore
) -> None:
    fake = FakeIssuer(tx_code="4321")
    config.transport = SyncASGI(fake.app)
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(100, 30)) as pilot:
        await unlock(app, pilot)
        await pilot.press("i")
        await type_into(pilot, app.screen.query_one("#source", Input), fake.offer(8))
        await pilot.press("enter")
        await settle(app, pilot)
        said = str(app.screen.query_one("#progress", Static).render())
        assert said == sentence("tx_code_required")
        assert app.focused is app.screen.query_one("#tx-code", Input)
        await type_into(pilot, app.screen.query_one("#tx-code", Input), "4321")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Kept" in str(app.screen.query_one(".outcome", Static).render())
