"""CPU time of RDFC-1.0 canonicalization on realistic badges: fast path vs pyld (vs pyoxigraph).

Run: ``.venv/bin/python bench/bench_canonical.py [--runs N]``

Inputs are made by the real code, not written by hand:

- *credential*: a badge the issuer (``issuer.service.Issuer``, a temporary SQLite
  store) awards: Dutch texts, the picture by URL with its digest
  (``relatedResource``), a level result, an alignment and a tag, evidence (URL and
  narrative), the learner's hashed e-mail (``IdentityObject``), a revocation and a
  suspension status entry. Canonicalized without its proof, as signing does.
- *proof config*: that credential's eddsa-rdfc-2022 proof options
  (``shared.proof.suites.proof_config``). "memo hit" repeats one config through
  ``rdfc_config_hash`` (the memoized SHA-256 signing and verifying use; what a batch
  signed within one second sees), against pyld plus SHA-256; "fresh" gives every call
  another ``created`` time and calls ``canonize`` (no memo).
- *VP, 1 badge* and *VP, 3 badges*: the learner's presentation as the wallet signs it
  (``shared.credentials.create_presentation``, bound to a challenge and domain), without
  its proof; the credentials sit inside as named graphs. Three badges of one issuer
  repeat blank-node shapes, so RDFC-1.0 needs its N-degree step.
- *spec vector*: the OB 3.0 spec-test-vector credential, for comparison with older runs.

Columns: CPU time per call in microseconds (median of ``--runs`` calls, measured with
``time.process_time_ns`` so other load on the machine counts little; the best of
``--rounds`` rounds), the pyld
reference run in the same process (``canonize_reference``), their ratio, and
pyoxigraph's RDFC-1.0 of the same N-Quads (canonicalization only, no JSON-LD; a
baseline, not a correct engine: it labels some multi-credential presentations
differently from pyld, the reference).

The two summary lines add up what one issuance and one verification of a one-badge
presentation spend on canonicalization, against the issue-12 budgets (issuance
30,000/min one at a time on 2 cores = 4 ms CPU per credential for everything;
verification <= 1.5 ms server CPU per presentation for everything).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from issuer.achievements import parse_input  # noqa: E402
from issuer.awards import AwardIn, EvidenceIn, ResultIn  # noqa: E402
from issuer.service import AwardRequest  # noqa: E402
from shared.canonical import canonize, canonize_reference  # noqa: E402
from shared.dates import format_datetime  # noqa: E402
from shared.proof.suites import proof_config, rdfc_config_hash  # noqa: E402
from tests import sample_badges as sb  # noqa: E402
from tests.sample_images import badge_png, data_uri  # noqa: E402

VECTOR = ROOT / "tests/vectors/ob3/spec-test-vector/ob3-eddsa-rdfc-2022-vector.json"
VERIFY_BUDGET_US = 1500.0
# Everything one credential may cost on 2 cores at 30,000 a minute (one at a time)
# and at 100,000 a minute (batch).
ISSUE_BUDGET_US = 2 * 60e6 / 30_000
BATCH_BUDGET_US = 2 * 60e6 / 100_000

ALIGNED = {
    "name": "Samenwerken",
    "description": "Werkt samen aan een gedeeld doel; overlegt, verdeelt taken en helpt "
    "collega's verder.",
    "criteria_narrative": "Laat de vijf gedragingen van het niveau zien.",
    "achievement_type": "Competency",
    "image": data_uri(badge_png(30, seed=7)),
    "tags": ["levensvaardigheden"],
    "alignments": [
        {
            "target_name": "Samenwerken",
            "target_url": "https://kader.example/samenwerken",
            "target_framework": "Levensvaardigheden",
            "target_code": "LV-03",
        }
    ],
    "result_descriptions": [{"name": "Niveau", "allowed_values": ["1", "2", "3", "4"]}],
    "in_language": "nl",
}


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


def first_proof(document: dict[str, Any]) -> dict[str, Any]:
    proof = document["proof"]
    return proof[0] if isinstance(proof, list) else proof  # type: ignore[no-any-return]


def realistic_inputs() -> dict[str, Any]:
    """The documents to canonicalize, made by the issuer and the wallet's signer."""
    with sb.issuer_with_badges() as issuer:
        issuer.create_achievement(parse_input(ALIGNED), actor="bench", achievement_id="aligned")
        request = AwardRequest(
            "aligned",
            sb.LEARNER.did,
            award=AwardIn(
                results=[ResultIn(value="3")],
                evidence=[
                    EvidenceIn(
                        url="https://portfolio.leerhuis-ijsselvallei.example/fatima/samenwerken",
                        narrative="Fatima begeleidde drie maanden lang nieuwe collega's op de "
                        "afdeling geriatrie en organiseerde het wekelijkse teamoverleg.",
                    )
                ],
            ),
            email="fatima.elamrani@example.nl",
        )
        credential: dict[str, Any] = issuer.issue(request, actor="bench").credential
        others = [sb.award(issuer, index) for index in range(2)]
    one = sb.presentation([credential])
    three = sb.presentation([credential, *others])
    config = proof_config(first_proof(credential), credential)
    fresh = [
        {**config, "created": format_datetime(sb.NOW + timedelta(seconds=n))}
        for n in range(1, 4097)
    ]
    vp_config = proof_config(one["proof"], one)
    vp_fresh = [{**vp_config, "challenge": f"{vp_config['challenge']}{n}"} for n in range(4096)]
    vector = json.loads(VECTOR.read_text("utf-8"))
    return {
        "credential": unsecured(credential),
        "proof config (memo hit)": config,
        "proof config (fresh)": fresh,
        "VP, 1 badge": unsecured(one),
        "VP proof config (fresh)": vp_fresh,
        "VP, 3 badges": unsecured(three),
        "spec vector credential": vector["unsignedCredential"],
    }


