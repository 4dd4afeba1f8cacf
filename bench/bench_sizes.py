"""Presentation sizes of realistic badges: JSON, QR codes, versions; codec C vs Z.

Run ``python bench/bench_sizes.py``. The badges are made by the real issuer
(tests/sample_badges.py): a Dutch organisation with a 20 KB logo, badges with a
20-80 KB picture, a level, evidence (URL and narrative), the learner's hashed
e-mail, both status entries; the learner's wallet key signs a presentation bound to
a verifier's request (challenge and domain). Rows:

* images by URL with their digest (the default) and embedded as data URIs (the old
  form, ``embed_images``), for one and three badges;
* the same without the learner's hashed e-mail (``identifier``);
* a level credential of the life-skills framework (its level's rubric inside).

For each, per codec (``C``, the default since the semantic codec, and ``Z``, the
default before it): the ``RZ1:`` text length of one code (characters in the QR
alphanumeric set), the smallest single-code version, and how many codes of which
versions ``shared.qr.encode`` makes at ``max_version`` 20 and 25 (ECC M); then the
``VP1-`` (VPQR) length. The targets of issue 9 are checked at the end: a one-badge
presentation in ONE code of version <= 20, three badges in <= 2 codes of version
<= 20 (both at ECC M). Counts only, no timings.
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

TARGET_VERSION = 20
CODECS = ("C", "Z")


def codes(vp: dict[str, Any], version: int, codec: str) -> tuple[int, int, str]:
    """(number of codes, largest version, 'n x vA/B') at ``max_version`` ``version``."""
    try:
        texts = qr.encode(vp, max_version=version, codec=codec)
    except Exception as exc:
        return 10**6, 99, type(exc).__name__
    versions = sorted({qr.qr_version(t) for t in texts})
    return len(texts), versions[-1], f"{len(texts):3d} x v{'/'.join(map(str, versions))}"


def row(label: str, vp: dict[str, Any]) -> dict[str, tuple[int, int]]:
    size = len(json.dumps(vp, separators=(",", ":"), ensure_ascii=False).encode())
    cells, at_20 = [], {}
    for codec in CODECS:
        stream = len(qr.PREFIX) + len(encode_stream(vp, codec))
        single = smallest_version(stream, "M")
        n20, v20, text20 = codes(vp, 20, codec)
        _n25, _v25, text25 = codes(vp, 25, codec)
        at_20[codec] = (n20, v20)
        one = ("v" + str(single)) if single else ">v40"
        cells.append(f"{stream:7d} {one:>5s} {text20:>12s} {text25:>12s}")
    try:
        vp1 = str(len(vpqr.encode(vp)))
    except Exception as exc:
        vp1 = type(exc).__name__
    print(f"{label:38s} {size:7d} " + " | ".join(cells) + f" | {vp1:>7s}")
    return at_20


def without_identifier(vp: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(vp)
    for credential in out["verifiableCredential"]:
        credential["credentialSubject"].pop("identifier", None)
    # only the sizes matter here; the proof no longer matches
    return out


def verdict(label: str, got: tuple[int, int], most_codes: int) -> bool:
    n, version = got
    ok = n <= most_codes and version <= TARGET_VERSION
    print(f"  {'PASS' if ok else 'MISS'}  {label}: {n} code(s), largest v{version}")
    return ok


def main() -> int:
    print(f"QR capacity at ECC M (alphanumeric characters): v20 {max_part_chars(20)}, "
          f"v25 {max_part_chars(25)}\n")  # fmt: skip
    per_codec = f"{'RZ1 ch':>7s} {'1 code':>5s} {'at v20':>12s} {'at v25':>12s}"
    print(f"{'':38s} {'':7s} {'codec C':^38s} | {'codec Z':^38s} |")
    print(f"{'presentation':38s} {'JSON B':>7s} {per_codec} | {per_codec} | {'VP1 ch':>7s}")
    results: dict[str, dict[str, tuple[int, int]]] = {}
    for embed in (False, True):
        form = "embedded data URIs" if embed else "images by URL+digest"
        with sb.issuer_with_badges(embed=embed) as issuer:
            badges = [sb.award(issuer, i) for i in range(3)]
            one, three = sb.presentation(badges[:1]), sb.presentation(badges)
            results[f"1 {embed}"] = row(f"1 badge, {form}", one)
            results[f"3 {embed}"] = row(f"3 badges, {form}", three)
            if not embed:
                row("1 badge, by URL, no hashed e-mail", without_identifier(one))
                row("3 badges, by URL, no hashed e-mail", without_identifier(three))
                skill = sb.presentation([sb.skill_level(issuer)])
                row("1 skill-level badge (rubric inside)", skill)
    print(f"\nTargets (issue 9), images by URL+digest, ECC M, at most version {TARGET_VERSION}:")
    ok = True
    for codec in CODECS:
        print(f" codec {codec}:")
        passed = verdict("1 badge in 1 code", results["1 False"][codec], 1)
        passed &= verdict("3 badges in <= 2 codes", results["3 False"][codec], 2)
        if codec == qr.DEFAULT_CODEC:
            ok = passed
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
