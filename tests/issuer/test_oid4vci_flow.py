"""OpenID4VCI pre-authorized code flow end to end through the ASGI app, with a
holder key made by the shared core, and every way it must refuse."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from issuer.service import Issuer
from shared.keys import SigningKey
from shared.oid4vci import (
    OB_CONFIGURATION_ID,
    PRE_AUTHORIZED_GRANT,
    CredentialOffer,
    IssuerMetadata,
    make_proof_jwt,
    parse_offer_link,
    well_known_url,
)
from tests.issuer.conftest import BASE_URL, HOLDER, FakeClock
from tests.issuer.helpers import status_source_http, verify

OTHER = SigningKey.from_seed(b"\x09" * 32)


async def _offer(client: httpx.AsyncClient, admin: dict[str, str], aid: str, **extra: Any) -> Any:
    response = await client.post("/offers", json={"achievement_id": aid, **extra}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def _token(
    client: httpx.AsyncClient, code: str, tx_code: str | None = None
) -> httpx.Response:
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return await client.post("/oid4vci/token", data=form)


async def _nonce(client: httpx.AsyncClient) -> str:
    response = await client.post("/oid4vci/nonce")
    assert response.headers["cache-control"] == "no-store"
    return str(response.json()["c_nonce"])


async def _credential(
    client: httpx.AsyncClient, token: str | None, jwt: str, config: str = OB_CONFIGURATION_ID
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"credential_configuration_id": config, "proofs": {"jwt": [jwt]}}
    return await client.post("/oid4vci/credential", json=body, headers=headers)


async def _redeemable(
    client: httpx.AsyncClient, admin: dict[str, str], aid: str
) -> tuple[str, str]:
    """An offer taken up to the access token; returns (offer id, token)."""
    created = await _offer(client, admin, aid)
    offer = parse_offer_link(created["offer_uri"])
    assert isinstance(offer, CredentialOffer)
    token = await _token(client, offer.pre_authorized_code)
    return created["id"], token.json()["access_token"]


async def test_metadata_endpoints(client: httpx.AsyncClient) -> None:
    url = well_known_url(BASE_URL).removeprefix(BASE_URL)
    meta = IssuerMetadata.parse((await client.get(url)).json())
    assert meta.credential_issuer == BASE_URL
    assert meta.credential_endpoint == f"{BASE_URL}/oid4vci/credential"
    config = meta.credential_configurations_supported[OB_CONFIGURATION_ID]
    assert config.format == "ldp_vc"
    assert config.credential_definition is not None
    assert "OpenBadgeCredential" in config.credential_definition.type
    server = (await client.get("/.well-known/oauth-authorization-server")).json()
    assert server["token_endpoint"] == f"{BASE_URL}/oid4vci/token"


async def test_offer_to_credential_end_to_end(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    created = await _offer(
        client,
        admin,
        achievement_id,
        name="Sam",
        email="sam@example.org",
        results=[{"value": "3"}],
        tx_code=True,
        qr=True,
    )
    assert created["qr_png"].startswith("data:image/png;base64,")
    assert created["tx_code"]
    assert len(created["tx_code"]) == 6
    offer = parse_offer_link(created["offer_uri"])
    assert isinstance(offer, CredentialOffer)
    assert offer.credential_issuer == BASE_URL
    assert offer.tx_code is not None
    assert offer.tx_code.length == 6

    token = await _token(client, offer.pre_authorized_code, created["tx_code"])
    assert token.status_code == 200, token.text
    assert token.headers["cache-control"] == "no-store"
    access = token.json()["access_token"]
    nonce = await _nonce(client)
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=nonce, issued_at=clock())
    response = await _credential(client, access, jwt)
    assert response.status_code == 200, response.text
    credential = response.json()["credentials"][0]["credential"]
    assert credential["credentialSubject"]["id"] == HOLDER.did
    assert credential["credentialSubject"]["result"][0]["value"] == "3"
    result = verify(credential, await status_source_http(client), clock())
    assert result.verified, result.to_dict()

    view = (await client.get(f"/offers/{created['id']}", headers=admin)).json()
    assert view["state"] == "redeemed"
    assert view["holder_did"] == HOLDER.did
    assert view["credential_id"] == credential["id"]
    audit = (await client.get(f"/audit?subject={credential['id']}", headers=admin)).json()
    assert audit[0]["actor"] == f"wallet:{HOLDER.did}"


async def test_offer_is_single_use(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str
) -> None:
    created = await _offer(client, admin, achievement_id)
    code = parse_offer_link(created["offer_uri"]).pre_authorized_code  # type: ignore[union-attr]
    assert (await _token(client, code)).status_code == 200
    again = await _token(client, code)
    assert again.status_code == 400
    assert (again.json()["error"], again.json()["code"]) == ("invalid_grant", "offer_used")


async def test_expired_offer_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    created = await _offer(client, admin, achievement_id, expires_in_seconds=600)
    clock.advance(seconds=601)
    code = parse_offer_link(created["offer_uri"]).pre_authorized_code  # type: ignore[union-attr]
    response = await _token(client, code)
    assert (response.json()["error"], response.json()["code"]) == ("invalid_grant", "offer_expired")
    view = (await client.get(f"/offers/{created['id']}", headers=admin)).json()
    assert view["state"] == "expired"


async def test_tx_code_is_required_checked_and_limited(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, issuer: Issuer
) -> None:
    created = await _offer(client, admin, achievement_id, tx_code=True)
    code = parse_offer_link(created["offer_uri"]).pre_authorized_code  # type: ignore[union-attr]
    missing = await _token(client, code)
    assert (missing.json()["error"], missing.json()["code"]) == (
        "invalid_request",
        "tx_code_required",
    )
    wrong = "000000" if created["tx_code"] != "000000" else "111111"
    for _ in range(issuer.settings.tx_code_max_attempts):
        bad = await _token(client, code, wrong)
        assert (bad.json()["error"], bad.json()["code"]) == ("invalid_grant", "tx_code_invalid")
    locked = await _token(client, code, created["tx_code"])
    assert locked.json()["code"] == "tx_code_invalid"  # too many attempts: even the right one


@pytest.mark.parametrize(
    ("form", "error", "code"),
    [
        (
            {"grant_type": "authorization_code", "code": "x"},
            "unsupported_grant_type",
            "unsupported_grant_type",
        ),
        ({"grant_type": PRE_AUTHORIZED_GRANT}, "invalid_request", "invalid_request"),
        (
            {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": "unknown"},
            "invalid_grant",
            "offer_not_found",
        ),
    ],
)
async def test_bad_token_requests(
    client: httpx.AsyncClient, form: dict[str, str], error: str, code: str
) -> None:
    response = await client.post("/oid4vci/token", data=form)
    assert response.status_code == 400
    assert (response.json()["error"], response.json()["code"]) == (error, code)


async def test_token_request_must_be_a_form(client: httpx.AsyncClient) -> None:
    response = await client.post("/oid4vci/token", json={"grant_type": PRE_AUTHORIZED_GRANT})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


async def test_missing_and_wrong_access_tokens(client: httpx.AsyncClient, clock: FakeClock) -> None:
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=await _nonce(client), issued_at=clock())
    for token, code in ((None, "token_missing"), ("made-up", "token_invalid")):
        response = await _credential(client, token, jwt)
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_token"
        assert response.json()["code"] == code
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_expired_access_token(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    _, token = await _redeemable(client, admin, achievement_id)
    clock.advance(minutes=11)
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=await _nonce(client), issued_at=clock())
    response = await _credential(client, token, jwt)
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")


def _forged_kid(clock: FakeClock, nonce: str) -> str:
    """Signed by OTHER while claiming to be HOLDER's key."""
    jwt = make_proof_jwt(OTHER, audience=BASE_URL, nonce=nonce, issued_at=clock())
    honest = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=nonce, issued_at=clock())
    return honest.split(".")[0] + "." + jwt.split(".")[1] + "." + jwt.split(".")[2]


