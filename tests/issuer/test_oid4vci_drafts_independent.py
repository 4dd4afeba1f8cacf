"""OpenID4VCI with an independent client on older drafts: the OpenWallet Foundation's
``@openid4vc/openid4vci`` (oid4vc-ts) for Node.js receives a badge from a running Rugzak
issuer speaking as a draft-15 client (``credential_configuration_id`` with ``proof``
singular, nonce from the nonce endpoint) and as a draft-14 client (``format`` +
``credential_definition``, ``proof``, ``c_nonce`` from the token response), and as a
1.0 client (``proofs``). The client resolves the offer link, the metadata, the token
(with tx_code) and parses the credential response with its own schemas.

Installs the packages locked in ``tests/node/openid4vci/``; skips without node.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from random import Random

import pytest
import uvicorn

from issuer.achievements import parse_input
from issuer.api import create_app
from issuer.identity import ProfileIn, initialize
from issuer.offers import OfferService
from issuer.service import Issuer
from issuer.settings import IssuerSettings
from issuer.store import Store
from shared.credentials import verify_credential
from shared.keys import SigningKey
from tests.issuer.conftest import ACHIEVEMENT, PASSPHRASE
from tests.node_support import Run, npm_project
from tests.verifier.browser_support import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.interop(
        row="OpenID4VCI issuance (drafts 14, 15 and 1.0)",
        implementation="oid4vc-ts openid4vci 0.4.6 as the wallet (npm)",
        direction="their wallet receives from Rugzak's issuer",
    ),
]

LEARNER = SigningKey.from_seed(bytes(range(32)))
CLIENT_MJS = """
import { Openid4vciClient } from "@openid4vc/openid4vci";
import { clientAuthenticationNone } from "@openid4vc/oauth2";
import { setGlobalConfig } from "@openid4vc/utils";
import { createHash, createPrivateKey, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";

setGlobalConfig({ allowInsecureUrls: true });  // the issuer under test is on loopback http
const job = JSON.parse(readFileSync(0, "utf8"));
const key = createPrivateKey({ key: job.jwk, format: "jwk" });
const b64u = (data) => Buffer.from(data).toString("base64url");
const client = new Openid4vciClient({
  callbacks: {
    fetch,
    clientAuthentication: clientAuthenticationNone({ clientId: "rugzak-test-wallet" }),
    generateRandom: (n) => randomBytes(n),
    hash: (data, alg) => createHash(alg.replace("-", "").toLowerCase()).update(data).digest(),
    signJwt: async (signer, { header, payload }) => {
      const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
      const signature = sign(null, Buffer.from(input), key);
      const { d, ...publicJwk } = job.jwk;
      return { jwt: `${input}.${b64u(signature)}`, signerJwk: publicJwk };
    },
  },
});
const offer = await client.resolveCredentialOffer(job.offer);
const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
const served = metadata.originalDraftVersion;
if (job.draft !== "V1") metadata.originalDraftVersion = job.draft;  // speak the older draft
const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
  credentialOffer: offer, issuerMetadata: metadata, txCode: job.txCode,
});
const configurationId = offer.credential_configuration_ids[0];
const nonce = job.draft === "Draft14"
  ? token.accessTokenResponse.c_nonce
  : (await client.requestNonce({ issuerMetadata: metadata })).c_nonce;
const proof = await client.createCredentialRequestJwtProof({
  issuerMetadata: metadata, credentialConfigurationId: configurationId, nonce,
  signer: { method: "did", didUrl: job.kid, alg: "EdDSA" },
});
const sent = await client.retrieveCredentials({
  issuerMetadata: metadata, accessToken: token.accessTokenResponse.access_token,
  credentialConfigurationId: configurationId,
  ...(job.draft === "V1"
    ? { proofs: { jwt: [proof.jwt] } }
    : { proof: { proof_type: "jwt", jwt: proof.jwt } }),
});
process.stdout.write(JSON.stringify({ served, response: sent.credentialResponse }));
"""


@pytest.fixture(scope="module")
def wallet() -> Run:
    return npm_project("openid4vci", CLIENT_MJS)


@pytest.fixture
def issuer_url(tmp_path: Path) -> Iterator[tuple[str, Issuer]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = IssuerSettings(data_dir=tmp_path, kdf="min", passphrase=PASSPHRASE)
    store = Store(settings.resolved_database_url())
    initialize(
        store,
        profile=ProfileIn(name="Leerhuis Utrecht", url="https://leerhuis.example"),
        passphrase=PASSPHRASE,
        now=datetime.now(UTC),
        base_url=base,
        kdf="min",
        seed=b"\x11" * 32,
    )
    store.dispose()
    issuer = Issuer.open(settings, passphrase=PASSPHRASE, rng=Random(3))
    config = uvicorn.Config(
        create_app(settings, issuer=issuer), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the issuer did not start"
        assert thread.is_alive(), "the issuer did not start"
        time.sleep(0.05)
    try:
        yield base, issuer
    finally:
        server.should_exit = True
        thread.join(10)
        issuer.store.dispose()


def _jwk(key: SigningKey) -> dict[str, str]:
    def b64u(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    return {"kty": "OKP", "crv": "Ed25519", "d": b64u(key.seed), "x": b64u(key.public_key)}


@pytest.mark.parametrize("draft", ["Draft15", "Draft14", "V1"])
def test_an_independent_client_on_an_older_draft_receives_the_badge(
    wallet: Run, issuer_url: tuple[str, Issuer], draft: str
) -> None:
    _, issuer = issuer_url
    achievement = issuer.create_achievement(
        parse_input(ACHIEVEMENT), actor="test", achievement_id="perseverance"
    )
    created = OfferService(issuer).create(achievement["id"], actor="test", tx_code=True)
    out = wallet(
        {
            "offer": created.link,
            "txCode": created.tx_code,
            "draft": draft,
            "jwk": _jwk(LEARNER),
            "kid": f"{LEARNER.did}#{LEARNER.public_multibase}",
        }
    )
    assert out["served"] == "V1"  # Rugzak publishes 1.0 metadata; the client chose the draft
    response = out["response"]
    if draft == "Draft14":
        assert "credentials" not in response
        assert response["c_nonce"]
        credential = response["credential"]
    else:
        [issued] = response["credentials"]
        credential = issued["credential"]
    assert credential["credentialSubject"]["id"] == LEARNER.did
    result = verify_credential(credential)
    assert not result.errors, result.to_dict()
    assert [c.ok for c in result.checks if c.name == "proof"] == [True]