def cpu_us(func: Callable[[], Any], runs: int) -> float:
    """Median CPU time of ``func`` in microseconds, after two warm-up calls."""
    func()
    func()
    samples = []
    clock = time.process_time_ns
    gc.disable()
    try:
        for _ in range(runs):
            start = clock()
            func()
            samples.append(clock() - start)
    finally:
        gc.enable()
    return statistics.median(samples) / 1000


def cycling(documents: list[dict[str, Any]], func: Callable[[Any], Any]) -> Callable[[], Any]:
    """A call that takes the next document each time (no two calls see the same one)."""
    state = {"next": 0}

    def run() -> Any:
        index = state["next"]
        state["next"] = (index + 1) % len(documents)
        return func(documents[index])

    return run


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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=500, help="calls per input per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    inputs = realistic_inputs()
    print(
        f"{'input (CPU us per call)':<26} {'bytes':>6} {'canonize':>9} {'reference':>10} "
        f"{'ratio':>7} {'oxigraph*':>10}"
    )
    calls: dict[str, tuple[Callable[[], Any], Callable[[], Any], dict[str, Any]]] = {}
    for name, document in inputs.items():
        if isinstance(document, list):
            for one in document[:50]:
                assert canonize(one) == canonize_reference(one), name
            calls[name] = (
                cycling(document, canonize),
                cycling(document, canonize_reference),
                document[0],
            )
        else:
            assert canonize(document) == canonize_reference(document), name
            if name.endswith("(memo hit)"):
                # What signing and verifying use for a proof config: the memoized hash.
                assert rdfc_config_hash(document) == sha256(canonize(document)), name
                calls[name] = (
                    lambda document=document: rdfc_config_hash(document),
                    lambda document=document: sha256(canonize_reference(document)),
                    document,
                )
                continue
            calls[name] = (
                lambda document=document: canonize(document),
                lambda document=document: canonize_reference(document),
                document,
            )
    # Rounds over all inputs, keeping each input's best median: a burst of load from
    # other processes then spoils one round, not the figure.
    fast_us = {name: float("inf") for name in calls}
    reference_us = {name: float("inf") for name in calls}
    for _ in range(args.rounds):
        for name, (fast, reference, _sample) in calls.items():
            fast_us[name] = min(fast_us[name], cpu_us(fast, args.runs))
            reference_us[name] = min(
                reference_us[name], cpu_us(reference, max(10, args.runs // 50))
            )
    for name, (_fast, _reference, sample) in calls.items():
        ox_run = oxigraph(canonize(sample))
        ox_time = f"{cpu_us(ox_run, args.runs):10.0f}" if ox_run else f"{'n/a':>10}"
        size = len(json.dumps(sample, ensure_ascii=False).encode())
        print(
            f"{name:<26} {size:6d} {fast_us[name]:9.0f} {reference_us[name]:10.0f} "
            f"{reference_us[name] / fast_us[name]:6.1f}x {ox_time}"
        )
    issue = fast_us["credential"] + fast_us["proof config (fresh)"]
    batch = fast_us["credential"] + fast_us["proof config (memo hit)"]
    verify = (
        fast_us["VP, 1 badge"]
        + fast_us["credential"]
        + fast_us["proof config (fresh)"]
        + fast_us["VP proof config (fresh)"]
    )
    print(
        f"\nissuance, per credential (credential + fresh proof config): {issue:.0f} us "
        f"= {issue / ISSUE_BUDGET_US:.0%} of the {ISSUE_BUDGET_US:.0f} us budget (one at a time)"
    )
    print(
        f"batch issuance, per credential (one proof config per batch second): {batch:.0f} us "
        f"= {batch / BATCH_BUDGET_US:.0%} of the {BATCH_BUDGET_US:.0f} us budget"
    )
    print(
        f"verification, per 1-badge presentation (VP + its credential + both proof "
        f"configs, fresh): {verify:.0f} us = {verify / VERIFY_BUDGET_US:.0%} of the "
        f"{VERIFY_BUDGET_US:.0f} us budget"
    )
    print("* oxigraph: RDFC-1.0 of the N-Quads only, no JSON-LD processing")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
