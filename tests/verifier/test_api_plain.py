"""The plain verdict in every answer (``plain``): how a presentation was bound to the
request, one state and one status per badge, through the real ASGI app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from tests.verifier.conftest import Clock
from tests.verifier.helpers import (
    REVOKED_INDEX,
    STRANGER,
    SUSPENDED_INDEX,
    badge,
    present,
    signed,
)
from tests.verifier.page_badges import endorsement, level_badge


async def challenge(client: httpx.AsyncClient) -> str:
    return str((await client.post("/requests", json={})).json()["challenge"])


async def plain(client: httpx.AsyncClient, vp: dict[str, Any], **extra: Any) -> dict[str, Any]:
    reply = await client.post("/verify/presentation", json={"presentation": vp, **extra})
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["plain"])


async def test_bound_replayed_and_other_request(client: httpx.AsyncClient) -> None:
    nonce = await challenge(client)
    vp = present([signed(badge())], nonce)
    assert (await plain(client, vp))["binding"] == "bound"
    assert (await plain(client, vp))["binding"] == "replayed"
    shown, other = await challenge(client), await challenge(client)
    answer = present([signed(badge())], other)
    assert (await plain(client, answer, challenge=shown))["binding"] == "other_request"


async def test_unbound_with_or_without_a_domain(client: httpx.AsyncClient) -> None:
    for domain in (None, "https://verify.example.nl"):
        vp = present([signed(badge())], None, domain=domain)
        assert (await plain(client, vp))["binding"] == "unbound"


async def test_expired_request_other_verifier_someone_else_broken(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    nonce = await challenge(client)
    other_verifier = present([signed(badge())], nonce, domain="https://elders.example")
    assert (await plain(client, other_verifier))["binding"] == "other_verifier"
    someone = present([signed(badge())], await challenge(client), holder=STRANGER)
    assert (await plain(client, someone))["binding"] == "someone_else"
    forged = present([signed(badge())], await challenge(client))
    forged["proof"]["proofValue"] = forged["proof"]["proofValue"][:-4] + "AAAA"
    assert (await plain(client, forged))["binding"] == "broken"
    vp = present([signed(badge())], await challenge(client))
    clock.now += timedelta(minutes=10, seconds=1)
    assert (await plain(client, vp))["binding"] == "expired_request"


async def test_a_bare_credential_and_one_status_word(client: httpx.AsyncClient) -> None:
    for cred, state, status in (
        (level_badge(), "valid", "not_revoked_or_suspended"),
        (level_badge(index=REVOKED_INDEX), "revoked", "revoked"),
        (level_badge(suspension_index=SUSPENDED_INDEX), "suspended", "suspended"),
        (signed(badge()), "valid", "not_revoked"),
    ):
        reply = await client.post("/verify/credential", json={"credential": cred})
        body = reply.json()
        assert body["plain"] == {"state": state, "status": status, "binding": "bare"}
        schema = [(c["code"], c["severity"]) for c in body["checks"] if c["name"] == "schema"]
        if isinstance(cred.get("credentialStatus"), list):
            assert schema == [("two_status_lists", "info")]
        else:
            assert schema == [("ok", "info")]


async def test_three_badges_one_headline(client: httpx.AsyncClient) -> None:
    nonce = await challenge(client)
    vp = present(
        [
            level_badge("doorzettingsvermogen", 3, credential_id="urn:uuid:1"),
            level_badge("creativiteit", 2, credential_id="urn:uuid:2"),
            level_badge("luisteren", 1, index=REVOKED_INDEX, credential_id="urn:uuid:3"),
        ],
        nonce,
    )
    got = await plain(client, vp)
    assert (got["total"], got["counts"]) == (3, {"valid": 2, "revoked": 1})
    assert [(s["skill"], s["number"], s["of"]) for s in got["skills"]] == [
        ("Doorzettingsvermogen", 3, 4),
        ("Creativiteit", 2, 4),
        ("Luisteren", 1, 4),
    ]
    assert got["skills"][2]["state"] == "revoked"


async def test_embedded_endorsements_are_verified_and_shown(client: httpx.AsyncClient) -> None:
    badge_id = "urn:uuid:5f0c7e1a-3b2d-4c8e-9a7f-1d2e3f4a5b6c"
    forged = endorsement(badge_id, key=STRANGER, name="Stranger BV")
    forged["credentialSubject"]["endorsementComment"] = "Beste medewerker ooit."  # changed
    cred = level_badge(endorsements=[endorsement(badge_id), forged])
    for reply in (
        await client.post("/verify/credential", json={"credential": cred}),
        await client.post(
            "/verify/presentation",
            json={"presentation": present([cred], await challenge(client))},
        ),
    ):
        body = reply.json()
        summary = (body.get("credentials") or [body])[0]["summary"]
        shown = [(e["endorser"], e["state"]) for e in summary["endorsements"]]
        # genuine, but the endorser is not on the trust list; the changed one is not genuine
        assert shown == [("Hotel De Zwaan", "unknown_issuer"), ("Stranger BV", "invalid")]
        assert summary["endorsements"][0]["comment"].startswith("Sanne hield")
        assert body["verdict"] == "valid"  # a forged endorsement does not make the badge red
