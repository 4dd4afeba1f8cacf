"""A badge's ecdsa-sd-2023 base proof never leaves the wallet in a file for other people.

The base proof is the learner's own: it holds the key that hides what a disclosure
leaves out, and verifiers refuse it. Every file the wallet writes for someone else (a
JSON export, a baked picture, a folder or presentation of every badge) carries the
badge's other proofs, or, with the base proof alone, a derived proof that shows
everything; each still checks as valid at a verifier. The learner's backup and an
export ``--for-wallet`` (another wallet of theirs) keep it: a wallet that reads them
back can still show the badge in part.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Static

from shared.credentials import verify_credential, verify_presentation
from shared.formats.baking import extract
from shared.presentation_request import PresentationRequest
from shared.proof.ecdsa_sd import is_base_proof
from shared.runtime.sealing import FAST_KDF
from shared.verification import Verdict, VerificationResult
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW, seeded_rng
from tests.wallet.sd_badges import sd_badge, sd_resolver, sd_status
from tests.wallet.test_app import settle, unlock
from tests.wallet.test_cli import run as cli_run
from wallet.app import WalletApp
from wallet.config import WalletConfig
from wallet.data.backup import restore_backup
from wallet.data.store import WalletStore
from wallet.dialogs.audience import AudienceDialog
from wallet.dialogs.common import MessageDialog, PathDialog
from wallet.export_all import export_folder, export_presentation
from wallet.screens.badges import BadgesScreen
from wallet.screens.detail import DetailScreen
from wallet.service import WalletService

REQUEST = PresentationRequest("K7QM3XHD9RTPW2B5", "https://werken.zorggroep-oost.example")
BOTH = pytest.mark.parametrize("eddsa", [True, False], ids=["beside-eddsa", "base-proof-only"])


def _base_proofs(credential: dict[str, Any]) -> list[Any]:
    return [p for p in credential.get("proof") or [] if is_base_proof(p)]


def _at_verifier(credential: dict[str, Any]) -> VerificationResult:
    """The badge as a verifier checks a loose file: no base proof is confirmed there."""
    return verify_credential(
        credential, resolver=sd_resolver(), status_fetcher=sd_status(), now=NOW
    )


def _for_someone_else(written: dict[str, Any], kept: dict[str, Any]) -> None:
    """No base proof; the issuer's other proof as it was, or a derived proof showing all;
    the data itself unchanged; valid at a verifier, with nothing to say."""
    assert _base_proofs(written) == []
    others = [p for p in kept["proof"] if not is_base_proof(p)]
    if others:
        assert written["proof"] == others
    else:
        assert [p["cryptosuite"] for p in written["proof"]] == ["ecdsa-sd-2023"]
    assert {k: v for k, v in written.items() if k != "proof"} == {
        k: v for k, v in kept.items() if k != "proof"
    }
    result = _at_verifier(written)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.codes() == []


ENV = {"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}


def run(config: WalletConfig, *args: str) -> tuple[int, str, str]:
    return cli_run(config, *args, env=ENV)


def _wallet(config: WalletConfig, store: WalletStore, *, eddsa: bool) -> WalletService:
    service = WalletService(config, store)
    (outcome,) = service.import_document(sd_badge(HOLDER_KEY.did, eddsa=eddsa))
    assert outcome.accepted, outcome
    return service


def _other_wallet(config: WalletConfig, tmp_path: Path, name: str) -> WalletService:
    """Another wallet of the same learner (the same key, as after a restore)."""
    other = replace(config, data_dir=tmp_path / name)
    store = WalletStore.create(
        other.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=HOLDER_KEY, now=NOW, rng=seeded_rng()
    )
    return WalletService(other, store)


def _still_derives(service: WalletService, kept: dict[str, Any]) -> None:
    """The wallet holds the base proof as the issuer made it, and shows the badge in part."""
    (card,) = service.cards()
    held = service.store.get(card.id).credential
    assert _base_proofs(held) == _base_proofs(kept) != []
    shown = service.present([card.id], REQUEST, hide={"evidence", "identifier"}).document
    (credential,) = shown["verifiableCredential"]
    assert "evidence" not in credential
    result = verify_presentation(
        shown,
        challenge=REQUEST.challenge,
        domain=REQUEST.domain,
        resolver=sd_resolver(),
        status_fetcher=sd_status(),
        now=NOW,
    )
    assert result.verdict == Verdict.valid, result.to_dict()


# ---------------------------------------------------------------- files for other people


@BOTH
def test_a_badge_exported_as_json_or_baked_carries_no_base_proof(
    sd_config: WalletConfig, sd_store: WalletStore, tmp_path: Path, eddsa: bool
) -> None:
    service = _wallet(sd_config, sd_store, eddsa=eddsa)
    (card,) = service.cards()
    kept = service.store.get(card.id).credential
    assert _base_proofs(kept)

    service.export(card.id, tmp_path / "badge.json")
    _for_someone_else(json.loads((tmp_path / "badge.json").read_text("utf-8")), kept)
    for form in ("image", "png"):
        service.export(card.id, tmp_path / f"badge-{form}.png", form)
        baked = extract((tmp_path / f"badge-{form}.png").read_bytes())
        assert baked is not None
        _for_someone_else(json.loads(baked.text), kept)
    # the terminal app's Share > baked picture
    baked = extract(service.baked(card.id))
    assert baked is not None
    _for_someone_else(json.loads(baked.text), kept)
    # still the learner's own copy in the wallet
    assert service.store.get(card.id).credential == kept


@BOTH
def test_every_badge_exported_for_someone_else_carries_no_base_proof(
    sd_config: WalletConfig, sd_store: WalletStore, tmp_path: Path, eddsa: bool
) -> None:
    service = _wallet(sd_config, sd_store, eddsa=eddsa)
    (card,) = service.cards()
    kept = service.store.get(card.id).credential
    for form in ("json", "image"):
        report = export_folder(service, tmp_path / form, form=form)
        (item,) = report.exported
        data = (tmp_path / form / item.file).read_bytes()
        if form == "image":
            assert item.form == "png"
            baked = extract(data)
            assert baked is not None
            data = baked.text.encode("utf-8")
        _for_someone_else(json.loads(data), kept)
        manifest = json.loads((tmp_path / form / "index.json").read_text("utf-8"))
        assert manifest["for_wallet"] is False
        readme = (tmp_path / form / report.readme).read_text("utf-8")
        assert "--for-wallet" in readme

    export_presentation(service, tmp_path / "alle-badges.json")
    vp = json.loads((tmp_path / "alle-badges.json").read_text("utf-8"))
    (credential,) = vp["verifiableCredential"]
    _for_someone_else(credential, kept)


def test_the_cli_says_what_it_left_out_and_how_to_keep_it(
    sd_service: WalletService, sd_config: WalletConfig, tmp_path: Path
) -> None:
    (card,) = sd_service.cards()
    sd_service.store.close()
    code, out, err = run(sd_config, "export", card.id, str(tmp_path / "badge.json"))
    assert code == 0, err
    said = " ".join((out + err).split())
    assert "without the signature meant only for your wallet" in said
    assert "--for-wallet" in said
    code, out, err = run(sd_config, "export", "--all", str(tmp_path / "all"))
    assert code == 0, err
    assert "1 badge(s) without the signature meant only for your wallet" in " ".join(
        (out + err).split()
    )
    code, out, err = run(
        sd_config, "--lang", "nl", "export", card.id, str(tmp_path / "badge-nl.json")
    )
    assert code == 0, err
    assert "zonder de handtekening die alleen voor je eigen wallet is" in " ".join(
        (out + err).split()
    )


# ---------------------------------------------------------------- the learner's own copies


@BOTH
def test_an_export_for_another_wallet_keeps_the_base_proof(
    sd_config: WalletConfig, sd_store: WalletStore, tmp_path: Path, eddsa: bool
) -> None:
    """One badge, every badge in a folder, every badge in one presentation: each read
    back by another wallet of the learner, which can still show the badge in part."""
    service = _wallet(sd_config, sd_store, eddsa=eddsa)
    (card,) = service.cards()
    kept = service.store.get(card.id).credential
    sd_store.close()

    one = tmp_path / "voor-mijn-wallet.json"
    code, out, err = run(sd_config, "export", card.id, str(one), "--for-wallet")
    assert code == 0, err
    assert "do not send it to anyone" in " ".join((out + err).split())
    assert json.loads(one.read_text("utf-8")) == kept
    folder, vp = tmp_path / "map", tmp_path / "alle-badges.json"
    code, _, err = run(sd_config, "export", "--all", str(folder), "--for-wallet")
    assert code == 0, err
    assert json.loads((folder / "index.json").read_text("utf-8"))["for_wallet"] is True
    code, _, err = run(
        sd_config, "export", "--all", str(vp), "--as", "presentation", "--for-wallet"
    )
    assert code == 0, err

    for name, source in (("one", one), ("folder", folder), ("vp", vp)):
        other = _other_wallet(sd_config, tmp_path, name)
        outcomes = other.import_text(str(source)) if source.is_file() else None
        if outcomes is None:
            outcomes = other.import_folder(source)
        assert [o.accepted for o in outcomes] == [True], name
        _still_derives(other, kept)
        other.store.close()


def test_for_wallet_is_refused_for_pictures_and_codes(
    sd_service: WalletService, sd_config: WalletConfig, tmp_path: Path
) -> None:
    """A baked picture or a VP1- code is for other people: never with the base proof."""
    (card,) = sd_service.cards()
    sd_service.store.close()
    for args in (
        (card.id, str(tmp_path / "b.png"), "--as", "image"),
        (card.id, str(tmp_path / "b.svg"), "--as", "svg"),
        (card.id, str(tmp_path / "b.txt"), "--as", "vpqr"),
        ("--all", str(tmp_path / "map"), "--as", "image"),
    ):
        code, _, err = run(sd_config, "export", *args, "--for-wallet")
        assert code == 2, args
        assert "--for-wallet" in err, args
        assert "Traceback" not in err, args
        assert not Path(args[-3]).exists(), args


def test_a_backup_keeps_the_base_proof(
    sd_config: WalletConfig, sd_store: WalletStore, tmp_path: Path
) -> None:
    service = _wallet(sd_config, sd_store, eddsa=False)
    (card,) = service.cards()
    kept = service.store.get(card.id).credential
    backup = tmp_path / "backup.json"
    service.backup(backup, PASSPHRASE)
    sd_store.close()
    restored = replace(sd_config, data_dir=tmp_path / "restored")
    store = restore_backup(backup, PASSPHRASE, restored.data_dir, kdf=FAST_KDF)
    _still_derives(WalletService(restored, store), kept)
    store.close()


# ---------------------------------------------------------------- the terminal app


async def _audience(app: WalletApp, pilot: Any, choice: str) -> str:
    """Answer "who is it for?": its intro text, after picking ``others`` or ``wallet``."""
    assert isinstance(app.screen, AudienceDialog)
    intro = str(app.screen.query_one("#audience-intro", Static).render())
    choices = app.screen.query_one("#audience-choices", OptionList)
    ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
    assert ids == ["others", "wallet"]
    await pilot.press(*(["down"] * ids.index(choice)), "enter")
    await pilot.pause()
    return intro


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_the_app_asks_who_an_export_is_for(
    sd_service: WalletService, sd_config: WalletConfig, tmp_path: Path, lang: str
) -> None:
    (card,) = sd_service.cards()
    kept = sd_service.store.get(card.id).credential
    sd_service.store.close()
    app = WalletApp(replace(sd_config, lang=lang))
    intro_words = {"en": "meant only for your wallet", "nl": "alleen voor je eigen wallet"}
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot)
        app.screen.query_one("#cards", OptionList).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)

        for choice in ("others", "wallet"):
            target = tmp_path / f"{choice}.json"
            await pilot.press("e")
            await pilot.pause()
            intro = await _audience(app, pilot, choice)
            assert intro_words[lang] in " ".join(intro.split())
            assert isinstance(app.screen, PathDialog)
            app.screen.query_one("#path", Input).value = str(target)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, DetailScreen)
            written = json.loads(await asyncio.to_thread(target.read_text, "utf-8"))
            if choice == "wallet":
                assert written == kept
            else:
                _for_someone_else(written, kept)

        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, BadgesScreen)
        for choice in ("others", "wallet"):
            folder = tmp_path / f"map-{choice}"
            await pilot.press("e")
            await settle(app, pilot)
            await _audience(app, pilot, choice)
            assert isinstance(app.screen, PathDialog)
            app.screen.query_one("#path", Input).value = str(folder)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, MessageDialog)
            await pilot.press("enter")
            await pilot.pause()
            manifest = json.loads(
                await asyncio.to_thread((folder / "index.json").read_text, "utf-8")
            )
            assert manifest["for_wallet"] is (choice == "wallet")
            written = json.loads(
                await asyncio.to_thread((folder / manifest["badges"][0]["file"]).read_text)
            )
            assert bool(_base_proofs(written)) is (choice == "wallet")
