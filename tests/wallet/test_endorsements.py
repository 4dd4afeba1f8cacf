"""Endorsements in the wallet: received from a file like any credential, verified, kept
with the badge they name (credential, achievement or issuer), shown on the badge and
in the skills passport, and never listed or presented as a badge of their own."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.credentials import issue_credential
from shared.keys import SigningKey
from shared.ob.endorsement import build_endorsement
from tests.wallet.conftest import PASSPHRASE
from tests.wallet.helpers import HOLDER_KEY, OTHER_KEY
from tests.wallet.test_passport import ZWAAN, level_badges, open_passport, shown
from tests.wallet.test_passport import passport_wallet as passport_wallet  # the fixture
from wallet.app import WalletApp
from wallet.badge_text import describe
from wallet.config import WalletConfig
from wallet.data.endorsements import endorsements_of
from wallet.data.passport import build_passport
from wallet.data.store import WalletStore
from wallet.i18n import Translator
from wallet.service import WalletService

WHEN = datetime(2026, 6, 15, tzinfo=UTC)
COMMENT = "Sanne hield de nieuwe kaart drie maanden vol, ook in het drukke seizoen."


def endorsement(target: str, key: SigningKey = ZWAAN, n: int = 1) -> dict[str, Any]:
    unsigned = build_endorsement(
        endorser_id=key.did,
        endorser_name="Hotel De Zwaan",
        target_id=target,
        comment=COMMENT,
        credential_id=f"urn:uuid:e0000000-0000-4000-8000-{n:012d}",
        valid_from=WHEN,
    )
    return issue_credential(unsigned, key, created=WHEN)


def fill(service: WalletService) -> list[dict[str, Any]]:
    badges = level_badges()
    for badge in badges:
        (outcome,) = service.import_document(badge)
        assert outcome.accepted
    return badges


def test_an_endorsement_file_is_verified_and_kept_with_its_badge(
    service: WalletService, tmp_path: Path
) -> None:
    badges = fill(service)
    top = badges[2]  # perseverance level 3 from Hotel De Zwaan
    path = tmp_path / "endorsement.json"
    path.write_text(json.dumps(endorsement(top["id"])), "utf-8")
    (outcome,) = service.import_text(str(path))
    assert outcome.accepted, outcome.refusal
    assert outcome.card is not None
    assert outcome.card.endorses == top["id"]
    # not a badge: not in the list (nor in what can be presented)
    assert len(service.cards()) == len(badges)
    (kept,) = service.endorsements()
    assert (kept.endorser, kept.comment, kept.target) == ("Hotel De Zwaan", COMMENT, top["id"])
    assert endorsements_of(top, [kept]) == [kept]
    assert endorsements_of(badges[0], [kept]) == []

    stored = service.store.find(top["id"])
    card = stored.card
    said_in = {"en": "Endorsed by Hotel De Zwaan: ", "nl": "Onderschreven door Hotel De Zwaan: "}
    for lang, said in said_in.items():
        text = describe(stored.credential, card, Translator(lang), None, [kept])
        assert said + COMMENT in text


def test_an_endorsement_of_the_achievement_reaches_every_level(service: WalletService) -> None:
    badges = fill(service)
    achievement = badges[0]["credentialSubject"]["achievement"]["id"]
    service.import_document(endorsement(achievement))
    skills = build_passport(service.store.everything())
    perseverance = next(s for s in skills if s.route.skill == "Doorzettingsvermogen")
    creativity = next(s for s in skills if s.route.skill == "Creativiteit")
    assert [e.comment for e in perseverance.endorsements] == [COMMENT]
    assert creativity.endorsements == ()


def test_a_tampered_endorsement_is_refused(service: WalletService) -> None:
    badges = fill(service)
    forged = endorsement(badges[2]["id"], n=2)
    forged["credentialSubject"]["endorsementComment"] = "Uitmuntend in alles."
    (outcome,) = service.import_document(forged)
    assert not outcome.accepted
    assert outcome.refusal is not None
    assert outcome.refusal.code == "proof_invalid"
    assert service.endorsements() == []


def test_an_endorsement_by_someone_else_still_names_its_signer(service: WalletService) -> None:
    """The endorser is whoever signed it; the wallet shows their name as they wrote it."""
    badges = fill(service)
    unsigned = build_endorsement(
        endorser_id=OTHER_KEY.did,
        target_id=badges[3]["id"],
        comment="Goede samenwerking.",
        credential_id="urn:uuid:e0000000-0000-4000-8000-000000000009",
        valid_from=WHEN,
    )
    (outcome,) = service.import_document(issue_credential(unsigned, OTHER_KEY, created=WHEN))
    assert outcome.accepted
    (kept,) = service.endorsements()
    assert kept.endorser == OTHER_KEY.did
    assert HOLDER_KEY.did not in kept.endorser


async def test_pilot_the_passport_shows_the_endorsement(passport_wallet: WalletConfig) -> None:
    store = WalletStore.unlock(passport_wallet.data_dir, PASSPHRASE)
    service = WalletService(passport_wallet, store)
    top = level_badges()[2]
    (outcome,) = service.import_document(endorsement(top["id"]))
    assert outcome.accepted
    store.close()
    app = WalletApp(replace(passport_wallet, lang="nl"))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_passport(pilot)
        assert "Onderschreven door Hotel De Zwaan: " + COMMENT in shown(app)


def test_an_endorsement_is_never_offered_to_a_verifier(service: WalletService) -> None:
    from wallet.oid4vp import presentable

    badges = fill(service)
    (outcome,) = service.import_document(endorsement(badges[2]["id"]))
    assert outcome.accepted
    offered = presentable(service.store)
    assert {item.credential["id"] for item in offered.values()} == {b["id"] for b in badges}


def test_the_endorsements_of_a_badge_travel_with_it_unless_left_out(
    service: WalletService,
) -> None:
    from shared.credentials import verify_presentation
    from shared.showing import plain_verdict
    from tests.wallet.helpers import NOW

    badges = fill(service)
    top = badges[2]
    for n, target in enumerate((top["id"], "urn:uuid:not-in-this-wallet"), start=1):
        (outcome,) = service.import_document(endorsement(target, n=n))
        assert outcome.accepted, outcome.refusal
    shown = service.present([top["id"], badges[3]["id"]], None)
    assert len(shown.credential_ids) == 2
    assert len(shown.endorsement_ids) == 1
    creds = shown.document["verifiableCredential"]
    assert [c["id"] for c in creds] == [top["id"], badges[3]["id"], endorsement(top["id"])["id"]]
    assert [e.endorser for e in service.endorsements_for([top["id"]])] == ["Hotel De Zwaan"]
    # the verifier relates it to the badge it endorses
    result = verify_presentation(shown.document, challenge=None, domain=None, now=NOW)
    plain = plain_verdict(result)
    assert plain["total"] == 2
    (said,) = plain["badges"][0]["endorsements"]
    assert (said["endorser"], said["comment"]) == ("Hotel De Zwaan", COMMENT)
    assert "endorsements" not in plain["badges"][1]

    left_out = service.present([top["id"]], None, endorsements=False)
    assert left_out.endorsement_ids == ()
    assert len(left_out.document["verifiableCredential"]) == 1
    # a badge nobody endorsed goes alone
    alone = service.present([badges[0]["id"]], None)
    assert alone.endorsement_ids == ()


def test_openid4vp_answers_with_the_endorsements_when_the_request_asks_for_them(
    service: WalletService,
) -> None:
    from shared.oid4vp import Held, evaluate, expanded_types, open_badge_query, verifier_request
    from wallet.oid4vp import Ask, plan, presentable, sign_vp_token, with_endorsements

    badges = fill(service)
    top = badges[2]
    (outcome,) = service.import_document(endorsement(top["id"]))
    assert outcome.accepted
    held = presentable(service.store)

    def ask_with(endorsements: bool) -> Ask:
        made = verifier_request(
            "https://verify.example.nl",
            request_id="K7QM3XHD9RTPW2B5",
            nonce="n-0S6_WzA2Mj0123456789",
            state="st-0S6_WzA2Mj012345678",
            max_qr_parts=64,
            query=open_badge_query(endorsements=endorsements),
        )
        query = made.request.dcql_query
        chosen = [Held(k, i.credential, expanded_types(i.credential)) for k, i in held.items()]
        return Ask(made.request, evaluate(query, chosen), held, 64, None)

    asked = ask_with(True)
    by_query = with_endorsements(asked, plan(asked, [top["id"]], service.store), service.store)
    assert [i.credential["id"] for i in by_query["open_badge"]] == [
        top["id"],
        endorsement(top["id"])["id"],
    ]
    vp_token = sign_vp_token(asked, by_query, service.store, NOW_FOR_VP)
    assert len(vp_token["open_badge"]) == 2  # one presentation per credential
    # a verifier whose request does not name endorsements gets none (§6.4.2)
    plain_ask = ask_with(False)
    only = with_endorsements(plain_ask, plan(plain_ask, [top["id"]], service.store), service.store)
    assert [i.credential["id"] for i in only["open_badge"]] == [top["id"]]


NOW_FOR_VP = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_cli_present_says_which_endorsements_go_and_can_leave_them_out(
    config: WalletConfig, store: WalletStore, service: WalletService
) -> None:
    from typer.testing import CliRunner

    from wallet.cli import make_cli

    badges = fill(service)
    top = badges[2]
    (outcome,) = service.import_document(endorsement(top["id"]))
    assert outcome.accepted
    store.close()
    env = {"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"}
    runner = CliRunner()
    taken = runner.invoke(make_cli(config), ["present", "-c", top["id"]], env=env)
    assert taken.exit_code == 0, taken.stderr
    assert "With 1 endorsement(s): Hotel De Zwaan." in taken.stderr
    assert len(json.loads(taken.stdout)["verifiableCredential"]) == 2
    left = runner.invoke(
        make_cli(config), ["present", "-c", top["id"], "--no-endorsements"], env=env
    )
    assert left.exit_code == 0, left.stderr
    assert "Left out 1 endorsement(s): Hotel De Zwaan." in left.stderr
    assert len(json.loads(left.stdout)["verifiableCredential"]) == 1


async def test_pilot_present_shows_the_endorsements_that_go_and_leaves_them_out(
    config: WalletConfig, store: WalletStore, service: WalletService
) -> None:
    from textual.widgets import Input, SelectionList, Static

    from tests.wallet.test_passport import settle
    from wallet.screens.qr import QRScreen

    badges = fill(service)
    top = badges[2]
    (outcome,) = service.import_document(endorsement(top["id"]))
    assert outcome.accepted
    local = service.store.find(top["id"]).id
    store.close()
    app = WalletApp(config)
    async with app.run_test(size=(100, 40)) as pilot:
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        info = app.screen.query_one("#endorsements-info", Static)
        assert str(info.render()) == ""  # nothing picked yet
        app.screen.query_one("#picks", SelectionList).select(local)
        await pilot.pause()
        assert "Endorsements that go with them: Hotel De Zwaan" in str(info.render())
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Endorsements left out: Hotel De Zwaan" in str(info.render())
        await pilot.press("ctrl+n")  # sign for QR codes, made for no request
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QRScreen)
        assert screen.presentation.endorsement_ids == ()
        assert len(screen.presentation.document["verifiableCredential"]) == 1
