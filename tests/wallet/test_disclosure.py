"""Selective disclosure from the wallet: the learner hides parts of a badge when presenting
(CLI, terminal app, OpenID4VP); the verifier checks the derived proof and says what
was not shown; a tampered or over-disclosed badge fails."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, SelectionList, Static
from typer.testing import CliRunner

from shared.credentials import create_presentation, verify_credential, verify_presentation
from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.ob.disclosure import SELECTABLE, can_disclose, hidden_parts
from shared.presentation_request import PresentationRequest
from shared.proof.ecdsa_sd import is_base_proof
from shared.verification import Verdict
from tests.conftest import load_vector
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, NOW
from tests.wallet.sd_badges import SD_INDEX, sd_badge, sd_resolver, sd_status
from tests.wallet.test_present_oid4vp import MADE, Verifier
from wallet.app import WalletApp
from wallet.cli import make_cli
from wallet.cli.present import Part
from wallet.config import WalletConfig
from wallet.data.cards import Status
from wallet.data.store import WalletStore
from wallet.dialogs.hide import PARTS, HideDialog
from wallet.presenting import Hiding
from wallet.screens.qr import QRScreen
from wallet.service import WalletService

REQUEST = PresentationRequest("K7QM3XHD9RTPW2B5", "https://werken.zorggroep-oost.example")


def _verify(vp: dict[str, Any], revoked: frozenset[int] = frozenset()) -> Any:
    return verify_presentation(
        vp,
        challenge=REQUEST.challenge,
        domain=REQUEST.domain,
        resolver=sd_resolver(),
        status_fetcher=sd_status(revoked),
        now=NOW,
    )


def test_the_parts_a_learner_may_hide_are_the_same_everywhere() -> None:
    assert set(PARTS) == set(SELECTABLE) == {str(p) for p in Part}


def test_a_presentation_hides_the_chosen_parts_and_verifies(sd_service: WalletService) -> None:
    card = sd_service.cards()[0]
    whole = sd_service.present([card.id], REQUEST).document
    shown = sd_service.present([card.id], REQUEST, hide={"identifier", "evidence", "image"})
    (credential,) = shown.document["verifiableCredential"]
    assert "evidence" not in credential
    assert "identifier" not in credential["credentialSubject"]
    assert "image" not in credential["credentialSubject"]["achievement"]
    assert credential["credentialSubject"]["result"][0]["value"] == "2"
    assert credential["credentialSubject"]["id"] == HOLDER_KEY.did
    assert [p["cryptosuite"] for p in credential["proof"]] == ["ecdsa-sd-2023"]
    # The hidden 30 KB picture is what makes the presentation small.
    assert len(json.dumps(shown.document)) * 4 < len(json.dumps(whole))

    result = _verify(shown.document)
    assert result.verdict == Verdict.valid, result.to_dict()
    (inner,) = result.credentials
    assert inner.summary["hidden"] == ["identifier", "evidence", "image"]
    assert "hidden" not in _verify(whole).credentials[0].summary
    # Status still travels with the disclosed badge: a revocation shows.
    revoked = _verify(shown.document, revoked=frozenset({SD_INDEX}))
    assert revoked.credentials[0].verdict == Verdict.invalid
    assert "revoked" in {c.code for c in revoked.credentials[0].errors}


def test_a_tampered_or_over_disclosed_badge_fails(sd_service: WalletService) -> None:
    card = sd_service.cards()[0]
    original = sd_service.store.get(card.id).credential
    shown = sd_service.present([card.id], REQUEST, hide={"evidence", "result"}).document
    (credential,) = shown["verifiableCredential"]
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Lassen, niveau 3"
    over = copy.deepcopy(credential)
    over["evidence"] = original["evidence"]  # a part the learner did not disclose
    for bad in (tampered, over):
        alone = verify_credential(bad, resolver=sd_resolver(), status_fetcher=sd_status(), now=NOW)
        assert alone.verdict == Verdict.invalid
        assert "proof_invalid" in {c.code for c in alone.errors}
        # Signed again by the holder, so only the badge's own proof is wrong.
        vp = create_presentation(
            [bad], HOLDER_KEY, challenge=REQUEST.challenge, domain=REQUEST.domain, created=NOW
        )
        assert _verify(vp).verdict == Verdict.invalid


def test_a_badge_without_a_base_proof_cannot_be_shown_in_part(
    sd_config: WalletConfig, sd_store: WalletStore
) -> None:
    service = WalletService(sd_config, sd_store)
    service.import_document(sd_badge(HOLDER_KEY.did, sd_proof=False))
    card = service.cards()[0]
    with pytest.raises(Unsupported) as caught:
        service.present([card.id], REQUEST, hide={"evidence"})
    assert caught.value.code == ErrorCode.disclosure_unavailable
    assert "Lassen, niveau 2" in caught.value.message
    assert _verify(service.present([card.id], REQUEST).document).verdict == Verdict.valid


def test_a_badge_signed_before_rdfc10_escaping_is_shown_in_part(
    sd_config: WalletConfig, sd_store: WalletStore
) -> None:
    """Lifelong badges: texts with a vertical tab or form feed, signed by Rugzak before
    2026-11-28 in the older N-Quads escaping (tests/vectors/legacy-escaping). The wallet
    keeps the badge and derives its disclosure in that form, which the verifier accepts."""
    service = WalletService(sd_config, sd_store)
    (outcome,) = service.import_document(load_vector("legacy-escaping/ecdsa-sd-base.json"))
    assert outcome.accepted, outcome
    card = service.cards()[0]
    shown = service.present([card.id], REQUEST, hide={"identifier", "alignment"}).document
    (credential,) = shown["verifiableCredential"]
    assert "\x0b" in credential["evidence"][0]["name"]
    result = _verify(shown)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.credentials[0].summary["hidden"] == ["identifier", "alignment"]


def _base_proofs(credential: dict[str, Any]) -> list[Any]:
    return [p for p in credential["proof"] if is_base_proof(p)]


def test_a_badge_with_only_a_base_proof_is_kept_as_genuine(
    sd_config: WalletConfig, sd_store: WalletStore
) -> None:
    """From an issuer that signs only for selective disclosure: the wallet confirms the
    base proof, so the card says what the status list says, on import and on refresh;
    shown in part or whole, the verifier gets a derived proof and says valid."""
    service = WalletService(sd_config, sd_store)
    (outcome,) = service.import_document(sd_badge(HOLDER_KEY.did, eddsa=False))
    assert outcome.accepted, outcome
    assert outcome.warnings == []
    (card,) = service.cards()
    assert card.status == Status.valid
    _card, result = service.recheck(card.id)
    (proof,) = [c for c in result.checks if c.name == "proof"]
    assert proof.message == "The signature is genuine (ecdsa-sd-2023)."
    revoked = WalletService(
        replace(sd_config, status_fetcher=sd_status(frozenset({SD_INDEX}))), sd_store
    )
    (refreshed,) = revoked.refresh()
    assert refreshed.status == Status.revoked

    for hide in ({"identifier", "evidence"}, set()):
        shown = service.present([card.id], REQUEST, hide=hide).document
        (credential,) = shown["verifiableCredential"]
        assert _base_proofs(credential) == [], hide
        assert [p["cryptosuite"] for p in credential["proof"]] == ["ecdsa-sd-2023"]
        result = _verify(shown)
        assert result.verdict == Verdict.valid, result.to_dict()
        assert result.codes() == []
    assert credential["evidence"] == service.store.get(card.id).credential["evidence"]


def test_a_badge_shown_whole_never_carries_its_base_proof(sd_service: WalletService) -> None:
    """The base proof holds the key that hides what a disclosure leaves out: the wallet
    keeps it. Beside the issuer's eddsa proof, a badge shown whole carries that one."""
    (card,) = sd_service.cards()
    stored = sd_service.store.get(card.id).credential
    assert _base_proofs(stored)
    shown = sd_service.present([card.id], REQUEST).document
    (credential,) = shown["verifiableCredential"]
    assert _base_proofs(credential) == []
    assert credential["proof"] == [p for p in stored["proof"] if not is_base_proof(p)]
    assert {k: v for k, v in credential.items() if k != "proof"} == {
        k: v for k, v in stored.items() if k != "proof"
    }
    result = _verify(shown)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert ErrorCode.base_proof_presented not in result.codes()


