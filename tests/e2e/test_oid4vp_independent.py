"""OpenID4VP both ways with the OpenWallet Foundation's ``@openid4vc/openid4vp``
(oid4vc-ts) for Node.js and its ``dcql`` (dcql-ts) library.

Another holder presents to Rugzak's verifier:

The library parses the ``openid4vp://`` link the verifier's page shows, resolves
and checks the request (client identifier prefix, response mode, version 1.0),
builds the authorization response and POSTs it form-encoded to the Response URI.
The presentation itself is a Data Integrity VP signed here with the learner's
key, bound to the nonce and client_id the library extracted (oid4vc-ts leaves
signing to the wallet). ``dcql`` evaluates the verifier's DCQL query against the
badge independently of ``shared.oid4vp``.

And Rugzak's wallet CLI answers a request that oid4vc-ts's *verifier* made (by
value, ``redirect_uri`` prefix, ``direct_post``); oid4vc-ts parses and validates
the authorization response the wallet posted.

Installs both as locked in ``tests/node/openid4vp/`` (``tests/node_support``);
skips cleanly when node or npm is missing or the install fails.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import httpx
import pytest
from typer.testing import CliRunner

from shared.credentials import verify_presentation
from shared.oid4vp import expanded_types
from shared.runtime.sealing import FAST_KDF
from shared.status_cache import LocalStatusSource
from tests.node_support import npm_project
from tests.verifier.browser_support import free_port, live_server
from tests.verifier.helpers import (
    ISSUER,
    ISSUER_NAME,
    LEARNER,
    badge,
    present,
    signed,
    status_list_credentials,
)
from verifier.service.trust import TrustPack
from verifier.settings import Settings
from wallet.cli import make_cli
from wallet.config import WalletConfig
from wallet.data.store import WalletStore
from wallet.service import WalletService

pytestmark = [
    pytest.mark.slow,
    pytest.mark.interop(
        row="OpenID4VP 1.0 presentations",
        implementation="oid4vc-ts openid4vp 0.4.6 + dcql 3.0.0 as the wallet (npm)",
        direction="their wallet to Rugzak's verifier",
    ),
]

PASSPHRASE = "interview day"
HOLDER_MJS = """
import { Openid4vpClient, Openid4vpVerifier } from "@openid4vc/openid4vp";
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
const verifier = new Openid4vpVerifier({
  callbacks: {
    fetch,
    hash: (data, alg) => createHash(alg.replace("-", "").toLowerCase()).update(data).digest(),
    verifyJwt: refuse, signJwt: refuse, decryptJwe: refuse, encryptJwe: refuse,
    getX509CertificateMetadata: refuse,
  },
});
const job = JSON.parse(readFileSync(0, "utf8"));
let out;
if (job.step === "create") {
  const made = await verifier.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: job.payload,
  });
  out = { link: made.authorizationRequest, payload: made.authorizationRequestPayload };
} else if (job.step === "check") {
  const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
    authorizationResponse: job.response,
    authorizationRequestPayload: job.payload,
  });
  out = { type: parsed.type, expectedNonce: parsed.expectedNonce, dcql: parsed.dcql };
} else if (job.step === "resolve") {
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
    return npm_project("openid4vp", HOLDER_MJS)


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


# --------------------------------------------------------------- the other way round


class _ResponseUri(BaseHTTPRequestHandler):
    """A Response URI that keeps what the wallet posts and answers ``{}`` (§8.2)."""

    received: ClassVar[list[tuple[str, str]]] = []

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(size).decode("utf-8")
        self.received.append((self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args: Any) -> None:
        return


@pytest.fixture
def response_uri() -> Iterator[str]:
    _ResponseUri.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ResponseUri)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/post"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.mark.interop(
    row="OpenID4VP 1.0 presentations",
    implementation="oid4vc-ts openid4vp 0.4.6 as the verifier (npm)",
    direction="Rugzak's wallet to their verifier",
)
def test_rugzak_wallet_answers_an_oid4vc_ts_verifier(
    holder: Any, response_uri: str, tmp_path: Path
) -> None:
    config = WalletConfig(
        data_dir=tmp_path / "wallet",
        lang="en",
        kdf=FAST_KDF,
        status_fetcher=LocalStatusSource(status_list_credentials()),
        animate=False,
        allow_private_network=True,  # the verifier runs on this machine (http://127.0.0.1)
    )
    store = WalletStore.create(config.data_dir, PASSPHRASE, kdf=FAST_KDF, holder=LEARNER)
    try:
        kept = WalletService(config, store).import_document(signed(badge()))[0]
        assert kept.card is not None, kept.refusal
        badge_id = kept.card.id
    finally:
        store.close()

    payload = {
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "client_id": f"redirect_uri:{response_uri}",
        "response_uri": response_uri,
        "nonce": "zVBnB3Ds9pLM6bkRLXKC2Q",
        "state": "wH8eDqWKZ1ZmN0mXkY3v-A",
        "dcql_query": {
            "credentials": [
                {
                    "id": "badge",
                    "format": "ldp_vc",
                    "meta": {
                        "type_values": [
                            [
                                "https://www.w3.org/2018/credentials#VerifiableCredential",
                                "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
                            ]
                        ]
                    },
                }
            ]
        },
        "client_metadata": {"vp_formats_supported": {"ldp_vc": {}}},
    }
    made = holder({"step": "create", "payload": payload})
    assert made["link"].startswith("openid4vp://")

    result = CliRunner().invoke(
        make_cli(config),
        ["present", "--request", made["link"], "--credential", badge_id],
        env={"RUGZAK_PASSPHRASE": PASSPHRASE, "LANG": "en_GB.UTF-8"},
    )
    assert result.exit_code == 0, result.stderr
    assert "Sent 1 badge(s)" in result.stderr
    ((content_type, body),) = _ResponseUri.received
    assert content_type == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(body).items()}
    assert form["state"] == payload["state"]

    checked = holder({"step": "check", "payload": made["payload"], "response": form})
    assert checked["type"] == "dcql"
    assert checked["expectedNonce"] == payload["nonce"]
    (vp,) = checked["dcql"]["presentations"]["badge"]
    verdict = verify_presentation(
        vp,
        challenge=payload["nonce"],
        domain=payload["client_id"],
        status_fetcher=LocalStatusSource(status_list_credentials()),
        trusted_issuers={ISSUER.did: ISSUER_NAME},
    )
    assert verdict.verdict == "valid", verdict.codes()