@pytest.mark.parametrize(
    ("make", "error", "code"),
    [
        (lambda c, n: _forged_kid(c, n), "invalid_proof", "proof_invalid"),
        (
            lambda c, n: make_proof_jwt(
                HOLDER, audience="https://evil.example", nonce=n, issued_at=c()
            ),
            "invalid_proof",
            "audience_mismatch",
        ),
        (
            lambda c, n: make_proof_jwt(
                HOLDER, audience=BASE_URL, nonce="never-issued", issued_at=c()
            ),
            "invalid_nonce",
            "nonce_unknown",
        ),
        (
            lambda c, n: make_proof_jwt(
                HOLDER, audience=BASE_URL, nonce=n, issued_at=c() - timedelta(hours=1)
            ),
            "invalid_proof",
            "jwt_expired",
        ),
        (lambda c, n: "not.a.jwt", "invalid_proof", "invalid_jwt"),
    ],
)
async def test_wrong_proof_of_possession_is_refused_and_leaves_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    achievement_id: str,
    clock: FakeClock,
    issuer: Issuer,
    make: Any,
    error: str,
    code: str,
) -> None:
    offer_id, token = await _redeemable(client, admin, achievement_id)
    nonce = await _nonce(client)
    response = await _credential(client, token, make(clock, nonce))
    assert response.status_code == 400, response.text
    assert (response.json()["error"], response.json()["code"]) == (error, code)
    with issuer.store.begin() as conn:
        assert issuer.store.count_credentials(conn) == 0
    view = (await client.get(f"/offers/{offer_id}", headers=admin)).json()
    assert view["state"] == "token_issued"
    # The same token still works with a good proof afterwards.
    good = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=await _nonce(client), issued_at=clock())
    assert (await _credential(client, token, good)).status_code == 200


