"""A disclosure the wallet derives (hidden e-mail, evidence and picture) verifies in
digitalbazaar's ecdsa-sd-2023 implementation; a tampered or over-disclosed copy fails
there as in Rugzak. npm packages as locked in tests/node/ecdsa-sd."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, cast

import pytest

from shared.contexts import load_context, url_map
from shared.credentials import verify_credential
from shared.presentation_request import PresentationRequest
from shared.verification import Verdict
from tests.node_support import npm_project
from tests.wallet.helpers import HOLDER_KEY, NOW
from tests.wallet.sd_badges import SD_ISSUER, did_document, sd_resolver, sd_status
from wallet.service import WalletService

pytestmark = [
    pytest.mark.slow,
    pytest.mark.interop(
        row="ecdsa-sd-2023 selective disclosure (base and derived proofs)",
        implementation="digitalbazaar ecdsa-sd-2023-cryptosuite 3.4.1 (npm)",
        direction="both ways",
    ),
]

SCRIPT = Path(__file__).resolve().parents[1] / "shared" / "ecdsa_sd_node.mjs"
REQUEST = PresentationRequest("K7QM3XHD9RTPW2B5", "https://werken.zorggroep-oost.example")


def test_wallet_disclosure_verifies_in_digitalbazaar(sd_service: WalletService) -> None:
    run = npm_project("ecdsa-sd", SCRIPT.read_text("utf-8"))
    card = sd_service.cards()[0]
    original = sd_service.store.get(card.id).credential
    vp = sd_service.present([card.id], REQUEST, hide={"identifier", "evidence", "image"})
    (disclosed,) = vp.document["verifiableCredential"]
    tampered = copy.deepcopy(disclosed)
    tampered["credentialSubject"]["result"][0]["value"] = "3"
    over = copy.deepcopy(disclosed)
    over["evidence"] = original["evidence"]
    documents: dict[str, Any] = {url: load_context(url) for url in url_map()}
    documents[SD_ISSUER] = did_document()
    jobs = [{"op": "verify", "document": d} for d in (disclosed, tampered, over)]
    verdicts = cast(list[dict[str, Any]], run({"documents": documents, "jobs": jobs}))
    assert [v["verified"] for v in verdicts] == [True, False, False], verdicts
    ours = [
        verify_credential(d, resolver=sd_resolver(), status_fetcher=sd_status(), now=NOW).verdict
        for d in (disclosed, tampered, over)
    ]
    assert ours == [Verdict.valid, Verdict.invalid, Verdict.invalid]
    assert disclosed["credentialSubject"]["id"] == HOLDER_KEY.did
