"""What stapling costs in QR codes: a full status list credential vs a compact snapshot.

Run ``python bench/bench_staple.py``. The presentation is a realistic one-badge (and
three-badge) presentation made by the real issuer (tests/sample_badges.py). Beside it:

* **full list**: the issuer's signed ``BitstringStatusListCredential`` (131,072
  entries, gzip + base64url, ``eddsa-rdfc-2022``), with 0 to 5,000 entries set
  (issuers revoke few badges; indexes are random, so set bits do not cluster);
* **compact snapshot**: what an issuer could sign instead for one learner's indexes
  only (list URL, purpose, index -> value, dates; a ``DataIntegrityProof`` whose
  ``proofValue`` is random bytes of the real length). No standard defines it; the
  issuer would have to sign one per learner and request.

Printed per row: the ``RZ1:`` stream length (alphanumeric characters), the extra
characters over the presentation alone, and the codes ``shared.qr.encode`` makes at
``max_version`` 15, 20 and 25 (ECC M). Counts only, no timings; targets: a one-badge
presentation that fits one v25 code keeps fitting one with its list when the list is
sparse (``wallet.stapling`` ``auto`` drops the list otherwise).
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared import qr  # noqa: E402
from shared.credentials import issue_credential  # noqa: E402
from shared.keys import SigningKey  # noqa: E402
from shared.multibase import encode_base58btc  # noqa: E402
from shared.qr.capacity import max_part_chars  # noqa: E402
from shared.qr.text import encode_stream  # noqa: E402
from shared.status_list import BitstringStatusList, build_status_list_credential  # noqa: E402
from shared.status_staple import staple  # noqa: E402
from tests import sample_badges as sb  # noqa: E402

MADE = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
KEY = SigningKey.from_seed(b"\x5a" * 32)
URL = "https://badges.leerhuis.example/status/revocation-1"


def full_list(set_bits: int, seed: int = 20261127) -> dict[str, Any]:
    rng = random.Random(seed)
    bits = BitstringStatusList()
    for index in rng.sample(range(bits.size), set_bits):
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_url=URL,
        issuer=KEY.did,
        purpose="revocation",
        status_list=bits,
        valid_from=MADE,
        valid_until=MADE + timedelta(days=1),
    )
    return issue_credential(unsigned, KEY, created=MADE)


def snapshot(indexes: list[int]) -> dict[str, Any]:
    """A compact per-learner status statement, as an issuer could sign it."""
    rng = random.Random(7)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "StatusSnapshotCredential"],
        "issuer": KEY.did,
        "validFrom": "2026-11-27T06:00:00Z",
        "validUntil": "2026-11-28T06:00:00Z",
        "credentialSubject": {
            "id": URL,
            "statusPurpose": "revocation",
            "entries": {str(i): 0 for i in indexes},
        },
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2026-11-27T06:00:00Z",
            "verificationMethod": KEY.verification_method,
            "proofPurpose": "assertionMethod",
            "proofValue": encode_base58btc(rng.randbytes(64)),
        },
    }


def codes(payload: dict[str, Any], version: int) -> str:
    texts = qr.encode(payload, max_version=version)
    return f"{len(texts)} x v{max(qr.qr_version(t) for t in texts)}"


def row(label: str, payload: dict[str, Any], base: int) -> None:
    stream = len(qr.PREFIX) + len(encode_stream(payload))
    extra = f"+{stream - base}" if base else ""
    cells = "".join(f"{codes(payload, v):>10s}" for v in (15, 20, 25))
    print(f"{label:46s} {stream:7d} {extra:>6s}{cells}")


def main() -> None:
    print(
        f"QR capacity at ECC M (alphanumeric characters): v15 {max_part_chars(15)}, "
        f"v20 {max_part_chars(20)}, v25 {max_part_chars(25)}\n"
    )
    print(
        f"{'payload':46s} {'RZ1 ch':>7s} {'extra':>6s}{'at v15':>10s}{'at v20':>10s}{'at v25':>10s}"
    )
    with sb.issuer_with_badges() as issuer:
        badges = [sb.award(issuer, i) for i in range(3)]
    for count in (1, 3):
        vp = sb.presentation(badges[:count])
        base = len(qr.PREFIX) + len(encode_stream(vp))
        row(f"{count} badge(s), presentation alone", vp, 0)
        for set_bits in (0, 100, 1_000, 5_000):
            row(
                f"  + full list, {set_bits:,} of 131,072 set",
                staple(vp, [full_list(set_bits)]),
                base,
            )
        with_snapshot = {**vp, "statusSnapshot": snapshot(list(range(70_001, 70_001 + count)))}
        row(f"  + compact snapshot of {count} index(es)", with_snapshot, base)
        print()


if __name__ == "__main__":
    main()
