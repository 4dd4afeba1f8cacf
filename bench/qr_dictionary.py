"""Train (or check) the shipped data of the QR codecs from the synthetic corpora.

``python bench/qr_dictionary.py --train`` rebuilds shared/qr/zstd-dict-1.zst (codec
``Z``, from bench/qr_corpus.py) and, for codec ``C`` (from bench/qr_corpus_c.py),
shared/qr/terms-c1.json (the term table) and shared/qr/zstd-dict-c1.zst (the
dictionary, trained on skeletons and text streams), byte for byte (fixed seeds,
parameters and one thread); ``--check`` only compares. ``--codec Z`` or ``--codec C``
limits either to one codec. The shipped files are authoritative: the code pins their
SHA-256, and different data would need a new codec character.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
from pathlib import Path
from typing import Any

import qr_corpus_c
import zstandard
from qr_corpus import ROOT, samples

from shared import contexts, vocab
from shared.qr import semantic

QR_DIR = ROOT / "shared" / "qr"
DICT_PATH = QR_DIR / "zstd-dict-1.zst"
TRAIN_SEED = 20261123
N_SAMPLES = 3000
DICT_SIZE = 32768
DICT_ID = 0x525A0001  # "RZ" 0001: outside the zstd registered range (< 32768)
TRAIN_PARAMS = {"k": 2048, "d": 8, "f": 20, "split_point": 1.0, "accel": 1}

C_TERMS_PATH = QR_DIR / semantic.TERMS_FILE
C_DICT_PATH = QR_DIR / semantic.DICT_FILE
C_SEED = qr_corpus_c.SEED
C_SAMPLES = 3000
C_DICT_SIZE = 32768
CONTEXTS = ("w3c-credentials-v2.jsonld", "ob-v3p0-context-3.0.3.json")


def train() -> bytes:
    """Train the codec Z dictionary deterministically (fixed parameters, one thread)."""
    d = zstandard.train_dictionary(
        DICT_SIZE,
        samples(TRAIN_SEED, N_SAMPLES),
        dict_id=DICT_ID,
        threads=1,
        **TRAIN_PARAMS,
    )
    return d.as_bytes()


def _context_terms() -> set[str]:
    """Every term the VCDM 2.0 and OB 3.0.3 contexts define, scoped ones included."""
    terms: set[str] = set()

    def walk(context: Any) -> None:
        if isinstance(context, dict):
            for name, definition in context.items():
                if not name.startswith("@"):
                    terms.add(name)
                if isinstance(definition, dict) and "@context" in definition:
                    walk(definition["@context"])
        elif isinstance(context, list):
            for item in context:
                walk(item)

    for name in CONTEXTS:
        walk(json.loads((ROOT / "shared" / "contexts" / "data" / name).read_text())["@context"])
    return terms


# Values fixed by the specifications that neither the contexts nor the OB schema list.
SPEC_VALUES = [
    "assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation",
    "eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023",
    "bbs-2023", "revocation", "suspension", "refresh", "message", "1EdTechJsonSchemaValidator2019",
    "1EdTechRevocationList", "1EdTechCredentialRefresh", "Ed25519Signature2020",
    "Ed25519VerificationKey2020", "Multikey", "JsonWebKey",
]  # fmt: skip


def _spec_values() -> set[str]:
    """Strings the specifications define: types (context terms that start with a
    capital), enumerations of the OB 3.0 JSON schemas, the bundled context URLs,
    Rugzak's vocabulary constants and SPEC_VALUES. Nothing from the corpus's own
    wording, so the value table does not favour one organisation's texts."""
    found = {t for t in _context_terms() if t[:1].isupper()} | set(SPEC_VALUES)
    found |= set(contexts.known_urls())
    found |= {v for k, v in vars(vocab).items() if k.isupper() and isinstance(v, str)}

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for name, sub in item.items():
                if name == "enum":
                    found.update(e for e in sub if isinstance(e, str))
                else:
                    walk(sub)
        elif isinstance(item, list):
            for sub in item:
                walk(sub)

    for path in sorted((ROOT / "shared" / "ob" / "schemas").glob("*.json")):
        walk(json.loads(path.read_text()))
    return {v for v in found if len(v) >= 4 and semantic.typed(v) is None}


def build_terms(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The term table: keys by how often the corpus uses them, then the other context
    terms alphabetically; values (strings the specifications define, see
    ``_spec_values``) by how often the corpus uses them, then alphabetically."""
    keys: collections.Counter[str] = collections.Counter()
    values: collections.Counter[str] = collections.Counter()

    def walk(item: Any, seen: set[str]) -> None:
        if isinstance(item, dict):
            for name, sub in item.items():
                keys[name] += 1
                walk(sub, seen)
        elif isinstance(item, list):
            for sub in item:
                walk(sub, seen)
        elif isinstance(item, str) and item not in seen:
            seen.add(item)
            values[item] += 1

    for document in documents:
        walk(document, set())
    ordered = [k for k, _ in sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))]
    ordered += sorted(_context_terms() - set(ordered))
    common = sorted(_spec_values(), key=lambda v: (-values[v], v))
    return {"version": 1, "keys": ordered, "values": common[: semantic.MAX_VALUES]}


def terms_bytes(table: dict[str, Any]) -> bytes:
    return (json.dumps(table, ensure_ascii=False, indent=0) + "\n").encode("utf-8")


def train_c() -> tuple[bytes, bytes]:
    """Codec C: the term table and the dictionary trained on skeleton + texts."""
    documents = qr_corpus_c.documents(C_SEED, C_SAMPLES)
    table = build_terms(documents)
    terms = semantic.terms_from(table)
    training = []
    for document in documents:
        streams = semantic.split(document, terms)
        training.append(streams.skeleton + streams.texts)
    d = zstandard.train_dictionary(
        C_DICT_SIZE, training, dict_id=semantic.DICT_ID, threads=1, **TRAIN_PARAMS
    )
    return terms_bytes(table), d.as_bytes()


def _report(path: Path, data: bytes, write: bool) -> bool:
    print(f"{path.relative_to(ROOT)}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    if write:
        path.write_bytes(data)
        return True
    same = path.exists() and path.read_bytes() == data
    print("  matches the shipped file" if same else "  DIFFERS from the shipped file")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--train", action="store_true", help="rebuild the shipped files")
    group.add_argument("--check", action="store_true", help="compare with the shipped files")
    parser.add_argument("--codec", choices=["Z", "C"], help="only this codec")
    args = parser.parse_args()
    ok = True
    if args.codec in (None, "Z"):
        ok &= _report(DICT_PATH, train(), args.train)
    if args.codec in (None, "C"):
        terms, dictionary = train_c()
        ok &= _report(C_TERMS_PATH, terms, args.train)
        ok &= _report(C_DICT_PATH, dictionary, args.train)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
