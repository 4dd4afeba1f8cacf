"""`make demo`: the whole Rugzak journey on embedded defaults, narrated.

Runs offline in a fresh folder (``demo-out/``). Each stage uses only public
commands and APIs, so what it shows is what a user gets.
"""

from __future__ import annotations

import copy
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.panel import Panel

from shared import qr
from shared.credentials import (
    create_presentation,
    issue_credential,
    verify_credential,
    verify_presentation,
)
from shared.keys import P256SigningKey, SigningKey
from shared.ob.build import build_credential
from shared.ob.disclosure import mandatory_pointers, selective_pointers
from shared.ob.identity import name_matches
from shared.ob.models import Achievement, Criteria, Evidence, IdentityObject, Profile, Result
from shared.proof.ecdsa_sd import create_base_proof, derive_proof
from shared.verification import VerificationResult

OUT = Path("demo-out")
console = Console(highlight=False, emoji=False)


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
    """The unsigned badge, made by the same builder the issuer service uses."""
    return build_credential(
        achievement=Achievement(
            id="https://leerhuis.example/achievements/doorzetten-2",
            name="Doorzettingsvermogen, niveau 2",
            description="Blijft doorgaan als het moeilijk wordt, en vraagt op tijd hulp.",
            criteria=Criteria(narrative="Laat vijf gedragingen van doorzettingsvermogen zien."),
            achievement_type="Competency",
        ),
        issuer=Profile(id=issuer.did, name="Leerhuis Utrecht", url="https://leerhuis.example"),
        subject_id=learner.did,
        credential_id="urn:uuid:5f0d3b76-1c55-4e8e-9b0a-000000000001",
        valid_from=now,
    )


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


# ---------------------------------------------------------------- the product journey

BIN = Path(sys.executable).parent
ISSUER_PASS = "demo issuer passphrase (not for production)"  # noqa: S105 (demo only)
WALLET_PASS = "demo wallet passphrase (not for production)"  # noqa: S105 (demo only)
EMPLOYER = "https://werkgever.example"


