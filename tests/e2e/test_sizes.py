"""End to end, by part counts: realistic badges made by the real issuer, presented by
the learner's key, as the wallet's offline QR fallback splits them.

Images by URL with their digest keep a one-badge presentation in one code (version
25 at ECC M, the wallet's file and fallback size) and three badges in two; the same
badges with embedded pictures need dozens, and the wallet then says so in a sentence
instead of making more codes than the verifier reads.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared import qr
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
    # at version 20 (the target) one badge takes two codes: see bench_sizes
    assert len(qr.encode(one, max_version=20)) == 2


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
