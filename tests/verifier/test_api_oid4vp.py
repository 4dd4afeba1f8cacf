"""OpenID4VP 1.0 at the verifier: Request URI, Response URI, verdict polling (real ASGI app)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from shared.oid4vp import (
    FORM_MEDIA_TYPE,
    OAuthError,
    decode_request_object,
    encode_error,
    encode_response,
    parse_link,
)
from tests.verifier.conftest import Clock
from tests.verifier.helpers import DOMAIN, NOW, OTHER, REVOKED_INDEX, badge, present, signed

FORM = {"Content-Type": FORM_MEDIA_TYPE}
CLIENT_ID = f"redirect_uri:{DOMAIN}/oid4vp/response"


async def _open(client: httpx.AsyncClient) -> tuple[dict[str, Any], Any]:
    data = (await client.post("/requests")).json()
    link = parse_link(data["oid4vp"]["link"])
    got = await client.get(urlsplit(data["oid4vp"]["request_uri"]).path)
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/oauth-authz-req+jwt"
    assert got.headers["cache-control"] == "no-store"
    served = decode_request_object(got.text, expected_client_id=link.client_id)
    assert link.request == served  # by value (the QR code) and by reference agree
    return data, served


def _vp(request: Any, creds: list[dict[str, Any]] | None = None, **kw: Any) -> dict[str, Any]:
    return present(
        creds or [signed(badge())],
        kw.pop("challenge", request.nonce),
        domain=kw.pop("domain", request.client_id),
        **kw,
    )


async def _poll(client: httpx.AsyncClient, data: dict[str, Any]) -> dict[str, Any]:
    tid = data["oid4vp"]["transaction_id"]
    reply = await client.get(f"/requests/{data['challenge']}", params={"transaction_id": tid})
    assert reply.status_code == 200
    out: dict[str, Any] = reply.json()
    return out


async def test_request_carries_an_openid4vp_link(client: httpx.AsyncClient) -> None:
    data = (await client.post("/requests")).json()
    oid = data["oid4vp"]
    assert oid["client_id"] == CLIENT_ID
    assert oid["response_uri"] == f"{DOMAIN}/oid4vp/response"
    assert oid["request_uri"] == f"{DOMAIN}/oid4vp/request/{data['challenge']}"
    assert oid["max_qr_parts"] == 64
    assert len(base64.urlsafe_b64decode(oid["transaction_id"] + "==")) == 16
    query = parse_qs(urlsplit(oid["link"]).query)
    assert oid["link"].startswith("openid4vp://?response_type=vp_token&")
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_uri"] == [f"{DOMAIN}/oid4vp/response"]
    assert query["rugzak_max_qr_parts"] == ["64"]
    assert query["rugzak_code"] == [data["short_code"]]
    # the legacy fields still work
    assert data["short_code"]
    assert data["text"].startswith("rugzak-request:")
    svg = await client.get(f"/requests/{data['challenge']}/oid4vp.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    # without the transaction id, no transaction secret and no verdict
    plain = (await client.get(f"/requests/{data['challenge']}")).json()
    assert plain["oid4vp"]["transaction_id"] is None
    assert plain["result"] is None


async def test_request_object_follows_the_spec(client: httpx.AsyncClient) -> None:
    data, request = await _open(client)
    assert request.client_id == CLIENT_ID
    assert request.response_uri == f"{DOMAIN}/oid4vp/response"
    assert len(base64.urlsafe_b64decode(request.nonce + "==")) * 8 >= 128
    assert request.state
    assert request.nonce != data["challenge"]
    query = request.dcql_query.to_dict()["credentials"][0]
    assert query["format"] == "ldp_vc"
    assert query["meta"]["type_values"] == [
        [
            "https://www.w3.org/2018/credentials#VerifiableCredential",
            "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
        ],
        # the endorsements a learner keeps for the badges may come beside them
        ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#EndorsementCredential"],
    ]
    assert "ldp_vc" in request.client_metadata["vp_formats_supported"]
    # the typed code resolves to the same Request Object
    typed = await client.get(f"/oid4vp/request/{data['short_code'].lower()}")
    assert decode_request_object(typed.text, expected_client_id=None).nonce == request.nonce


async def test_presentation_over_openid4vp_then_replay_is_refused(
    client: httpx.AsyncClient,
) -> None:
    data, request = await _open(client)
    vp = _vp(request)
    body = encode_response({"open_badge": [vp]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"rugzak_verdict": "valid"}
    polled = await _poll(client, data)
    assert polled["state"] == "used"
    assert polled["result"]["verdict"] == "valid"
    assert polled["result"]["summary"]["oid4vp"] is True
    # replay: same answer again
    again = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_request"
    # replay into a new request: its nonce differs, so it is not bound to it
    data2, request2 = await _open(client)
    moved = encode_response({"open_badge": [vp]}, request2.state)
    refused = await client.post("/oid4vp/response", content=moved, headers=FORM)
    assert refused.status_code == 400
    assert refused.json()["rugzak_verdict"] == "invalid"
    assert (await _poll(client, data2))["state"] == "pending"
    # the Request Object of an answered request is gone
    gone = await client.get(f"/oid4vp/request/{data['challenge']}")
    assert gone.status_code == 400
    assert gone.json()["code"] == "nonce_reused"


async def test_domain_must_be_the_full_client_id(client: httpx.AsyncClient) -> None:
    data, request = await _open(client)
    vp = _vp(request, domain=DOMAIN)  # the origin alone is not the client id (§14.10)
    body = encode_response({"open_badge": [vp]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.status_code == 400
    assert (await _poll(client, data))["state"] == "pending"


async def test_revoked_badge_is_recorded_invalid(client: httpx.AsyncClient) -> None:
    data, request = await _open(client)
    vp = _vp(request, [signed(badge(index=REVOKED_INDEX))])
    body = encode_response({"open_badge": [vp]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.status_code == 200
    assert reply.json()["rugzak_verdict"] == "invalid"
    polled = await _poll(client, data)
    assert polled["result"]["verdict"] == "invalid"
    codes = {c["code"] for c in polled["result"]["credentials"][0]["errors"]}
    assert "revoked" in codes


async def test_several_presentations_for_a_multiple_query(client: httpx.AsyncClient) -> None:
    data, request = await _open(client)
    one = _vp(request, [signed(badge())])
    two = _vp(request, [signed(badge(name="Samenwerken", credential_id="urn:uuid:1"))])
    body = encode_response({"open_badge": [one, two]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json() == {"rugzak_verdict": "valid"}
    result = (await _poll(client, data))["result"]
    assert len(result["credentials"]) == 2
    assert result["summary"]["presentations"] == 2


async def test_an_endorsement_in_its_own_presentation_is_shown_on_its_badge(
    client: httpx.AsyncClient,
) -> None:
    """The wallet answers one VP per credential: the endorsement of a badge comes in a
    presentation of its own and is related to the badge across the whole answer."""
    from tests.verifier.page_badges import endorsement, level_badge

    data, request = await _open(client)
    cred = level_badge("creativiteit", 2, credential_id="urn:uuid:2")
    one = _vp(request, [cred])
    two = _vp(request, [endorsement("urn:uuid:2")])
    body = encode_response({"open_badge": [one, two]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json() == {"rugzak_verdict": "valid"}
    result = (await _poll(client, data))["result"]
    plain = result["plain"]
    assert (plain["total"], plain["counts"]) == (1, {"valid": 1})
    assert [e["endorser"] for e in plain["badges"][0]["endorsements"]] == ["Hotel De Zwaan"]
    assert plain["badges"][1]["endorses"] == [0]
    assert "unrelatedEndorsements" not in plain
    (check,) = [c for c in result["credentials"][1]["checks"] if c["name"] == "endorsement"]
    assert (check["ok"], check["code"]) == (True, "ok")  # related across both presentations


async def test_someone_elses_badge_is_invalid(client: httpx.AsyncClient) -> None:
    data, request = await _open(client)
    vp = _vp(request, [signed(badge(subject=OTHER.did))])
    body = encode_response({"open_badge": [vp]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json()["rugzak_verdict"] == "invalid"
    assert (await _poll(client, data))["result"]["verdict"] == "invalid"


async def test_wallet_error_response_is_recorded(client: httpx.AsyncClient) -> None:
    data, request = await _open(client)
    body = encode_error(OAuthError.access_denied, "declined", request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.status_code == 200
    assert reply.json() == {}
    polled = await _poll(client, data)
    assert polled["wallet_error"] == {"error": "access_denied", "error_description": "declined"}


async def test_bad_responses(client: httpx.AsyncClient, clock: Clock) -> None:
    _data, request = await _open(client)
    vp = _vp(request)
    cases = [
        (encode_response({"open_badge": [vp]}, "unknown-state"), FORM, "state"),
        (encode_response({"other": [vp]}, request.state), FORM, "did not ask"),
        (encode_response({"open_badge": [vp]}, None), FORM, "state"),
        ("vp_token=nope&state=" + request.state, FORM, "JSON"),
        (json.dumps({"vp_token": {"open_badge": [vp]}}), {"Content-Type": "application/json"}, ""),
    ]
    for body, headers, fragment in cases:
        reply = await client.post("/oid4vp/response", content=body, headers=headers)
        assert reply.status_code == 400, body[:80]
        assert reply.json()["error"] == "invalid_request"
        assert fragment in reply.json()["error_description"]
    clock.now += timedelta(minutes=11)
    late = encode_response({"open_badge": [vp]}, request.state)
    reply = await client.post("/oid4vp/response", content=late, headers=FORM)
    assert reply.status_code == 400
    assert "expired" in reply.json()["error_description"]


async def test_unknown_request_object_is_404(client: httpx.AsyncClient) -> None:
    for path in ("/oid4vp/request/0000000000000000", "/oid4vp/request/nonsense"):
        reply = await client.get(path)
        assert reply.status_code == 404
        assert reply.json()["code"] == "not_found"


async def test_stapled_status_lists_travel_beside_the_vp_token(
    make_client: Any, settings: Any, tmp_path: Any
) -> None:
    """A verifier whose trust pack has no status lists checks status with the lists the
    wallet stapled in ``rugzak_status_lists``; a stale one is refused with its own code."""
    from shared.status_staple import OID4VP_PARAMETER
    from tests.verifier.helpers import make_pack, status_list_credentials

    bare = settings.model_copy(
        update={"trust_pack": make_pack(tmp_path / "bare.json", with_lists=False)}
    )
    client = await make_client(bare)
    fresh = list(status_list_credentials().values())
    data, request = await _open(client)
    body = encode_response(
        {"open_badge": [_vp(request)]},
        request.state,
        {OID4VP_PARAMETER: json.dumps(fresh)},
    )
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json() == {"rugzak_verdict": "valid"}
    result = (await _poll(client, data))["result"]
    assert result["plain"]["badges"][0]["status_checked_at"] == "2026-11-22T12:00:00Z"

    stale = status_list_credentials(valid_from=NOW - timedelta(days=3))
    data, request = await _open(client)
    body = encode_response(
        {"open_badge": [_vp(request)]},
        request.state,
        {OID4VP_PARAMETER: json.dumps(list(stale.values()))},
    )
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json() == {"rugzak_verdict": "unknown"}
    result = (await _poll(client, data))["result"]
    codes = {c["code"] for c in result["credentials"][0]["checks"]}
    assert "status_staple_stale" in codes

    data, request = await _open(client)
    body = encode_response({"open_badge": [_vp(request)]}, request.state, {OID4VP_PARAMETER: "[{]"})
    refused = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


async def test_a_badge_of_an_earlier_key_comes_with_its_link(client: httpx.AsyncClient) -> None:
    """The wallet's key links travel in ``rugzak_holder_links``: the badge issued to the
    learner's earlier DID is theirs, presented under the new key."""
    from shared.credentials import create_presentation, issue_credential
    from shared.holder_link import link_statement
    from shared.keys import SigningKey
    from shared.status_staple import OID4VP_LINKS_PARAMETER
    from tests.verifier.helpers import LEARNER

    new_key = SigningKey.from_seed(b"\x5e" * 32)
    link = issue_credential(link_statement(LEARNER, new_key.did, now=NOW), LEARNER, created=NOW)
    data, request = await _open(client)
    vp = create_presentation(
        [signed(badge())], new_key, challenge=request.nonce, domain=request.client_id, created=NOW
    )
    body = encode_response(
        {"open_badge": [vp]}, request.state, {OID4VP_LINKS_PARAMETER: json.dumps([link])}
    )
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json() == {"rugzak_verdict": "valid"}
    result = (await _poll(client, data))["result"]
    assert result["plain"]["badges"][0]["holder_linked"] is True

    data, request = await _open(client)
    vp = create_presentation(
        [signed(badge())], new_key, challenge=request.nonce, domain=request.client_id, created=NOW
    )
    body = encode_response({"open_badge": [vp]}, request.state)
    reply = await client.post("/oid4vp/response", content=body, headers=FORM)
    assert reply.json() == {"rugzak_verdict": "invalid"}  # without the link: someone else's
