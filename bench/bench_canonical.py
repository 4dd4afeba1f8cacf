"""Median time of RDFC-1.0 canonicalization: fast path vs pyld (vs pyoxigraph).

Run: ``.venv/bin/python bench/bench_canonical.py [--runs N]``

Inputs: the OB 3.0 spec-test-vector credential (unsigned, and its proof config)
and a VCDM 2.0 presentation of three signed OB credentials from one issuer
(repeated blank-node shapes, so RDFC needs the N-degree step).

pyoxigraph is given the N-Quads our fast path produced, so its column is the
canonicalization step only (no JSON-LD processing); it is a baseline, not a
correct engine for every presentation: pyoxigraph canonicalizes some multi-credential
presentations (blank nodes under the same IRI in several credentials) differently
from pyld, which is the reference.

"verify" is what one eddsa-rdfc-2022 check costs with the fast path: canonize
the document and the proof config, two SHA-256, one Ed25519 verify (PyNaCl).
"""

from __future__ import annotations

import argparse
import copy
import gc
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import nacl.signing  # noqa: E402

from shared.canonical import canonize, canonize_reference  # noqa: E402

VECTOR = ROOT / "tests/vectors/ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json"


def median_us(func: Callable[[], Any], runs: int) -> float:
    """Median wall time of ``func`` in microseconds, after a warm-up call."""
    func()
    samples = []
    gc.disable()
    try:
        for _ in range(runs):
            start = time.perf_counter_ns()
            func()
            samples.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    return statistics.median(samples) / 1000


def presentation(signed: dict[str, Any]) -> dict[str, Any]:
    credentials = []
    for index in range(3):
        credential = copy.deepcopy(signed)
        credential["id"] = f"http://example.com/credentials/{3527 + index}"
        credentials.append(credential)
    return {
        "@context": signed["@context"],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "verifiableCredential": credentials,
    }


def oxigraph(nquads: str) -> Callable[[], Any] | None:
    try:
        import pyoxigraph as ox
    except ImportError:
        return None

    def run() -> str:
        dataset = ox.Dataset(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).decode()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    vector = json.loads(VECTOR.read_text("utf-8"))
    credential = vector["unsignedCredential"]
    proof_config = {**vector["proofOptions"], "@context": credential["@context"]}
    inputs = {
        "OB credential": credential,
        "OB proof config": proof_config,
        "VP of 3 OB credentials": presentation(vector["signedCredential"]),
    }
    print(f"{'input':<24} {'canonize':>10} {'reference':>10} {'oxigraph*':>10} {'speed-up':>9}")
    for name, document in inputs.items():
        assert canonize(document) == canonize_reference(document)
        fast = median_us(lambda document=document: canonize(document), args.runs)
        reference = median_us(
            lambda document=document: canonize_reference(document), max(20, args.runs // 10)
        )
        expected = canonize(document)
        ox_run = oxigraph(expected)
        ox_time = f"{median_us(ox_run, args.runs):10.0f}" if ox_run else f"{'n/a':>10}"
        agrees = ""
        if ox_run and "".join(sorted(ox_run().splitlines(keepends=True))) != expected:
            agrees = "  (oxigraph output differs from pyld's)"
        print(
            f"{name:<24} {fast:10.0f} {reference:10.0f} {ox_time} {reference / fast:8.1f}x{agrees}"
        )

    verify_key = nacl.signing.VerifyKey(bytes.fromhex(vector["keyPair"]["publicKeyHex"]))
    signature = bytes.fromhex(vector["signatureHex"])

    def verify() -> None:
        proof_hash = hashlib.sha256(canonize(proof_config).encode()).digest()
        document_hash = hashlib.sha256(canonize(credential).encode()).digest()
        verify_key.verify(proof_hash + document_hash, signature)

    print(
        f"\none OB credential verify (fast path, Ed25519 included): "
        f"{median_us(verify, args.runs):.0f} us median"
    )
    print("* oxigraph: RDFC-1.0 of the N-Quads only, no JSON-LD processing; times in us")


if __name__ == "__main__":
    main()
