"""Receiving: files, URLs and OID4VCI offers, each checked before it is kept."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared import qr
from shared.errors import AccessDenied, ErrorCode, InvalidInput, ResolutionFailed, RugzakError
from tests.wallet.conftest import SyncASGI
from tests.wallet.helpers import (
    HOLDER_KEY,
    ISSUER_URL,
    OTHER_KEY,
    FakeIssuer,
    make_credential,
)
from wallet.config import WalletConfig
from wallet.data.cards import Status
from wallet.data.store import WalletStore
from wallet.service import WalletService


def test_file_import_keeps_a_valid_credential_with_a_checked_status(
    service: WalletService, credential_file: Path
) -> None:
    [outcome] = service.import_text(str(credential_file))
    assert outcome.accepted
    assert outcome.card is not None
    assert outcome.card.status == Status.valid
    assert outcome.card.name == "Doorzettingsvermogen, niveau 2"
    assert [c.id for c in service.cards()] == [outcome.local_id]


def test_revoked_credential_is_kept_with_a_revoked_badge(
    service: WalletService, tmp_path: Path
) -> None:
    path = tmp_path / "revoked.json"
    path.write_text(json.dumps(make_credential(HOLDER_KEY.did, status_index=42)))
    [outcome] = service.import_text(str(path))
    assert outcome.accepted
    assert outcome.card is not None
    assert outcome.card.status == Status.revoked


def test_credential_for_another_did_is_refused(service: WalletService, tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps(make_credential(OTHER_KEY.did)))
    [outcome] = service.import_text(str(path))
    assert not outcome.accepted
    assert outcome.code == ErrorCode.holder_mismatch
    assert service.cards() == []


def test_tampered_credential_is_refused_as_proof_invalid(service: WalletService) -> None:
    credential = make_credential(HOLDER_KEY.did)
    credential["credentialSubject"]["achievement"]["name"] = "Raketgeleerde"
    [outcome] = service.import_document(credential)
    assert outcome.code == ErrorCode.proof_invalid
    assert service.cards() == []


def test_unknown_context_is_refused(service: WalletService) -> None:
    credential = copy.deepcopy(make_credential(HOLDER_KEY.did))
    credential["@context"].append("https://example.org/unknown-context.jsonld")
    [outcome] = service.import_document(credential)
    assert not outcome.accepted
    assert outcome.code in (ErrorCode.unknown_context, ErrorCode.unsupported_context)


def test_duplicate_is_recognised(service: WalletService, credential_file: Path) -> None:
    [first] = service.import_text(str(credential_file))
    [second] = service.import_text(str(credential_file))
    assert second.code == ErrorCode.duplicate_credential
    assert second.duplicate_of == first.local_id
    assert len(service.cards()) == 1


def test_expired_credential_is_kept_and_marked(service: WalletService) -> None:
    credential = make_credential(HOLDER_KEY.did, valid_until=datetime(2026, 10, 1, tzinfo=UTC))
    [outcome] = service.import_document(credential)
    assert outcome.card is not None
    assert outcome.card.status == Status.expired


def test_import_from_url(config: WalletConfig, store: WalletStore, issuer: FakeIssuer) -> None:
    credential = make_credential(HOLDER_KEY.did, number=5)
    config.transport = SyncASGI(issuer.app, routes={f"{ISSUER_URL}/badges/5": credential})
    [outcome] = WalletService(config, store).import_text(f"{ISSUER_URL}/badges/5")
    assert outcome.accepted


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example.nl/badge.json",
        "http://127.0.0.1:8080/badge.json",
        "https://127.0.0.1/badge.json",
        "https://[::1]/badge.json",
        "https://10.0.0.5/badge.json",
        "https://[64:ff9b::7f00:1]/badge.json",  # NAT64 to 127.0.0.1
    ],
)
def test_a_stranger_s_plain_http_or_local_url_is_refused(service: WalletService, url: str) -> None:
    with pytest.raises(ResolutionFailed) as caught:
        service.import_text(url)
    assert caught.value.code == ErrorCode.fetch_refused


def test_oid4vci_offer_is_redeemed_and_bound_to_our_did(
    service: WalletService, issuer: FakeIssuer
) -> None:
    link = issuer.offer(3)
    assert link.startswith("openid-credential-offer://")
    [outcome] = service.import_text(link)
    assert outcome.accepted
    stored = service.store.get(outcome.local_id or "")
    assert stored.credential["credentialSubject"]["id"] == HOLDER_KEY.did


def test_used_offer_gives_the_issuers_reason(service: WalletService, issuer: FakeIssuer) -> None:
    link = issuer.offer(3)
    service.import_text(link)
    with pytest.raises(RugzakError) as caught:
        service.import_text(link)
    assert caught.value.code == ErrorCode.offer_used


def test_offer_with_transaction_code(config: WalletConfig, store: WalletStore) -> None:
    fake = FakeIssuer(tx_code="1234")
    config.transport = SyncASGI(fake.app)
    svc = WalletService(config, store)
    link = fake.offer(9)
    assert svc.needs_tx_code(link)
    with pytest.raises(AccessDenied) as caught:
        svc.import_text(link)
    assert caught.value.code == ErrorCode.tx_code_required
    [outcome] = svc.import_text(link, tx_code="1234")
    assert outcome.accepted


def test_baked_png_badge_is_read(service: WalletService, vectors: Path) -> None:
    """The 1EdTech baked PNG holds a credential for someone else: read, then refused."""
    baked = vectors / "ob3" / "1edtech-validator" / "simple-json.png"
    [outcome] = service.import_text(str(baked))
    assert outcome.code == ErrorCode.holder_mismatch


def test_vc_jwt_baked_badge_is_read(service: WalletService, vectors: Path) -> None:
    """The 1EdTech JWT-in-PNG is read too; it was issued to someone else: refused."""
    [outcome] = service.import_text(str(vectors / "ob3" / "1edtech-validator" / "simple-jwt.png"))
    assert outcome.code == ErrorCode.holder_mismatch


def test_offer_qr_picture_is_redeemed(
    service: WalletService, issuer: FakeIssuer, tmp_path: Path
) -> None:
    picture = tmp_path / "offer.png"
    picture.write_bytes(qr.render_png(issuer.offer(6), scale=4))
    [outcome] = service.import_text(str(picture))
    assert outcome.accepted


def test_picture_without_badge_or_offer(service: WalletService, tmp_path: Path) -> None:
    picture = tmp_path / "nothing.png"
    picture.write_bytes(qr.render_png("HELLO", scale=4))
    with pytest.raises(InvalidInput) as caught:
        service.import_text(str(picture))
    assert caught.value.code == ErrorCode.invalid_image
