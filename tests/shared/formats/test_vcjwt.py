"""VC-JWT badges signed by independent JOSE libraries (PyJWT, jwcrypto, openbadgeslib)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from jwcrypto import jwk as jwc_jwk
from jwcrypto import jws as jwc_jws

from shared.did import StaticResolver
from shared.errors import ErrorCode
from shared.formats import verify_vc_jwt
from shared.formats.vcjwt import credential_from_claims, enveloped
from shared.status_cache import LocalStatusSource
from shared.verification import Verdict
from tests.shared.formats import makers as mk

STATUS_CODES = ("revoked", "status_unknown", "status_list_invalid")


def _checks(result: Any) -> dict[str, str]:
    return {c.name: c.code for c in result.checks}


@pytest.mark.parametrize(
    ("alg", "did"),
    [
        ("EdDSA", lambda: mk.ed25519_did(mk.ed25519_key())),
        ("ES256", lambda: mk.p256_did(mk.p256_key())),
        ("RS256", lambda: mk.jwk_did(mk.rsa_key())),
    ],
)
@pytest.mark.parametrize("wrap", [False, True], ids=["payload", "vc-claim"])
def test_valid_badge_from_did_issuer(alg: str, did: Any, wrap: bool) -> None:
    issuer = did()
    key = mk.ALG_KEYS[alg]()
    kid = f"{issuer}#0" if issuer.startswith("did:jwk:") else f"{issuer}#{issuer[8:]}"
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer), wrap=wrap), key, alg, {"kid": kid})
    result = verify_vc_jwt(token, now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()
    proof = next(c for c in result.checks if c.name == "proof")
    assert proof.message == f"The signature is genuine (JWT ({alg}))."
    assert _checks(result)["issuer"] == "ok"
    assert result.summary["format"] == "VC-JWT"
    assert result.summary["issuer"]["name"] == "Hanzehogeschool Groningen"
    assert result.summary["achievement"]["name"] == "Zorgtechnologie in de wijk"


def test_tampered_claim_is_red() -> None:
    issuer = mk.p256_did(mk.p256_key())
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.p256_key(), "ES256", {"kid": issuer})
    changed = mk.tamper(token, {"name": "Verpleegkunde master"})
    result = verify_vc_jwt(changed, now=mk.NOW)
    assert result.verdict == Verdict.invalid
    assert _checks(result)["proof"] == ErrorCode.proof_invalid


def test_signed_by_another_key_is_red() -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    token = mk.pyjwt_sign(
        mk.claims(mk.credential(issuer)),
        mk.other_ed25519_key(),
        "EdDSA",
        {"kid": f"{issuer}#{issuer[8:]}"},
    )
    result = verify_vc_jwt(token, now=mk.NOW)
    assert result.verdict == Verdict.invalid
    assert _checks(result)["proof"] == ErrorCode.proof_invalid


def test_key_of_another_did_is_issuer_mismatch() -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    impostor = mk.ed25519_did(mk.other_ed25519_key())
    token = mk.pyjwt_sign(
        mk.claims(mk.credential(issuer)), mk.other_ed25519_key(), "EdDSA", {"kid": impostor}
    )
    result = verify_vc_jwt(token, now=mk.NOW)
    assert _checks(result)["issuer"] == ErrorCode.issuer_mismatch
    assert result.verdict == Verdict.invalid


def test_expired_badge_is_red() -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    cred = mk.credential(issuer, valid_until=mk.NOW - timedelta(days=2))
    token = mk.pyjwt_sign(mk.claims(cred), mk.ed25519_key(), "EdDSA", {"kid": issuer})
    result = verify_vc_jwt(token, now=mk.NOW)
    assert _checks(result)["valid_until"] == ErrorCode.expired
    assert result.verdict == Verdict.invalid


def test_exp_claim_alone_fills_valid_until() -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    payload = mk.claims(mk.credential(issuer))
    payload["exp"] = int((mk.NOW - timedelta(hours=1)).timestamp())
    token = mk.pyjwt_sign(payload, mk.ed25519_key(), "EdDSA", {"kid": issuer})
    assert _checks(verify_vc_jwt(token, now=mk.NOW))["valid_until"] == ErrorCode.expired


def test_claim_contradicting_the_credential_is_malformed() -> None:
    issuer = mk.ed25519_did(mk.ed25519_key())
    payload = mk.claims(mk.credential(issuer))
    payload["sub"] = "did:example:iemand-anders"
    token = mk.pyjwt_sign(payload, mk.ed25519_key(), "EdDSA", {"kid": issuer})
    result = verify_vc_jwt(token, now=mk.NOW)
    assert _checks(result)["structure"] == ErrorCode.malformed_credential
    assert result.checks[0].detail == {"claims": ["sub"]}


def test_registered_claims_fill_a_vc_claim_credential() -> None:
    cred = mk.credential("did:example:x")
    del cred["issuer"], cred["id"], cred["validFrom"]
    del cred["credentialSubject"]["id"]
    payload = {"vc": cred, "iss": "did:example:x", "jti": "urn:uuid:1", "sub": "did:example:y"}
    payload["nbf"] = 1_700_000_000
    filled, disagree = credential_from_claims(payload)
    assert disagree == []
    assert filled["issuer"] == "did:example:x"
    assert filled["id"] == "urn:uuid:1"
    assert filled["credentialSubject"]["id"] == "did:example:y"
    assert filled["validFrom"] == "2023-11-14T22:13:20Z"


def test_jwk_header_with_did_web_issuer_listing_the_key() -> None:
    issuer = "did:web:badges.hanze.example"
    jwk = mk.public_jwk(mk.p256_key())
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": issuer,
        "verificationMethod": [
            {
                "id": f"{issuer}#key-1",
                "type": "JsonWebKey",
                "controller": issuer,
                # extra members must not make it another key (RFC 7638 thumbprint)
                "publicKeyJwk": {**jwk, "kid": "key-1", "alg": "ES256"},
            }
        ],
        "assertionMethod": [f"{issuer}#key-1"],
    }
    resolver = StaticResolver({issuer: document})
    cred = mk.credential(issuer)
    by_kid = mk.pyjwt_sign(mk.claims(cred), mk.p256_key(), "ES256", {"kid": f"{issuer}#key-1"})
    by_jwk = mk.pyjwt_sign(mk.claims(cred), mk.p256_key(), "ES256", {"jwk": jwk})
    for token in (by_kid, by_jwk):
        result = verify_vc_jwt(token, resolver=resolver, now=mk.NOW)
        assert result.verdict == Verdict.valid, result.to_dict()
        assert _checks(result)["issuer"] == "ok"
    stranger = mk.pyjwt_sign(
        mk.claims(cred), mk.rsa_key(), "RS256", {"jwk": mk.public_jwk(mk.rsa_key())}
    )
    assert _checks(verify_vc_jwt(stranger, resolver=resolver, now=mk.NOW))["issuer"] == (
        ErrorCode.issuer_mismatch
    )


def test_kid_url_to_issuer_published_jwks_through_the_fetcher() -> None:
    issuer = "https://badges.hanze.example/issuer"
    kid = "https://badges.hanze.example/.well-known/jwks.json#rsa-2026"
    jwks = {"keys": [{**mk.public_jwk(mk.rsa_key()), "kid": "rsa-2026"}]}
    asked: list[str] = []

    def fetcher(url: str) -> bytes:
        asked.append(url)
        return json.dumps(jwks).encode()

    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.rsa_key(), "RS256", {"kid": kid})
    result = verify_vc_jwt(token, fetcher=fetcher, now=mk.NOW)
    assert result.verdict == Verdict.valid, result.to_dict()
    assert asked == ["https://badges.hanze.example/.well-known/jwks.json"]
    offline = verify_vc_jwt(token, now=mk.NOW)
    assert offline.verdict == Verdict.unknown
    assert _checks(offline)["proof"] == ErrorCode.verification_method_not_found
    # with the key in the header too: online the published key confirms it, offline it
    # is only the header's word
    both = {"kid": kid, "jwk": mk.public_jwk(mk.rsa_key())}
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.rsa_key(), "RS256", both)
    assert _checks(verify_vc_jwt(token, fetcher=fetcher, now=mk.NOW))["issuer"] == "ok"
    assert _checks(verify_vc_jwt(token, now=mk.NOW))["issuer"] == ErrorCode.issuer_key_unconfirmed
    liar = {"kid": kid, "jwk": mk.public_jwk(mk.other_rsa_key())}
    token = mk.pyjwt_sign(mk.claims(mk.credential(issuer)), mk.other_rsa_key(), "RS256", liar)
    assert verify_vc_jwt(token, fetcher=fetcher, now=mk.NOW).verdict == Verdict.invalid


@pytest.mark.interop(
    row="VC-JWT badges and JWT status lists",
    implementation="jwcrypto (PyPI)",
    direction="theirs read by Rugzak",
)
def test_jwcrypto_ps256_and_es384_tokens_verify() -> None:
    """jwcrypto, another JOSE implementation, for the algorithms PyJWT tests skip."""
    from cryptography.hazmat.primitives.asymmetric import ec

    p384 = ec.derive_private_key(0xC0FFEE_2026, ec.SECP384R1())
    for alg, private in (("PS256", mk.rsa_key()), ("ES384", p384)):
        key = jwc_jwk.JWK.from_pem(mk.pem(private))
        public = json.loads(key.export_public())
        issuer = "https://badges.hanze.example/issuer"
        signer = jwc_jws.JWS(json.dumps(mk.claims(mk.credential(issuer))).encode())
        signer.add_signature(key, alg=alg, protected=json.dumps({"alg": alg, "jwk": public}))
        token = signer.serialize(compact=True)
        result = verify_vc_jwt(token, now=mk.NOW)
        assert result.verdict == Verdict.valid, (alg, result.to_dict())
        assert _checks(result)["issuer"] == ErrorCode.issuer_key_unconfirmed


def test_none_and_hmac_are_refused() -> None:
    issuer = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    payload = mk.claims(mk.credential(issuer))
    hmac = mk.pyjwt_sign(payload, "geheim-wachtwoord-van-32-tekens!!", "HS256", {"kid": issuer})
    assert _checks(verify_vc_jwt(hmac, now=mk.NOW))["proof"] in (
        ErrorCode.unsupported_algorithm,
        ErrorCode.proof_invalid,
    )
    unsigned = mk.b64url(b'{"alg":"none"}') + "." + mk.b64url(json.dumps(payload).encode()) + "."
    assert verify_vc_jwt(unsigned, now=mk.NOW).verdict == Verdict.invalid


@pytest.mark.interop(
    row="VC-JWT badges and JWT status lists",
    implementation="openbadgeslib (PyPI)",
    direction="theirs read by Rugzak",
)
def test_openbadgeslib_jwt_vc_verifies_and_tamper_fails() -> None:
    from openbadgeslib.ob3 import Achievement, Issuer, OB3Signer, OpenBadgeCredential

    badge = OpenBadgeCredential(
        issuer=Issuer(id="https://www.windesheim.nl/badges", name="Hogeschool Windesheim"),
        recipient_id=mk.LEARNER,
        achievement=Achievement(
            id="https://www.windesheim.nl/badges/ict-beheer",
            name="ICT-beheer niveau 2",
            description="Beheert een klein bedrijfsnetwerk zelfstandig.",
            criteria_narrative="Praktijkopdracht bij een mkb-bedrijf in Zwolle afgerond.",
        ),
        issuance_date=mk.ISSUED,
    )
    for alg in ("EdDSA", "ES256", "RS256"):
        token = OB3Signer(privkey_pem=mk.pem(mk.ALG_KEYS[alg]()), algorithm=alg).sign(badge)
        result = verify_vc_jwt(token, now=mk.NOW)
        assert result.verdict == Verdict.valid, (alg, result.to_dict())
        assert result.summary["achievement"]["name"] == "ICT-beheer niveau 2"
        changed = mk.tamper(token, {"name": "ICT-beheer niveau 4"})
        assert verify_vc_jwt(changed, now=mk.NOW).verdict == Verdict.invalid


class TestJwtStatusList:
    """A status list published as a VC-JWT is read by the status check."""

    def _badge(self, index: int) -> str:
        issuer = mk.ed25519_did(mk.ed25519_key())
        cred = mk.credential(issuer, status_index=index)
        return mk.pyjwt_sign(mk.claims(cred), mk.ed25519_key(), "EdDSA", {"kid": issuer})

    def _list_jwt(self, key: Any = None) -> str:
        issuer = mk.ed25519_did(mk.ed25519_key())
        listing = mk.status_list(issuer, [mk.REVOKED_INDEX])
        payload = {**listing, "iss": issuer, "jti": listing["id"]}
        return mk.pyjwt_sign(payload, key or mk.ed25519_key(), "EdDSA", {"kid": issuer})

    def test_revoked_and_valid(self) -> None:
        source = LocalStatusSource({mk.LIST_URL: enveloped(self._list_jwt())})
        revoked = verify_vc_jwt(self._badge(mk.REVOKED_INDEX), status_fetcher=source, now=mk.NOW)
        assert _checks(revoked)["status"] == ErrorCode.revoked
        assert revoked.verdict == Verdict.invalid
        valid = verify_vc_jwt(self._badge(mk.VALID_INDEX), status_fetcher=source, now=mk.NOW)
        assert _checks(valid)["status"] == "ok"
        assert valid.verdict == Verdict.valid

    def test_forged_list_is_status_unknown(self) -> None:
        forged = enveloped(self._list_jwt(key=mk.other_ed25519_key()))
        source = LocalStatusSource({mk.LIST_URL: forged})
        result = verify_vc_jwt(self._badge(mk.REVOKED_INDEX), status_fetcher=source, now=mk.NOW)
        assert _checks(result)["status"] == ErrorCode.status_list_invalid
        assert result.verdict == Verdict.unknown

    def test_caching_fetcher_accepts_a_jwt_body(self) -> None:
        from shared.status_cache import CachingStatusFetcher, HttpReply

        body = self._list_jwt().encode()

        def transport(url: str, etag: str | None, timeout: float) -> HttpReply:
            return HttpReply(200, body, {"content-type": "application/vc+jwt"})

        fetcher = CachingStatusFetcher(transport, lambda: mk.NOW)
        result = verify_vc_jwt(self._badge(mk.REVOKED_INDEX), status_fetcher=fetcher, now=mk.NOW)
        assert _checks(result)["status"] == ErrorCode.revoked
