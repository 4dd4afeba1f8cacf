"""Paper recovery and passphrase change in the terminal app (pilot)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from shared.runtime.sealing import FAST_KDF
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, make_credential
from tests.wallet.test_app import settle, type_into, unlock
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.backup import write_backup
from wallet.data.store import WalletStore
from wallet.dialogs.common import ErrorDialog
from wallet.dialogs.recovery import PassphraseDialog, RecoverDialog, SplitDialog
from wallet.screens.badges import BadgesScreen
from wallet.screens.shares import SharesScreen
from wallet.screens.unlock import UnlockScreen
from wallet.screens.welcome import WelcomeScreen
from wallet.service import WalletService


async def _unlock(app: WalletApp, pilot: object) -> None:
    assert isinstance(app.screen, UnlockScreen)
    await unlock(app, pilot)
    assert isinstance(app.screen, BadgesScreen)


async def test_shares_made_in_the_app_restore_on_a_fresh_wallet(
    config: WalletConfig, store: WalletStore, tmp_path: Path
) -> None:
    service = WalletService(config, store)
    for number in range(1, 4):
        service.import_document(make_credential(HOLDER_KEY.did, number=number))
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(120, 40)) as pilot:
        await _unlock(app, pilot)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, SplitDialog)
        await type_into(pilot, app.screen.query_one("#count", Input), "5")
        await type_into(pilot, app.screen.query_one("#threshold", Input), "3")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SharesScreen)
        shares = list(app.screen.shares.words)
        shown = str(app.screen.query_one("#share-words", Static).render())
        assert shares[0].split()[0] in shown
        assert "█" in str(app.screen.query_one("#share-qr", Static).render())  # room for it
        await pilot.press("right")
        assert app.screen.index == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BadgesScreen)
    opened = WalletStore.unlock(config.data_dir, PASSPHRASE)
    backup = tmp_path / "backup.json"
    write_backup(opened, backup, PASSPHRASE, kdf=FAST_KDF)
    opened.close()

    fresh = replace(config, data_dir=tmp_path / "fresh")
    app = WalletApp(fresh)
    async with app.run_test(size=(100, 40)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, RecoverDialog)
        dialog = app.screen
        await type_into(pilot, dialog.query_one("#path", Input), str(backup))
        dialog.query_one("#shares", TextArea).text = "\n".join([shares[0], shares[1]])
        await type_into(pilot, dialog.query_one("#new", Input), "nieuwe wachtzin")
        await type_into(pilot, dialog.query_one("#again", Input), "nieuwe wachtzin")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)  # two shares are not enough
        said = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "2 share(s) given, 3 needed to restore." in said
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, RecoverDialog)
        await type_into(pilot, again.query_one("#path", Input), str(backup))
        again.query_one("#shares", TextArea).text = "\n".join([shares[4], shares[0], shares[2]])
        await type_into(pilot, again.query_one("#new", Input), "nieuwe wachtzin")
        await type_into(pilot, again.query_one("#again", Input), "nieuwe wachtzin")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
    restored = WalletStore.unlock(fresh.data_dir, "nieuwe wachtzin")
    assert restored.did == HOLDER_KEY.did
    assert restored.count() == 3
    restored.close()


async def test_passphrase_change_in_the_app(config: WalletConfig, store: WalletStore) -> None:
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await _unlock(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PassphraseDialog)
        dialog = app.screen
        await type_into(pilot, dialog.query_one("#old", Input), PASSPHRASE)
        await type_into(pilot, dialog.query_one("#new", Input), "een nieuwe wachtzin")
        await type_into(pilot, dialog.query_one("#again", Input), "een andere wachtzin")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PassphraseDialog)  # the confirmation differs
        assert "differ" in str(dialog.query_one("#dialog-error", Static).render())
        await type_into(pilot, dialog.query_one("#old", Input), "not the passphrase")
        await type_into(pilot, dialog.query_one("#again", Input), "een nieuwe wachtzin")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ErrorDialog)  # the old one must be right
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        await type_into(pilot, dialog.query_one("#old", Input), PASSPHRASE)
        await type_into(pilot, dialog.query_one("#new", Input), "een nieuwe wachtzin")
        await type_into(pilot, dialog.query_one("#again", Input), "een nieuwe wachtzin")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
    WalletStore.unlock(config.data_dir, "een nieuwe wachtzin").close()


async def test_a_new_key_in_the_app_keeps_the_badges_presentable(
    config: WalletConfig, store: WalletStore
) -> None:
    service = WalletService(config, store)
    service.import_document(make_credential(HOLDER_KEY.did, number=1))
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await _unlock(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")  # confirm
        await settle(app, pilot)
        said = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Your new DID is did:key:z6Mk" in said
    reopened = WalletStore.unlock(config.data_dir, PASSPHRASE)
    try:
        assert reopened.did != HOLDER_KEY.did
        assert reopened.dids[1:] == (HOLDER_KEY.did,)
        assert reopened.holder_links()[0]["credentialSubject"]["alsoKnownAs"] == reopened.did
    finally:
        reopened.close()
