"""`make demo`: the whole Rugzak journey on embedded defaults, narrated.

Runs offline in a fresh folder (``demo-out/``). Each stage uses only public
commands and APIs, so what it shows is what a user gets.
"""

from __future__ import annotations

import copy
import json
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel

from shared import qr
from shared.credentials import (
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from shared.keys import SigningKey
from shared.verification import VerificationResult

OUT = Path("demo-out")
console = Console(highlight=False)


def step(title: str) -> None:
    console.print()
    console.rule(f"[bold cyan]{title}")


def verdict(result: VerificationResult) -> str:
    colour = {"valid": "green", "unknown": "yellow", "invalid": "red"}[str(result.verdict)]
    return f"[bold {colour}]{str(result.verdict).upper()}[/]"


def show(result: VerificationResult) -> None:
    console.print(f"verdict: {verdict(result)}")
    for inner in [result, *result.credentials]:
        for check in inner.checks:
            mark = (
                "[green]✓[/]"
                if check.ok and check.severity != "warning"
                else ("[yellow]![/]" if check.ok or check.severity == "warning" else "[red]✗[/]")
            )
            code = "" if check.code == "ok" else f" [dim]({check.code})[/]"
            console.print(f"  {mark} {check.name}: {check.message}{code}")


def badge(issuer: SigningKey, learner: SigningKey, now: datetime) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5f0d3b76-1c55-4e8e-9b0a-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer.did,
            "type": ["Profile"],
            "name": "Leerhuis Utrecht",
            "url": "https://leerhuis.example",
        },
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "name": "Doorzettingsvermogen, niveau 2",
        "credentialSubject": {
            "id": learner.did,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://leerhuis.example/achievements/doorzetten-2",
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": "Doorzettingsvermogen, niveau 2",
                "description": "Blijft doorgaan als het moeilijk wordt, en vraagt op tijd hulp.",
                "criteria": {"narrative": "Laat vijf gedragingen van doorzettingsvermogen zien."},
            },
        },
    }


def core_journey() -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    step("1. Keys: an issuer and a learner, each with a did:key")
    issuer = SigningKey.generate()
    learner = SigningKey.generate()
    console.print(f"issuer  {issuer.did}\nlearner {learner.did}")

    step("2. Issue an Open Badges 3.0 credential (eddsa-rdfc-2022)")
    credential = issue_credential(badge(issuer, learner, now), issuer, created=now)
    (OUT / "credential.json").write_text(json.dumps(credential, indent=2, ensure_ascii=False))
    console.print(f"signed: {OUT / 'credential.json'}  ({len(json.dumps(credential))} bytes)")

    step("3. Verify it")
    show(verify_credential(credential, now=now))

    step("4. Tamper with it (raise the level) and verify again")
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["achievement"]["name"] = "Doorzettingsvermogen, niveau 4"
    show(verify_credential(forged, now=now))

    step("5. The learner presents it to an employer (challenge + domain)")
    challenge, domain = "demo-nonce-7Q2M", "https://werkgever.example"
    vp = create_presentation([credential], learner, challenge=challenge, domain=domain, created=now)
    (OUT / "presentation.json").write_text(json.dumps(vp, indent=2, ensure_ascii=False))

    step("6. As QR: RZ1 text, PNG, decode, verify")
    texts = qr.encode(vp)
    for i, text in enumerate(texts, 1):
        png = OUT / f"presentation-{i}.png"
        png.write_bytes(qr.render_png(text))
        console.print(
            f"code {i}/{len(texts)}: {len(text)} chars, QR version {qr.qr_version(text)} -> {png}"
        )
    console.print(f"text starts: {texts[0][:60]}...")
    scanned = [
        t
        for i in range(len(texts))
        for t in qr.read_qr_image((OUT / f"presentation-{i + 1}.png").read_bytes())
    ]
    decoded = qr.decode(scanned)
    console.print(f"decoded from the PNG(s): identical = {decoded == vp}")
    show(verify_presentation(decoded, challenge=challenge, domain=domain, now=now))

    step("7. Replay it to another request: refused")
    show(
        verify_presentation(
            decoded, challenge="another-nonce", domain=domain, now=now + timedelta(minutes=1)
        )
    )


def main() -> int:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    console.print(
        Panel.fit("Rugzak demo: Open Badges 3.0, issued, held, presented, verified", style="bold")
    )
    core_journey()
    console.print()
    console.print(f"[bold green]Demo finished.[/] Files are in {OUT}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
