"""The issuer's part of `make demo`: from `rugzak-issuer init` to a badge awarded
through an OpenID4VCI offer, then revoked.

Everything goes through public interfaces: the `rugzak-issuer` command line, the
HTTP API served by `rugzak-issuer serve` on 127.0.0.1, and the OID4VCI messages of
``shared.oid4vci`` for the learner's side (what the wallet does).

    .venv/bin/python scripts/demo_issuer.py [OUT_DIR]

``run(out_dir)`` returns the learner key and the credential, for the full demo.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from shared import oid4vci
from shared.credentials import verify_credential
from shared.keys import SigningKey
from shared.status_cache import LocalStatusSource

REPO = Path(__file__).resolve().parents[1]
PASSPHRASE = "demo passphrase, not for production"  # noqa: S105 (demo only)
console = Console(highlight=False, emoji=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(data: Path, *args: str) -> str:
    env = dict(os.environ, RUGZAK_ISSUER_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO))
    env.pop("RUGZAK_ISSUER_DATABASE_URL", None)
    command = [sys.executable, "-m", "issuer", "--data-dir", str(data), *args]
    console.print(f"[dim]$ rugzak-issuer {' '.join(args)}[/]")
    done = subprocess.run(  # noqa: S603 (our own CLI)
        command, env=env, capture_output=True, text=True, check=False, cwd=REPO
    )
    if done.returncode != 0:
        raise SystemExit(f"rugzak-issuer {args[0]} failed:\n{done.stderr}")
    return done.stdout


def _wait(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"the issuer did not start at {url}")


def redeem(link: str, holder: SigningKey, tx_code: str | None) -> dict[str, Any]:
    """What a wallet does with an offer link (pre-authorized code flow)."""
    offer = oid4vci.parse_offer_link(link)
    assert isinstance(offer, oid4vci.CredentialOffer)
    with httpx.Client(timeout=10.0) as http:
        meta = oid4vci.IssuerMetadata.parse(
            http.get(oid4vci.well_known_url(offer.credential_issuer)).json()
        )
        server = oid4vci.AuthorizationServerMetadata.parse(
            http.get(
                oid4vci.well_known_url(offer.credential_issuer, oid4vci.AS_METADATA_PATH)
            ).json()
        )
        form = {
            "grant_type": oid4vci.PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": offer.pre_authorized_code,
        }
        if tx_code:
            form["tx_code"] = tx_code
        token = oid4vci.TokenResponse.parse(http.post(server.token_endpoint, data=form).json())
        assert meta.nonce_endpoint is not None
        nonce = oid4vci.NonceResponse.parse(http.post(meta.nonce_endpoint).json()).c_nonce
        proof = oid4vci.make_proof_jwt(
            holder, audience=meta.credential_issuer, nonce=nonce, issued_at=datetime.now(UTC)
        )
        request = oid4vci.CredentialRequest(
            credential_configuration_id=offer.credential_configuration_ids[0],
            proofs=oid4vci.Proofs(jwt=[proof]),
        )
        reply = http.post(
            meta.credential_endpoint,
            json=request.to_dict(),
            headers={"Authorization": f"Bearer {token.access_token}"},
        )
        reply.raise_for_status()
        return oid4vci.CredentialResponse.parse(reply.json()).credentials[0].credential


def _status(base: str) -> LocalStatusSource:
    lists = {
        info["url"]: httpx.get(f"{base}/status/{info['id']}").json()
        for info in httpx.get(f"{base}/status").json()
    }
    return LocalStatusSource(lists)


def run(out_dir: Path) -> dict[str, Any]:
    data = out_dir / "issuer"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    console.rule("[bold cyan]Issuer: set up")
    console.print(
        _cli(
            data,
            "init",
            "--name",
            "Leerhuis Utrecht",
            "--url",
            "https://leerhuis.example",
            "--base-url",
            base,
            "--local",  # the demo runs on this machine only
        ),
        markup=False,
    )
    _cli(
        data,
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
        "--tag",
        "levensvaardigheden",
        "--align",
        "Doorzettingsvermogen|https://kader.example/doorzetten|Levensvaardigheden|LV-07",
        "--valid-days",
        "730",
    )
    offer_out = _cli(
        data,
        "offer",
        "-a",
        "doorzetten",
        "--name",
        "Sam",
        "--result",
        "2",
        "--tx-code",
        "--qr",
        str(out_dir / "offer.png"),
    )
    link = offer_out.splitlines()[0]
    tx_code = next(
        line.rsplit(" ", 1)[1]
        for line in offer_out.splitlines()
        if line.startswith("transaction code:")
    )
    console.print(f"offer link: {link[:90]}...  (QR: {out_dir / 'offer.png'})")

    console.rule("[bold cyan]Issuer: serve, learner redeems the offer")
    env = dict(os.environ, RUGZAK_ISSUER_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO))
    server = subprocess.Popen(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "issuer", "--data-dir", str(data), "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(base + "/")
        learner = SigningKey.generate()
        credential = redeem(link, learner, tx_code)
        (out_dir / "badge.json").write_text(json.dumps(credential, indent=2))
        subject = credential["credentialSubject"]
        console.print(
            f"received: {credential['name']} (level {subject['result'][0]['value']}) "
            f"for {subject['id'][:32]}..."
        )
        now = datetime.now(UTC) + timedelta(seconds=2)
        result = verify_credential(credential, status_fetcher=_status(base), now=now)
        console.print(f"verification: [bold]{result.verdict}[/]")

        console.rule("[bold cyan]Issuer: revoke")
        _cli(data, "revoke", credential["id"], "--reason", "demo")
        later = datetime.now(UTC) + timedelta(seconds=2)
        revoked = verify_credential(credential, status_fetcher=_status(base), now=later)
        console.print(
            f"after revocation: [bold]{revoked.verdict}[/] ({', '.join(revoked.codes())})"
        )
        _cli(data, "status", "export", str(out_dir / "site"))
        console.print(_cli(data, "audit"), markup=False)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "learner": learner,
        "credential": credential,
        "verdict": str(result.verdict),
        "after_revocation": str(revoked.verdict),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "demo-out" / "issuer-demo"
    if target.exists():
        import shutil

        shutil.rmtree(target)
    target.mkdir(parents=True)
    outcome = run(target)
    raise SystemExit(
        0 if outcome["verdict"] == "valid" and outcome["after_revocation"] == "invalid" else 1
    )
