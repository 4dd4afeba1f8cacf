"""The wallet keeps the issuers' status lists it fetched (sealed) and staples them."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

import httpx

from shared import qr
from shared.oid4vp import verifier_request
from shared.presentation_request import PresentationRequest
from shared.status_cache import LocalStatusSource
from shared.status_staple import OID4VP_PARAMETER, is_stapled, lists_by_url, unstaple
from tests.wallet.helpers import HOLDER_KEY, NOW, STATUS_URL, make_credential, status_list
from wallet.config import StapleMode
from wallet.data.store import WalletStore
from wallet.network import Network
from wallet.oid4vp import answer, fetch_ask
from wallet.presenting import make_presentation
from wallet.service import WalletService
from wallet.stapling import KeepingStatusFetcher

REQUEST = PresentationRequest.create(
    "https://verify.example.nl", now=NOW, token_bytes=lambda n: b"\x07" * n
)


def _receive(service: WalletService, count: int = 1) -> list[str]:
    ids = []
    for number in range(1, count + 1):
        [outcome] = service.import_document(
            make_credential(HOLDER_KEY.did, number=number, status_index=7)
        )
        ids.append(outcome.local_id or "")
    return ids


def test_checking_a_badge_keeps_its_status_list_sealed(
    service: WalletService, store: WalletStore
) -> None:
    assert store.status_list(STATUS_URL) is None
    _receive(service)
    kept = store.status_list(STATUS_URL)
    assert kept == status_list({42})
    raw = store.path.read_bytes()
    assert kept["credentialSubject"]["encodedList"].encode() not in raw
    assert STATUS_URL.encode() not in raw


class CountingStore:
    def __init__(self) -> None:
        self.writes = 0

    def keep_status_list(self, url: str, credential: dict[str, Any]) -> None:
        self.writes += 1


def test_a_refresh_of_many_badges_writes_each_list_once() -> None:
    counting = CountingStore()
    fetcher = KeepingStatusFetcher(
        LocalStatusSource({STATUS_URL: status_list({1})}),
        counting,  # type: ignore[arg-type]
    )
    for _ in range(50):
        fetcher.fetch(STATUS_URL)
    assert counting.writes == 1


def test_a_document_that_is_not_the_list_at_its_url_is_not_kept() -> None:
    counting = CountingStore()
    elsewhere = {**status_list({1}), "id": "https://elsewhere.example/list"}
    fetcher = KeepingStatusFetcher(
        LocalStatusSource({STATUS_URL: elsewhere}),
        counting,  # type: ignore[arg-type]
    )
    fetcher.fetch(STATUS_URL)
    assert counting.writes == 0


def test_the_learner_chooses_whether_qr_codes_carry_the_lists(
    service: WalletService, store: WalletStore
) -> None:
    [one] = _receive(service)
    auto = make_presentation(store, [one], REQUEST, now=NOW)
    assert len(auto.status_lists) == 1
    # one badge fits one code at version 25 with its list: it goes along
    assert is_stapled(qr_payload(auto.qr_texts(25)))
    never = make_presentation(store, [one], REQUEST, now=NOW, staple=StapleMode.never)
    assert not is_stapled(qr_payload(never.qr_texts(25)))
    assert not never.staple_left_out(25)  # the learner's choice, not to save codes
    assert not replace(auto, status_lists=()).staple_left_out(5)  # none kept: none left out
    # the lists are at hand, for the QR screen's key to take along for this presentation
    assert is_stapled(qr_payload(never.with_lists(True).qr_texts(25)))
    assert not is_stapled(qr_payload(auto.with_lists(False).qr_texts(25)))


def test_auto_leaves_the_lists_out_when_they_would_take_more_codes(
    service: WalletService, store: WalletStore
) -> None:
    ids = _receive(service, 3)
    auto = make_presentation(store, ids, REQUEST, now=NOW)
    always = make_presentation(store, ids, REQUEST, now=NOW, staple=StapleMode.always)
    # a code size at which the list would take one more code
    version = next(
        v
        for v in range(5, 41)
        if len(qr.encode(always.stapled, max_version=v))
        > len(qr.encode(always.document, max_version=v))
    )
    assert auto.staple_left_out(version)
    assert len(auto.qr_texts(version)) < len(always.qr_texts(version))
    assert is_stapled(qr_payload(always.qr_texts(version)))
    assert not is_stapled(qr_payload(auto.qr_texts(version)))
    assert unstaple(qr_payload(always.qr_texts(version)))[0] == always.document


def qr_payload(texts: list[str]) -> Any:
    return qr.decode(texts)


class Recorder(httpx.BaseTransport):
    def __init__(self) -> None:
        self.forms: list[dict[str, list[str]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.forms.append(parse_qs(request.read().decode()))
        return httpx.Response(200, json={"rugzak_verdict": "valid"})


def test_over_openid4vp_the_lists_go_in_an_extension_parameter(
    service: WalletService, store: WalletStore
) -> None:
    [one] = _receive(service)
    made = verifier_request(
        "https://verify.example.nl",
        request_id="K7QM3XHD9RTPW2B5",
        nonce="n-0S6_WzA2Mj0123456789",
        state="st-0S6_WzA2Mj012345678",
        max_qr_parts=None,
    )
    recorder = Recorder()
    network = Network(
        transport=recorder, clock=lambda: NOW, resolve=lambda host, port: ["93.184.216.34"]
    )
    ask = fetch_ask(made.link.to_text(), store, network)
    answer(ask, [one], store, network, NOW)
    answer(ask, [one], store, network, NOW, staple=False)
    stapled, plain = recorder.forms
    assert list(lists_by_url(json.loads(stapled[OID4VP_PARAMETER][0]))) == [STATUS_URL]
    assert OID4VP_PARAMETER not in plain
    assert set(plain) == {"vp_token", "state"}
