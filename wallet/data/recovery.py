"""Recovery on paper: the wallet's recovery secret split into SLIP-0039 shares.

A learner who loses the laptop loses their DID and every badge bound to it, unless
they can open a backup. A passphrase can be forgotten; so the wallet also has a
**recovery secret** (16 random bytes, kept sealed in the wallet file), and every
backup written once it exists carries a second key slot that opens with it (see
``wallet.data.backup``). The secret is split with SLIP-0039 (Trezor's
``shamir-mnemonic``: Shamir's secret sharing over GF(256), with a checksum per
share and a digest over the secret) into ``n`` shares of 20 words, any ``k`` of
which give the secret back; fewer give nothing. The shares are meant for paper:
words and a QR code per share, shown on screen or printed, never written to a
file by the wallet.

Restoring needs ``k`` shares and a backup file, on any computer.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import nacl.utils
from shamir_mnemonic import MnemonicError, Share, combine_mnemonics, generate_mnemonics

from shared.errors import ErrorCode, InvalidInput

SECRET_BYTES = 16
"""128 bits: 20 words per share (SLIP-0039 with a 128-bit master secret)."""
MAX_SHARES = 16
ITERATION_EXPONENT = 1


@dataclass(frozen=True)
class ShareSet:
    """``count`` shares of which any ``threshold`` restore; ``words[i]`` is share i+1."""

    threshold: int
    count: int
    words: tuple[str, ...]


def new_secret(rng: Callable[[int], bytes] = nacl.utils.random) -> bytes:
    return rng(SECRET_BYTES)


def split(secret: bytes, threshold: int, count: int) -> ShareSet:
    """Split ``secret`` into ``count`` shares, any ``threshold`` of which restore it."""
    if len(secret) != SECRET_BYTES:
        raise ValueError(f"the recovery secret is {SECRET_BYTES} bytes")
    if not 1 <= count <= MAX_SHARES:
        raise InvalidInput(
            f"Make between 1 and {MAX_SHARES} shares.",
            code=ErrorCode.invalid_request,
            detail={"count": count},
        )
    if not 1 <= threshold <= count:
        raise InvalidInput(
            "The number of shares needed must be at least 1 and at most the number made.",
            code=ErrorCode.invalid_request,
            detail={"threshold": threshold, "count": count},
        )
    if threshold == 1 and count > 1:
        # SLIP-0039 refuses 1-of-n (each share would simply be the secret)
        raise InvalidInput(
            "With more than one share, at least 2 must be needed (one share alone "
            "would be the whole secret: make a single share instead).",
            code=ErrorCode.invalid_request,
            detail={"threshold": threshold, "count": count},
        )
    groups = generate_mnemonics(
        1, [(threshold, count)], secret, iteration_exponent=ITERATION_EXPONENT
    )
    return ShareSet(threshold, count, tuple(groups[0]))


def normalize(words: str) -> str:
    """A share as typed: any case, extra spaces, line breaks and NFKC forms allowed."""
    return " ".join(unicodedata.normalize("NFKC", words).lower().split())


def combine(typed: Sequence[str]) -> bytes:
    """The secret from shares as typed; each problem has its own code and sentence.

    Raises:
        InvalidInput: ``recovery_share_invalid`` (a share is mistyped: which one),
            ``recovery_share_duplicate`` (the same share twice),
            ``recovery_shares_mismatch`` (shares of different sets, or that do not
            agree), ``recovery_shares_too_few`` (fewer than the set needs).
    """
    shares: list[tuple[str, Share]] = []
    for number, text in enumerate(typed, start=1):
        mnemonic = normalize(text)
        if not mnemonic:
            continue
        try:
            shares.append((mnemonic, Share.from_mnemonic(mnemonic)))
        except MnemonicError as exc:
            raise InvalidInput(
                f"Share {number} is mistyped or damaged: check its words ({exc}).",
                code=ErrorCode.recovery_share_invalid,
                detail={"share": number},
            ) from None
    if not shares:
        raise InvalidInput(
            "Type the words of your recovery shares, one share a line.",
            code=ErrorCode.recovery_shares_too_few,
            detail={"have": 0},
        )
    first = shares[0][1]
    if any(s.identifier != first.identifier for _, s in shares):
        raise InvalidInput(
            "These shares belong to different sets: use shares made together.",
            code=ErrorCode.recovery_shares_mismatch,
        )
    seen: dict[int, int] = {}
    for number, (_, share) in enumerate(shares, start=1):
        if share.index in seen:
            raise InvalidInput(
                f"Share {number} is the same share as share {seen[share.index]}: "
                "use different shares.",
                code=ErrorCode.recovery_share_duplicate,
                detail={"share": number, "same_as": seen[share.index]},
            )
        seen[share.index] = number
    need = first.member_threshold
    if len(shares) < need:
        raise InvalidInput(
            f"{len(shares)} share(s) given, {need} needed: add {need - len(shares)} more.",
            code=ErrorCode.recovery_shares_too_few,
            detail={"have": len(shares), "need": need},
        )
    try:
        return bytes(combine_mnemonics([m for m, _ in shares[:need]]))
    except MnemonicError:
        raise InvalidInput(
            "These shares do not fit together: one of them is not from this set.",
            code=ErrorCode.recovery_shares_mismatch,
        ) from None


def threshold_of(typed: str) -> int | None:
    """How many shares the set of this (valid) share needs, or None when it is not one."""
    try:
        return int(Share.from_mnemonic(normalize(typed)).member_threshold)
    except MnemonicError:
        return None


def slot_key(secret: bytes) -> bytes:
    """The 32-byte key a backup's recovery slot is sealed under (domain-separated)."""
    return hashlib.blake2b(secret, digest_size=32, person=b"rugzak-recovery").digest()
