"""``decode_base58btc`` gives exactly what the ``base58`` package's ``b58decode`` gives."""

from __future__ import annotations

import random

import base58
import pytest

from shared.errors import InvalidInput
from shared.multibase import decode_base58btc, encode_base58btc


def test_the_same_bytes_as_b58decode() -> None:
    rng = random.Random(12)
    samples = [b"", b"\0", b"\0\0\0", b"\0\1", b"\xff" * 64, bytes(64)]
    for size in (*range(0, 40), 64, 66, 114):
        for zeros in (0, 1, 3):
            samples.append(b"\0" * zeros + rng.randbytes(size))
    for data in samples:
        text = encode_base58btc(data)
        if text == "z":
            continue  # no body: refused before decoding
        assert decode_base58btc(text) == base58.b58decode(text[1:]) == data
    for body in ("1", "11", "111z", "2", "zzzz", "1" * 70):
        assert decode_base58btc("z" + body) == base58.b58decode(body)


@pytest.mark.parametrize("text", ["z", "z0", "zO", "zI", "zl", "z+", "z1 ", "x123", "z1\n"])
def test_not_base58btc_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        decode_base58btc(text)


def test_encoding_is_b58encode_byte_for_byte() -> None:
    rng = random.Random(58)
    samples = [b"", b"\0", b"\0" * 5, b"\0\1", b"\1", b"\x39", b"\x3a", b"\xff" * 64]
    for _ in range(3000):
        zeros = rng.choice((0, 0, 0, 1, 2, 5))
        samples.append(b"\0" * zeros + rng.randbytes(rng.randrange(0, 120)))
    # values next to powers of 58 (a digit more or less, an even or odd count of them)
    for power in range(1, 90):
        for delta in (-1, 0, 1):
            value = 58**power + delta
            samples.append(value.to_bytes((value.bit_length() + 7) // 8, "big"))
    for data in samples:
        assert encode_base58btc(data) == "z" + base58.b58encode(data).decode("ascii"), data
