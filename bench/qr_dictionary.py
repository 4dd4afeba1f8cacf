"""Train (or check) the zstd dictionary of QR codec ``Z`` from bench/qr_corpus.py.

``python bench/qr_dictionary.py --train`` rebuilds shared/qr/zstd-dict-1.zst byte
for byte (fixed seed, parameters and one thread); ``--check`` only compares.
The shipped file is authoritative: shared/qr/codecs.py pins its SHA-256, and a
different dictionary would need a new codec character.
"""

from __future__ import annotations

import argparse
import hashlib

import zstandard
from qr_corpus import ROOT, samples

DICT_PATH = ROOT / "shared" / "qr" / "zstd-dict-1.zst"
TRAIN_SEED = 20261123
N_SAMPLES = 3000
DICT_SIZE = 32768
DICT_ID = 0x525A0001  # "RZ" 0001: outside the zstd registered range (< 32768)
TRAIN_PARAMS = {"k": 2048, "d": 8, "f": 20, "split_point": 1.0, "accel": 1}


def train() -> bytes:
    """Train the dictionary deterministically (fixed parameters, one thread)."""
    d = zstandard.train_dictionary(
        DICT_SIZE,
        samples(TRAIN_SEED, N_SAMPLES),
        dict_id=DICT_ID,
        threads=1,
        **TRAIN_PARAMS,
    )
    return d.as_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--train", action="store_true", help="rebuild the shipped dictionary")
    group.add_argument("--check", action="store_true", help="compare with the shipped dictionary")
    args = parser.parse_args()
    data = train()
    digest = hashlib.sha256(data).hexdigest()
    print(f"dictionary: {len(data)} bytes, id {DICT_ID:#x}, sha256 {digest}")
    if args.train:
        DICT_PATH.write_bytes(data)
        print(f"wrote {DICT_PATH.relative_to(ROOT)}")
        return 0
    same = DICT_PATH.exists() and DICT_PATH.read_bytes() == data
    print("matches the shipped dictionary" if same else "DIFFERS from the shipped dictionary")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
