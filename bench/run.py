"""`make bench`: verification and signing costs, with ratios against baselines.

Everything is measured in this one process on the same content:
- Rugzak: ``verify_credential`` (all checks, schema included), the proof check
  alone, the pyld reference path, ``issue_credential``, presentations of 1 and 3
  different credentials;
- didkit (SpruceID, Rust) verifying the same content as a VCDM 1.1 credential with
  ``Ed25519Signature2020`` (the legacy suite it supports);
- openbadgeslib verifying our eddsa-rdfc-2022 credential;
- the raw PyNaCl Ed25519 verify, the floor.

Medians of repeated cold runs: no verification result is cached between runs (the
compiled JSON-LD contexts are, like any verifier process would keep them; the
schema findings memo is cleared before each timed run).
"""

from __future__ import annotations

import copy
import gc
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shared import canonical
from shared.credentials import (
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from shared.did import StaticResolver
from shared.keys import SigningKey, verify_signature
from shared.ob.build import build_credential
from shared.ob.models import Achievement, Alignment, Criteria, Evidence, Profile, Result
from shared.ob.schema import clear_memo
from shared.proof import AssertionPurpose, verify_proofs
from shared.status_list import build_status_entry

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ISSUERS = [SigningKey.from_seed(bytes([i]) * 32) for i in (1, 2, 3)]
LEARNER = SigningKey.from_seed(b"\x09" * 32)
console = Console(highlight=False)


def median_ms(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    gc.disable()
    try:
        for _ in range(repeat):
            clear_memo()  # cold: the schema findings memo would answer a repeat
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return statistics.median(times) * 1000


def ob_credential(issuer: SigningKey, n: int) -> dict[str, Any]:
    """A realistic ~2 KB OB 3.0 credential (achievement, alignment, result, evidence),
    made by the issuer's own builder."""
    achievement = Achievement(
        id=f"https://leerhuis.example/achievements/samenwerken-{n}",
        name=f"Samenwerken, niveau {n}",
        description="Werkt samen in een team, deelt informatie en helpt anderen.",
        criteria=Criteria(
            narrative="Laat in de praktijk vijf gedragingen zien: luistert, deelt, "
            "vraagt hulp, geeft feedback en houdt afspraken."
        ),
        achievement_type="Competency",
        alignment=[
            Alignment(
                target_name="Samenwerken",
                target_url="https://skills.example/samenwerken",
                target_framework="Levensvaardigheden",
                target_code="LV-07",
            )
        ],
        tag=["samenwerken", "teamwork"],
    )
    return build_credential(
        achievement=achievement,
        issuer=Profile(
            id=issuer.did,
            name=f"Leerhuis {n}",
            url="https://leerhuis.example",
            email="badges@leerhuis.example",
        ),
        subject_id=LEARNER.did,
        credential_id=f"urn:uuid:7a1c2d3e-0000-4000-8000-00000000000{n}",
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        results=[Result(value=f"niveau {n}")],
        evidence=[
            Evidence(
                name="Menu ontworpen",
                narrative="Ontwierp samen met het team een nieuw seizoensmenu.",
            )
        ],
        credential_status=[
            build_status_entry("https://leerhuis.example/status/1", 1000 + n, "revocation")
        ],
    )


def legacy_version(credential: dict[str, Any]) -> dict[str, Any]:
    """The same content as a VCDM 1.1 credential (what didkit can read)."""
    legacy = copy.deepcopy(credential)
    legacy["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        "https://w3id.org/security/suites/ed25519-2020/v1",
    ]
    legacy["issuanceDate"] = legacy.pop("validFrom")
    legacy["issuer"] = legacy["issuer"]["id"]
    legacy.pop("credentialStatus")
    legacy.pop("credentialSchema")  # JsonSchema is a VCDM 2.0 term
    legacy.pop("evidence")
    legacy["credentialSubject"]["achievement"].pop("alignment")
    legacy["credentialSubject"].pop("result")
    legacy.pop("proof", None)
    return legacy


def main() -> int:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    resolver = StaticResolver()
    unsigned = [ob_credential(k, i + 1) for i, k in enumerate(ISSUERS)]
    creds = [issue_credential(c, k, created=NOW) for c, k in zip(unsigned, ISSUERS, strict=True)]
    vp1 = create_presentation(creds[:1], LEARNER, challenge="c", domain="d", created=NOW)
    vp3 = create_presentation(creds, LEARNER, challenge="c", domain="d", created=NOW)
    cred = creds[0]
    size = len(canonical.jcs(cred))

    def full() -> object:
        return verify_credential(cred, resolver=resolver, now=NOW)

    assert verify_credential(cred, now=NOW).verdict.value in ("valid", "unknown")

    rows: list[tuple[str, float]] = []
    message = b"x" * 64
    signature = ISSUERS[0].sign(message)
    rows.append(
        (
            "PyNaCl Ed25519 verify (floor)",
            median_ms(
                lambda: verify_signature(ISSUERS[0].public_key, message, signature),
                repeat=repeat * 5,
            ),
        )
    )
    rows.append(("Rugzak verify credential (all checks)", median_ms(full, repeat=repeat)))
    rows.append(
        (
            "Rugzak proof check only",
            median_ms(
                lambda: verify_proofs(cred, resolver, purpose=AssertionPurpose()),
                repeat=repeat,
            ),
        )
    )
    rows.append(
        (
            "Rugzak sign credential",
            median_ms(
                lambda: issue_credential(unsigned[0], ISSUERS[0], created=NOW), repeat=repeat
            ),
        )
    )
    rows.append(
        (
            "Rugzak verify presentation, 1 credential",
            median_ms(
                lambda: verify_presentation(vp1, challenge="c", domain="d", now=NOW), repeat=repeat
            ),
        )
    )
    rows.append(
        (
            "Rugzak verify presentation, 3 credentials",
            median_ms(
                lambda: verify_presentation(vp3, challenge="c", domain="d", now=NOW),
                repeat=max(20, repeat // 2),
            ),
        )
    )

    unsecured = {k: v for k, v in cred.items() if k != "proof"}
    rows.append(
        (
            "pyld reference canonicalization (document)",
            median_ms(
                lambda: canonical.canonize_reference(unsecured), repeat=max(20, repeat // 10)
            ),
        )
    )
    rows.append(
        (
            "Rugzak fast canonicalization (document)",
            median_ms(lambda: canonical.canonize(unsecured), repeat=repeat),
        )
    )

    didkit_ms = None
    try:
        from shared.legacy import DidkitEngine

        engine = DidkitEngine()
        legacy = engine.issue_credential(legacy_version(unsigned[0]), ISSUERS[0], created=NOW)
        if engine.verify_credential(legacy).ok:
            didkit_ms = median_ms(
                lambda: engine.verify_credential(legacy), repeat=max(20, repeat // 4)
            )
            rows.append(("didkit verify (Ed25519Signature2020, VCDM 1.1)", didkit_ms))
        legacy_vp = engine.issue_presentation(
            {
                "@context": ["https://www.w3.org/2018/credentials/v1"],
                "type": ["VerifiablePresentation"],
                "holder": LEARNER.did,
                "verifiableCredential": [
                    engine.issue_credential(legacy_version(u), k, created=NOW)
                    for u, k in zip(unsigned, ISSUERS, strict=True)
                ],
            },
            LEARNER,
            challenge="c",
            domain="d",
        )
        rows.append(
            (
                "didkit verify presentation, 3 credentials",
                median_ms(
                    lambda: engine.verify_presentation(legacy_vp, challenge="c", domain="d"),
                    repeat=10,
                    warmup=1,
                ),
            )
        )
        engine.close()
    except Exception as exc:  # a baseline that cannot run (no rugzak[legacy]) is reported
        console.print(f"[yellow]didkit baseline unavailable: {escape(str(exc))}[/]")

    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from openbadgeslib.ob3.ldp import verify_data_integrity_proof

        pem = Ed25519PublicKey.from_public_bytes(ISSUERS[0].public_key).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        single = {**cred, "proof": cred["proof"][0]}
        verify_data_integrity_proof(single, pem)
        rows.append(
            (
                "openbadgeslib verify (eddsa-rdfc-2022)",
                median_ms(
                    lambda: verify_data_integrity_proof(single, pem), repeat=max(20, repeat // 10)
                ),
            )
        )
    except Exception as exc:  # a baseline that cannot run is reported, not fatal
        console.print(f"[yellow]openbadgeslib baseline unavailable: {exc}[/]")

    base = didkit_ms or rows[1][1]
    table = Table(title=f"Rugzak benchmark (credential {size} B JCS, median of cold runs)")
    table.add_column("what")
    table.add_column("median ms", justify="right")
    table.add_column("× didkit verify" if didkit_ms else "× Rugzak verify", justify="right")
    for name, ms in rows:
        table.add_row(name, f"{ms:.3f}", f"{ms / base:.2f}")
    console.print(table)
    ours = rows[1][1]
    console.print(
        f"targets: credential <= 1 ms: {ours:.3f} ms; 3-credential presentation "
        f"<= 4 ms: {rows[5][1]:.3f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
