"""OpenID4VP 1.0 pieces: Request Object, link, DCQL, vp_token, binding (against the vectors)."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any
from urllib.parse import parse_qs

import pytest

from shared.errors import ErrorCode, InvalidInput
from shared.oid4vp import (
    REQUEST_OBJECT_TYP,
    AuthorizationRequest,
    AuthorizationResponse,
    DcqlQuery,
    ErrorResponse,
    Held,
    InvocationLink,
    OAuthError,
    binding,
    check_vp_token_keys,
    client_id_prefix,
    decode_request_object,
    encode_error,
    encode_response,
    evaluate,
    expanded_types,
    ldp_client_metadata,
    new_nonce,
    open_badge_query,
    parse_link,
    parse_response,
    select_claims,
    verifier_request,
)
from shared.oid4vp.dcql import OB_TYPE_IRI, VC_TYPE_IRI
from shared.oid4vp.evaluate import PathError
from tests.conftest import load_vector

ORIGIN = "https://verify.example.nl"


def _held(key: str, credential: dict[str, Any]) -> Held:
    return Held(key, credential, expanded_types(credential))


def _vector_vc() -> dict[str, Any]:
    vp = load_vector("oid4vc/oid4vp-response-ldp_vc.json")
    vc: dict[str, Any] = vp["verifiableCredential"][0]
    return vc


def _open_badge() -> dict[str, Any]:
    badge: dict[str, Any] = load_vector("ob3/1edtech-validator/complete.json")
    return badge


def _b64(obj: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _jwt(header: dict[str, Any], claims: dict[str, Any], sig: str = "") -> str:
    return f"{_b64(header)}.{_b64(claims)}.{sig}"


def _made(**kw: Any) -> Any:
    return verifier_request(
        ORIGIN,
        request_id="K7QM3XHD9RTPW2B5",
        nonce="n-0S6_WzA2Mj",
        state="eyJhb-6-sVA",
        max_qr_parts=12,
        code="K7QM-3XHD-9RTP-W2B5",
        **kw,
    )


# ------------------------------------------------------------------ DCQL


def test_dcql_vector_for_ldp_vc_parses_and_round_trips() -> None:
    raw = load_vector("oid4vc/oid4vp-request-dcql_ldp_vc.json")
    query = DcqlQuery.parse(raw)
    assert query.to_dict() == raw
    assert query.credentials[0].type_values == (("IDCredential",),)


def test_dcql_vector_matches_the_response_vectors_credential() -> None:
    query = DcqlQuery.parse(load_vector("oid4vc/oid4vp-request-dcql_ldp_vc.json"))
    selection = evaluate(query, [_held("id-card", _vector_vc())])
    assert selection.satisfiable
    assert selection.candidates == {"example_ldp_vc": ("id-card",)}


def test_a_missing_requested_claim_means_no_match() -> None:
    query = DcqlQuery.parse(load_vector("oid4vc/oid4vp-request-dcql_ldp_vc.json"))
    vc = _vector_vc()
    del vc["credentialSubject"]["address"]["postal_code"]
    selection = evaluate(query, [_held("id-card", vc)])
    assert not selection.satisfiable
    assert selection.candidates == {"example_ldp_vc": ()}


def test_a_query_for_another_format_matches_no_ldp_vc() -> None:
    query = DcqlQuery.parse(load_vector("oid4vc/oid4vp-query_lang-simple.json"))
    assert query.credentials[0].format == "dc+sd-jwt"
    assert not evaluate(query, [_held("badge", _open_badge())]).satisfiable


def test_open_badge_types_are_compared_expanded() -> None:
    types = expanded_types(_open_badge())
    assert types == {VC_TYPE_IRI, OB_TYPE_IRI}
    selection = evaluate(open_badge_query(), [_held("badge", _open_badge())])
    assert selection.satisfiable
    assert selection.candidates["open_badge"] == ("badge",)


def test_achievement_credential_is_the_same_type_after_expansion() -> None:
    badge = _open_badge()
    badge["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert evaluate(open_badge_query(), [_held("b", badge)]).satisfiable


def test_compact_type_values_are_tolerated() -> None:
    query = DcqlQuery.parse(
        {
            "credentials": [
                {
                    "id": "ob",
                    "format": "ldp_vc",
                    "meta": {"type_values": [["VerifiableCredential", "OpenBadgeCredential"]]},
                }
            ]
        }
    )
    assert evaluate(query, [_held("b", _open_badge())]).satisfiable
    # an expanded IRI the credential does not carry does not match
    other = DcqlQuery.parse(
        {
            "credentials": [
                {
                    "id": "x",
                    "format": "ldp_vc",
                    "meta": {"type_values": [["https://example.org/examples#Other"]]},
                }
            ]
        }
    )
    assert not evaluate(other, [_held("b", _open_badge())]).satisfiable


def test_cryptosuite_values_filter_credentials() -> None:
    badge = _open_badge()
    suite = badge["proof"][0]["cryptosuite"] if isinstance(badge["proof"], list) else None
    suite = suite or badge["proof"].get("cryptosuite")
    wanted = open_badge_query(cryptosuites=[suite])
    refused = open_badge_query(cryptosuites=["bbs-2023"])
    assert evaluate(wanted, [_held("b", badge)]).satisfiable
    assert not evaluate(refused, [_held("b", badge)]).satisfiable


def test_credential_sets_required_and_optional() -> None:
    ob = {"type_values": [[VC_TYPE_IRI, OB_TYPE_IRI]]}
    idc = {"type_values": [["IDCredential"]]}
    query = DcqlQuery.parse(
        {
            "credentials": [
                {"id": "badge", "format": "ldp_vc", "meta": ob},
                {"id": "id_card", "format": "ldp_vc", "meta": idc},
                {"id": "mdl", "format": "mso_mdoc", "meta": {"doctype_value": "x"}},
            ],
            "credential_sets": [
                {"options": [["mdl"], ["id_card"]]},
                {"options": [["badge"]], "required": False},
            ],
        }
    )
    held = [_held("b", _open_badge()), _held("i", _vector_vc())]
    selection = evaluate(query, held)
    assert selection.satisfiable
    assert selection.required == ("id_card",)
    assert selection.optional == ("badge",)
    # without the id card, the required set cannot be met
    assert not evaluate(query, held[:1]).satisfiable


def test_claim_sets_and_values() -> None:
    query = DcqlQuery.parse(
        {
            "credentials": [
                {
                    "id": "c",
                    "format": "ldp_vc",
                    "meta": {"type_values": [["IDCredential"]]},
                    "claims": [
                        {"id": "a", "path": ["credentialSubject", "nickname"]},
                        {"id": "b", "path": ["credentialSubject", "address", "country"]},
                        {"id": "c", "path": ["credentialSubject", "given_name"], "values": ["Max"]},
                    ],
                    "claim_sets": [["a"], ["b", "c"]],
                }
            ]
        }
    )
    assert evaluate(query, [_held("i", _vector_vc())]).satisfiable
    vc = _vector_vc()
    vc["credentialSubject"]["given_name"] = "Maxime"
    assert not evaluate(query, [_held("i", vc)]).satisfiable


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({}, "credentials"),
        ({"credentials": []}, "credentials"),
        ({"credentials": [{"id": "a b", "format": "ldp_vc", "meta": {}}]}, "id"),
        ({"credentials": [{"id": "a", "format": "ldp_vc"}]}, "meta"),
        ({"credentials": [{"id": "a", "format": "ldp_vc", "meta": {}}]}, "type_values"),
        (
            {
                "credentials": [
                    {"id": "a", "format": "x", "meta": {}},
                    {"id": "a", "format": "x", "meta": {}},
                ]
            },
            "twice",
        ),
        (
            {"credentials": [{"id": "a", "format": "x", "meta": {}, "claim_sets": [["x"]]}]},
            "claims",
        ),
        (
            {"credentials": [{"id": "a", "format": "x", "meta": {}, "claims": [{"path": []}]}]},
            "path",
        ),
        (
            {
                "credentials": [{"id": "a", "format": "x", "meta": {}}],
                "credential_sets": [{"options": [["b"]]}],
            },
            "unknown credential id",
        ),
    ],
)
def test_invalid_dcql_is_refused(query: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        DcqlQuery.parse(query)
    assert err.value.code == ErrorCode.invalid_request
    assert fragment in str(err.value)


def test_claims_path_pointer_example_of_section_7_3() -> None:
    doc = {
        "name": "Arthur Dent",
        "address": {"street_address": "42 Market Street", "locality": "Milliways"},
        "degrees": [
            {"type": "Bachelor of Science", "university": "University of Betelgeuse"},
            {"type": "Master of Science", "university": "University of Betelgeuse"},
        ],
        "nationalities": ["British", "Betelgeusian"],
    }
    assert select_claims(doc, ["name"]) == ["Arthur Dent"]
    assert select_claims(doc, ["address", "street_address"]) == ["42 Market Street"]
    assert select_claims(doc, ["degrees", None, "type"]) == [
        "Bachelor of Science",
        "Master of Science",
    ]
    assert select_claims(doc, ["nationalities", 1]) == ["Betelgeusian"]
    with pytest.raises(PathError):
        select_claims(doc, ["name", 0])  # not an array
    with pytest.raises(PathError):
        select_claims(doc, ["nationalities", 5])  # nothing selected


# ------------------------------------------------------------------ request


def test_verifier_request_object_round_trips_through_the_wallet_reader() -> None:
    made = _made()
    claims = made.request.to_claims()
    assert claims["client_id"] == "redirect_uri:https://verify.example.nl/oid4vp/response"
    assert claims["response_uri"] == "https://verify.example.nl/oid4vp/response"
    assert claims["response_type"] == "vp_token"
    assert claims["response_mode"] == "direct_post"
    assert claims["rugzak_max_qr_parts"] == 12
    assert "redirect_uri" not in claims
    jwt = made.request.to_request_object()
    header = json.loads(base64.urlsafe_b64decode(jwt.split(".")[0] + "=="))
    assert header == {"alg": "none", "typ": REQUEST_OBJECT_TYP}
    assert jwt.endswith(".")
    read = decode_request_object(jwt, expected_client_id=made.link.client_id)
    assert read.nonce == "n-0S6_WzA2Mj"
    assert read.state == "eyJhb-6-sVA"
    assert read.max_qr_parts == 12
    assert read.dcql_query == made.request.dcql_query
    assert read.client_metadata == ldp_client_metadata()


def test_client_metadata_has_the_shape_of_the_vector() -> None:
    vector = load_vector("oid4vc/oid4vp-client_metadata-w3c_ldp_verifier_metadata.json")
    ours = ldp_client_metadata(detailed=True)
    assert set(ours) == set(vector)
    assert set(ours["vp_formats_supported"]["ldp_vc"]) == set(
        vector["vp_formats_supported"]["ldp_vc"]
    )


def test_link_carries_the_request_by_value() -> None:
    made = _made()
    text = made.link.to_text()
    assert text.startswith("openid4vp://?response_type=vp_token&response_mode=direct_post")
    query = parse_qs(text.split("?", 1)[1])
    assert query["client_id"] == ["redirect_uri:https://verify.example.nl/oid4vp/response"]
    assert "request_uri" not in query
    assert json.loads(query["dcql_query"][0]) == made.request.dcql_query.to_dict()
    assert query["rugzak_max_qr_parts"] == ["12"]
    assert query["rugzak_code"] == ["K7QM-3XHD-9RTP-W2B5"]
    read = parse_link(text)
    assert read.request == made.request
    assert read.code == "K7QM-3XHD-9RTP-W2B5"
    assert read.max_qr_parts == 12
    # the endorsements alternative costs one QR version: 22 or less at level M
    assert len(text) < 800


def test_link_by_reference_round_trip() -> None:
    made = _made()
    text = made.by_reference.to_text()
    query = parse_qs(text.split("?", 1)[1])
    assert query["request_uri"] == ["https://verify.example.nl/oid4vp/request/K7QM3XHD9RTPW2B5"]
    read = parse_link(text)
    assert read.request is None
    assert read.request_uri == made.request_uri
    assert read.client_id == made.request.client_id


def test_a_link_by_value_is_checked_like_a_request_object() -> None:
    text = _made().link.to_text().replace("direct_post", "fragment")
    with pytest.raises(InvalidInput, match="direct_post"):
        parse_link(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("openid4vp://?client_id=x", "neither a request nor a request_uri"),
        ("openid4vp://?request_uri=https%3A%2F%2Fa.example%2Fr", "client_id"),
        ("openid4vp://?client_id=x&request=eyJ", "signed request by value"),
        ("openid4vp://?client_id=x&request_uri=http%3A%2F%2Fa.example%2Fr", "https"),
        ("rugzak-request:?challenge=A", "not an OpenID4VP"),
        (
            "openid4vp://?client_id=x&request_uri=https%3A%2F%2Fa.example%2Fr&request_uri_method=PUT",
            "get nor post",
        ),
    ],
)
def test_bad_links_are_refused(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_link(text)
    assert fragment in str(err.value)


def _claims(**over: Any) -> dict[str, Any]:
    claims = _made().request.to_claims()
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.mark.parametrize(
    ("header", "claims", "sig", "fragment"),
    [
        ({"alg": "none"}, _claims(), "", "typ"),
        ({"alg": "none", "typ": "JWT"}, _claims(), "", "typ"),
        ({"alg": "ES256", "typ": REQUEST_OBJECT_TYP}, _claims(), "c2ln", "signed"),
        (
            {"alg": "none", "typ": REQUEST_OBJECT_TYP},
            _claims(response_mode="fragment"),
            "",
            "direct_post",
        ),
        (
            {"alg": "none", "typ": REQUEST_OBJECT_TYP},
            _claims(redirect_uri="https://verify.example.nl/cb"),
            "",
            "redirect_uri",
        ),
        (
            {"alg": "none", "typ": REQUEST_OBJECT_TYP},
            _claims(transaction_data=["e30"]),
            "",
            "transaction",
        ),
        ({"alg": "none", "typ": REQUEST_OBJECT_TYP}, _claims(nonce="a b"), "", "nonce"),
        ({"alg": "none", "typ": REQUEST_OBJECT_TYP}, _claims(scope="x"), "", "scope"),
        (
            {"alg": "none", "typ": REQUEST_OBJECT_TYP},
            _claims(response_uri="https://evil.example/post"),
            "",
            "client_id names",
        ),
        (
            {"alg": "none", "typ": REQUEST_OBJECT_TYP},
            _claims(client_id="x509_san_dns:verify.example.nl"),
            "",
            "cannot check",
        ),
    ],
)
def test_request_objects_a_wallet_must_refuse(
    header: dict[str, Any], claims: dict[str, Any], sig: str, fragment: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        decode_request_object(_jwt(header, claims, sig), expected_client_id=None)
    assert err.value.code == ErrorCode.invalid_request
    assert fragment in str(err.value)


def test_link_and_request_object_client_ids_must_be_identical() -> None:
    jwt = _made().request.to_request_object()
    with pytest.raises(InvalidInput, match="differs"):
        decode_request_object(jwt, expected_client_id="redirect_uri:https://other.example/r")


def test_client_id_prefixes() -> None:
    assert client_id_prefix("redirect_uri:https://a.example/cb") == (
        "redirect_uri",
        "https://a.example/cb",
    )
    assert client_id_prefix("x509_san_dns:client.example.org") == (
        "x509_san_dns",
        "client.example.org",
    )
    assert client_id_prefix("example-client") == (None, "example-client")
    assert client_id_prefix("https://a.example") == (None, "https://a.example")


def test_nonces_are_fresh_url_safe_and_at_least_128_bits() -> None:
    nonce = new_nonce()
    assert len(base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))) * 8 >= 128
    assert nonce != new_nonce()
    assert AuthorizationRequest.from_claims(_claims(nonce=nonce)).nonce == nonce


# ------------------------------------------------------------------ response


def test_response_vector_carries_the_binding() -> None:
    vp = load_vector("oid4vc/oid4vp-response-ldp_vc.json")
    expected = binding(nonce="n-0S6_WzA2Mj", client_id="x509_san_dns:client.example.org")
    assert vp["proof"]["challenge"] == expected.challenge
    assert vp["proof"]["domain"] == expected.domain


def test_vp_token_form_round_trip() -> None:
    vp = load_vector("oid4vc/oid4vp-response-ldp_vc.json")
    body = encode_response({"example_ldp_vc": [vp]}, "eyJhb-6-sVA")
    assert body.startswith("vp_token=%7B%22example_ldp_vc%22%3A%5B%7B")
    read = parse_response(body.encode())
    assert isinstance(read, AuthorizationResponse)
    assert read.vp_token == {"example_ldp_vc": [vp]}
    assert read.state == "eyJhb-6-sVA"
    assert (
        check_vp_token_keys(
            DcqlQuery.parse(load_vector("oid4vc/oid4vp-request-dcql_ldp_vc.json")), read.vp_token
        )
        == []
    )


def test_error_response_round_trip() -> None:
    body = encode_error(OAuthError.access_denied, "the learner declined", "s1")
    assert body == "error=access_denied&error_description=the+learner+declined&state=s1"
    read = parse_response(body)
    assert read == ErrorResponse("access_denied", "the learner declined", "s1")


@pytest.mark.parametrize(
    "body",
    [
        "state=x",
        "vp_token=%5B%5D&state=x",
        "vp_token=%7B%7D",
        "vp_token=%7B%22a%22%3A%5B%5D%7D",
        "vp_token=nope",
        "vp_token=%7B%22a%22%3A%5B1%5D%7D&vp_token=%7B%22a%22%3A%5B1%5D%7D",
    ],
)
def test_bad_responses_are_refused(body: str) -> None:
    with pytest.raises(InvalidInput):
        parse_response(body)


def test_vp_token_keys_are_checked_against_the_query() -> None:
    query = open_badge_query(multiple=False)
    assert check_vp_token_keys(query, {"open_badge": [{}]}) == []
    assert check_vp_token_keys(query, {"open_badge": [{}, {}]})
    assert check_vp_token_keys(query, {"other": [{}]})


def test_request_vectors_are_not_mutated() -> None:
    raw = load_vector("oid4vc/oid4vp-request-dcql_ldp_vc.json")
    kept = copy.deepcopy(raw)
    DcqlQuery.parse(raw)
    assert raw == kept
    assert InvocationLink("a", request_uri="https://a.example/r").to_text() == (
        "openid4vp://?client_id=a&request_uri=https://a.example/r"
    )
