"""OpenID4VCI messages and the proof-of-possession JWT (shared by issuer and wallet)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from shared.did import StaticResolver
from shared.errors import ErrorCode, InvalidInput, RugzakError, Unsupported, VerificationFailed
from shared.keys import SigningKey
from shared.oid4vci import (
    AS_METADATA_PATH,
    OB_CONFIGURATION_ID,
    OB_CONTEXT,
    PRE_AUTHORIZED_GRANT,
    AuthorizationServerMetadata,
    CredentialOffer,
    CredentialRequest,
    CredentialResponse,
    IssuerMetadata,
    NonceResponse,
    OfferByReference,
    TokenRequest,
    TokenResponse,
    TxCode,
    build_credential_offer,
    build_issuer_metadata,
    make_proof_jwt,
    oauth_error,
    offer_link,
    parse_offer_json,
    parse_offer_link,
    unverified_claims,
    verify_proof_jwt,
    well_known_url,
)

ISSUER = "https://issuer.example.org"
NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
HOLDER = SigningKey.from_seed(bytes(range(32)))
OTHER = SigningKey.from_seed(bytes([7]) * 32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(header: dict[str, Any], payload: dict[str, Any], key: SigningKey = HOLDER) -> str:
    signing_input = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    return signing_input + "." + _b64(key.sign(signing_input.encode()))


def _verify(jwt: str, **overrides: Any) -> str:
    options: dict[str, Any] = {
        "audience": ISSUER,
        "nonce": "n-123",
        "now": NOW,
        "max_age": timedelta(minutes=5),
        "resolver": StaticResolver(),
    }
    options.update(overrides)
    return verify_proof_jwt(jwt, **options)


# ---------------------------------------------------------------- offers


@pytest.mark.parametrize(
    "name",
    ["oid4vci-credential_offer_pre-authz_code.json", "oid4vci-credential_offer_by_reference.json"],
)
def test_spec_offer_examples_parse_and_round_trip(load_json: Any, name: str) -> None:
    data = load_json(f"oid4vc/{name}")
    offer = CredentialOffer.parse(data)
    assert offer.pre_authorized_code == "adhjhdjajkdkhjhdj"
    assert offer.tx_code is not None  # present (even as {}) means: ask the user
    assert offer.to_dict() == data


def test_offer_link_round_trips_through_the_custom_scheme() -> None:
    offer = build_credential_offer(
        credential_issuer=ISSUER,
        pre_authorized_code="code-1",
        tx_code=TxCode(input_mode="numeric", length=6, description="PIN from the e-mail"),
    )
    link = offer_link(offer)
    assert link.startswith("openid-credential-offer://?credential_offer=%7B")
    embedded = json.loads(parse_qs(urlsplit(link).query)["credential_offer"][0])
    assert embedded["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"] == "code-1"
    assert embedded["credential_configuration_ids"] == [OB_CONFIGURATION_ID]
    parsed = parse_offer_link(link)
    assert parsed == offer
    assert isinstance(parsed, CredentialOffer)
    assert parsed.tx_code == TxCode(
        input_mode="numeric", length=6, description="PIN from the e-mail"
    )


def test_offer_without_tx_code_has_no_tx_code_member() -> None:
    offer = build_credential_offer(credential_issuer=ISSUER, pre_authorized_code="c")
    assert "tx_code" not in offer.to_dict()["grants"][PRE_AUTHORIZED_GRANT]
    assert offer.tx_code is None


def test_empty_tx_code_object_is_kept() -> None:
    offer = build_credential_offer(
        credential_issuer=ISSUER, pre_authorized_code="c", tx_code=TxCode()
    )
    assert offer.to_dict()["grants"][PRE_AUTHORIZED_GRANT]["tx_code"] == {}


def test_https_link_and_bare_json_are_accepted() -> None:
    offer = build_credential_offer(credential_issuer=ISSUER, pre_authorized_code="c")
    https = offer_link(offer).replace("openid-credential-offer://", "https://wallet.example/offer")
    assert parse_offer_link(https) == offer
    assert parse_offer_link(json.dumps(offer.to_dict())) == offer
    assert parse_offer_json(json.dumps(offer.to_dict()).encode()) == offer


def test_offer_by_reference_is_returned_for_the_wallet_to_fetch() -> None:
    parsed = parse_offer_link(
        "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example.org%2Fo%2F1"
    )
    assert parsed == OfferByReference(credential_offer_uri="https://issuer.example.org/o/1")


@pytest.mark.parametrize(
    ("link", "code"),
    [
        ("mailto:someone@example.org", ErrorCode.invalid_offer),
        ("openid-credential-offer://?foo=bar", ErrorCode.invalid_offer),
        ("openid-credential-offer://?credential_offer=not-json", ErrorCode.invalid_offer),
        ("openid-credential-offer://?credential_offer=%5B%5D", ErrorCode.invalid_offer),
        (
            "openid-credential-offer://?credential_offer_uri=http%3A%2F%2Fevil.example%2Fo",
            ErrorCode.invalid_offer,
        ),
        ("{" + "x" * 20000, ErrorCode.payload_too_large),
    ],
)
def test_bad_offer_links_fail_with_a_code(link: str, code: ErrorCode) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_offer_link(link)
    assert info.value.code == code


@pytest.mark.parametrize(
    "mutate",
    [
        lambda o: o.pop("grants"),
        lambda o: o["grants"].pop(PRE_AUTHORIZED_GRANT),
        lambda o: o.update(credential_configuration_ids=[]),
        lambda o: o.update(credential_issuer="ftp://issuer.example.org"),
        lambda o: o["grants"][PRE_AUTHORIZED_GRANT].update({"pre-authorized_code": ""}),
        lambda o: o["grants"][PRE_AUTHORIZED_GRANT].update(tx_code={"input_mode": "emoji"}),
    ],
)
def test_malformed_offers_are_invalid_offer(mutate: Any) -> None:
    data = build_credential_offer(credential_issuer=ISSUER, pre_authorized_code="c").to_dict()
    mutate(data)
    with pytest.raises(InvalidInput) as info:
        CredentialOffer.parse(data, code=ErrorCode.invalid_offer)
    assert info.value.code == ErrorCode.invalid_offer
    json.dumps(info.value.to_dict())  # the detail is JSON-safe


# ---------------------------------------------------------------- metadata


def test_issuer_metadata_offers_the_ob_ldp_vc_configuration() -> None:
    meta = build_issuer_metadata(ISSUER + "/", name="Academy")
    data = meta.to_dict()
    assert data["credential_issuer"] == ISSUER
    assert data["credential_endpoint"] == ISSUER + "/oid4vci/credential"
    assert data["nonce_endpoint"] == ISSUER + "/oid4vci/nonce"
    config = data["credential_configurations_supported"][OB_CONFIGURATION_ID]
    assert config["format"] == "ldp_vc"
    assert config["credential_definition"] == {
        "@context": ["https://www.w3.org/ns/credentials/v2", OB_CONTEXT],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
    }
    assert config["proof_types_supported"] == {
        "jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}
    }
    assert IssuerMetadata.parse(data) == meta


def test_spec_ldp_vc_metadata_example_parses(load_json: Any) -> None:
    data = load_json("oid4vc/oid4vci-credential_metadata_ldp_vc.json")
    data |= {"credential_issuer": ISSUER, "credential_endpoint": ISSUER + "/credential"}
    meta = IssuerMetadata.parse(data)
    config = meta.credential_configurations_supported["UniversityDegree_LDP_VC"]
    assert config.credential_definition is not None
    assert config.credential_definition.type == [
        "VerifiableCredential",
        "UniversityDegreeCredential",
    ]


def test_well_known_urls_are_inserted_before_the_path() -> None:
    assert well_known_url(ISSUER) == ISSUER + "/.well-known/openid-credential-issuer"
    assert (
        well_known_url("https://example.org/tenant/a", AS_METADATA_PATH)
        == "https://example.org/.well-known/oauth-authorization-server/tenant/a"
    )


def test_authorization_server_metadata_announces_pre_authorized_code() -> None:
    data = AuthorizationServerMetadata(issuer=ISSUER, token_endpoint=ISSUER + "/t").to_dict()
    assert data["grant_types_supported"] == [PRE_AUTHORIZED_GRANT]
    assert data["pre-authorized_grant_anonymous_access_supported"] is True


# ---------------------------------------------------------------- token and credential messages


def test_token_request_from_form() -> None:
    request = TokenRequest.from_form(
        {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "abc", "tx_code": "493536"}
    )
    assert (request.pre_authorized_code, request.tx_code) == ("abc", "493536")


def test_token_request_with_another_grant_is_unsupported() -> None:
    with pytest.raises(Unsupported) as info:
        TokenRequest.from_form({"grant_type": "authorization_code", "code": "x"})
    assert info.value.code == ErrorCode.unsupported_grant_type


def test_token_request_without_code_is_invalid() -> None:
    with pytest.raises(InvalidInput) as info:
        TokenRequest.from_form({"grant_type": PRE_AUTHORIZED_GRANT})
    assert info.value.code == ErrorCode.invalid_request


def test_token_and_nonce_responses() -> None:
    assert TokenResponse(access_token="t", expires_in=300).to_dict() == {
        "access_token": "t",
        "token_type": "Bearer",
        "expires_in": 300,
    }
    assert NonceResponse(c_nonce="n").to_dict() == {"c_nonce": "n"}


def test_credential_request_needs_exactly_one_identifier_and_one_jwt() -> None:
    good = {"credential_configuration_id": OB_CONFIGURATION_ID, "proofs": {"jwt": ["a.b.c"]}}
    assert CredentialRequest.parse(good).proofs.jwt == ["a.b.c"]
    for bad in (
        {"proofs": {"jwt": ["a.b.c"]}},
        good | {"credential_identifier": "x"},
        {"credential_configuration_id": "x", "proofs": {"jwt": []}},
        {"credential_configuration_id": "x", "proofs": {"di_vp": [{}]}},
        {"credential_configuration_id": "x"},
    ):
        with pytest.raises(InvalidInput):
            CredentialRequest.parse(bad)


def test_credential_response_shape_matches_the_spec_example(vectors: Any) -> None:
    text = (vectors / "oid4vc" / "oid4vci-credential_response_ldp_vc.txt").read_text()
    body = text.split("\n\n", 1)[1].replace("U2U1\n                         jPG", "U2U1jPG")
    response = CredentialResponse.parse(json.loads(body))
    assert response.credentials[0].credential["id"] == "http://example.edu/credentials/3732"
    assert CredentialResponse.parse(response.to_dict()) == response


def test_oauth_error_carries_both_vocabularies() -> None:
    body = oauth_error(InvalidInput("nope", code=ErrorCode.offer_used), "invalid_grant")
    assert body == {
        "error": "invalid_grant",
        "error_description": "nope",
        "code": "offer_used",
        "message": "nope",
        "detail": None,
    }


# ---------------------------------------------------------------- proof JWT


def test_proof_jwt_round_trip_returns_the_holder_did() -> None:
    jwt = make_proof_jwt(HOLDER, audience=ISSUER, nonce="n-123", issued_at=NOW)
    header = json.loads(base64.urlsafe_b64decode(jwt.split(".")[0] + "=="))
    assert header == {
        "alg": "EdDSA",
        "typ": "openid4vci-proof+jwt",
        "kid": HOLDER.verification_method,
    }
    assert _verify(jwt) == HOLDER.did


def test_proof_jwt_is_deterministic() -> None:
    a = make_proof_jwt(HOLDER, audience=ISSUER, nonce="n", issued_at=NOW)
    assert a == make_proof_jwt(HOLDER, audience=ISSUER, nonce="n", issued_at=NOW)


def test_proof_jwt_matches_an_independent_eddsa_implementation() -> None:
    """Cross-check with the ``cryptography`` package's Ed25519."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    jwt = make_proof_jwt(HOLDER, audience=ISSUER, nonce="n", issued_at=NOW)
    head, body, sig = jwt.split(".")
    public = Ed25519PrivateKey.from_private_bytes(HOLDER.seed).public_key()
    public.verify(base64.urlsafe_b64decode(sig + "=="), f"{head}.{body}".encode())


