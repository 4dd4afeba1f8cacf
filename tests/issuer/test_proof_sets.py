"""Proof sets for older wallets: eddsa-rdfc-2022 plus Ed25519Signature2020, per issuer
(RUGZAK_ISSUER_LEGACY_PROOFS) and per achievement (``legacy_proof``), still an OB 3.0
credential whose contexts are in VCDM 2.0 order; and an Ed25519Signature2020-only
check by digitalbazaar's own suite (npm) passes the dual-proof badge."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from issuer import publish
from issuer.achievements import parse_input
from issuer.service import AwardRequest, Issuer
from issuer.settings import IssuerSettings
from shared.contexts import load_context
from shared.credentials import verify_credential
from shared.did import StaticResolver
from shared.ob.schema import validate_credential_schema
from shared.proof import verify_proofs
from shared.proof.purpose import AssertionPurpose
from shared.status_cache import LocalStatusSource
from shared.vocab import CREDENTIALS_V2, ED25519_2020_V1, OB_V3P0_303
from tests.issuer.conftest import ACHIEVEMENT, HOLDER, PASSPHRASE, FakeClock, make_issuer
from tests.node_support import Run, npm_project


def _issuer(tmp_path: Path, clock: FakeClock, legacy: bool) -> Issuer:
    settings = IssuerSettings(
        data_dir=tmp_path / "issuer", kdf="min", passphrase=PASSPHRASE, legacy_proofs=legacy
    )
    issuer, _ = make_issuer(settings, clock, suspension=False)
    return issuer


def _award(issuer: Issuer, achievement: dict[str, Any], aid: str) -> dict[str, Any]:
    issuer.create_achievement(parse_input(achievement), actor="test", achievement_id=aid)
    issued = issuer.issue(AwardRequest(achievement_id=aid, subject_id=HOLDER.did), actor="test")
    return issued.credential


def _lists(issuer: Issuer) -> LocalStatusSource:
    return LocalStatusSource(
        {
            info["url"]: json.loads(publish.status_list(issuer, info["id"]).body)
            for info in publish.status_list_ids(issuer)
        }
    )


def test_issuer_setting_gives_a_proof_set_that_verifies_and_follows_the_schema(
    tmp_path: Path, clock: FakeClock
) -> None:
    issuer = _issuer(tmp_path, clock, legacy=True)
    credential = _award(issuer, ACHIEVEMENT, "perseverance")
    assert credential["@context"] == [CREDENTIALS_V2, OB_V3P0_303, ED25519_2020_V1]
    kinds = [(p["type"], p.get("cryptosuite")) for p in credential["proof"]]
    assert kinds == [("DataIntegrityProof", "eddsa-rdfc-2022"), ("Ed25519Signature2020", None)]
    assert validate_credential_schema(credential) == []
    result = verify_credential(credential, status_fetcher=_lists(issuer), now=clock())
    assert result.verified, result.to_dict()
    outcomes = verify_proofs(credential, StaticResolver(), purpose=AssertionPurpose())
    assert [o.ok for o in outcomes] == [True, True]
    # Each proof stands alone: drop either and the badge still verifies.
    for keep in (0, 1):
        single = copy.deepcopy(credential)
        single["proof"] = [credential["proof"][keep]]
        assert verify_credential(single, status_fetcher=_lists(issuer), now=clock()).verified
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Doorzetten"
    bad = verify_proofs(tampered, StaticResolver(), purpose=AssertionPurpose())
    assert [o.ok for o in bad] == [False, False]
    issuer.store.dispose()


def test_an_achievement_overrides_the_issuer_setting(tmp_path: Path, clock: FakeClock) -> None:
    issuer = _issuer(tmp_path, clock, legacy=False)
    plain = _award(issuer, ACHIEVEMENT, "plain")
    assert [p["type"] for p in plain["proof"]] == ["DataIntegrityProof"]
    assert ED25519_2020_V1 not in plain["@context"]
    dual = _award(issuer, {**ACHIEVEMENT, "legacy_proof": True}, "dual")
    assert [p["type"] for p in dual["proof"]] == ["DataIntegrityProof", "Ed25519Signature2020"]
    issuer.store.dispose()


ED2020_MJS = """
import jsigs from "jsonld-signatures";
import { Ed25519Signature2020 } from "@digitalbazaar/ed25519-signature-2020";
import { readFileSync } from "node:fs";

const job = JSON.parse(readFileSync(0, "utf8"));
const documentLoader = async (url) => {
  if (job.contexts[url]) return { contextUrl: null, documentUrl: url, document: job.contexts[url] };
  const [did, fragment] = url.split("#");
  if (did === job.did.id) {
    const document = fragment
      ? { "@context": job.did["@context"], ...job.did.verificationMethod[0] }
      : job.did;
    return { contextUrl: null, documentUrl: url, document };
  }
  throw new Error(`not served here: ${url}`);
};
const { AssertionProofPurpose } = jsigs.purposes;
const out = {};
for (const [name, credential] of Object.entries(job.credentials)) {
  const result = await jsigs.verify(credential, {
    suite: new Ed25519Signature2020(),
    purpose: new AssertionProofPurpose(),
    documentLoader,
  });
  const suites = (result.results || []).map((r) => r.proof.type);
  out[name] = { verified: result.verified, suites };
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def digitalbazaar() -> Run:
    return npm_project("ed25519-2020", ED2020_MJS)


@pytest.mark.slow
@pytest.mark.interop(
    row="Ed25519Signature2020 proof set (older Learner Credential Wallet)",
    implementation="digitalbazaar ed25519-signature-2020 5.4.0 + jsonld-signatures 11.5 (npm)",
    direction="Rugzak's badge read by theirs",
)
def test_dual_proof_badge_passes_an_ed25519signature2020_only_check(
    digitalbazaar: Run, tmp_path: Path, clock: FakeClock
) -> None:
    issuer = _issuer(tmp_path, clock, legacy=True)
    dual = _award(issuer, ACHIEVEMENT, "perseverance")
    key = dual["proof"][1]["verificationMethod"]
    did = key.split("#")[0]
    tampered = copy.deepcopy(dual)
    tampered["credentialSubject"]["achievement"]["name"] = "Doorzetten"
    only_eddsa = copy.deepcopy(dual)
    only_eddsa["proof"] = [dual["proof"][0]]
    urls = [CREDENTIALS_V2, OB_V3P0_303, ED25519_2020_V1, "https://www.w3.org/ns/did/v1"]
    out = digitalbazaar(
        {
            "credentials": {"dual": dual, "tampered": tampered, "eddsa_only": only_eddsa},
            "contexts": {url: load_context(url) for url in urls},
            "did": {
                "@context": ["https://www.w3.org/ns/did/v1", ED25519_2020_V1],
                "id": did,
                "verificationMethod": [
                    {
                        "id": key,
                        "type": "Ed25519VerificationKey2020",
                        "controller": did,
                        "publicKeyMultibase": key.split("#")[1],
                    }
                ],
                "assertionMethod": [key],
                "authentication": [key],
            },
        }
    )
    assert out["dual"]["verified"] is True, out
    assert out["dual"]["suites"] == ["Ed25519Signature2020"]
    assert out["tampered"]["verified"] is False
    assert out["eddsa_only"]["verified"] is False  # what older wallets saw before
    issuer.store.dispose()
