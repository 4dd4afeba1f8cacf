"""VC-JWTs signed by panva's ``jose`` for Node.js: an independent JOSE implementation.

The test installs ``jose`` as locked in ``tests/node/jose`` (``tests/node_support``)
and skips cleanly when node or npm is missing or the install fails.
"""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from typing import Any

import pytest

from shared.errors import ErrorCode
from shared.formats import enveloped, read_any, verify_any, verify_vc_jwt
from shared.status_cache import LocalStatusSource
from shared.verification import Verdict
from tests.node_support import npm_folder
from tests.shared.formats import makers as mk

pytestmark = [
    pytest.mark.slow,
    pytest.mark.interop(
        row="VC-JWT badges and JWT status lists",
        implementation="panva jose (npm)",
        direction="theirs read by Rugzak",
    ),
]

SIGN_MJS = """
import { SignJWT, importJWK } from "jose";
import { readFileSync } from "node:fs";
const jobs = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const job of jobs) {
  const key = await importJWK(job.jwk, job.alg);
  out.push(await new SignJWT(job.payload).setProtectedHeader(job.header).sign(key));
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def node_sign() -> Any:
    node, folder = npm_folder("jose")
    (folder / "sign.mjs").write_text(SIGN_MJS)

    def sign(jobs: list[dict[str, Any]]) -> list[str]:
        done = subprocess.run(
            [node, "sign.mjs"],
            cwd=folder,
            input=json.dumps(jobs),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return list(json.loads(done.stdout))

    return sign


def _private_jwk(key: Any) -> dict[str, Any]:
    from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

    for algorithm in (OKPAlgorithm, ECAlgorithm, RSAAlgorithm):
        try:
            return json.loads(algorithm.to_jwk(key))
        except Exception:  # not this key family: try the next
            continue
    raise AssertionError("unknown key")


ISSUERS = {
    "EdDSA": lambda: mk.ed25519_did(mk.ed25519_key()),
    "ES256": lambda: mk.p256_did(mk.p256_key()),
    "RS256": lambda: mk.jwk_did(mk.rsa_key()),
}


WRONG_KEYS = {
    "EdDSA": mk.other_ed25519_key,
    "ES256": mk.other_p256_key,
    "RS256": mk.other_rsa_key,
}


def _job(alg: str, payload: dict[str, Any], key: Any = None) -> dict[str, Any]:
    issuer = ISSUERS[alg]()
    kid = f"{issuer}#0" if issuer.startswith("did:jwk:") else f"{issuer}#{issuer[8:]}"
    return {
        "alg": alg,
        "jwk": _private_jwk(key or mk.ALG_KEYS[alg]()),
        "header": {"alg": alg, "kid": kid, "typ": "vc+jwt"},
        "payload": payload,
    }


def _codes(result: Any) -> dict[str, str]:
    return {c.name: c.code for c in result.checks}


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256"])
def test_node_jose_verdicts(node_sign: Any, alg: str) -> None:
    issuer = ISSUERS[alg]()
    good = mk.claims(mk.credential(issuer))
    expired = mk.claims(mk.credential(issuer, valid_until=mk.NOW - timedelta(days=3)))
    jobs = [_job(alg, good), _job(alg, expired), _job(alg, mk.claims(mk.credential(issuer)))]
    valid, old, spare = node_sign(jobs)

    result = verify_any(read_any(valid), now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert next(c for c in result.checks if c.name == "proof").message.endswith(f"(JWT ({alg})).")

    assert _codes(verify_vc_jwt(old, now=mk.NOW))["valid_until"] == ErrorCode.expired
    tampered = mk.tamper(spare, {"name": "Nagemaakt diploma"})
    assert _codes(verify_vc_jwt(tampered, now=mk.NOW))["proof"] == ErrorCode.proof_invalid
    job = _job(alg, good, key=WRONG_KEYS[alg]())
    (forged,) = node_sign([job])
    assert verify_vc_jwt(forged, now=mk.NOW).verdict == Verdict.invalid


def test_node_jose_status_list(node_sign: Any) -> None:
    issuer = ISSUERS["ES256"]()
    listing = mk.status_list(issuer, [mk.REVOKED_INDEX])
    list_job = _job("ES256", {**listing, "iss": issuer, "jti": listing["id"]})
    revoked_job = _job("ES256", mk.claims(mk.credential(issuer, status_index=mk.REVOKED_INDEX)))
    valid_job = _job("ES256", mk.claims(mk.credential(issuer, status_index=mk.VALID_INDEX)))
    list_jwt, revoked, valid = node_sign([list_job, revoked_job, valid_job])
    source = LocalStatusSource({mk.LIST_URL: enveloped(list_jwt)})
    assert _codes(verify_vc_jwt(revoked, status_fetcher=source, now=mk.NOW))["status"] == (
        ErrorCode.revoked
    )
    assert verify_vc_jwt(valid, status_fetcher=source, now=mk.NOW).verdict == Verdict.valid
