"""The wallet's OpenID4VP pieces that need no verifier: link kinds, the QR part limit."""

from __future__ import annotations

import base64
import hashlib

import pytest

from shared.errors import ErrorCode, InvalidInput
from shared.oid4vp import verifier_request
from tests.wallet.helpers import HOLDER_KEY, make_credential
from wallet.delivery import qr_texts_within
from wallet.network import Network
from wallet.oid4vp import VerifierUnreachable, answer, fetch_ask, is_oid4vp
from wallet.service import WalletService


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("openid4vp://?client_id=x&request_uri=https%3A%2F%2Fv.example%2Fr", True),
        ("K7QM-3XHD-9RTP-W2B5@verify.example.nl", True),
        ("rugzak-request:?challenge=K7QM3XHD9RTPW2B5&domain=https://verify.example.nl", False),
        ("hello", False),
    ],
)
def test_which_requests_go_over_openid4vp(text: str, expected: bool) -> None:
    assert is_oid4vp(text) is expected


def test_qr_fallback_grows_the_symbols_to_stay_within_the_limit() -> None:
    document = make_credential(HOLDER_KEY.did, status_index=7)
    small = qr_texts_within(document, 64, 5)
    assert len(small) > 1
    one = qr_texts_within(document, 1, 5)
    assert len(one) == 1


def test_a_presentation_too_large_for_the_limit_gets_a_plain_sentence() -> None:
    document = make_credential(HOLDER_KEY.did, status_index=7)
    # an 80 KB photo as a data URI: far more than two version-40 codes can hold
    # (deterministic noise: a real photo does not compress either)
    noise = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(2560))
    photo = base64.b64encode(noise).decode()
    document["credentialSubject"]["achievement"]["image"] = {
        "id": "data:image/png;base64," + photo,
        "type": "Image",
    }
    with pytest.raises(InvalidInput) as err:
        qr_texts_within(document, 2, 25)
    assert err.value.code == ErrorCode.payload_too_large
    assert "too large for the verifier's QR limit (2 codes)" in err.value.message


def test_a_verifier_that_does_not_take_ldp_vc_is_refused() -> None:
    from dataclasses import replace

    from shared.oid4vp import verifier_request
    from wallet.oid4vp import _check_formats

    made = verifier_request(
        "https://verify.example.nl",
        request_id="K7QM3XHD9RTPW2B5",
        nonce="n-0S6_WzA2Mj0123456789",
        state="st-0S6_WzA2Mj012345678",
        max_qr_parts=None,
    )
    _check_formats(made.request)
    sd_jwt_only = {"vp_formats_supported": {"dc+sd-jwt": {}}}
    with pytest.raises(InvalidInput) as err:
        _check_formats(replace(made.request, client_metadata=sd_jwt_only))
    assert err.value.detail["error"] == "vp_formats_not_supported"


def test_a_verifier_whose_name_does_not_resolve_gets_the_qr_fallback(
    service: WalletService,
) -> None:
    """Offline, the Response URI's host does not resolve (a request by value, nothing
    fetched before the POST): that is "cannot reach", so QR codes within the link's
    limit, not an error."""
    [outcome] = service.import_document(make_credential(HOLDER_KEY.did))
    made = verifier_request(
        "https://verify.example.nl",
        request_id="K7QM3XHD9RTPW2B5",
        nonce="n-0S6_WzA2Mj0123456789",
        state="st-0S6_WzA2Mj012345678",
        max_qr_parts=3,
        code="K7QM-3XHD-9RTP-W2B5",
    )

    def offline(host: str, port: int) -> list[str]:
        raise OSError("Temporary failure in name resolution")

    network = Network(clock=service.config.clock, resolve=offline)
    ask = fetch_ask(made.link.to_text(), service.store, network)
    with pytest.raises(VerifierUnreachable) as caught:
        answer(ask, [outcome.local_id or ""], service.store, network, service.config.clock())
    assert caught.value.max_parts == 3
    assert caught.value.fallback is not None
    assert caught.value.fallback.domain == "https://verify.example.nl"
