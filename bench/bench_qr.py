"""QR transport sizes: JSON, brotli, zstd + dictionary, base45 characters, QR version.

Run ``python bench/bench_qr.py``. Inputs the dictionary never saw:

* the Rugzak test presentations of tests/shared/test_qr_samples.py (1 and 3
  credentials);
* every VCDM 2.0 DCC fixture and two 1EdTech fixtures, each wrapped in a
  presentation (real third-party credentials);
* presentations from the corpus generator with another seed than training (the
  older generator, bench/qr_corpus.py: codec C's corpus is bench/qr_corpus_c.py).

The numbers in docs/qr-format.md come from this script.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import brotli
import zstandard

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import qr_corpus  # noqa: E402

from shared import qr  # noqa: E402
from shared.keys import SigningKey  # noqa: E402
from shared.qr import codecs, semantic  # noqa: E402
from shared.qr.capacity import smallest_version  # noqa: E402
from tests.shared import test_qr_samples as samples  # noqa: E402

VECTORS = ROOT / "tests" / "vectors"
Compressor = Callable[[bytes], bytes]
WIDTH = 18

COMPRESSORS: dict[str, Compressor] = {
    "zlib-9": lambda b: zlib.compress(b, 9),
    "brotli q11 w22": lambda b: bytes(brotli.compress(b, quality=11, lgwin=22)),
    "brotli q11 w16 (B)": lambda b: codecs.compress(b, "B"),
    "zstd-19": lambda b: zstandard.ZstdCompressor(level=19).compress(b),
    "zstd-19 + dict (Z)": lambda b: codecs.compress(b, "Z"),
    "semantic (C)": lambda b: semantic.encode(json.loads(b)),
}


def fixture_presentations() -> list[bytes]:
    holder = SigningKey.from_seed(b"\x09" * 32)
    paths = sorted((VECTORS / "dcc/vc-test-fixtures/verifiableCredentials/v2").rglob("*.json"))
    paths += [VECTORS / "ob3/1edtech-validator/simple.json"]
    paths += [VECTORS / "ob3/1edtech-validator/simple-did-key-method.json"]
    return [qr_corpus.compact(samples.wrap([json.loads(p.read_text())], holder)) for p in paths]


def version_for(compressed: int) -> str:
    chars = len("RZ1:Z") + (compressed // 2) * 3 + (compressed % 2) * 2
    version = smallest_version(chars, "M")
    return f"v{version}" if version else ">v40"


def row(label: str, data: bytes) -> None:
    cells = [f"{label:30s}", f"{len(data):6d}"]
    for compress in COMPRESSORS.values():
        size = len(compress(data))
        cells.append(f"{size:8d} {version_for(size):>4s}".rjust(WIDTH))
    print(" | ".join(cells))


def mean_row(label: str, data: list[bytes]) -> None:
    cells = [f"{label:30s}", f"{statistics.mean(map(len, data)):6.0f}"]
    for compress in COMPRESSORS.values():
        sizes = [len(compress(d)) for d in data]
        cells.append(f"{statistics.mean(sizes):8.0f} {version_for(max(sizes)):>4s}".rjust(WIDTH))
    print(" | ".join(cells))


def transport(label: str, payload: dict[str, object]) -> None:
    start = time.perf_counter()
    texts = qr.encode(payload)
    encode_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    assert qr.decode(texts) == payload
    decode_ms = (time.perf_counter() - start) * 1000
    versions = [qr.qr_version(t) for t in texts]
    parts15 = qr.encode(payload, max_version=15)
    print(
        f"{label:28s} json {samples.json_size(payload):5d} B | "
        f"{len(texts)} code(s) {[len(t) for t in texts]} chars, versions {versions} | "
        f"at v15: {len(parts15)} part(s) | encode {encode_ms:.1f} ms, decode {decode_ms:.1f} ms"
    )


def main() -> None:
    print("compressed bytes and QR version (ECC M, alphanumeric, RZ1: + codec + base45)")
    print("(for means: the mean size, and the version the largest one needs)\n")
    print(" | ".join([f"{'input':30s}", "  JSON", *(name.rjust(WIDTH) for name in COMPRESSORS)]))
    row("Rugzak VP, 1 credential", qr_corpus.compact(samples.presentation(1)))
    row("Rugzak VP, 3 credentials", qr_corpus.compact(samples.presentation(3)))
    row("DCC complexIssuer VP", qr_corpus.compact(samples.dcc_presentation()))
    fixtures = fixture_presentations()
    mean_row(f"fixture VPs (n={len(fixtures)})", fixtures)
    rng = random.Random(777)
    generated = [qr_corpus.compact(qr_corpus.presentation(rng, 1)) for _ in range(100)]
    mean_row("generated VPs, 1 cred (n=100)", generated)
    generated3 = [qr_corpus.compact(qr_corpus.presentation(rng, 3)) for _ in range(30)]
    mean_row("generated VPs, 3 cred (n=30)", generated3)
    print(
        f"\nshared.qr.encode with the defaults (codec {qr.DEFAULT_CODEC}, max_version 25, ECC M)\n"
    )
    transport("Rugzak VP, 1 credential", samples.presentation(1))
    transport("Rugzak VP, 3 credentials", samples.presentation(3))
    transport("DCC complexIssuer VP", samples.dcc_presentation())


if __name__ == "__main__":
    main()