async def test_nonce_is_single_use_and_expires(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    _, first = await _redeemable(client, admin, achievement_id)
    _, second = await _redeemable(client, admin, achievement_id)
    nonce = await _nonce(client)
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=nonce, issued_at=clock())
    assert (await _credential(client, first, jwt)).status_code == 200
    reused = await _credential(client, second, jwt)
    assert (reused.json()["error"], reused.json()["code"]) == ("invalid_nonce", "nonce_reused")
    stale = await _nonce(client)
    clock.advance(minutes=6)
    late = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=stale, issued_at=clock())
    expired = await _credential(client, second, late)
    assert expired.json()["code"] == "nonce_expired"


async def test_redeemed_offer_cannot_be_redeemed_again(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    _, token = await _redeemable(client, admin, achievement_id)
    for expected in (200, 400):
        jwt = make_proof_jwt(
            HOLDER, audience=BASE_URL, nonce=await _nonce(client), issued_at=clock()
        )
        response = await _credential(client, token, jwt)
        assert response.status_code == expected
    assert response.json()["code"] == "offer_used"


async def test_unknown_configuration_and_malformed_requests(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    _, token = await _redeemable(client, admin, achievement_id)
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=await _nonce(client), issued_at=clock())
    unknown = await _credential(client, token, jwt, config="UniversityDegree")
    assert unknown.json()["error"] == "unknown_credential_configuration"
    headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    for body in (b"{", b"[]", b'{"credential_configuration_id": "x"}'):
        response = await client.post("/oid4vci/credential", content=body, headers=headers)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_credential_request"


async def test_offer_for_unknown_achievement_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post("/offers", json={"achievement_id": "nope"}, headers=admin)
    assert (response.status_code, response.json()["code"]) == (404, "achievement_not_found")
    assert (await client.get("/offers", headers=admin)).json() == []


async def test_offer_by_reference_gives_the_same_offer_and_a_small_qr(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    from shared.oid4vci import OfferByReference
    from shared.qr import qr_version

    created = await _offer(client, admin, achievement_id, tx_code=True)
    by_value = parse_offer_link(created["offer_uri"])
    reference = parse_offer_link(created["offer_uri_by_reference"])
    assert isinstance(reference, OfferByReference)
    assert reference.credential_offer_uri.startswith(f"{BASE_URL}/oid4vci/offers/")
    assert qr_version(created["offer_uri_by_reference"]) < qr_version(created["offer_uri"])
    fetched = await client.get(reference.credential_offer_uri.removeprefix(BASE_URL))
    assert fetched.headers["cache-control"] == "no-store"
    assert CredentialOffer.parse(fetched.json()) == by_value
    token = await _token(client, by_value.pre_authorized_code, created["tx_code"])  # type: ignore[union-attr]
    assert token.status_code == 200
    used = await client.get(reference.credential_offer_uri.removeprefix(BASE_URL))
    assert (used.status_code, used.json()["code"]) == (409, "offer_used")
    unknown = await client.get("/oid4vci/offers/not-a-code")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "offer_not_found")


async def _post(client: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
    return await client.post(
        "/oid4vci/credential", json=body, headers={"Authorization": f"Bearer {token}"}
    )


async def test_draft_13_14_request_by_format_with_proof_gets_the_draft_answer(
    client: httpx.AsyncClient, admin: dict[str, str], achievement_id: str, clock: FakeClock
) -> None:
    """Drafts 13/14: c_nonce from the token response, 'format' + 'credential_definition',
    'proof' singular; the answer is {"credential": ...} with a fresh c_nonce."""
    created = await _offer(client, admin, achievement_id)
    offer = parse_offer_link(created["offer_uri"])
    assert isinstance(offer, CredentialOffer)
    token = (await _token(client, offer.pre_authorized_code)).json()
    assert token["c_nonce"]
    assert token["c_nonce_expires_in"] > 0
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=token["c_nonce"], issued_at=clock())
    body = {
        "format": "ldp_vc",
        "credential_definition": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        },
        "proof": {"proof_type": "jwt", "jwt": jwt},
    }
    response = await _post(client, token["access_token"], body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "credentials" not in answer
    assert answer["c_nonce"]
    assert answer["c_nonce"] != token["c_nonce"]
    assert answer["credential"]["credentialSubject"]["id"] == HOLDER.did
    assert verify(answer["credential"], await status_source_http(client), clock()).verified


@pytest.mark.parametrize(
    "naming",
    [
        {"credential_configuration_id": OB_CONFIGURATION_ID},
        {"credential_identifier": OB_CONFIGURATION_ID},
    ],
)
async def test_draft_15_proof_singular_gets_credentials(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    achievement_id: str,
    clock: FakeClock,
    naming: dict[str, str],
) -> None:
    _, token = await _redeemable(client, admin, achievement_id)
    jwt = make_proof_jwt(HOLDER, audience=BASE_URL, nonce=await _nonce(client), issued_at=clock())
    response = await _post(client, token, {**naming, "proof": {"proof_type": "jwt", "jwt": jwt}})
    assert response.status_code == 200, response.text
    [issued] = response.json()["credentials"]
    assert issued["credential"]["credentialSubject"]["id"] == HOLDER.did


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"format": "jwt_vc_json", "proof": {"proof_type": "jwt", "jwt": "x"}}, 400),
        (
            {
                "format": "ldp_vc",
                "credential_definition": {"type": ["VerifiableCredential", "Diploma"]},
                "proof": {"proof_type": "jwt", "jwt": "x"},
            },
            400,
        ),
        (
            {
                "credential_configuration_id": OB_CONFIGURATION_ID,
                "proof": {"proof_type": "jwt", "jwt": "x"},
                "proofs": {"jwt": ["x"]},
            },
            400,
        ),
        ({"credential_configuration_id": OB_CONFIGURATION_ID}, 400),
        (
            {
                "format": "ldp_vc",
                "credential_configuration_id": OB_CONFIGURATION_ID,
                "proof": {"proof_type": "jwt", "jwt": "x"},
            },
            400,
        ),
        ({"credential_identifier": "x", "proof": {"proof_type": "cwt", "cwt": "x"}}, 400),
    ],
)
async def test_draft_requests_that_name_nothing_we_issue_are_refused(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    achievement_id: str,
    body: dict[str, Any],
    code: int,
) -> None:
    _, token = await _redeemable(client, admin, achievement_id)
    response = await _post(client, token, body)
    assert response.status_code == code, response.text
    assert response.json()["error"] in (
        "invalid_credential_request",
        "invalid_request",
        "unsupported_credential_type",
        "unknown_credential_configuration",
        "unsupported_credential_format",
    )
