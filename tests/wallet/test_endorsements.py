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
from wallet.config import WalletConfig
from wallet.data.endorsements import endorsements_of
from wallet.data.passport import build_passport
from wallet.data.store import WalletStore
from wallet.i18n import Translator
from wallet.screens.detail import describe
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
