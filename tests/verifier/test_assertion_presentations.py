"""Presentation proofs made for ``assertionMethod`` (DCC's verifier-core and wallets):
accepted when this request's challenge and a domain bind them, with a note; refused
otherwise. The wallet can make them; DCC's @digitalcredentials/vc checks both ways."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shared.contexts import load_context
from shared.credentials import create_presentation, verify_presentation
from shared.errors import ErrorCode, InvalidInput
from shared.proof import create_proof
from shared.status_cache import LocalStatusSource
from shared.vocab import CREDENTIALS_V2, OB_V3P0_303
from tests.node_support import Run, npm_project
from tests.verifier.helpers import (
    DOMAIN,
    ISSUER,
    LEARNER,
    NOW,
    badge,
    signed,
    status_list_credentials,
)

CHALLENGE = "c-4b1d-77"


def _assertion_vp(challenge: str | None = CHALLENGE, domain: str | None = DOMAIN) -> Any:
    """The way verifier-core's wallets sign: proofPurpose assertionMethod."""
    vp = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiablePresentation"],
        "holder": LEARNER.did,
        "verifiableCredential": [signed(badge())],
    }
    return create_proof(
        vp,
        LEARNER,
        created=NOW,
        proof_purpose="assertionMethod",
        challenge=challenge,
        domain=domain,
    )


def _verify(vp: Any, challenge: str | None = CHALLENGE, domain: str | None = DOMAIN) -> Any:
    return verify_presentation(
        vp,
        challenge=challenge,
        domain=domain,
        now=NOW,
        status_fetcher=LocalStatusSource(status_list_credentials()),
    )


def test_bound_assertion_proof_is_accepted_with_a_note() -> None:
    result = _verify(_assertion_vp())
    assert result.verified, result.to_dict()
    [challenge] = [c for c in result.checks if c.name == "challenge"]
    assert challenge.ok
    assert "assertionMethod" in challenge.message
    assert challenge.detail == {"proofPurpose": "assertionMethod"}


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        ({"challenge": "other"}, {}),  # another request's
        ({"domain": None}, {}),  # no domain: nothing ties it to a verifier
        ({"domain": "https://elders.example"}, {}),  # another verifier's
        ({}, {"challenge": None, "domain": None}),  # we asked nothing: cannot be bound
    ],
)
def test_unbound_assertion_proof_is_refused(made: dict[str, Any], expected: dict[str, Any]) -> None:
    vp = _assertion_vp(**{"challenge": CHALLENGE, "domain": DOMAIN, **made})
    result = _verify(vp, **{"challenge": CHALLENGE, "domain": DOMAIN, **expected})
    assert not result.verified
    assert ErrorCode.proof_purpose_mismatch in result.codes()


def test_the_wallet_makes_assertion_proofs_only_for_a_request() -> None:
    made = create_presentation(
        [signed(badge())],
        LEARNER,
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=NOW,
        proof_purpose="assertionMethod",
    )
    assert made["proof"]["proofPurpose"] == "assertionMethod"
    assert _verify(made).verified
    with pytest.raises(InvalidInput) as info:
        create_presentation(
            [signed(badge())],
            LEARNER,
            challenge=None,
            domain=None,
            proof_purpose="assertionMethod",
        )
    assert info.value.code == ErrorCode.invalid_request
    other = copy.deepcopy(made)
    other["proof"]["proofPurpose"] = "capabilityInvocation"
    assert ErrorCode.proof_purpose_mismatch in _verify(other).codes()


