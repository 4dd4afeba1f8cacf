"""Another OpenID4VP holder presents to Rugzak's verifier: the OpenWallet Foundation's
``@openid4vc/openid4vp`` (oid4vc-ts) for Node.js, and its ``dcql`` (dcql-ts) library.

The library parses the ``openid4vp://`` link the verifier's page shows, resolves
and checks the request (client identifier prefix, response mode, version 1.0),
builds the authorization response and POSTs it form-encoded to the Response URI.
The presentation itself is a Data Integrity VP signed here with the learner's
key, bound to the nonce and client_id the library extracted (oid4vc-ts leaves
signing to the wallet). ``dcql`` evaluates the verifier's DCQL query against the
badge independently of ``shared.oid4vp``.

Installs both from the npm registry into ``tests/.node/openid4vp/`` (gitignored);
skips cleanly when node or npm is missing or the install fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.oid4vp import expanded_types
from tests.verifier.browser_support import free_port, live_server
from tests.verifier.helpers import (
    ISSUER,
    ISSUER_NAME,
    badge,
    present,
    signed,
    status_list_credentials,
)
from verifier.service.trust import TrustPack
from verifier.settings import Settings

pytestmark = pytest.mark.slow

NODE_DIR = Path(__file__).resolve().parents[1] / ".node" / "openid4vp"
PACKAGES = ("@openid4vc/openid4vp@0.4.6", "@openid4vc/utils@0.4.6", "dcql@3.0.0")
HOLDER_MJS = """
import { Openid4vpClient } from "@openid4vc/openid4vp";
import { setGlobalConfig } from "@openid4vc/utils";
import { DcqlQuery } from "dcql";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

setGlobalConfig({ allowInsecureUrls: true });  // the verifier under test is on loopback http
const refuse = async () => { throw new Error("not needed for an unsigned redirect_uri request"); };
const client = new Openid4vpClient({
  callbacks: {
    fetch,
    hash: (data, alg) => createHash(alg.replace("-", "").toLowerCase()).update(data).digest(),
    verifyJwt: refuse, signJwt: refuse, decryptJwe: refuse, encryptJwe: refuse,
    getX509CertificateMetadata: refuse,
  },
});
const job = JSON.parse(readFileSync(0, "utf8"));
let out;
if (job.step === "resolve") {
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: job.link });
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params,
  });
  const query = DcqlQuery.parse(resolved.dcql.query);
  DcqlQuery.validate(query);
  const matched = DcqlQuery.query(query, job.credentials);
  out = {
    type: parsed.type,
    payload: resolved.authorizationRequestPayload,
    client: resolved.client,
    version: resolved.version,
    can_be_satisfied: matched.can_be_satisfied,
  };
} else {
  const created = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: job.request,
    authorizationResponsePayload: { vp_token: job.vp_token },
  });
  const sent = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: job.request,
    authorizationResponsePayload: created.authorizationResponsePayload,
  });
  out = {
    responseMode: sent.responseMode,
    status: sent.response.status,
    contentType: sent.response.headers.get("content-type"),
    body: await sent.response.text(),
  };
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def holder() -> Any:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the oid4vc-ts cross-check")
    installed = all(
        (NODE_DIR / "node_modules" / p.rsplit("@", 1)[0] / "package.json").exists()
        for p in PACKAGES
    )
    if not installed:
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        (NODE_DIR / "package.json").write_text('{"private": true, "type": "module"}\n')
        try:
            subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--silent", *PACKAGES],
                cwd=NODE_DIR,
                check=True,
                capture_output=True,
                timeout=240,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"could not install oid4vc-ts from npm: {exc}")
    (NODE_DIR / "holder.mjs").write_text(HOLDER_MJS)

    def run(job: dict[str, Any]) -> dict[str, Any]:
        done = subprocess.run(
            [node, "holder.mjs"],
            cwd=NODE_DIR,
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        out: dict[str, Any] = json.loads(done.stdout)
        return out

    return run


@pytest.fixture
def verifier(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    TrustPack(
        created=datetime.now(UTC).replace(microsecond=0),
        issuers={ISSUER.did: ISSUER_NAME},
        status_lists=status_list_credentials(),
    ).save(tmp_path / "pack.json")
    settings = Settings(
        public_origin=f"http://127.0.0.1:{port}",
        database_url=f"sqlite:///{tmp_path / 'verifier.db'}",
        data_dir=tmp_path,
        offline=True,
        trust_pack=tmp_path / "pack.json",
        rate_limit_per_minute=0,
    )
    with live_server(settings, port) as base:
        yield base


def _dcql_credential(vc: dict[str, Any]) -> dict[str, Any]:
    """The badge as dcql-ts sees a W3C credential: claims plus its expanded types."""
    return {
        "credential_format": "ldp_vc",
        "claims": vc,
        "type": sorted(expanded_types(vc)),
        "cryptographic_holder_binding": True,
    }


def test_oid4vc_ts_holder_presents_to_rugzak(holder: Any, verifier: str) -> None:
    data = httpx.post(f"{verifier}/requests", json={}).json()
    vc = signed(badge())
    resolved = holder(
        {"step": "resolve", "link": data["oid4vp"]["link"], "credentials": [_dcql_credential(vc)]}
    )
    assert resolved["type"] == "openid4vp"
    assert resolved["version"] == 100  # the library's number for OpenID4VP 1.0 final
    assert resolved["client"]["prefix"] == "redirect_uri"
    assert resolved["can_be_satisfied"] is True
    request = resolved["payload"]
    assert request["response_mode"] == "direct_post"

    vp = present([vc], request["nonce"], domain=request["client_id"])
    sent = holder({"step": "submit", "request": request, "vp_token": {"open_badge": [vp]}})
    assert sent["status"] == 200, sent["body"]
    assert sent["contentType"] == "application/json"
    assert json.loads(sent["body"]) == {"rugzak_verdict": "valid"}

    polled = httpx.get(
        f"{verifier}/requests/{data['challenge']}",
        params={"transaction_id": data["oid4vp"]["transaction_id"]},
    ).json()
    assert polled["result"]["verdict"] == "valid"

    # the same response sent again by the library is refused
    again = holder({"step": "submit", "request": request, "vp_token": {"open_badge": [vp]}})
    assert again["status"] == 400
    assert json.loads(again["body"])["error"] == "invalid_request"


def test_dcql_ts_agrees_a_non_badge_does_not_match(holder: Any, verifier: str) -> None:
    data = httpx.post(f"{verifier}/requests", json={}).json()
    other = signed(badge())
    other["type"] = ["VerifiableCredential"]
    resolved = holder(
        {
            "step": "resolve",
            "link": data["oid4vp"]["link"],
            "credentials": [_dcql_credential(other)],
        }
    )
    assert resolved["can_be_satisfied"] is False