def test_audience_may_be_a_list() -> None:
    header = {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": HOLDER.verification_method}
    jwt = _forge(header, {"aud": ["x", ISSUER], "iat": int(NOW.timestamp()), "nonce": "n-123"})
    assert _verify(jwt) == HOLDER.did


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"aud": ISSUER, "iat": int(NOW.timestamp()), "nonce": "n-123"}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


HEADER = {"alg": "EdDSA", "typ": "openid4vci-proof+jwt", "kid": HOLDER.verification_method}


@pytest.mark.parametrize(
    ("jwt", "error", "code"),
    [
        ("", InvalidInput, ErrorCode.invalid_jwt),
        ("a.b", InvalidInput, ErrorCode.invalid_jwt),
        ("!!.??.**", InvalidInput, ErrorCode.invalid_jwt),
        (_b64(b"[1]") + "." + _b64(b"{}") + "." + _b64(b"x"), InvalidInput, ErrorCode.invalid_jwt),
        ("x" * 9000, InvalidInput, ErrorCode.payload_too_large),
        (_forge(HEADER | {"typ": "JWT"}, _claims()), InvalidInput, ErrorCode.invalid_jwt),
        (_forge(HEADER | {"alg": "none"}, _claims()), Unsupported, ErrorCode.unsupported_algorithm),
        (
            _forge(HEADER | {"alg": "ES256"}, _claims()),
            Unsupported,
            ErrorCode.unsupported_algorithm,
        ),
        (_forge(HEADER | {"kid": "key-1"}, _claims()), InvalidInput, ErrorCode.invalid_jwt),
        (_forge(HEADER | {"jwk": {"kty": "OKP"}}, _claims()), InvalidInput, ErrorCode.invalid_jwt),
        (
            _forge(HEADER | {"kid": HOLDER.did + "#other"}, _claims()),
            RugzakError,
            ErrorCode.verification_method_not_found,
        ),
        (_forge(HEADER, _claims(), key=OTHER), VerificationFailed, ErrorCode.proof_invalid),
        (
            _forge(HEADER, _claims(aud="https://evil.example")),
            VerificationFailed,
            ErrorCode.audience_mismatch,
        ),
        (_forge(HEADER, _claims(aud=None)), VerificationFailed, ErrorCode.audience_mismatch),
        (_forge(HEADER, _claims(nonce="old")), VerificationFailed, ErrorCode.nonce_mismatch),
        (_forge(HEADER, _claims(nonce=None)), VerificationFailed, ErrorCode.nonce_mismatch),
        (_forge(HEADER, _claims(iat=None)), InvalidInput, ErrorCode.invalid_jwt),
        (_forge(HEADER, _claims(iat="now")), InvalidInput, ErrorCode.invalid_jwt),
        (
            _forge(HEADER, _claims(iat=int(NOW.timestamp()) - 301)),
            VerificationFailed,
            ErrorCode.jwt_expired,
        ),
        (
            _forge(HEADER, _claims(iat=int(NOW.timestamp()) + 61)),
            VerificationFailed,
            ErrorCode.jwt_not_yet_valid,
        ),
    ],
)
def test_bad_proof_jwts_fail_with_a_stable_code(
    jwt: str, error: type[RugzakError], code: ErrorCode
) -> None:
    with pytest.raises(error) as info:
        _verify(jwt)
    assert info.value.code == code


