"""End to end, by part counts: realistic badges made by the real issuer, presented by
the learner's key, as the wallet's offline QR fallback splits them.

Images by URL with their digest and codec C keep a one-badge presentation in one
code of version 20 at ECC M (the issue's target) and three badges in two codes of
version 20; the same badges with embedded pictures need dozens, and the wallet then
says so in a sentence instead of making more codes than the verifier reads. The
decoded presentation still verifies: codec C gives back the signed values exactly.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from issuer.identity import did_document
from shared import qr
from shared.credentials import verify_presentation
from shared.did import StaticResolver
from shared.errors import ErrorCode, InvalidInput
from tests import sample_badges as sb
from wallet.delivery import qr_texts_within
from wallet.oid4vp import DEFAULT_MAX_PARTS
from wallet.presenting import FILE_MAX_VERSION


@pytest.fixture(scope="module")
def by_url() -> list[dict[str, Any]]:
    with sb.issuer_with_badges() as issuer:
        return [sb.award(issuer, i) for i in range(3)]


@pytest.fixture(scope="module")
def embedded() -> list[dict[str, Any]]:
    with sb.issuer_with_badges(embed=True) as issuer:
        return [sb.award(issuer, i) for i in range(1)]


def test_one_badge_is_one_code_and_three_are_two(by_url: list[dict[str, Any]]) -> None:
    one = sb.presentation(by_url[:1])
    texts = qr_texts_within(one, 1, FILE_MAX_VERSION)
    assert len(texts) == 1
    assert qr.qr_version(texts[0]) <= FILE_MAX_VERSION == 25
    assert qr.decode(texts) == one
    three = sb.presentation(by_url)
    texts = qr_texts_within(three, 2, FILE_MAX_VERSION)
    assert len(texts) == 2
    assert qr.decode(texts) == three
    # the target, with codec C (the default): one code of version <= 20 for
    # one badge, two codes of version <= 20 for three (bench/bench_sizes.py)
    at_20 = qr.encode(one, max_version=20)
    assert len(at_20) == 1
    assert at_20[0].startswith("RZ1:C")
    assert len(qr.encode(three, max_version=20)) == 2
    # codec Z, which older Rugzak versions wrote, needs two codes at version 20
    assert len(qr.encode(one, max_version=20, codec="Z")) == 2


def test_the_scanned_presentation_still_verifies(by_url: list[dict[str, Any]]) -> None:
    with sb.issuer_with_badges() as issuer:
        document = did_document(issuer.store, issuer.identity)
    one = sb.presentation(by_url[:1])
    back = qr.decode(qr.encode(one, max_version=20))
    assert json.dumps(back) == json.dumps(one)
    result = verify_presentation(
        back,
        challenge=sb.CHALLENGE,
        domain=sb.DOMAIN,
        now=sb.NOW,
        resolver=StaticResolver({document["id"]: document}),
    )
    assert not result.errors, result.errors
    assert result.credentials
    assert not result.credentials[0].errors, result.credentials[0].errors


def test_embedded_pictures_need_dozens_and_the_wallet_says_so(
    embedded: list[dict[str, Any]], by_url: list[dict[str, Any]]
) -> None:
    one = sb.presentation(embedded)
    assert len(qr.encode(one, max_version=FILE_MAX_VERSION)) > DEFAULT_MAX_PARTS
    # even version-40 codes cannot hold it in 16 parts: a sentence, not a traceback
    with pytest.raises(InvalidInput) as refused:
        qr_texts_within(one, 16, FILE_MAX_VERSION)
    assert refused.value.code == ErrorCode.payload_too_large
    assert "too large for the verifier's QR limit" in refused.value.message
    # the same badge by URL is one code
    assert len(qr_texts_within(sb.presentation(by_url[:1]), 1, FILE_MAX_VERSION)) == 1