def test_hidden_parts_names_nothing_for_a_whole_badge() -> None:
    assert hidden_parts(sd_badge(HOLDER_KEY.did)) == []


ENV = {"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}


def test_cli_present_hide(
    sd_service: WalletService, sd_config: WalletConfig, tmp_path: Path
) -> None:
    card_id = sd_service.cards()[0].id
    sd_service.store.close()
    out = tmp_path / "vp.json"
    request = REQUEST.to_text()
    result = CliRunner().invoke(
        make_cli(sd_config),
        ["present", "-c", card_id, "-r", request, "--hide", "evidence", "--hide", "identifier",
         "--out", str(out)],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Hidden from the verifier: name or e-mail, evidence" in result.stderr
    (credential,) = json.loads(out.read_text())["verifiableCredential"]
    assert hidden_parts(credential) == ["identifier", "evidence"]
    assert _verify(json.loads(out.read_text())).verdict == Verdict.valid

    wrong = CliRunner().invoke(
        make_cli(sd_config), ["present", "-c", card_id, "--hide", "email"], env=ENV
    )
    assert wrong.exit_code == 2
    assert "Traceback" not in wrong.output


async def _pilot_present(
    config: WalletConfig, request_text: str, reachable: bool, hide_keys: list[str]
) -> tuple[Verifier, Any]:
    verifier = Verifier(config.transport, reachable=reachable)
    app = WalletApp(replace(config, transport=verifier))
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#request", Input).value = request_text
        await pilot.pause()
        assert "shown whole" in str(app.screen.query_one("#hide-info", Static).render())
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, HideDialog)
        await pilot.press(*hide_keys, "enter")
        await pilot.pause()
        info = str(app.screen.query_one("#hide-info", Static).render())
        assert "Hidden from the verifier: name or e-mail, evidence" in info
        app.screen.query_one("#picks", SelectionList).focus()
        await pilot.press("space", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        return verifier, app.screen


async def test_present_screen_hides_parts_over_openid4vp(
    sd_service: WalletService, sd_config: WalletConfig
) -> None:
    sd_service.store.close()
    # identifier is first and picked with space; down to evidence, picked too.
    verifier, _screen = await _pilot_present(
        sd_config, MADE.link.to_text(), True, ["space", "down", "space"]
    )
    (form,) = verifier.posted
    (vp,) = json.loads(form["vp_token"][0])["open_badge"]
    (credential,) = vp["verifiableCredential"]
    assert hidden_parts(credential) == ["identifier", "evidence"]
    result = verify_presentation(
        vp,
        challenge=MADE.request.nonce,
        domain=MADE.request.client_id,
        resolver=sd_resolver(),
        status_fetcher=sd_status(),
        now=NOW,
    )
    assert result.verdict == Verdict.valid, result.to_dict()


async def test_present_screen_hides_parts_in_qr_codes(
    sd_service: WalletService, sd_config: WalletConfig
) -> None:
    sd_service.store.close()
    _verifier, screen = await _pilot_present(
        sd_config, REQUEST.to_text(), True, ["space", "down", "space"]
    )
    assert isinstance(screen, QRScreen)
    (credential,) = screen.presentation.document["verifiableCredential"]
    assert hidden_parts(credential) == ["identifier", "evidence"]


def _mixed(service: WalletService) -> tuple[str, str]:
    """The SD badge and a badge without a base proof (shown whole only): their ids."""
    (outcome,) = service.import_document(sd_badge(HOLDER_KEY.did, number=2, sd_proof=False))
    assert outcome.accepted, outcome
    sd_id = next(c.id for c in service.cards() if can_disclose(service.store.get(c.id).credential))
    whole_id = next(c.id for c in service.cards() if c.id != sd_id)
    return sd_id, whole_id


def test_parts_are_hidden_per_badge(sd_service: WalletService) -> None:
    """One badge in part, another whole in the same presentation: hiding of every
    badge would refuse the badge without a base proof; hiding of one badge does not."""
    sd_id, whole_id = _mixed(sd_service)
    with pytest.raises(Unsupported):
        sd_service.present([sd_id, whole_id], REQUEST, hide={"evidence"})
    # a prefix of the wallet id names the badge, as on the command line
    hiding = Hiding(badges={sd_id[:8]: frozenset({"evidence", "image"})})
    shown = sd_service.present([sd_id, whole_id], REQUEST, hide=hiding).document
    first, second = shown["verifiableCredential"]
    assert hidden_parts(first) == ["evidence", "image"]
    assert "evidence" in second
    assert second == sd_service.store.get(whole_id).credential
    result = _verify(shown)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert result.credentials[0].summary["hidden"] == ["evidence", "image"]
    assert "hidden" not in result.credentials[1].summary
    # of every badge and of one more: the union for that badge
    both = Hiding(frozenset({"identifier"}), {sd_id: frozenset({"evidence"})})
    (only,) = sd_service.present([sd_id], REQUEST, hide=both).document["verifiableCredential"]
    assert hidden_parts(only) == ["identifier", "evidence"]
    with pytest.raises(InvalidInput) as caught:
        sd_service.present([sd_id], REQUEST, hide=Hiding(badges={sd_id: frozenset({"email"})}))
    assert caught.value.code == ErrorCode.invalid_request


def test_cli_present_hide_in_one_badge(
    sd_service: WalletService, sd_config: WalletConfig, tmp_path: Path
) -> None:
    sd_id, whole_id = _mixed(sd_service)
    sd_service.store.close()
    out = tmp_path / "vp.json"
    result = CliRunner().invoke(
        make_cli(sd_config),
        ["present", "-c", sd_id, "-c", whole_id, "-r", REQUEST.to_text(),
         "--hide-in", f"{sd_id[:8]}:evidence", "--out", str(out)],
        env=ENV,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Hidden from the verifier: Lassen, niveau 2: evidence" in result.stderr
    first, second = json.loads(out.read_text())["verifiableCredential"]
    assert hidden_parts(first) == ["evidence"]
    assert "evidence" in second
    for wrong in (f"{sd_id[:8]}:email", "evidence", ":evidence"):
        refused = CliRunner().invoke(
            make_cli(sd_config), ["present", "-c", sd_id, "--hide-in", wrong], env=ENV
        )
        assert refused.exit_code == 2, wrong
        assert "BADGE:PART" in refused.stderr
        assert "Traceback" not in refused.output


async def test_present_screen_hides_parts_of_one_badge(
    sd_service: WalletService, sd_config: WalletConfig
) -> None:
    """ctrl+o on a highlighted badge, "only for" ticked: that badge is shown without its
    evidence, the other whole; the choice for every badge stays empty."""
    sd_id, _whole_id = _mixed(sd_service)
    sd_service.store.close()
    app = WalletApp(sd_config)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#request", Input).value = REQUEST.to_text()
        picks = app.screen.query_one("#picks", SelectionList)
        picks.select_all()
        picks.focus()
        picks.highlighted = [picks.get_option_at_index(i).value for i in range(2)].index(sd_id)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, HideDialog)
        scope = app.screen.query_one("#hide-scope", SelectionList)
        assert "Lassen, niveau 2" in str(scope.get_option_at_index(0).prompt)
        await pilot.press("shift+tab", "space", "tab")  # "only for" ticked; back to the parts
        await pilot.press("down", "space", "enter")  # evidence
        await pilot.pause()
        info = str(app.screen.query_one("#hide-info", Static).render())
        assert "Hidden from the verifier: Lassen, niveau 2: evidence" in info
        assert app.screen.hidden == Hiding(badges={sd_id: frozenset({"evidence"})})

        # Opened again on that badge: its own choice shows; unticking shows every badge's.
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, HideDialog)
        assert set(dialog.query_one("#hide-picks", SelectionList).selected) == {"evidence"}
        await pilot.press("shift+tab", "space")
        await pilot.pause()
        assert set(dialog.query_one("#hide-picks", SelectionList).selected) == set()
        await pilot.press("escape")
        await pilot.pause()

        app.screen.query_one("#picks", SelectionList).focus()
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QRScreen)
        shown = {c["id"]: c for c in app.screen.presentation.document["verifiableCredential"]}
    sd_badge_id = sd_badge(HOLDER_KEY.did)["id"]
    assert hidden_parts(shown.pop(sd_badge_id)) == ["evidence"]
    (whole,) = shown.values()
    assert "evidence" in whole
