"""Presentation sizes of realistic badges: JSON, QR codes, versions; images by URL vs embedded.

Run ``python bench/bench_sizes.py``. The badges are made by the real issuer
(tests/sample_badges.py): a Dutch organisation with a 20 KB logo, badges with a
20-80 KB picture, a level, evidence (URL and narrative), both status entries;
the learner's wallet key signs a presentation bound to a verifier's request.
Rows:

* images by URL with their digest (the default) and embedded as data URIs (the old
  form, ``embed_images``), for one and three badges;
* the same without the learner's hashed e-mail (``identifier``);
* a level credential of the life-skills framework (its level's rubric inside).

For each: the JSON size, the ``RZ1:`` stream length (characters in the QR
alphanumeric set), the smallest single-code version, and how many codes and of
which versions ``shared.qr.encode`` makes at ``max_version`` 20 and 25 (ECC M),
plus the ``VP1-`` (VPQR) length. Counts only, no timings.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared import qr, vpqr  # noqa: E402
from shared.qr.capacity import max_part_chars, smallest_version  # noqa: E402
from shared.qr.text import encode_stream  # noqa: E402
from tests import sample_badges as sb  # noqa: E402


def codes(vp: dict[str, Any], version: int) -> str:
    try:
        texts = qr.encode(vp, max_version=version)
    except Exception as exc:
        return type(exc).__name__
    versions = sorted({qr.qr_version(t) for t in texts})
    return f"{len(texts):3d} x v{'/'.join(map(str, versions))}"


def row(label: str, vp: dict[str, Any]) -> None:
    size = len(json.dumps(vp, separators=(",", ":"), ensure_ascii=False).encode())
    stream = len(qr.PREFIX) + len(encode_stream(vp))
    single = smallest_version(stream, "M")
    try:
        vp1 = str(len(vpqr.encode(vp)))
    except Exception as exc:
        vp1 = type(exc).__name__
    print(
        f"{label:44s} {size:7d} {stream:7d} {('v' + str(single)) if single else '>v40':>6s} "
        f"{codes(vp, 20):>12s} {codes(vp, 25):>12s} {vp1:>8s}"
    )


def without_identifier(vp: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(vp)
    for credential in out["verifiableCredential"]:
        credential["credentialSubject"].pop("identifier", None)
    # only the sizes matter here; the proof no longer matches
    return out


def main() -> None:
    print(f"QR capacity at ECC M (alphanumeric characters): v20 {max_part_chars(20)}, "
          f"v25 {max_part_chars(25)}\n")  # fmt: skip
    header = f"{'presentation':44s} {'JSON B':>7s} {'RZ1 ch':>7s} {'1 code':>6s} "
    print(header + f"{'at v20':>12s} {'at v25':>12s} {'VP1 ch':>8s}")
    for embed in (False, True):
        form = "embedded data URIs" if embed else "images by URL+digest"
        with sb.issuer_with_badges(embed=embed) as issuer:
            badges = [sb.award(issuer, i) for i in range(3)]
            one, three = sb.presentation(badges[:1]), sb.presentation(badges)
            row(f"1 badge, {form}", one)
            row(f"3 badges, {form}", three)
            if not embed:
                row("1 badge, by URL, no hashed e-mail", without_identifier(one))
                row("3 badges, by URL, no hashed e-mail", without_identifier(three))
                row(
                    "1 skill-level badge (rubric inside)", sb.presentation([sb.skill_level(issuer)])
                )


if __name__ == "__main__":
    main()