def test_tampered_payload_breaks_the_signature() -> None:
    jwt = make_proof_jwt(HOLDER, audience=ISSUER, nonce="n-123", issued_at=NOW)
    head, _, sig = jwt.split(".")
    forged_body = _b64(json.dumps(_claims(aud=ISSUER)).encode())
    with pytest.raises(VerificationFailed) as info:
        _verify(f"{head}.{forged_body}.{sig}")
    assert info.value.code == ErrorCode.proof_invalid


def test_key_of_a_did_web_holder_resolves_through_the_resolver() -> None:
    did = "did:web:learner.example"
    key = HOLDER.with_controller(did, "k1")
    doc = {
        "id": did,
        "verificationMethod": [
            {
                "id": did + "#k1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": HOLDER.public_multibase,
            }
        ],
        "authentication": [did + "#k1"],
    }
    jwt = make_proof_jwt(key, audience=ISSUER, nonce="n-123", issued_at=NOW)
    assert _verify(jwt, resolver=StaticResolver({did: doc})) == did
    doc_without_auth = {k: v for k, v in doc.items() if k != "authentication"}
    with pytest.raises(RugzakError) as info:
        _verify(jwt, resolver=StaticResolver({did: doc_without_auth}))
    assert info.value.code == ErrorCode.proof_purpose_mismatch


def test_unverified_claims_reads_the_payload_without_checking() -> None:
    jwt = make_proof_jwt(OTHER, audience=ISSUER, nonce="n-9", issued_at=NOW)
    assert unverified_claims(jwt)["nonce"] == "n-9"
    with pytest.raises(InvalidInput):
        unverified_claims("nope")


def test_offer_reference_link_round_trips_and_needs_https() -> None:
    from shared.oid4vci import offer_reference_link

    link = offer_reference_link("https://issuer.example.org/oid4vci/offers/abc")
    assert link == (
        "openid-credential-offer://?credential_offer_uri="
        "https%3A%2F%2Fissuer.example.org%2Foid4vci%2Foffers%2Fabc"
    )
    assert parse_offer_link(link) == OfferByReference(
        credential_offer_uri="https://issuer.example.org/oid4vci/offers/abc"
    )
    with pytest.raises(InvalidInput):
        offer_reference_link("http://evil.example/o")