DCC_MJS = """
import * as vc from "@digitalcredentials/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import jsigs from "jsonld-signatures";
import { readFileSync } from "node:fs";

const job = JSON.parse(readFileSync(0, "utf8"));
const keyDoc = (did) => {
  const mb = did.slice("did:key:".length);
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
    id: did,
    verificationMethod: [{ id: `${did}#${mb}`, type: "Multikey", controller: did,
                           publicKeyMultibase: mb }],
    assertionMethod: [`${did}#${mb}`], authentication: [`${did}#${mb}`],
  };
};
const documentLoader = async (url) => {
  if (job.contexts[url]) return { contextUrl: null, documentUrl: url, document: job.contexts[url] };
  if (url.startsWith("did:key:")) {
    const [did, fragment] = url.split("#");
    const doc = keyDoc(did);
    const document = fragment
      ? { "@context": "https://w3id.org/security/multikey/v1", ...doc.verificationMethod[0] }
      : doc;
    return { contextUrl: null, documentUrl: url, document };
  }
  throw new Error(`not served here: ${url}`);
};
const suite = new DataIntegrityProof({ cryptosuite });
const { AssertionProofPurpose } = jsigs.purposes;
// verifier-core checks presentations for assertionMethod; a holder binds such a proof
// to one request by writing (and a verifier by checking) its challenge and domain.
class BoundAssertionProofPurpose extends AssertionProofPurpose {
  constructor({ challenge, domain }) { super(); this.challenge = challenge; this.domain = domain; }
  async update(proof, options) {
    const updated = await super.update(proof, options);
    return { ...updated, challenge: this.challenge, domain: this.domain };
  }
  async validate(proof, options) {
    if (proof.challenge !== this.challenge || proof.domain !== this.domain) {
      return { valid: false, error: new Error("not bound to this request") };
    }
    return super.validate(proof, options);
  }
}
let out;
if (job.step === "issue") {
  const key = await Ed25519Multikey.from({
    "@context": "https://w3id.org/security/multikey/v1", type: "Multikey",
    id: job.kid, controller: job.did,
    publicKeyMultibase: job.publicKeyMultibase, secretKeyMultibase: job.secretKeyMultibase,
  });
  const signer = new DataIntegrityProof({ signer: key.signer(), cryptosuite });
  out = await vc.issue({ credential: job.credential, suite: signer, documentLoader });
} else if (job.step === "sign") {
  const key = await Ed25519Multikey.from({
    "@context": "https://w3id.org/security/multikey/v1", type: "Multikey",
    id: job.kid, controller: job.did,
    publicKeyMultibase: job.publicKeyMultibase, secretKeyMultibase: job.secretKeyMultibase,
  });
  const signer = new DataIntegrityProof({ signer: key.signer(), cryptosuite });
  const presentation = vc.createPresentation({
    verifiableCredential: job.credentials, holder: job.did, version: 2.0,
  });
  out = await vc.signPresentation({
    presentation, suite: signer, documentLoader, challenge: job.challenge, domain: job.domain,
    purpose: new BoundAssertionProofPurpose({ challenge: job.challenge, domain: job.domain }),
  });
} else {
  const result = await vc.verify({
    presentation: job.presentation, challenge: job.challenge, domain: job.domain,
    suite, documentLoader,
    presentationPurpose: new BoundAssertionProofPurpose({
      challenge: job.challenge, domain: job.domain,
    }),
    checkStatus: async () => ({ verified: true }),
  });
  out = { verified: result.verified, error: result.error ? String(result.error) : null };
}
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def dcc() -> Run:
    return npm_project("dcc-vc", DCC_MJS)


def _contexts() -> dict[str, Any]:
    urls = [
        CREDENTIALS_V2,
        OB_V3P0_303,
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
        "https://w3id.org/security/data-integrity/v2",
    ]
    return {url: load_context(url) for url in urls}


@pytest.mark.slow
@pytest.mark.interop(
    row="Presentations with proofPurpose assertionMethod (DCC verifier-core style)",
    implementation="DCC @digitalcredentials/vc 10.0.2 + digitalbazaar eddsa-rdfc-2022 (npm)",
    direction="both ways",
)
def test_assertion_presentations_both_ways_with_dcc_vc(dcc: Run) -> None:
    credential = signed(badge())
    made_by_dcc = dcc(
        {
            "step": "sign",
            "contexts": _contexts(),
            "credentials": [credential],
            "did": LEARNER.did,
            "kid": LEARNER.verification_method,
            "publicKeyMultibase": LEARNER.public_multibase,
            "secretKeyMultibase": LEARNER.secret_multibase,
            "challenge": CHALLENGE,
            "domain": DOMAIN,
        }
    )
    assert made_by_dcc["proof"]["proofPurpose"] == "assertionMethod"
    result = _verify(made_by_dcc)
    assert result.verified, result.to_dict()
    assert ErrorCode.proof_purpose_mismatch in _verify(made_by_dcc, challenge="other").codes()

    made_by_rugzak = create_presentation(
        [credential],
        LEARNER,
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=NOW,
        proof_purpose="assertionMethod",
    )
    checked = dcc(
        {
            "step": "verify",
            "contexts": _contexts(),
            "presentation": made_by_rugzak,
            "challenge": CHALLENGE,
            "domain": DOMAIN,
        }
    )
    assert checked["verified"] is True, checked
    wrong = dcc(
        {
            "step": "verify",
            "contexts": _contexts(),
            "presentation": made_by_rugzak,
            "challenge": "other",
            "domain": DOMAIN,
        }
    )
    assert wrong["verified"] is False


# U+000B (Word's soft line break, pasted into a text) and U+000C: RDFC-1.0 writes them as
# \u000B and \f in canonical N-Quads, as digitalbazaar's rdf-canonize does; the older
# URDNA2015 escaping (pyld 3.3) wrote them raw, and such signatures did not cross.
CONTROL_NAME = "Doorzetting\x0bsvermogen\x0c"


@pytest.mark.slow
@pytest.mark.interop(
    row="Credentials whose texts hold control characters (RDFC-1.0 escaping)",
    implementation="DCC @digitalcredentials/vc 10.0.2 + digitalbazaar eddsa-rdfc-2022 (npm)",
    direction="both ways",
)
def test_control_characters_both_ways_with_dcc_vc(dcc: Run) -> None:
    unsigned = badge(name=CONTROL_NAME)
    by_rugzak = signed(copy.deepcopy(unsigned))
    presentation = create_presentation(
        [by_rugzak],
        LEARNER,
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=NOW,
        proof_purpose="assertionMethod",
    )
    job = {"contexts": _contexts(), "challenge": CHALLENGE, "domain": DOMAIN}
    checked = dcc({**job, "step": "verify", "presentation": presentation})
    assert checked["verified"] is True, checked

    by_dcc = dcc(
        {
            **job,
            "step": "issue",
            "credential": unsigned,
            "did": ISSUER.did,
            "kid": ISSUER.verification_method,
            "publicKeyMultibase": ISSUER.public_multibase,
            "secretKeyMultibase": ISSUER.secret_multibase,
        }
    )
    assert by_dcc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert CONTROL_NAME in by_dcc["name"]
    signed_by_dcc = dcc(
        {
            **job,
            "step": "sign",
            "credentials": [by_dcc],
            "did": LEARNER.did,
            "kid": LEARNER.verification_method,
            "publicKeyMultibase": LEARNER.public_multibase,
            "secretKeyMultibase": LEARNER.secret_multibase,
        }
    )
    result = _verify(signed_by_dcc)
    assert result.verified, result.to_dict()
    tampered = copy.deepcopy(signed_by_dcc)
    tampered["verifiableCredential"][0]["name"] = tampered["verifiableCredential"][0][
        "name"
    ].replace("\x0b", "\x0c")
    assert not _verify(tampered).verified
