"""QR codecs and capacity tables: the dictionary is pinned, sizes match segno."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest
import segno
import zstandard

from shared.errors import ErrorCode, InvalidInput, Unsupported
from shared.qr import capacity, codecs

SAMPLE = b'{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"]}'


def test_shipped_dictionary_is_the_pinned_one() -> None:
    data = resources.files("shared.qr").joinpath(codecs.ZSTD_DICT_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == codecs.ZSTD_DICT_SHA256
    assert zstandard.ZstdCompressionDict(data).dict_id() == codecs.ZSTD_DICT_ID


def test_z_frames_are_plain_zstd_with_content_size_and_no_dict_id() -> None:
    frame = codecs.compress(SAMPLE, "Z")
    params = zstandard.get_frame_parameters(frame)
    assert frame[:4] == b"\x28\xb5\x2f\xfd"  # standard zstd magic: readable by any zstd
    assert params.content_size == len(SAMPLE)
    assert params.dict_id == 0
    assert not params.has_checksum


def test_dictionary_helps() -> None:
    plain = zstandard.ZstdCompressor(level=19).compress(SAMPLE)
    assert len(codecs.compress(SAMPLE, "Z")) < len(plain) // 2


@pytest.mark.parametrize("codec", codecs.BYTE_CODECS)
def test_round_trip(codec: str) -> None:
    assert codecs.decompress(codecs.compress(SAMPLE, codec), codec) == SAMPLE


@pytest.mark.parametrize("codec", codecs.BYTE_CODECS)
def test_limit_is_exact(codec: str) -> None:
    data = codecs.compress(SAMPLE, codec)
    assert codecs.decompress(data, codec, limit=len(SAMPLE)) == SAMPLE
    with pytest.raises(InvalidInput) as info:
        codecs.decompress(data, codec, limit=len(SAMPLE) - 1)
    assert info.value.code is ErrorCode.payload_too_large


def test_zstd_frame_without_declared_size_is_still_capped() -> None:
    cctx = zstandard.ZstdCompressor(
        level=3, dict_data=codecs._zstd_dict(), write_content_size=False
    )
    with pytest.raises(InvalidInput) as info:
        codecs.decompress(cctx.compress(b"0" * 3_000_000), "Z")
    assert info.value.code is ErrorCode.payload_too_large
    assert codecs.decompress(cctx.compress(SAMPLE), "Z") == SAMPLE


def test_zstd_frame_with_a_forged_huge_size_is_refused_unread() -> None:
    frame = bytearray(codecs.compress(SAMPLE, "Z"))
    # single-segment header with a 4-byte content size field: claim 2 GiB
    forged = bytes([0x28, 0xB5, 0x2F, 0xFD, 0xA0]) + (2**31).to_bytes(4, "little")
    with pytest.raises(InvalidInput) as info:
        codecs.decompress(forged + bytes(frame[6:]), "Z")
    assert info.value.code is ErrorCode.payload_too_large


def test_unknown_codec_is_unsupported_and_unknown_encode_codec_a_bug() -> None:
    with pytest.raises(Unsupported) as info:
        codecs.decompress(b"", "Y")
    assert info.value.code is ErrorCode.unsupported_codec
    with pytest.raises(ValueError, match="codec"):
        codecs.compress(SAMPLE, "Y")


# every boundary of the character-count field (9/10, 26/27) plus the sizes we use
@pytest.mark.parametrize("version", [1, 2, 9, 10, 15, 25, 26, 27, 39])
@pytest.mark.parametrize("ecc", capacity.ECC_LEVELS)
def test_capacity_matches_segno(version: int, ecc: str) -> None:
    chars = capacity.max_part_chars(version, ecc)
    fits = segno.make_qr("A" * chars, mode="alphanumeric", error=ecc, boost_error=False)
    assert fits.version == version
    over = segno.make_qr("A" * (chars + 1), mode="alphanumeric", error=ecc, boost_error=False)
    assert over.version == version + 1


def test_capacity_table_values_from_the_standard() -> None:
    assert capacity.max_part_chars(40, "M") == 3391
    assert capacity.max_part_chars(40, "L") == 4296
    assert capacity.max_part_chars(25, "m") == 1451
    assert capacity.max_part_chars(15, "M") == 600
    assert capacity.smallest_version(1451) == 25
    assert capacity.smallest_version(1452) == 26
    assert capacity.smallest_version(99_999) is None


def test_modules_and_versions() -> None:
    assert capacity.modules(15) == 77
    assert capacity.version_for_modules(77) == 15
    assert capacity.version_for_modules(1000) == 40
    with pytest.raises(ValueError, match="21 modules"):
        capacity.version_for_modules(20)