def run(
    tool: str,
    *args: str,
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
    show: bool = True,
) -> str:
    """Run one of our own commands, echo it, and return its output."""
    shown = shlex.join([tool, *(a if len(a) < 70 else a[:67] + "..." for a in args)])
    console.print(f"$ {shown}", style="dim", markup=False)
    done = subprocess.run(  # noqa: S603 (our own console scripts)
        [str(BIN / tool), *args],
        # English whatever the machine's locale: the demo reads the verifier's words.
        # as wide as this console, so what the command wraps is not wrapped again here
        env={
            **os.environ,
            "COLUMNS": str(console.width),
            "NO_COLOR": "1",
            "RUGZAK_LANG": "en",
            **(env or {}),
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode not in ok:
        console.print(done.stdout, done.stderr, markup=False)
        raise SystemExit(f"{tool} {args[0]} failed with exit code {done.returncode}")
    if show and done.stdout.strip():
        console.print(done.stdout.rstrip(), markup=False, highlight=False)
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answered at {url}")


def publish_status(
    issuer: list[str], issuer_env: dict[str, str], verifier_env: dict[str, str]
) -> None:
    """Issuer exports its signed status lists; the verifier packs them for offline use."""
    shutil.rmtree(OUT / "site", ignore_errors=True)
    run("rugzak-issuer", *issuer, "status", "export", str(OUT / "site"), env=issuer_env, show=False)
    lists = [
        a
        for p in sorted((OUT / "site").rglob("*"))
        if p.is_file()
        for a in ("--status-list-file", str(p))
    ]
    run(
        "rugzak-verifier",
        "pack",
        "build",
        "-o",
        str(OUT / "pack.json"),
        *lists,
        env=verifier_env,
        show=False,
    )


def interview_over_openid4vp(
    badge_id: str,
    issuer: list[str],
    issuer_env: dict[str, str],
    wallet_env: dict[str, str],
    verifier_env: dict[str, str],
) -> None:
    """The verifier's page (a real server) shows an openid4vp:// link; the wallet answers it."""
    publish_status(issuer, issuer_env, verifier_env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 (our own console script)
        [
            str(BIN / "rugzak-verifier"),
            "serve",
            "--port",
            str(port),
            "--public-origin",
            base,
            "--trust-pack",
            str(OUT / "pack.json"),
            "--offline",
            "--database-url",
            f"sqlite:///{OUT / 'verifier' / 'interview.db'}",
            "--public-presentations",  # step 10c: a link for the learner's CV
        ],
        env={**os.environ, **verifier_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/health")
        asked = httpx.post(base + "/requests", json={}, timeout=10).json()
        console.print(f"the page's QR code: {asked['oid4vp']['link'][:76]}...", markup=False)
        run(
            "rugzak-wallet",
            "present",
            "--request",
            asked["oid4vp"]["link"],
            "--credential",
            badge_id,
            env=wallet_env,
        )
        polled = httpx.get(
            f"{base}/requests/{asked['challenge']}",
            params={"transaction_id": asked["oid4vp"]["transaction_id"]},
            timeout=10,
        ).json()
        verdict = (polled.get("result") or {}).get("verdict")
        console.print(f"the employer's page shows by itself: {verdict}", markup=False)
        if verdict != "valid":
            raise SystemExit(f"the OpenID4VP presentation was not valid: {verdict}")

        step("10c. For a CV: the learner publishes the badge here, and withdraws it later")
        published = run(
            "rugzak-wallet", "publish", "-c", badge_id, "--to", base, env=wallet_env
        ).split()
        page = httpx.get(published[0], params={"lang": "en"}, timeout=10)
        state = 'data-state="valid"' in page.text
        console.print(f"the public link says: {'valid' if state else 'NOT valid'}", markup=False)
        run(
            "rugzak-wallet",
            "certificate",
            badge_id,
            "--out",
            str(OUT / "certificate.pdf"),
            env=wallet_env,
        )
        run("rugzak-wallet", "withdraw", published[0], env=wallet_env)
        gone = httpx.get(published[0], timeout=10).status_code
        console.print(f"after withdrawal the link answers HTTP {gone}", markup=False)
        if not state or gone != 410:
            raise SystemExit("the public link did not go from valid to withdrawn (410)")
    finally:
        server.terminate()
        server.wait(timeout=15)


def product_journey() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    issuer_env = {"RUGZAK_ISSUER_PASSPHRASE": ISSUER_PASS}
    wallet_env = {
        "RUGZAK_PASSPHRASE": WALLET_PASS,
        "RUGZAK_WALLET_DIR": str(OUT / "wallet"),
        # The demo's issuer and verifier run on this machine over http://127.0.0.1.
        "RUGZAK_WALLET_ALLOW_PRIVATE_NETWORK": "1",
    }
    verifier_env = {
        "RUGZAK_VERIFIER_DATA_DIR": str(OUT / "verifier"),
        "RUGZAK_VERIFIER_PUBLIC_ORIGIN": EMPLOYER,
    }
    issuer = ["--data-dir", str(OUT / "issuer")]

    step("8. Issuer: rugzak-issuer init, an achievement, an offer for a learner")
    run(
        "rugzak-issuer",
        *issuer,
        "init",
        "--name",
        "Leerhuis Utrecht",
        "--url",
        "https://leerhuis.example",
        "--base-url",
        base,
        "--local",  # the demo runs on this machine only
        env=issuer_env,
    )
    run(
        "rugzak-issuer",
        *issuer,
        "achievement",
        "create",
        "--id",
        "doorzetten",
        "--name",
        "Doorzettingsvermogen",
        "--description",
        "Blijft doorgaan als het moeilijk wordt.",
        "--criteria",
        "Laat de vijf gedragingen van het niveau zien.",
        "--type",
        "Competency",
        "--result-description",
        "Niveau=1,2,3,4",
        "--align",
        "Doorzettingsvermogen|https://kader.example/doorzetten|Levensvaardigheden|LV-07",
        env=issuer_env,
        show=False,
    )
    offer = run(
        "rugzak-issuer",
        *issuer,
        "offer",
        "-a",
        "doorzetten",
        "--name",
        "Sam",
        "--result",
        "2",
        "--qr",
        str(OUT / "offer.png"),
        env=issuer_env,
        show=False,
    )
    link = offer.splitlines()[0].strip()
    console.print(f"offer link (also {OUT / 'offer.png'}): {link[:80]}...")

    step("9. Issuer serves; the learner's wallet redeems the offer (OpenID4VCI)")
    server = subprocess.Popen(  # noqa: S603 (our own console script)
        [str(BIN / "rugzak-issuer"), *issuer, "serve", "--port", str(port)],
        env={**os.environ, **issuer_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/.well-known/openid-credential-issuer")
        run("rugzak-wallet", "init", env=wallet_env)
        run("rugzak-wallet", "import", link, env=wallet_env)
        cards = json.loads(run("rugzak-wallet", "list", "--json", env=wallet_env, show=False))
        badge_id = cards[0]["id"]
        console.print(f"in the wallet: {cards[0]['name']} ({cards[0]['status']})", markup=False)

        step("10. Employer's page asks over OpenID4VP; the wallet sends the badge (no scan)")
        interview_over_openid4vp(badge_id, issuer, issuer_env, wallet_env, verifier_env)

        step("10b. Without a network: a request code; the learner presents as a QR code")
        request = json.loads(
            run("rugzak-verifier", "request", "--json", env=verifier_env, show=False)
        )
        console.print(f"request code for the learner: {request['short_text']}")
        run(
            "rugzak-wallet",
            "present",
            "--request",
            request["text"],
            "--credential",
            badge_id,
            "--qr-png",
            str(OUT / "vp.png"),
            "--out",
            str(OUT / "vp.json"),
            env=wallet_env,
        )
        pngs = sorted(str(p) for p in OUT.glob("vp*.png"))

        step("11. Verifier, offline: DIDs computed, status from a trust pack")
        publish_status(issuer, issuer_env, verifier_env)
        images = [a for p in pngs for a in ("--qr-image", p)]
        check = [
            "--challenge",
            request["challenge"],
            "--domain",
            request["domain"],
            "--trust-pack",
            str(OUT / "pack.json"),
            "--offline",
        ]
        run("rugzak-verifier", "verify", *images, *check, env=verifier_env)

        step("12. Issuer revokes; the verifier's next status refresh says no")
        credential_id = json.loads((OUT / "vp.json").read_text())["verifiableCredential"][0]["id"]
        run("rugzak-issuer", *issuer, "revoke", credential_id, "--reason", "demo", env=issuer_env)
        publish_status(issuer, issuer_env, verifier_env)
        out = run("rugzak-verifier", "verify", *images, *check, env=verifier_env, ok=(1,))
        if "revoked" not in out:
            raise SystemExit("the revoked badge was not reported as revoked")
        step("13. The learner's wallet refreshes the status: the badge shows as revoked")
        run("rugzak-wallet", "refresh", env=wallet_env)

        step("13b. Stapled status: the wallet brings the issuer's list; no trust pack needed")
        run(
            "rugzak-wallet",
            "--staple",
            "always",
            "present",
            "--request",
            request["text"],
            "--credential",
            badge_id,
            "--qr-png",
            str(OUT / "stapled.png"),
            env=wallet_env,
        )
        bare = [a for a in check if a not in ("--trust-pack", str(OUT / "pack.json"))]
        out = run(
            "rugzak-verifier",
            "verify",
            "--qr-image",
            str(OUT / "stapled.png"),
            *bare,
            env=verifier_env,
            ok=(1,),
        )
        if "issuer's list of" not in out or "revoked" not in out.lower():
            raise SystemExit("the stapled list did not decide the status")
    finally:
        server.terminate()
        server.wait(timeout=15)


def skills_journey() -> None:
    """One piece of work earns three skill levels with evidence; an employer reads them."""
    issuer = ["--data-dir", str(OUT / "issuer")]
    issuer_env = {"RUGZAK_ISSUER_PASSPHRASE": ISSUER_PASS}
    wallet_env = {"RUGZAK_PASSPHRASE": WALLET_PASS, "RUGZAK_WALLET_DIR": str(OUT / "wallet")}
    verifier_env = {"RUGZAK_VERIFIER_DATA_DIR": str(OUT / "verifier")}

    step("15. Skill levels with evidence: 'de nieuwe menukaart' -> three skills, one action")
    run("rugzak-issuer", *issuer, "framework", "import", "--builtin", "levensvaardigheden",
        env=issuer_env)  # fmt: skip
    learner = run("rugzak-wallet", "did", env=wallet_env, show=False).strip()
    card = OUT / "menukaart-herfst.txt"
    card.write_text(
        "Restaurant De Zwaan, nieuwe menukaart herfst\n"
        "Voorgerecht: bietencarpaccio met geitenkaas en walnoot\n"
        "Hoofdgerecht: gebakken zeewolf met pompoen, salie en bruine boter\n"
        "Nagerecht: appeltaart van de zaak met kaneelijs\n",
        encoding="utf-8",
    )
    today = datetime.now(UTC).date().isoformat()
    run(
        "rugzak-issuer", *issuer, "award", "--recipient", learner,
        "-s", "levensvaardigheden-creativiteit=2",
        "-s", "levensvaardigheden-doorzettingsvermogen=2",
        "-s", "levensvaardigheden-initiatief-nemen=1",
        "--evidence-file", str(card),
        "--evidence-file-url", "https://dezwaan.example/portfolio/menukaart-herfst.txt",
        "--narrative", "Ontwierp de nieuwe menukaart en kookte hem een week lang.",
        "--assessor", "Joost Bakker|chef-kok", "--date", today,
        "--name", "Sanne de Vries", "--out-dir", str(OUT / "levels"),
        env=issuer_env,
    )  # fmt: skip
    levels = sorted((OUT / "levels").glob("*.json"))
    first = json.loads(levels[0].read_text("utf-8"))
    evidence = first["evidence"][0]
    console.print(
        f"evidence: {evidence['name']}, digestMultibase {evidence['digestMultibase'][:20]}..., "
        f"assessor: {first['credentialSubject']['source']['name']}",
        markup=False,
    )

    step("16. The employer reads the levels (offline, with the issuer's trust pack)")
    publish_status(issuer, issuer_env, verifier_env)
    for path in levels:
        out = run(
            "rugzak-verifier", "verify", str(path), "--trust-pack", str(OUT / "pack.json"),
            "--offline", env=verifier_env,
        )  # fmt: skip
        # the level line: "Level 1 of 4 — Beginnend"
        if "VALID" not in out or "NOT VALID" in out or " of 4" not in out:
            raise SystemExit("a level badge did not verify or its level was not shown")
    identity = first["credentialSubject"]["identifier"][-1]
    console.print(f"the learner's name is hashed: {identity['identityHash'][:20]}...", markup=False)
    typed = "sanne de vries"
    console.print(f"name check '{typed}': match = {name_matches(identity, typed)}", markup=False)


def disclosure_journey() -> None:
    """ecdsa-sd-2023: the learner shows a badge without the e-mail and the evidence."""
    now = datetime.now(UTC).replace(microsecond=0)
    step("14. Selective disclosure (ecdsa-sd-2023): hide the e-mail identifier and evidence")
    issuer = P256SigningKey.generate()
    learner = SigningKey.generate()
    unsigned = build_credential(
        achievement=Achievement(
            id="https://leerhuis.example/achievements/lassen-2",
            name="Lassen, niveau 2",
            description="Last veilig met MIG/MAG op plaatstaal tot 6 mm.",
            criteria=Criteria(narrative="Drie proefstukken die de buigproef doorstaan."),
        ),
        issuer=Profile(id=issuer.did, name="Leerhuis Utrecht"),
        subject_id=learner.did,
        credential_id="urn:uuid:5f0d3b76-1c55-4e8e-9b0a-000000000002",
        valid_from=now,
        results=[Result(value="voldoende", status="Completed")],
        evidence=[Evidence(id="https://leerhuis.example/evidence/8841", name="Proefstukken")],
        identifier=[IdentityObject.hashed_identity("sanne.devries@example.nl", salt="c41b")],
    )
    base = create_base_proof(
        unsigned, issuer, created=now, mandatory_pointers=mandatory_pointers(unsigned)
    )
    console.print(f"issuer {issuer.did[:24]}... signs a base proof for the learner only")
    shown = derive_proof(base, selective_pointers(unsigned, {"result"}))
    (OUT / "disclosed.json").write_text(json.dumps(shown, indent=2, ensure_ascii=False))
    hidden = [k for k in ("evidence",) if k not in shown] + [
        k for k in ("identifier",) if k not in shown["credentialSubject"]
    ]
    console.print(
        f"disclosed: {OUT / 'disclosed.json'}  ({len(json.dumps(shown))} bytes; "
        f"hidden: {', '.join(hidden)}; QR codes: {len(qr.encode(shown))})"
    )
    show(verify_credential(shown, now=now))
    console.print("Put the hidden evidence back: the derived proof no longer covers it.")
    over = {**shown, "evidence": unsigned["evidence"]}
    show(verify_credential(over, now=now))


def main() -> int:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    console.print(
        Panel.fit("Rugzak demo: Open Badges 3.0, issued, held, presented, verified", style="bold")
    )
    core_journey()
    product_journey()
    disclosure_journey()
    skills_journey()
    console.print()
    console.print(f"[bold green]Demo finished.[/] Files are in {OUT}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
