"""Re-checking a badge whose did:web issuer cannot be reached (the learner is offline).

A network failure says nothing about the badge: the quiet re-check on unlock keeps the
last known verdict, and an explicit re-check says "unknown" (could not check now),
never "invalid". A document that did arrive and is the wrong one does make it invalid.
"""

from __future__ import annotations

import json
from dataclasses import replace

from shared.did import WebResolver
from shared.errors import ErrorCode
from shared.verification import Check, CheckName, VerificationResult
from wallet.config import WalletConfig
from wallet.data.cards import Status, status_from_result
from wallet.data.store import WalletStore
from wallet.service import WalletService


def _offline(url: str) -> bytes:
    raise OSError("Network is unreachable")


def _offline_service(config: WalletConfig, store: WalletStore) -> WalletService:
    return WalletService(replace(config, resolver=WebResolver(_offline)), store)


def test_quiet_recheck_keeps_the_last_verdict_when_the_issuer_did_is_unreachable(
    sd_config: WalletConfig, sd_store: WalletStore, sd_service: WalletService
) -> None:
    (before,) = sd_store.cards()
    assert before.status == Status.valid

    stale = _offline_service(sd_config, sd_store).recheck_statuses()

    (after,) = sd_store.cards()
    assert stale == [before.id]  # listed as "not checked now"
    assert after.status == Status.valid
    assert after.checked_at == before.checked_at


def test_explicit_recheck_offline_says_unknown_not_invalid(
    sd_config: WalletConfig, sd_store: WalletStore, sd_service: WalletService
) -> None:
    (before,) = sd_store.cards()

    card, result = _offline_service(sd_config, sd_store).recheck(before.id)

    assert result.errors == []
    # the signature could not be checked, so the status lists were not looked up either
    assert [c.code for c in result.undecided] == [ErrorCode.did_not_found, ErrorCode.status_unknown]
    assert card.status == Status.unknown
    assert card.status_code == "did_not_found"


def test_a_wrong_issuer_document_makes_the_badge_invalid(
    sd_config: WalletConfig, sd_store: WalletStore, sd_service: WalletService
) -> None:
    """A document that was fetched and names another DID is not "could not check"."""
    (before,) = sd_store.cards()
    impostor = json.dumps({"id": "did:web:impostor.example"}).encode()
    wrong = WalletService(replace(sd_config, resolver=WebResolver(lambda url: impostor)), sd_store)

    card, result = wrong.recheck(before.id)

    assert [c.code for c in result.errors] == [ErrorCode.did_document_invalid]
    assert (card.status, card.status_code) == (Status.invalid, "did_document_invalid")


def test_a_broken_signature_beside_an_unreachable_did_is_still_invalid() -> None:
    result = VerificationResult("credential")
    result.add(Check.failed(CheckName.proof, ErrorCode.did_not_found, "not looked up"))
    assert status_from_result(result) == (Status.unknown, "did_not_found")
    result.add(Check.failed(CheckName.proof, ErrorCode.proof_invalid, "forged"))
    assert status_from_result(result) == (Status.invalid, "proof_invalid")
